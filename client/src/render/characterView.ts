/**
 * How a character looks: the hero sprite (hero.png) turned to its facing, with a
 * three-frame walk cycle while its drawn position changes, tinted with a colour derived
 * from its name; a shadow at its feet, its name above it and, for the player's own
 * character, a pulsing golden ring and a golden name.
 */
import { Color, Container, Graphics, Sprite, Text } from "pixi.js";
import { Facing, PLAYER_HALF_SIZE } from "@oatnut/shared";
import type { Art } from "./art.ts";

const SELF_COLOR = 0xffe14d;
/** Feet of the sprite: the bottom of the collision box. */
const FEET_Y = PLAYER_HALF_SIZE;
/** Pixel row of the sprite frame where its feet touch the ground. */
const SPRITE_FEET_ROW = 31;
/** Sheet columns: 0 standing, 1 and 2 the two steps; a walk cycle goes 1, 0, 2, 0. */
const WALK_CYCLE = [1, 0, 2, 0];
const WALK_FRAME_MS = 140;
/** The drawn position must stay still this long before the walk cycle stops. */
const IDLE_AFTER_MS = 90;

/** A hue from the name, skipping the yellows (35°–75°) that mark the own character. */
export function nameHue(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  const hue = (h >>> 0) % 320;
  return hue < 35 ? hue : hue + 40;
}

export class CharacterView {
  readonly container = new Container();
  /** Position as last rendered, in world pixels. */
  x = 0;
  y = 0;
  name: string;
  private readonly sprite: Sprite;
  private readonly ring: Graphics | null;
  private readonly label: Text;
  private facing: number = Facing.Down;
  private frame = 0;
  private moved = false;
  private lastMoveAt = -Infinity;
  private walkTime = 0;
  private lastUpdate = -1;
  private placed = false;

  constructor(name: string, readonly isSelf: boolean, private readonly art: Art) {
    this.name = name;
    const shadow = new Graphics().ellipse(0, FEET_Y - 1, 9, 3.5).fill({ color: 0x000000, alpha: 0.3 });
    this.container.addChild(shadow);
    if (isSelf) {
      this.ring = new Graphics()
        .ellipse(0, FEET_Y - 1, 14, 6.5).stroke({ width: 2, color: SELF_COLOR })
        .ellipse(0, FEET_Y - 1, 14, 6.5).fill({ color: SELF_COLOR, alpha: 0.18 });
      this.container.addChild(this.ring);
    } else {
      this.ring = null;
    }
    this.sprite = new Sprite(art.hero[Facing.Down][0]);
    this.sprite.anchor.set(0.5, SPRITE_FEET_ROW / 32);
    this.sprite.position.set(0, FEET_Y);
    this.label = new Text({
      text: name,
      resolution: 3, // stays sharp when the camera zooms in
      style: {
        fontFamily: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
        fontSize: 11,
        fontWeight: "700",
        fill: isSelf ? SELF_COLOR : 0xffffff,
        stroke: { color: 0x0b0f0b, width: 3, join: "round" },
      },
    });
    this.label.anchor.set(0.5, 1);
    this.label.position.set(0, FEET_Y - SPRITE_FEET_ROW - 1);
    this.container.addChild(this.sprite, this.label);
    this.setName(name);
  }

  setName(name: string): void {
    this.name = name;
    this.label.text = name;
    // Light tints keep the sprite's shading readable; the sheet itself is near white.
    this.sprite.tint = new Color({ h: nameHue(name), s: 62, l: 72 }).toNumber();
  }

  setPosition(x: number, y: number): void {
    if (this.placed && (Math.abs(x - this.x) > 0.01 || Math.abs(y - this.y) > 0.01)) this.moved = true;
    this.placed = true;
    this.x = x;
    this.y = y;
    this.container.position.set(x, y);
    this.container.zIndex = y; // lower on screen = drawn in front
  }

  setFacing(facing: number): void {
    if (facing === this.facing || !(facing in this.art.hero)) return;
    this.facing = facing;
    this.showFrame();
  }

  /** Per-frame animation: the walk cycle and the own character's ring. */
  update(now: number): void {
    const dt = this.lastUpdate < 0 ? 0 : Math.min(100, now - this.lastUpdate);
    this.lastUpdate = now;
    if (this.moved) {
      this.lastMoveAt = now;
      this.moved = false;
    }
    if (now - this.lastMoveAt < IDLE_AFTER_MS) {
      this.walkTime += dt;
      this.frame = WALK_CYCLE[Math.floor(this.walkTime / WALK_FRAME_MS) % WALK_CYCLE.length];
    } else {
      this.walkTime = 0;
      this.frame = 0;
    }
    this.showFrame();
    if (this.ring) this.ring.alpha = 0.6 + 0.4 * Math.sin(now / 260);
  }

  destroy(): void {
    this.container.destroy({ children: true });
  }

  private showFrame(): void {
    const texture = this.art.hero[this.facing]?.[this.frame];
    if (texture && this.sprite.texture !== texture) this.sprite.texture = texture;
  }
}
