/**
 * Loot lying on the ground: the item's icon bobbing gently over a shadow, a glint now and
 * then, and the count when more than one. A drop reserved for someone else (its `owner`
 * is another character) is drawn dimmed: it cannot be picked up yet.
 */
import { Container, Graphics, Sprite, Text } from "pixi.js";
import type { Art } from "./art.ts";

export class LootView {
  readonly container = new Container();
  private readonly icon: Sprite | Graphics;
  private readonly glint = new Graphics();
  private readonly countLabel: Text;
  private readonly phase: number;
  x = 0;
  y = 0;
  count = 0;
  dimmed = false;

  constructor(
    readonly item: string,
    art: Art,
  ) {
    const texture = art.item(item);
    if (texture) {
      const sprite = new Sprite(texture);
      sprite.anchor.set(0.5, 1);
      this.icon = sprite;
    } else {
      // An item this build has no art for: a plain sack.
      this.icon = new Graphics().circle(0, -6, 5).fill(0xc9a26a).stroke({ width: 1, color: 0x3b2414 });
    }
    const shadow = new Graphics().ellipse(0, 1, 6, 2).fill({ color: 0x000000, alpha: 0.3 });
    this.glint.star(0, 0, 4, 3, 1).fill({ color: 0xffffff });
    this.glint.blendMode = "add";
    this.countLabel = new Text({
      text: "",
      resolution: 3,
      style: { fontFamily: "system-ui, sans-serif", fontSize: 8, fontWeight: "700", fill: 0xffffff, stroke: { color: 0x000000, width: 2 } },
    });
    this.countLabel.anchor.set(0, 1);
    this.countLabel.position.set(4, 2);
    this.container.addChild(shadow, this.icon, this.glint, this.countLabel);
    this.phase = (item.length * 1.7) % (Math.PI * 2);
  }

  setPosition(x: number, y: number): void {
    this.x = x;
    this.y = y;
    this.container.position.set(x, y);
    this.container.zIndex = y;
  }

  setCount(count: number): void {
    if (count === this.count) return;
    this.count = count;
    this.countLabel.text = count > 1 ? String(count) : "";
  }

  /** Dimmed: reserved for another character for now. */
  setDimmed(dimmed: boolean): void {
    this.dimmed = dimmed;
    this.container.alpha = dimmed ? 0.45 : 1;
    this.icon.tint = dimmed ? 0x9a9a9a : 0xffffff;
  }

  update(now: number): void {
    const t = now / 500 + this.phase + this.x * 0.01;
    this.icon.position.set(0, -1 - Math.round((Math.sin(t) + 1) * 1.5));
    // A glint sweeps over the icon every few seconds (not over dimmed loot).
    const cycle = (now / 2400 + this.x * 0.003) % 1;
    this.glint.visible = !this.dimmed && cycle < 0.12;
    if (this.glint.visible) {
      const k = cycle / 0.12;
      this.glint.position.set(-4 + 8 * k, -12 + 4 * k);
      this.glint.alpha = Math.sin(k * Math.PI) * 0.9;
      this.glint.scale.set(0.5 + Math.sin(k * Math.PI) * 0.5);
    }
  }

  destroy(): void {
    this.container.destroy({ children: true });
  }
}
