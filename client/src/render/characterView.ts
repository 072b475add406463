/**
 * How a character looks: the hero sprite (hero.png) turned to its facing, with a
 * three-frame walk cycle while its drawn position changes, tinted with a colour derived
 * from its name and outlined in a stronger shade of it, so two players are told apart at
 * a glance; a shadow at its feet, its name and level above it over a health bar (its name
 * tag, drawn by the scene over every actor) and, for the player's own character, a
 * golden outline, a pulsing golden ring and a golden name. A dead character lies on the
 * ground, greyed; a hit makes it flash, an attack makes it lunge.
 */
import { Color, Container, Graphics, Sprite, Text } from "pixi.js";
import { Facing, PLAYER_HALF_SIZE } from "@oatnut/shared";
import { HpBar, NameTag, Outline, Reactions, TargetRing, WalkAnimation } from "./actorParts.ts";
import type { Art } from "./art.ts";

const SELF_COLOR = 0xffe14d;
/** The own character's outline: the gold of its name, darker. */
const SELF_OUTLINE = 0xb88a00;
/** Feet of the sprite: the bottom of the collision box. */
const FEET_Y = PLAYER_HALF_SIZE;
/** Pixel row of the sprite frame where its feet touch the ground. */
const SPRITE_FEET_ROW = 31;
/** Where the health bar sits: just above the head. */
const BAR_Y = FEET_Y - SPRITE_FEET_ROW - 3;
const DEAD_TINT = 0x8a8a8a;

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
  level = 0;
  hp = 0;
  maxHp = 0;
  /** Reactions to the fight (flash when hit, lunge when attacking). */
  readonly reactions = new Reactions();
  private readonly sprite: Sprite;
  private readonly ring: Graphics | null;
  private readonly targetRing = new TargetRing(FEET_Y);
  /** Name, level and health bar, drawn by the scene in its tag layer. */
  readonly tag: NameTag;
  private readonly hpBar = new HpBar();
  private readonly outline: Outline;
  private readonly walk = new WalkAnimation();
  private facing: number = Facing.Down;
  private frame = 0;
  private placed = false;
  private tint = 0xffffff;

  constructor(
    name: string,
    readonly isSelf: boolean,
    private readonly art: Art,
  ) {
    this.name = name;
    const shadow = new Graphics().ellipse(0, FEET_Y - 1, 9, 3.5).fill({ color: 0x000000, alpha: 0.3 });
    this.container.addChild(shadow, this.targetRing.graphics);
    if (isSelf) {
      this.ring = new Graphics()
        .ellipse(0, FEET_Y - 1, 14, 6.5)
        .stroke({ width: 2, color: SELF_COLOR })
        .ellipse(0, FEET_Y - 1, 14, 6.5)
        .fill({ color: SELF_COLOR, alpha: 0.18 });
      this.container.addChild(this.ring);
    } else {
      this.ring = null;
    }
    this.sprite = new Sprite(art.hero[Facing.Down][0]);
    this.sprite.anchor.set(0.5, SPRITE_FEET_ROW / 32);
    this.sprite.position.set(0, FEET_Y);
    this.outline = new Outline(isSelf ? SELF_OUTLINE : 0x000000);
    const label = new Text({
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
    this.tag = new NameTag(label, this.hpBar, BAR_Y - 2, BAR_Y);
    this.container.addChild(this.outline.container, this.sprite);
    this.setName(name);
  }

  setName(name: string): void {
    this.name = name;
    this.showLabel();
    // Light tints keep the sprite's shading readable (the sheet itself is near white); the
    // outline carries the same hue, saturated and darker, so it reads against any ground.
    const hue = nameHue(name);
    this.tint = new Color({ h: hue, s: 70, l: 70 }).toNumber();
    if (!this.isSelf) this.outline.setColor(new Color({ h: hue, s: 90, l: 32 }).toNumber());
  }

  /** Health and level (public fields of every player). */
  setStats(hp: number, maxHp: number, level: number): void {
    this.hp = hp;
    this.maxHp = maxHp;
    if (level !== this.level) {
      this.level = level;
      this.showLabel();
    }
    this.hpBar.set(hp, maxHp);
    this.hpBar.graphics.visible = maxHp > 0 && hp > 0;
    this.tag.label.alpha = this.dead ? 0.7 : 1;
  }

  get dead(): boolean {
    return this.maxHp > 0 && this.hp <= 0;
  }

  /** Marks it as the selected target (player combat zones). */
  setTargeted(targeted: boolean): void {
    this.targetRing.visible = targeted;
  }

  setPosition(x: number, y: number): void {
    if (this.placed && (Math.abs(x - this.x) > 0.01 || Math.abs(y - this.y) > 0.01)) this.walk.move();
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

  /** Per-frame animation: the walk cycle, fight reactions, death pose and the rings. */
  update(now: number): void {
    const dead = this.dead;
    this.frame = dead ? 0 : this.walk.frame(now);
    this.showFrame();
    // Dead: lying on its side, greyed out.
    this.sprite.rotation = dead ? -Math.PI / 2 : 0;
    this.sprite.alpha = dead ? 0.65 : 1;
    this.reactions.apply(now, this.sprite, 0, dead ? FEET_Y - 6 : FEET_Y, dead ? DEAD_TINT : this.tint);
    this.outline.follow(this.sprite, this.art.heroSilhouette[this.facing]?.[this.frame]);
    if (this.ring) this.ring.alpha = 0.6 + 0.4 * Math.sin(now / 260);
    this.targetRing.update(now);
  }

  destroy(): void {
    this.container.destroy({ children: true });
    this.tag.destroy();
  }

  private showLabel(): void {
    const text = this.level > 0 ? `${this.name} · Lv ${this.level}` : this.name;
    if (this.tag.label.text !== text) this.tag.label.text = text;
  }

  private showFrame(): void {
    const texture = this.art.hero[this.facing]?.[this.frame];
    if (texture && this.sprite.texture !== texture) this.sprite.texture = texture;
  }
}
