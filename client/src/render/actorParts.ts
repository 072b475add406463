/**
 * Pieces every fighting actor (characters and monsters) is drawn with: the walk cycle,
 * a health bar, the reactions to a fight (a flash when hit, a lunge when attacking) and
 * the ring that marks the selected target.
 */
import { Graphics, type Sprite } from "pixi.js";

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

  constructor(private readonly width = HP_BAR_WIDTH) {}

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
