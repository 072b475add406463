/**
 * Art for fights, painted in the style of the tileset and the hero (hard pixels, a dark
 * outline, light from the top-left), deterministic like the rest of `npm run art`:
 * - one sheet per monster kind, laid out like the hero sheet: 3 columns (standing, step,
 *   other step) x 4 rows (facing down, left, right, up), 32x32 frames, feet on row 30;
 * - one 16x16 icon per item (drawn on the ground and in the inventory);
 * - a 3-frame firebolt (16x16 frames side by side, flying to the right).
 * The kinds and items painted are the ones the shared rules define: a rule without a
 * painter fails the run instead of shipping a missing image.
 */
import { Img, mix, type Rgb } from "./pixels.ts";

const S = 32;

/** Frame painters per monster kind: `facing` 0 down, 1 left, 2 right, 3 up; `step` -1, 0, 1. */
export const MONSTER_PAINTERS: Record<string, (facing: number, step: number) => Img> = {
  slime: paintSlime,
  wolf: paintWolf,
  skeleton: paintSkeleton,
};

/** A monster's sheet: 3 columns (steps 0, -1, 1) x 4 rows (facings), like the hero's. */
export function paintMonsterSheet(kind: string): Img {
  const painter = MONSTER_PAINTERS[kind];
  if (!painter) throw new Error(`no painter for the monster kind "${kind}" (add one to scripts/creatureArt.ts)`);
  const sheet = new Img(3 * S, 4 * S);
  for (let facing = 0; facing < 4; facing++) {
    [0, -1, 1].forEach((step, col) => sheet.draw(painter(facing, step), col * S, facing * S));
  }
  return sheet;
}

/** Mirrors an image left-right (right-facing frames are drawn, left ones mirrored). */
function mirrored(src: Img): Img {
  const out = new Img(src.width, src.height);
  for (let y = 0; y < src.height; y++) {
    for (let x = 0; x < src.width; x++) {
      const a = src.alpha(x, y);
      if (a) out.px(src.width - 1 - x, y, src.get(x, y), a / 255);
    }
  }
  return out;
}

// ---------------------------------------------------------------- slime

const SLIME = { outline: 0x1b4220, deep: 0x2f7a33, dark: 0x45a040, mid: 0x62c452, light: 0x92e07a, high: 0xe2ffd8, eye: 0x10240f };

/** A wobbling jelly dome: squashed on one step, stretched on the other; eyes show the facing. */
function paintSlime(facing: number, step: number): Img {
  const img = new Img(S, S);
  const rx = step === -1 ? 12 : step === 1 ? 9 : 10.5;
  const ry = step === -1 ? 7.5 : step === 1 ? 10.5 : 9;
  const cx = 16;
  const bottom = 30;
  const cy = bottom - ry + 1;
  const layer = new Img(S, S);
  layer.ellipse(
    cx,
    cy,
    rx,
    ry,
    (x, y) => {
      if (y > bottom - 1) return null;
      const dx = (x + 0.5 - cx) / rx;
      const dy = (y + 0.5 - cy) / ry;
      const light = -(dx * 0.6 + dy * 0.8);
      if (y >= bottom - 2) return SLIME.deep;
      if (light > 0.6) return SLIME.light;
      if (light > 0.05) return SLIME.mid;
      if (light < -0.55) return SLIME.deep;
      return SLIME.dark;
    },
    0.92,
  );
  // A shine and a few bubbles inside.
  const hx = Math.round(cx - rx * 0.45);
  const hy = Math.round(cy - ry * 0.5);
  layer.rect(hx, hy, 3, 2, SLIME.high);
  layer.px(hx - 1, hy + 2, SLIME.high);
  layer.px(Math.round(cx + rx * 0.35), Math.round(cy + ry * 0.25), SLIME.light);
  layer.px(Math.round(cx + rx * 0.2), Math.round(cy + ry * 0.45), SLIME.light);
  if (facing !== 3) {
    // Eyes slide toward the side it faces; facing away shows only its back.
    const shift = facing === 1 ? -4 : facing === 2 ? 4 : 0;
    const ey = Math.round(cy + ry * 0.05);
    const gap = facing === 0 ? 3 : 2;
    for (const ex of [cx + shift - gap - 1, cx + shift + gap]) {
      layer.rect(ex, ey, 2, 3, SLIME.eye);
      layer.px(ex, ey, 0xffffff);
    }
    if (facing === 0) layer.rect(cx - 1, ey + 4, 3, 1, SLIME.deep);
  }
  layer.outline(SLIME.outline);
  img.draw(layer, 0, 0);
  return img;
}

