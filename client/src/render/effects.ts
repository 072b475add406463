/**
 * Short-lived fight effects drawn over the actors, in world space: floating numbers
 * (damage dealt, damage taken, heals, misses), a slash across a melee target, a firebolt
 * flying from caster to target, a burst of light (level up, respawn) and a fading corpse.
 * Effects follow moving actors through anchors (functions that say where an actor is
 * drawn now) and vanish on their own. They are cues only: the state stays the truth.
 */
import { Container, Graphics, Sprite, Text, type Texture } from "pixi.js";

/** Where an actor is drawn right now (its position, world pixels), or null once it is gone. */
export type Anchor = () => { x: number; y: number } | null;

/** How a floating number looks. */
export type NumberStyle = "dealt" | "taken" | "other" | "heal" | "miss" | "info";

const NUMBER_COLORS: Record<NumberStyle, { fill: number; stroke: number; size: number }> = {
  dealt: { fill: 0xfff1a8, stroke: 0x3a2a00, size: 13 },
  taken: { fill: 0xff6b5a, stroke: 0x2a0505, size: 13 },
  other: { fill: 0xf0f0f0, stroke: 0x1a1a1a, size: 10 },
  heal: { fill: 0x7dff86, stroke: 0x05260a, size: 12 },
  miss: { fill: 0xb8c4d0, stroke: 0x101418, size: 10 },
  info: { fill: 0xffe14d, stroke: 0x2a2000, size: 12 },
};

const NUMBER_MS = 950;
const SLASH_MS = 220;
const BOLT_SPEED = 520; // px/s
const BURST_MS = 700;
const CORPSE_MS = 900;

interface Effect {
  /** Advances to `now`; false once finished (then it is destroyed). */
  update(now: number): boolean;
  destroy(): void;
}

export class Effects {
  readonly container = new Container();
  private readonly effects: Effect[] = [];
  private now = 0;

  constructor(private readonly fireboltFrames: Texture[]) {}

  /**
   * A number rising from above an actor. `top` is the height of its body above its
   * position (negative: up), so the number starts over its head.
   * @returns whether it is shown (false when the actor is gone)
   */
  number(at: Anchor, top: number, text: string, style: NumberStyle): boolean {
    const where = at();
    if (!where) return false;
    const look = NUMBER_COLORS[style];
    const label = new Text({
      text,
      resolution: 3,
      style: {
        fontFamily: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
        fontSize: look.size,
        fontWeight: "800",
        fill: look.fill,
        stroke: { color: look.stroke, width: 3, join: "round" },
      },
    });
    label.anchor.set(0.5, 1);
    this.container.addChild(label);
    // Numbers over the same spot fan out a little so they stay readable.
    const drift = ((this.effects.length * 7) % 15) - 7;
    const born = this.now;
    this.effects.push({
      update: (now) => {
        const t = (now - born) / NUMBER_MS;
        if (t >= 1) return false;
        const follow = at() ?? where;
        const pop = t < 0.15 ? 0.7 + (t / 0.15) * 0.5 : 1.2 - Math.min(0.2, (t - 0.15) * 0.6);
        label.scale.set(pop);
        // Starts above the name label, then rises.
        label.position.set(follow.x + drift * t, follow.y + top - 18 - t * 22);
        label.alpha = t < 0.7 ? 1 : 1 - (t - 0.7) / 0.3;
        return true;
      },
      destroy: () => label.destroy(),
    });
    return true;
  }

  /** A bright arc across the target, angled from the attacker. */
  slash(from: Anchor, to: Anchor, top: number): void {
    const a = from();
    const b = to();
    if (!a || !b) return;
    const angle = Math.atan2(b.y - a.y, b.x - a.x);
    const g = new Graphics();
    g.blendMode = "add";
    this.container.addChild(g);
    const born = this.now;
    this.effects.push({
      update: (now) => {
        const t = (now - born) / SLASH_MS;
        if (t >= 1) return false;
        const target = to() ?? b;
        g.position.set(target.x, target.y + top / 2);
        g.rotation = angle;
        const sweep = Math.PI * 0.9;
        const start = -sweep / 2 + sweep * Math.max(0, t - 0.35);
        const end = -sweep / 2 + sweep * Math.min(1, t * 1.6);
        g.clear();
        g.arc(-4, 0, 12, start, end).stroke({ width: 3, color: 0xffffff, alpha: 1 - t });
        g.arc(-4, 0, 9, start, end).stroke({ width: 2, color: 0xffe08a, alpha: 0.8 * (1 - t) });
        return true;
      },
      destroy: () => g.destroy(),
    });
  }

