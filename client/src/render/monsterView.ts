/**
 * How a monster looks: its kind's sheet (monsters/<kind>.png, laid out like the hero's)
 * turned to its facing and walking while it moves (slimes wobble even standing still),
 * outlined so it stands out from the ground it walks on (a dark outline; the grey wolves
 * of the forest get a pale one and a darker shadow: grey on green grass is hard to see),
 * a shadow, a health bar with its name above (its name tag, drawn by the scene over every
 * actor), and the red target ring when the player selected it. A dead monster (hp 0,
 * waiting to respawn) is not drawn: the death itself is an effect (see effects.ts).
 */
import { Container, Graphics, Sprite, Text, type Texture } from "pixi.js";
import { Facing, monsterRule, PLAYER_HALF_SIZE } from "@oatnut/shared";
import { HpBar, NameTag, Outline, Reactions, TargetRing, WalkAnimation } from "./actorParts.ts";
import type { Art } from "./art.ts";

/** Feet of the sprite: monsters collide with the same box as characters. */
const FEET_Y = PLAYER_HALF_SIZE;
const SPRITE_FEET_ROW = 30;
/** Kinds that keep wobbling while they stand. */
const ALWAYS_MOVING = new Set(["slime"]);
/** Top of each kind's drawn body above its feet, for the bar and floating numbers. */
const BODY_HEIGHT: Record<string, number> = { slime: 20, wolf: 24, skeleton: 29 };
/** Each kind's outline (colour, alpha) and shadow alpha; others get DEFAULT_LOOK. */
const LOOK: Record<string, { outline: number; outlineAlpha: number; shadow: number }> = {
  wolf: { outline: 0xf4ead2, outlineAlpha: 0.9, shadow: 0.5 },
};
const DEFAULT_LOOK = { outline: 0x0b0f0b, outlineAlpha: 0.85, shadow: 0.3 };

export class MonsterView {
  readonly container = new Container();
  x = 0;
  y = 0;
  hp = 0;
  maxHp = 0;
  facing: number = Facing.Down;
  readonly reactions = new Reactions();
  private readonly sprite: Sprite;
  private readonly frames: Texture[][];
  private readonly hpBar = new HpBar(22);
  /** Name and health bar, drawn by the scene in its tag layer. */
  readonly tag: NameTag;
  private readonly outline: Outline;
  private readonly silhouettes: Texture[][];
  private readonly ring = new TargetRing(FEET_Y, 16);
  private readonly walk = new WalkAnimation();
  private frame = 0;
  private placed = false;
  /** Height of the body above the entity's position (where bars and numbers go). */
  readonly top: number;

  constructor(
    readonly kind: string,
    art: Art,
  ) {
    this.frames = art.monster(kind);
    this.silhouettes = art.monsterSilhouette(kind);
    this.top = FEET_Y - (BODY_HEIGHT[kind] ?? 28);
    const look = LOOK[kind] ?? DEFAULT_LOOK;
    const shadow = new Graphics().ellipse(0, FEET_Y - 1, kind === "wolf" ? 12 : 10, 3.5).fill({ color: 0x000000, alpha: look.shadow });
    this.sprite = new Sprite(this.frames[Facing.Down][0]);
    this.sprite.anchor.set(0.5, SPRITE_FEET_ROW / 32);
    this.outline = new Outline(look.outline, look.outlineAlpha);
    const label = new Text({
      text: monsterRule(kind)?.name ?? kind,
      resolution: 3,
      style: {
        fontFamily: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
        fontSize: 9,
        fontWeight: "600",
        fill: 0xffb4a8,
        stroke: { color: 0x1a0b0b, width: 3, join: "round" },
      },
    });
    this.tag = new NameTag(label, this.hpBar, this.top - 4, this.top - 2);
    this.tag.label.alpha = 0.8;
    this.container.addChild(shadow, this.ring.graphics, this.outline.container, this.sprite);
  }

  get dead(): boolean {
    return this.maxHp > 0 && this.hp <= 0;
  }

  setPosition(x: number, y: number): void {
    if (this.placed && (Math.abs(x - this.x) > 0.01 || Math.abs(y - this.y) > 0.01)) this.walk.move();
    this.placed = true;
    this.x = x;
    this.y = y;
    this.container.position.set(x, y);
    this.container.zIndex = y;
  }

  setFacing(facing: number): void {
    if (facing in this.frames) this.facing = facing;
  }

  setHp(hp: number, maxHp: number): void {
    this.hp = hp;
    this.maxHp = maxHp;
    this.hpBar.set(hp, maxHp);
  }

  setTargeted(targeted: boolean): void {
    this.ring.visible = targeted;
    this.tag.label.alpha = targeted ? 1 : 0.8;
  }

  /** The texture it shows now (for its death effect). */
  get texture(): Texture {
    return this.sprite.texture;
  }

  update(now: number): void {
    this.container.visible = !this.dead;
    this.tag.visible = !this.dead;
    if (this.dead) return;
    this.frame = this.walk.frame(now, ALWAYS_MOVING.has(this.kind));
    const texture = this.frames[this.facing]?.[this.frame];
    if (texture && this.sprite.texture !== texture) this.sprite.texture = texture;
    this.reactions.apply(now, this.sprite, 0, FEET_Y, 0xffffff);
    this.outline.follow(this.sprite, this.silhouettes[this.facing]?.[this.frame]);
    this.ring.update(now);
  }

  destroy(): void {
    this.container.destroy({ children: true });
    this.tag.destroy();
  }
}