// ---------------------------------------------------------------- wolf

const WOLF = {
  outline: 0x1c1a20,
  deep: 0x3e4048,
  dark: 0x565962,
  mid: 0x747881,
  light: 0x979ba4,
  high: 0xc0c3ca,
  belly: 0xcdc6b6,
  eye: 0xf2cf3a,
  nose: 0x141316,
  tongue: 0xd86a70,
};

/** Shading for a fur ellipse lit from the top-left. */
function fur(cx: number, cy: number, rx: number, ry: number): (x: number, y: number) => Rgb {
  return (x, y) => {
    const dx = (x + 0.5 - cx) / rx;
    const dy = (y + 0.5 - cy) / ry;
    const light = -(dx * 0.5 + dy * 0.85);
    if (light > 0.6) return WOLF.light;
    if (light > 0.05) return WOLF.mid;
    if (light < -0.6) return WOLF.deep;
    return WOLF.dark;
  };
}

function paintWolf(facing: number, step: number): Img {
  if (facing === 1) return mirrored(paintWolf(2, step));
  const layer = new Img(S, S);
  const bob = step === 0 ? 0 : -1;
  if (facing === 2) {
    // Profile, running right: tail, far legs, body, near legs, head.
    const legs = [
      [8, 1],
      [11, -1],
      [19, -1],
      [22, 1],
    ] as const;
    layer.line(6, 17 + bob, 2, 13 + bob - (step === 1 ? 1 : 0), WOLF.dark);
    layer.line(6, 18 + bob, 2, 14 + bob - (step === 1 ? 1 : 0), WOLF.mid);
    layer.line(3, 13 + bob, 1, 12 + bob, WOLF.high);
    for (const [x, phase] of legs) {
      const swing = step * phase * 2;
      const far = x === 11 || x === 22;
      layer.rect(x + swing, 22 + bob, 2, 7 - bob, far ? WOLF.deep : WOLF.dark);
      layer.rect(x + swing, 28, 3, 2, far ? WOLF.deep : WOLF.outline);
    }
    layer.ellipse(15, 19 + bob, 10, 5.5, fur(15, 19 + bob, 10, 5.5));
    layer.rect(9, 22 + bob, 12, 1, WOLF.belly);
    // Neck ruff and head.
    layer.ellipse(23, 16 + bob, 4.5, 5, fur(23, 16 + bob, 4.5, 5));
    layer.ellipse(25, 13 + bob, 4.5, 4, fur(25, 13 + bob, 4.5, 4));
    layer.rect(27, 13 + bob, 4, 3, WOLF.mid);
    layer.rect(27, 15 + bob, 4, 1, WOLF.belly);
    layer.px(30, 13 + bob, WOLF.nose);
    layer.px(30, 14 + bob, WOLF.nose);
    if (step !== 0) layer.px(28, 16 + bob, WOLF.tongue);
    // Ear and eye.
    layer.line(23, 10 + bob, 23, 7 + bob, WOLF.dark);
    layer.line(24, 10 + bob, 24, 8 + bob, WOLF.deep);
    layer.px(22, 8 + bob, WOLF.mid);
    layer.px(26, 12 + bob, WOLF.eye);
    layer.px(25, 12 + bob, WOLF.outline);
    layer.rect(10, 15 + bob, 8, 1, WOLF.high);
  } else if (facing === 0) {
    // Facing the viewer: head over the chest, body behind, front legs apart.
    layer.ellipse(16, 19 + bob, 7.5, 6, fur(16, 19 + bob, 7.5, 6));
    for (const [x, phase] of [
      [12, 1],
      [18, -1],
    ] as const) {
      const lift = step * phase > 0 ? 2 : 0;
      layer.rect(x, 23 + bob, 3, 6 - lift - bob, WOLF.dark);
      layer.rect(x, 28 - lift, 3, 2, WOLF.outline);
      layer.px(x, 23 + bob, WOLF.mid);
    }
    layer.ellipse(16, 21 + bob, 3.5, 3.5, WOLF.belly);
    // Ears, head, muzzle.
    for (const dir of [-1, 1]) {
      const ex = 16 + dir * 5;
      layer.line(ex, 9 + bob, ex, 5 + bob, WOLF.dark);
      layer.line(ex - dir, 9 + bob, ex - dir, 6 + bob, WOLF.mid);
      layer.px(ex - dir, 8 + bob, WOLF.tongue);
    }
    layer.ellipse(16, 12 + bob, 6.5, 5, fur(16, 12 + bob, 6.5, 5));
    layer.ellipse(16, 15 + bob, 3, 2.5, WOLF.belly);
    layer.rect(15, 14 + bob, 2, 1, WOLF.nose);
    if (step !== 0) layer.px(16, 17 + bob, WOLF.tongue);
    for (const ex of [12, 19]) {
      layer.px(ex, 11 + bob, WOLF.eye);
      layer.px(ex + (ex < 16 ? 1 : -1), 11 + bob, WOLF.outline);
    }
    layer.rect(13, 8 + bob, 6, 1, WOLF.light);
  } else {
    // Walking away: rump and tail in front, head and ears beyond.
    for (const dir of [-1, 1]) {
      const ex = 16 + dir * 5;
      layer.line(ex, 9 + bob, ex, 5 + bob, WOLF.dark);
      layer.line(ex - dir, 9 + bob, ex - dir, 6 + bob, WOLF.deep);
    }
    layer.ellipse(16, 12 + bob, 6, 4.5, fur(16, 12 + bob, 6, 4.5));
    layer.ellipse(16, 20 + bob, 8, 6.5, fur(16, 20 + bob, 8, 6.5));
    for (const [x, phase] of [
      [11, 1],
      [19, -1],
    ] as const) {
      const lift = step * phase > 0 ? 2 : 0;
      layer.rect(x, 24 + bob, 3, 5 - lift - bob, WOLF.deep);
      layer.rect(x, 28 - lift, 3, 2, WOLF.outline);
    }
    const sway = step;
    layer.ellipse(16 + sway, 19 + bob, 2, 5, (x, y) => (y < 17 + bob ? WOLF.high : WOLF.light));
    layer.rect(12, 10 + bob, 8, 1, WOLF.light);
  }
  layer.outline(WOLF.outline);
  return layer;
}