  /** A firebolt flying from `from` to `to`; `arrived` runs when it lands (not if the scene goes first). */
  bolt(from: Anchor, to: Anchor, top: number, arrived: () => void): void {
    const a = from();
    const b = to();
    if (!a || !b) {
      arrived();
      return;
    }
    const sprite = new Sprite(this.fireboltFrames[0]);
    sprite.anchor.set(0.6, 0.5);
    sprite.blendMode = "add";
    this.container.addChild(sprite);
    const born = this.now;
    const start = { x: a.x, y: a.y - 10 };
    const duration = Math.max(120, (Math.hypot(b.x - a.x, b.y - a.y) / BOLT_SPEED) * 1000);
    let landed = false;
    this.effects.push({
      update: (now) => {
        const t = Math.min(1, (now - born) / duration);
        const end = to() ?? b;
        const ex = end.x;
        const ey = end.y + top / 2;
        sprite.position.set(start.x + (ex - start.x) * t, start.y + (ey - start.y) * t);
        sprite.rotation = Math.atan2(ey - start.y, ex - start.x);
        const frames = this.fireboltFrames;
        if (frames.length > 0) sprite.texture = frames[Math.floor(now / 70) % frames.length];
        if (t >= 1 && !landed) {
          landed = true;
          arrived();
          return false;
        }
        return true;
      },
      // Removed before landing (the scene went away): nothing left to show it on.
      destroy: () => sprite.destroy(),
    });
  }

  /** An expanding ring of light around an actor (level up, respawn). */
  burst(at: Anchor, color: number): void {
    const g = new Graphics();
    g.blendMode = "add";
    this.container.addChild(g);
    const born = this.now;
    this.effects.push({
      update: (now) => {
        const t = (now - born) / BURST_MS;
        if (t >= 1) return false;
        const where = at();
        if (where) g.position.set(where.x, where.y + 6);
        const r = 6 + t * 26;
        g.clear();
        g.ellipse(0, 0, r, r * 0.5).stroke({ width: 3 * (1 - t) + 1, color, alpha: 1 - t });
        for (let i = 0; i < 6; i++) {
          const angle = (i / 6) * Math.PI * 2 + t * 2;
          g.circle(Math.cos(angle) * r * 0.8, Math.sin(angle) * r * 0.4 - t * 30, 1.5).fill({ color: 0xffffff, alpha: 1 - t });
        }
        return true;
      },
      destroy: () => g.destroy(),
    });
  }

  /** A monster's last frame sinking and fading where it died. */
  corpse(texture: Texture, x: number, y: number, feetY: number): void {
    const sprite = new Sprite(texture);
    sprite.anchor.set(0.5, 30 / 32);
    sprite.position.set(x, y + feetY);
    sprite.tint = 0xff9a8a;
    this.container.addChild(sprite);
    const born = this.now;
    this.effects.push({
      update: (now) => {
        const t = (now - born) / CORPSE_MS;
        if (t >= 1) return false;
        sprite.alpha = 1 - t;
        sprite.scale.set(1 + t * 0.2, 1 - t * 0.7);
        sprite.tint = t < 0.2 ? 0xffffff : 0xff9a8a;
        return true;
      },
      destroy: () => sprite.destroy(),
    });
  }

  update(now: number): void {
    this.now = now;
    for (let i = this.effects.length - 1; i >= 0; i--) {
      const effect = this.effects[i];
      if (!effect.update(now)) {
        effect.destroy();
        this.effects.splice(i, 1);
      }
    }
  }

  destroy(): void {
    for (const effect of this.effects) effect.destroy();
    this.effects.length = 0;
    this.container.destroy({ children: true });
  }
}
