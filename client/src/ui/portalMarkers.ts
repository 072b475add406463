/**
 * Portal markers: one label per portal of the zone, "To <zone>" with an arrow, always on
 * screen and clear of the HUD's panels.
 * - A portal on screen has its label just above it (below it at the top of the screen),
 *   its arrow pointing at it.
 * - A portal off screen has its label at the screen's edge, where the line from the own
 *   character to the portal leaves the screen, its arrow pointing the way.
 * - The nearest portal's marker is the pointer: drawn brighter, and placed first.
 * Each marker goes to the free place nearest the one it wants (placement.ts), avoiding
 * every visible panel, the own character and its name, and the markers placed before it;
 * with no room at all it is hidden.
 */
import type { Box, PortalMarkerSnapshot, Point } from "../snapshot.ts";
import type { PortalGuide } from "../render/zoneScene.ts";
import { make } from "./dom.ts";
import { edgePoint, placeBox } from "./placement.ts";

/** What the markers read of the zone shown (the zone's `ZoneScene`). */
export interface GuideScene {
  portalGuides(): PortalGuide[];
  /** Where the own character is drawn, and the box around it and its name (null when not drawn). */
  selfScreen(): Point | null;
  selfBox(): Box | null;
}

/** Space kept between a marker and the screen's edge, a panel or another marker (CSS pixels). */
const EDGE = 8;
const GAP = 6;
/** How far above (or below) its portal an on-screen portal's label sits. */
const ABOVE = 6;

interface Marker {
  element: HTMLElement;
  arrow: HTMLElement;
  nearest: boolean;
  width: number;
  height: number;
  transform: string;
  rotation: string;
}

export class PortalMarkers {
  private scene: GuideScene | null = null;
  private markers: Marker[] = [];
  private shown: PortalMarkerSnapshot[] = [];

  /**
   * @param layer the element the markers are put in (covering the view)
   * @param panels the HUD's panels to keep clear of (hidden ones take no room)
   */
  constructor(
    private readonly layer: HTMLElement,
    private readonly panels: () => Iterable<Element>,
  ) {}

  /** Per frame: places the markers of `scene` in a view of viewW x viewH CSS pixels (none without a scene). */
  update(scene: GuideScene | null, viewW: number, viewH: number): void {
    const guides = scene?.portalGuides() ?? [];
    if (scene !== this.scene || guides.length !== this.markers.length) this.rebuild(scene, guides);
    if (!scene || guides.length === 0) {
      this.shown = [];
      return;
    }
    const self = scene.selfScreen() ?? { x: viewW / 2, y: viewH / 2 };
    let nearest = -1;
    guides.forEach((guide, i) => {
      if (guide.distance !== null && (nearest < 0 || guide.distance < guides[nearest].distance!)) nearest = i;
    });
    const order = guides
      .map((_, i) => i)
      .sort((a, b) => (a === nearest ? -1 : b === nearest ? 1 : (guides[a].distance ?? 0) - (guides[b].distance ?? 0)));
    const bounds: Box = { x: EDGE, y: EDGE, width: viewW - 2 * EDGE, height: viewH - 2 * EDGE };
    const obstacles = this.panelBoxes();
    // The own character and its name stay in sight too.
    const own = scene.selfBox();
    if (own) obstacles.push(own);
    const shown: PortalMarkerSnapshot[] = new Array<PortalMarkerSnapshot>(guides.length);
    for (const i of order) {
      const guide = guides[i];
      const marker = this.markers[i];
      this.setNearest(marker, i === nearest);
      const portal = { x: guide.screen.x + guide.screen.width / 2, y: guide.screen.y + guide.screen.height / 2 };
      const onScreen = portal.x >= 0 && portal.y >= 0 && portal.x <= viewW && portal.y <= viewH;
      const angle = Math.atan2(portal.y - self.y, portal.x - self.x);
      const { width, height } = marker;
      let wanted: Box;
      let edge: PortalMarkerSnapshot["edge"] = null;
      if (onScreen) {
        const above = guide.screen.y - ABOVE - height;
        const y = above >= bounds.y ? above : guide.screen.y + guide.screen.height + ABOVE;
        wanted = { x: portal.x - width / 2, y, width, height };
      } else {
        const exit = edgePoint(self, portal, bounds, width, height);
        edge = exit.edge;
        wanted = { x: exit.x - width / 2, y: exit.y - height / 2, width, height };
      }
      const box = width > 0 ? placeBox(wanted, bounds, obstacles, GAP) : null;
      if (box) {
        obstacles.push(box);
        const pointing = Math.atan2(portal.y - (box.y + box.height / 2), portal.x - (box.x + box.width / 2));
        this.show(marker, box, pointing);
      } else {
        marker.element.hidden = true;
      }
      shown[i] = { zone: guide.zone, label: guide.label, portal, onScreen, nearest: i === nearest, box, angle, edge };
    }
    this.shown = shown;
  }

  /** The markers as last placed, for the test hook. */
  snapshot(): PortalMarkerSnapshot[] {
    return this.shown;
  }

  private rebuild(scene: GuideScene | null, guides: PortalGuide[]): void {
    this.scene = scene;
    this.layer.replaceChildren();
    this.markers = guides.map((guide) => {
      const element = make("div", "portal-marker");
      const arrow = make("span", "portal-arrow");
      element.append(arrow, make("span", "portal-name", `To ${guide.label}`));
      element.hidden = true;
      this.layer.append(element);
      return { element, arrow, nearest: false, width: 0, height: 0, transform: "", rotation: "" };
    });
    this.shown = [];
  }

  private setNearest(marker: Marker, nearest: boolean): void {
    if (marker.nearest !== nearest || marker.width === 0) {
      marker.nearest = nearest;
      marker.element.classList.toggle("nearest", nearest);
      // Measured where it takes no room from anything: its size does not depend on its place.
      const hidden = marker.element.hidden;
      marker.element.hidden = false;
      marker.width = marker.element.offsetWidth;
      marker.height = marker.element.offsetHeight;
      marker.element.hidden = hidden;
    }
  }

  private show(marker: Marker, box: Box, pointing: number): void {
    marker.element.hidden = false;
    const transform = `translate(${Math.round(box.x)}px, ${Math.round(box.y)}px)`;
    if (transform !== marker.transform) marker.element.style.transform = marker.transform = transform;
    const rotation = `rotate(${Math.round(pointing * 100) / 100}rad)`;
    if (rotation !== marker.rotation) marker.arrow.style.transform = marker.rotation = rotation;
  }

  /** The boxes of the visible panels. */
  private panelBoxes(): Box[] {
    const boxes: Box[] = [];
    for (const panel of this.panels()) {
      const rect = panel.getBoundingClientRect();
      if (rect.width > 0 && rect.height > 0) boxes.push({ x: rect.x, y: rect.y, width: rect.width, height: rect.height });
    }
    return boxes;
  }
}