// ---------------------------------------------------------------- skeleton

const BONE = {
  outline: 0x2a2620,
  deep: 0x7d7561,
  dark: 0xa8a08a,
  mid: 0xd4ccb4,
  light: 0xeee8d6,
  high: 0xfffbee,
  socket: 0x16121a,
  glow: 0xff5a3a,
};
const RUST = { dark: 0x6a3c22, mid: 0x9a5a30, light: 0xc88a50, blade: 0xa8acb4, edge: 0xdfe4ea };

/** A shambling skeleton with a rusty sword, built like the hero (same frame, same feet row). */
function paintSkeleton(facing: number, step: number): Img {
  if (facing === 1) return mirrored(paintSkeleton(2, step));
  const layer = new Img(S, S);
  const side = facing === 2;
  const bob = step === 0 ? 0 : -1;
  const cx = 16;
  // Legs: thin bones with knobbly knees, feet on row 29.
  if (!side) {
    for (const [x, phase] of [
      [cx - 4, 1],
      [cx + 2, -1],
    ] as const) {
      const lift = step * phase > 0 ? 2 : 0;
      layer.rect(x, 23 + bob, 2, 6 - lift - bob, BONE.mid);
      layer.px(x, 26 + bob - lift, BONE.light);
      layer.rect(x - 1, 28 - lift, 3, 2, BONE.dark);
    }
  } else {
    const swing = step * 3;
    layer.rect(cx - 1 + swing, 23 + bob, 2, 6 - bob, BONE.mid);
    layer.rect(cx - 1 + swing, 28, 4, 2, BONE.dark);
    layer.rect(cx - swing, 23 + bob, 2, 6 - bob, BONE.dark);
    layer.rect(cx - swing, 28, 4, 2, BONE.deep);
  }
  // Pelvis, spine and ribs.
  const top = 14 + bob;
  layer.rect(cx - 4, top + 8, 8, 2, BONE.dark);
  layer.rect(cx - 3, top + 8, 6, 1, BONE.mid);
  layer.rect(cx - 1, top, 2, 9, side ? BONE.dark : BONE.deep);
  for (let r = 0; r < 3; r++) {
    const y = top + 1 + r * 2;
    const half = side ? 3 - (r === 2 ? 1 : 0) : 5 - (r === 2 ? 1 : 0);
    const x0 = side ? cx - half + 1 : cx - half;
    layer.rect(x0, y, 2 * half, 1, r === 0 ? BONE.light : BONE.mid);
    if (!side) {
      layer.px(x0, y + 1, BONE.dark);
      layer.px(x0 + 2 * half - 1, y + 1, BONE.dark);
    }
  }
  // Arms: the sword arm forward; the sword's blade points up from the fist.
  if (!side) {
    const swing = step;
    layer.rect(cx - 7, top + 1 - swing, 2, 7, BONE.mid);
    layer.rect(cx + 5, top + 1 + swing, 2, 7, BONE.dark);
    const hx = facing === 0 ? cx + 5 : cx - 7;
    const hy = top + 8 + (facing === 0 ? swing : -swing);
    if (facing === 0) {
      layer.rect(hx - 1, hy - 1, 4, 1, RUST.dark);
      layer.rect(hx, hy - 9, 2, 8, RUST.blade);
      layer.rect(hx, hy - 9, 1, 8, RUST.edge);
      layer.px(hx + 1, hy - 5, RUST.mid);
      layer.rect(hx, hy, 2, 2, RUST.dark);
    }
  } else {
    const swing = -step * 2;
    layer.rect(cx + swing, top + 1, 2, 6, BONE.mid);
    const hx = cx + swing + 1;
    const hy = top + 7;
    layer.rect(hx, hy - 1, 2, 2, BONE.light);
    layer.line(hx + 2, hy, hx + 9, hy - 7, RUST.blade);
    layer.line(hx + 2, hy - 1, hx + 8, hy - 7, RUST.edge);
    layer.px(hx + 5, hy - 3, RUST.mid);
    layer.rect(hx + 1, hy - 2, 1, 4, RUST.dark);
  }
  // Skull.
  const hy = 8 + bob;
  layer.ellipse(cx, hy, 6, 5.5, (x, y) => (y < hy - 2 && x < cx ? BONE.high : x > cx + 3 || y > hy + 3 ? BONE.dark : BONE.light));
  if (facing === 0) {
    layer.rect(cx - 4, hy, 3, 3, BONE.socket);
    layer.rect(cx + 1, hy, 3, 3, BONE.socket);
    layer.px(cx - 3, hy + 1, BONE.glow);
    layer.px(cx + 2, hy + 1, BONE.glow);
    layer.px(cx, hy + 3, BONE.socket);
    layer.rect(cx - 3, hy + 5, 6, 2, BONE.mid);
    for (let x = cx - 3; x < cx + 3; x += 2) layer.px(x, hy + 5, BONE.socket);
  } else if (side) {
    layer.rect(cx + 2, hy, 3, 3, BONE.socket);
    layer.px(cx + 3, hy + 1, BONE.glow);
    layer.px(cx + 5, hy + 3, BONE.socket);
    layer.rect(cx + 1, hy + 5, 5, 2, BONE.mid);
    layer.px(cx + 3, hy + 5, BONE.socket);
    layer.px(cx - 4, hy - 1, BONE.dark);
  } else {
    layer.line(cx - 2, hy - 3, cx + 1, hy + 1, BONE.dark);
    layer.px(cx + 2, hy + 2, BONE.dark);
  }
  layer.outline(BONE.outline);
  return layer;
}

