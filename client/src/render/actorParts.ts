/**
 * Pieces every fighting actor (characters and monsters) is drawn with: the walk cycle,
 * a health bar, the reactions to a fight (a flash when hit, a lunge when attacking), the
 * ring that marks the selected target, a one-pixel outline around the sprite, and the
 * name tag (name and health bar) that the scene draws above every actor and moves aside
 * when tags would overlap (labelLayout.ts).
 */
import { Container, Graphics, Sprite, type Text, type Texture } from "pixi.js";
import type { TagBox } from "./labelLayout.ts";

/** Sheet columns: 0 standing, 1 and 2 the two steps; a walk cycle goes 1, 0, 2, 0. */
const WALK_CYCLE = [1, 0, 2, 0];
const WALK_FRAME_MS = 140;
/** The drawn position must stay still this long before the walk cycle stops. */
const IDLE_AFTER_MS = 90;

/** Which frame of a 3-column sheet to show, from how the drawn position changes. */
export class WalkAnimation {
  private moved = false;
  private lastMoveAt = -Infinity;
  private walkTime = 0;
  private lastUpdate = -1;

  /** Call when the drawn position changed. */
  move(): void {
    this.moved = true;
  }

  /** The sheet column for time `now`; `alwaysMoving` keeps cycling while standing (slimes). */
  frame(now: number, alwaysMoving = false): number {
    const dt = this.lastUpdate < 0 ? 0 : Math.min(100, now - this.lastUpdate);
    this.lastUpdate = now;
    if (this.moved) {
      this.lastMoveAt = now;
      this.moved = false;
    }
    if (alwaysMoving || now - this.lastMoveAt < IDLE_AFTER_MS) {
      // Standing slimes breathe at half speed.
      this.walkTime += alwaysMoving && now - this.lastMoveAt >= IDLE_AFTER_MS ? dt / 2 : dt;
      return WALK_CYCLE[Math.floor(this.walkTime / WALK_FRAME_MS) % WALK_CYCLE.length];
    }
    this.walkTime = 0;
    return 0;
  }
}

export const HP_BAR_WIDTH = 24;
const HP_BAR_HEIGHT = 3;

/** A small health bar (green, then yellow, then red), centred on its position. */
export class HpBar {
  readonly graphics = new Graphics();
  private hp = -1;
  private max = -1;

  constructor(readonly width = HP_BAR_WIDTH) {}

  set(hp: number, max: number): void {
    if (hp === this.hp && max === this.max) return;
    this.hp = hp;
    this.max = max;
    const g = this.graphics.clear();
    if (max <= 0) return;
    const w = this.width;
    const share = Math.max(0, Math.min(1, hp / max));
    const color = share > 0.5 ? 0x5fd35a : share > 0.25 ? 0xf2c84b : 0xe8503f;
    g.rect(-w / 2 - 1, -1, w + 2, HP_BAR_HEIGHT + 2).fill({ color: 0x0b0f0b, alpha: 0.85 });
    g.rect(-w / 2, 0, w, HP_BAR_HEIGHT).fill({ color: 0x3a1c1a });
    if (share > 0) g.rect(-w / 2, 0, Math.max(1, Math.round(w * share)), HP_BAR_HEIGHT).fill({ color });
    g.rect(-w / 2, 0, Math.max(1, Math.round(w * share)), 1).fill({ color: 0xffffff, alpha: 0.25 });
  }
}

const FLASH_MS = 160;
const LUNGE_MS = 180;
const LUNGE_PX = 6;

/** A hit flash and an attack lunge, applied to a sprite on top of its resting tint. */
export class Reactions {
  private flashAt = -Infinity;
  private lungeAt = -Infinity;
  private lungeX = 0;
  private lungeY = 0;
  private pendingFlash = false;
  private pendingLunge = false;

  /** Flashes on the next frame (it was hit). */
  flash(): void {
    this.pendingFlash = true;
  }

  /** Lunges toward the direction (dx, dy) on the next frame (it attacked). */
  lunge(dx: number, dy: number): void {
    const length = Math.hypot(dx, dy) || 1;
    this.lungeX = dx / length;
    this.lungeY = dy / length;
    this.pendingLunge = true;
  }

  /** Offsets and tints `sprite` for time `now`; (baseX, baseY) is where it rests. */
  apply(now: number, sprite: Sprite, baseX: number, baseY: number, baseTint: number): void {
    if (this.pendingFlash) {
      this.flashAt = now;
      this.pendingFlash = false;
    }
    if (this.pendingLunge) {
      this.lungeAt = now;
      this.pendingLunge = false;
    }
    const lunge = now - this.lungeAt < LUNGE_MS ? Math.sin(((now - this.lungeAt) / LUNGE_MS) * Math.PI) * LUNGE_PX : 0;
    const flashing = now - this.flashAt < FLASH_MS;
    const shake = flashing ? (Math.floor((now - this.flashAt) / 40) % 2 ? 1 : -1) : 0;
    sprite.position.set(baseX + this.lungeX * lunge + shake, baseY + this.lungeY * lunge);
    sprite.tint = flashing ? 0xff5a4a : baseTint;
  }
}

/** The red ring under the selected target, pulsing. */
export class TargetRing {
  readonly graphics: Graphics;

