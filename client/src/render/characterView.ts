/**
 * How a character looks: a shadow, a round body in a colour derived from its name, eyes
 * and a pointer showing which way it faces, a name label above it and, for the
 * player's own character, a pulsing golden ring.
 */
import { Color, Container, Graphics, Text } from "pixi.js";
import { Facing, PLAYER_HALF_SIZE } from "@oatnut/shared";

const BODY_RADIUS = PLAYER_HALF_SIZE + 1;
const SELF_COLOR = 0xffe14d;

const DIRECTIONS: Record<number, { x: number; y: number }> = {
  [Facing.Down]: { x: 0, y: 1 },
  [Facing.Left]: { x: -1, y: 0 },
  [Facing.Right]: { x: 1, y: 0 },
  [Facing.Up]: { x: 0, y: -1 },
};

/** A hue from the name, skipping the yellows (35°–75°) that mark the own character. */
function nameHue(name: string): number {
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
  private readonly body = new Graphics();
  private readonly face = new Graphics();
  private readonly ring: Graphics | null;
  private readonly label: Text;
  private facing = -1;
  private colors = { fill: 0, outline: 0 };

  constructor(name: string, readonly isSelf: boolean) {
    this.name = name;
    if (isSelf) {
      this.ring = new Graphics()
        .circle(0, 1, BODY_RADIUS + 5).stroke({ width: 2.5, color: SELF_COLOR })
        .ellipse(0, BODY_RADIUS - 1, BODY_RADIUS + 4, 5).fill({ color: SELF_COLOR, alpha: 0.25 });
      this.container.addChild(this.ring);
    } else {
      this.ring = null;
    }
    this.label = new Text({
      text: name,
      resolution: 3, // stays sharp when the camera zooms in
      style: {
        fontFamily: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
        fontSize: 12,
        fontWeight: "700",
        fill: isSelf ? SELF_COLOR : 0xffffff,
        stroke: { color: 0x0b0f0b, width: 3, join: "round" },
      },
    });
    this.label.anchor.set(0.5, 1);
    this.label.position.set(0, -BODY_RADIUS - 5);
    this.container.addChild(this.body, this.face, this.label);
    this.setName(name);
    this.setFacing(Facing.Down);
  }

  setName(name: string): void {
    this.name = name;
    this.label.text = name;
    const hue = nameHue(name);
    this.colors = {
      fill: new Color({ h: hue, s: 60, l: 55 }).toNumber(),
      outline: new Color({ h: hue, s: 55, l: 22 }).toNumber(),
    };
    this.drawBody();
    this.drawFace();
  }

  setPosition(x: number, y: number): void {
    this.x = x;
    this.y = y;
    this.container.position.set(x, y);
    this.container.zIndex = y; // lower on screen = drawn in front
  }

  setFacing(facing: number): void {
    if (facing === this.facing || !(facing in DIRECTIONS)) return;
    this.facing = facing;
    this.drawFace();
  }

  /** Per-frame animation (the own character's ring pulses). */
  update(now: number): void {
    if (this.ring) this.ring.alpha = 0.65 + 0.35 * Math.sin(now / 260);
  }

  destroy(): void {
    this.container.destroy({ children: true });
  }

  private drawBody(): void {
    this.body.clear()
      .ellipse(0, BODY_RADIUS - 1, BODY_RADIUS, 4).fill({ color: 0x000000, alpha: 0.3 })
      .circle(0, 0, BODY_RADIUS).fill(this.colors.fill).stroke({ width: 2, color: this.colors.outline })
      .circle(-3.5, -4, 3).fill({ color: 0xffffff, alpha: 0.25 });
  }

  private drawFace(): void {
    const d = DIRECTIONS[this.facing] ?? DIRECTIONS[Facing.Down];
    const px = -d.y; // perpendicular to the facing direction
    const py = d.x;
    const g = this.face.clear();
    // Pointer just outside the body, in the facing direction.
    const tipX = d.x * (BODY_RADIUS + 6);
    const tipY = d.y * (BODY_RADIUS + 6);
    const baseX = d.x * (BODY_RADIUS + 1);
    const baseY = d.y * (BODY_RADIUS + 1);
    g.poly([tipX, tipY, baseX + px * 4, baseY + py * 4, baseX - px * 4, baseY - py * 4])
      .fill(0xffffff)
      .stroke({ width: 1.5, color: this.colors.outline, join: "round" });
    if (this.facing === Facing.Up) return; // eyes are on the other side
    const eyes = d.x === 0 ? [[-3.5, 0], [3.5, 0]] : [[d.x * 1.5, -1], [d.x * 6, -1]];
    for (const [ex, ey] of eyes) {
      const x = ex + d.x * 1.5;
      const y = ey + d.y * 2;
      g.circle(x, y, 2.3).fill(0xffffff);
      g.circle(x + d.x * 0.9, y + d.y * 0.9, 1.2).fill(0x1a1a1a);
    }
  }
}