// ---------------------------------------------------------------- items

const ICON = 16;

/** Item icon painters, 16x16, by item id. */
export const ITEM_PAINTERS: Record<string, (img: Img) => void> = {
  potion: (img) => {
    // A round flask of red draught, cork on top.
    img.rect(6, 1, 4, 3, 0x9a6a3a);
    img.rect(6, 1, 2, 1, 0xc89a62);
    img.rect(6, 4, 4, 2, 0xb8d8e8);
    img.disc(8, 10, 5.5, (x, y) => (y < 8 ? 0xd4ecf4 : y < 10 && x < 7 ? 0xff7a6a : x > 9 || y > 13 ? 0x9a1e2a : 0xd8343a));
    img.rect(4, 8, 8, 1, 0xf0a0a0, 0.6);
    img.px(5, 9, 0xffffff);
    img.px(5, 10, 0xffe0e0);
    img.outline(0x2a1418);
  },
  pelt: (img) => {
    // A stretched grey hide: head and ears on top, four legs, a tail below.
    for (const [x0, y0, x1, y1] of [
      [5, 6, 2, 4],
      [10, 6, 13, 4],
      [5, 11, 2, 13],
      [10, 11, 13, 13],
    ] as const) {
      img.line(x0, y0, x1, y1, WOLF.dark);
      img.line(x0, y0 + 1, x1, y1 + 1, WOLF.mid);
    }
    img.ellipse(8, 9, 4.5, 5, (x, y) => (x < 7 && y < 8 ? WOLF.light : x > 9 || y > 11 ? WOLF.dark : WOLF.mid));
    img.rect(6, 2, 4, 3, WOLF.mid);
    img.px(6, 1, WOLF.dark);
    img.px(9, 1, WOLF.dark);
    img.rect(7, 14, 2, 2, WOLF.dark);
    for (let y = 6; y < 13; y += 2) img.px(8, y, WOLF.high);
    img.px(6, 8, WOLF.belly);
    img.px(7, 10, WOLF.belly);
    img.outline(WOLF.outline);
  },
  gel: (img) => {
    // A quivering drop of slime.
    img.ellipse(8, 10, 5.5, 4.5, (x, y) => (y < 9 && x < 8 ? SLIME.light : x > 10 || y > 12 ? SLIME.dark : SLIME.mid), 0.95);
    img.ellipse(8, 5.5, 2.5, 3, SLIME.mid, 0.95);
    img.rect(5, 8, 2, 1, SLIME.high);
    img.px(6, 4, SLIME.high);
    img.px(10, 11, SLIME.light);
    img.outline(SLIME.outline);
  },
  bone: (img) => {
    // A femur, corner to corner.
    img.line(4, 11, 11, 4, BONE.light);
    img.line(5, 12, 12, 5, BONE.mid);
    img.line(4, 12, 11, 5, BONE.light);
    for (const [x, y] of [
      [3, 11],
      [4, 13],
      [2, 12],
      [12, 3],
      [13, 5],
      [11, 2],
    ] as const)
      img.disc(x, y, 1.6, BONE.light);
    img.px(2, 12, BONE.high);
    img.px(11, 2, BONE.high);
    img.px(13, 5, BONE.dark);
    img.px(4, 13, BONE.dark);
    img.outline(BONE.outline);
  },
};

