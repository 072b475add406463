/**
 * What guides a player through the first minutes, in one place for main.ts: the controls
 * hint (controlsHint.ts), the portal markers and the pointer to the nearest portal
 * (portalMarkers.ts), and the touch controls (touchControls.ts).
 */
import type { GuidanceSnapshot } from "../snapshot.ts";
import { ControlsHint } from "./controlsHint.ts";
import { byId } from "./dom.ts";
import { PortalMarkers, type GuideScene } from "./portalMarkers.ts";
import { TouchControls } from "./touchControls.ts";

/** The HUD's panels the portal markers keep clear of (each takes room only while shown). */
const PANELS = [
  ".hud-info",
  "#notice",
  "#target-frame",
  ".hud-buttons",
  "#toasts",
  "#controls-hint",
  "#banner",
  "#inventory-panel",
  "#chat-log",
  "#chat-form",
  "#touch-stick",
  "#action-bar",
].join(", ");

export class Guidance {
  private readonly hint = new ControlsHint();
  private readonly touch: TouchControls;
  private readonly markers: PortalMarkers;

  /** @param setHeldDirection holds a movement direction as the keys would (the keyboard's `setHeldDirection`) */
  constructor(setHeldDirection: (dx: number, dy: number) => void) {
    this.touch = new TouchControls(setHeldDirection);
    const hud = byId("hud");
    this.markers = new PortalMarkers(byId("portal-markers"), () => hud.querySelectorAll(PANELS));
  }

  /** A character entered the world. */
  open(characterId: string): void {
    this.hint.open(characterId);
  }

  /** The play is over. */
  close(): void {
    this.hint.close();
    this.touch.release();
    this.markers.update(null, 0, 0);
  }

  /** Per frame while in the game, with the zone scene shown (null while there is none). */
  update(scene: GuideScene | null, viewW: number, viewH: number): void {
    this.markers.update(scene, viewW, viewH);
  }

  snapshot(): GuidanceSnapshot {
    return { controlsHint: this.hint.shown, touchControls: this.touch.enabled, portals: this.markers.snapshot() };
  }
}
