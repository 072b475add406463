/**
 * Portals as players see them: a soft shimmering glow over the portal's rectangle and
 * motes drifting up through it. The name of the zone it leads to is the HUD's portal
 * marker (ui/portalMarkers.ts), kept on screen and clear of the panels. Only a hint —
 * the server alone decides when a character has walked in.
 */
import { Container, Graphics } from "pixi.js";
import type { Portal } from "@oatnut/shared";

const GLOW = 0x7fe3ff;
const MOTES = 7;

export class PortalView {
  readonly container = new Container();
  private readonly glow = new Graphics();
  private readonly motes = new Graphics();
  private readonly seeds: number[];

  constructor(private readonly portal: Portal) {
    const { width: w, height: h } = portal;
    this.container.position.set(portal.x, portal.y);
    // Nested rounded rectangles fake a blurred edge without a filter.
    for (let i = 0; i < 4; i++) {
      const inset = i * 3;
      this.glow.roundRect(inset - 3, inset - 3, w - 2 * inset + 6, h - 2 * inset + 6, 8).fill({ color: GLOW, alpha: 0.07 });
    }
    this.glow.roundRect(1, 1, w - 2, h - 2, 6).stroke({ width: 1.5, color: 0xc8f6ff, alpha: 0.45 });
    this.glow.blendMode = "add";
    this.motes.blendMode = "add";
    this.container.addChild(this.glow, this.motes);
    this.seeds = Array.from({ length: MOTES }, (_, i) => (i * 0.618 + portal.x * 0.013 + portal.y * 0.007) % 1);
  }

  update(now: number): void {
    const { width: w, height: h } = this.portal;
    this.glow.alpha = 0.75 + 0.25 * Math.sin(now / 420 + this.portal.x);
    const g = this.motes.clear();
    for (let i = 0; i < this.seeds.length; i++) {
      const seed = this.seeds[i];
      const t = (now / 2600 + seed) % 1;
      const x = 4 + ((seed * 7.31 + Math.sin(now / 700 + i) * 0.04) % 1) * (w - 8);
      const y = h - 3 - t * (h - 6);
      g.circle(x, y, 1.3).fill({ color: 0xe6fbff, alpha: Math.sin(t * Math.PI) * 0.8 });
    }
  }

  destroy(): void {
    this.container.destroy({ children: true });
  }
}