  constructor(feetY: number, radius = 15) {
    this.graphics = new Graphics()
      .ellipse(0, feetY - 1, radius, radius * 0.45)
      .fill({ color: 0xff4a3a, alpha: 0.2 })
      .ellipse(0, feetY - 1, radius, radius * 0.45)
      .stroke({ width: 1.5, color: 0xff6a4a });
    this.graphics.visible = false;
  }

  set visible(visible: boolean) {
    this.graphics.visible = visible;
  }

  update(now: number): void {
    if (this.graphics.visible) this.graphics.alpha = 0.65 + 0.35 * Math.sin(now / 180);
  }
}

/** The four directions an outline copy is shifted by (one source pixel each). */
const OUTLINE_OFFSETS: ReadonlyArray<readonly [number, number]> = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
];

/**
 * A one-pixel outline around a sprite: four copies of its white silhouette (Art's
 * `heroSilhouette`, `monsterSilhouette`), tinted, shifted a pixel each way, drawn behind
 * it. It follows the sprite's frame, position (lunges), rotation and alpha.
 */
export class Outline {
  readonly container = new Container();
  private readonly copies: Sprite[];

  constructor(color: number, alpha = 1) {
    this.copies = OUTLINE_OFFSETS.map(() => {
      const copy = new Sprite();
      copy.tint = color;
      this.container.addChild(copy);
      return copy;
    });
    this.container.alpha = alpha;
  }

  setColor(color: number): void {
    for (const copy of this.copies) copy.tint = color;
  }

  /** Draws the silhouette `texture` (the sprite's frame) around `sprite` as it is now. */
  follow(sprite: Sprite, texture: Texture | undefined): void {
    this.container.visible = sprite.visible && texture !== undefined;
    if (!texture) return;
    this.copies.forEach((copy, i) => {
      const [ox, oy] = OUTLINE_OFFSETS[i];
      if (copy.texture !== texture) copy.texture = texture;
      copy.anchor.copyFrom(sprite.anchor);
      copy.rotation = sprite.rotation;
      copy.alpha = sprite.alpha;
      copy.position.set(sprite.x + ox, sprite.y + oy);
    });
  }
}

/** How fast a tag glides to a new place (ms to cover most of the way). */
const TAG_GLIDE_MS = 90;

/**
 * An actor's name and health bar, drawn in the scene's tag layer (above every actor, so a
 * name is never hidden behind another's sprite). Its natural place is above the actor's
 * head; the scene's label layout shifts it sideways to stay on screen and up when it
 * would cover another tag, gliding to a new height rather than jumping. The scene scales
 * it down when the camera zooms far in (a 4K screen), so names keep a readable size
 * instead of growing with the world; it scales around its bottom, which stays on the head.
 */
export class NameTag {
  readonly container = new Container();
  private shiftX = 0;
  private shiftY = 0;
  private lastMove = -1;
  /** The tag's bottom (under the health bar), relative to the actor's position: the point it hangs from. */
  private readonly bottom: number;

  /**
   * @param label anchored at its bottom centre, at `labelY` above the actor's position
   * @param bar the health bar, its top at `barY`
   */
  constructor(
    readonly label: Text,
    private readonly bar: HpBar,
    private readonly labelY: number,
    barY: number,
  ) {
    this.bottom = barY + 4;
    label.anchor.set(0.5, 1);
    label.position.set(0, labelY - this.bottom);
    bar.graphics.position.set(0, barY - this.bottom);
    this.container.addChild(bar.graphics, label);
  }

  get scale(): number {
    return this.container.scale.x;
  }

  /** Draws the tag at `scale` times its size (1: world size). */
  setScale(scale: number): void {
    if (this.container.scale.x !== scale) this.container.scale.set(scale);
  }

  /** The tag's box at its natural place, relative to the actor's position (world pixels). */
  box(): TagBox {
    const scale = this.scale;
    const width = Math.max(this.label.width, this.bar.width + 2) * scale;
    const height = (this.bottom - (this.labelY - this.label.height)) * scale;
    return { left: -width / 2, top: this.bottom - height, width, height };
  }

  /** The label's box where it is drawn now, in world pixels. */
  labelBox(): TagBox {
    const scale = this.scale;
    const width = this.label.width * scale;
    const height = this.label.height * scale;
    return { left: this.container.x - width / 2, top: this.container.y + (this.labelY - this.bottom) * scale - height, width, height };
  }

  /**
   * Puts the tag over the actor at (x, y), shifted by (dx, dy) from its natural place:
   * sideways at once, vertically gliding there from where it was.
   */
  place(x: number, y: number, dx: number, dy: number, now: number): void {
    const dt = this.lastMove < 0 ? Infinity : Math.max(0, now - this.lastMove);
    this.lastMove = now;
    this.shiftX = dx;
    this.shiftY += (dy - this.shiftY) * Math.min(1, dt / TAG_GLIDE_MS);
    if (Math.abs(dy - this.shiftY) < 0.25) this.shiftY = dy;
    this.container.position.set(Math.round((x + this.shiftX) * 4) / 4, Math.round((y + this.bottom + this.shiftY) * 4) / 4);
  }

  set visible(visible: boolean) {
    this.container.visible = visible;
  }

  get visible(): boolean {
    return this.container.visible;
  }

  destroy(): void {
    this.container.destroy({ children: true });
  }
}