export function paintItemIcon(item: string): Img {
  const painter = ITEM_PAINTERS[item];
  if (!painter) throw new Error(`no icon painter for the item "${item}" (add one to scripts/creatureArt.ts)`);
  const img = new Img(ICON, ICON);
  painter(img);
  return img;
}

// ---------------------------------------------------------------- effects

/** The firebolt: 3 frames of 16x16, flying right (the client rotates it toward the target). */
export function paintFirebolt(): Img {
  const sheet = new Img(3 * ICON, ICON);
  for (let frame = 0; frame < 3; frame++) {
    const img = new Img(ICON, ICON);
    const core = new Img(ICON, ICON);
    core.disc(10, 8, 4.5, 0xff7a20);
    core.disc(10.5, 7.5, 3, 0xffc050);
    core.disc(11, 7, 1.6, 0xfff6c8);
    core.outline(0x8a2a0c);
    // Tail: embers trailing to the left, flickering per frame (no outline: it glows).
    for (let i = 0; i < 8; i++) {
      const x = 7 - i;
      const wave = Math.round(Math.sin((i + frame * 2) * 1.3) * (i / 4));
      const half = Math.max(0, 2 - Math.floor(i / 3));
      for (let dy = -half; dy <= half; dy++) {
        img.px(x, 8 + dy + wave, mix(0xffd060, 0xff4a18, i / 8), 0.95 - i / 9);
      }
    }
    img.draw(core, 0, 0);
    img.px(7 - frame, 4 + frame, 0xffe080, 0.9);
    img.px(5 + frame, 12 - frame, 0xffa040, 0.8);
    sheet.draw(img, frame * ICON, 0);
  }
  return sheet;
}
