/**
 * Tile art, drawn with PixiJS Graphics at start-up (nothing is downloaded): every
 * variant of every tile kind is painted side by side into one atlas texture, then cut
 * into per-variant textures. Variants give the ground some life; water variants are
 * animation frames.
 */
import { Graphics, Rectangle, Texture, type Renderer } from "pixi.js";
import { Tile } from "@oatnut/shared";

/** Side of a tile texture in texels (the map's TILE_SIZE; sprites are scaled to the map's). */
export const TILE_TEXELS = 32;
const S = TILE_TEXELS;

/** Texture variants per tile kind. Water's variants are animation frames, in order. */
export type TileTextures = ReadonlyMap<Tile, readonly Texture[]>;

type Rng = () => number;
type Painter = (g: Graphics, ox: number, oy: number, rng: Rng, variant: number) => void;

/** Small deterministic PRNG (mulberry32), so the art is the same on every load. */
function makeRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GRASS_BASES = [0x5b9e3e, 0x5a9c3d, 0x5d9f3f, 0x5b9e3e];

const paintGrass: Painter = (g, ox, oy, rng, variant) => {
  g.rect(ox, oy, S, S).fill(GRASS_BASES[variant % GRASS_BASES.length]);
  for (let i = 0; i < 3; i++) {
    g.circle(ox + 4 + rng() * 24, oy + 4 + rng() * 24, 3 + rng() * 4).fill({ color: 0x4d8c34, alpha: 0.35 });
  }
  for (let i = 0; i < 8; i++) {
    const x = ox + 2 + Math.floor(rng() * 27);
    const y = oy + 2 + Math.floor(rng() * 26);
    g.rect(x, y, 1, 3).fill(0x3f7a2b);
    g.rect(x + 1, y + 1, 1, 2).fill(0x79bf58);
  }
  if (variant === 3) {
    const colors = [0xf6e27a, 0xf4f1ea, 0xf2a0c4];
    for (let i = 0; i < 3; i++) {
      const x = ox + 5 + rng() * 22;
      const y = oy + 5 + rng() * 22;
      g.circle(x, y, 1.6).fill(colors[i % colors.length]);
      g.circle(x, y, 0.7).fill(0xd9a21b);
    }
  }
};

const paintPath: Painter = (g, ox, oy, rng) => {
  g.rect(ox, oy, S, S).fill(0xcaa66b);
  for (let i = 0; i < 12; i++) {
    const x = ox + Math.floor(rng() * 30);
    const y = oy + Math.floor(rng() * 30);
    g.rect(x, y, 2, 2).fill({ color: rng() < 0.5 ? 0xb08d53 : 0xdcc08a, alpha: 0.85 });
  }
  for (let i = 0; i < 2; i++) {
    const x = ox + 5 + rng() * 22;
    const y = oy + 5 + rng() * 22;
    g.ellipse(x, y + 0.8, 2.8, 1.6).fill({ color: 0x8e6f3e, alpha: 0.5 });
    g.ellipse(x, y, 2.6, 1.8).fill(0xa98955);
    g.rect(x - 1, y - 1, 1.5, 1).fill({ color: 0xe6d3a6, alpha: 0.8 });
  }
};

const WALL_SHADES = [0x8b8e96, 0x80838b, 0x9497a0, 0x777a82];

const paintWall: Painter = (g, ox, oy, rng, variant) => {
  g.rect(ox, oy, S, S).fill(0x55575d); // mortar
  const rowHeight = 8;
  const brickWidth = 16;
  for (let row = 0; row < S / rowHeight; row++) {
    const offset = (row + variant) % 2 === 0 ? 0 : brickWidth / 2;
    for (let x = -offset; x < S; x += brickWidth) {
      const left = Math.max(0, x + 1);
      const right = Math.min(S, x + brickWidth - 1);
      if (right <= left) continue;
      const top = row * rowHeight + 1;
      const bx = ox + left;
      const by = oy + top;
      const w = right - left;
      g.rect(bx, by, w, rowHeight - 2).fill(WALL_SHADES[Math.floor(rng() * WALL_SHADES.length)]);
      g.rect(bx, by, w, 1).fill({ color: 0xb4b7bf, alpha: 0.55 });
      g.rect(bx, by + rowHeight - 3, w, 1).fill({ color: 0x45474c, alpha: 0.6 });
      if (rng() < 0.3) g.rect(bx + 2 + rng() * (w - 5), by + 2 + rng() * 2, 2, 1).fill({ color: 0x5f6167, alpha: 0.8 });
    }
  }
};

const paintWater: Painter = (g, ox, oy, rng, frame) => {
  g.rect(ox, oy, S, S).fill(0x3b78c4);
  const depth = makeRng(77); // same dark spots on every frame; only the waves move
  for (let i = 0; i < 3; i++) {
    g.ellipse(ox + 6 + depth() * 20, oy + 6 + depth() * 20, 5 + depth() * 4, 3).fill({ color: 0x2f66ad, alpha: 0.55 });
  }
  const waves = makeRng(131);
  for (let i = 0; i < 4; i++) {
    const baseX = 2 + waves() * 18;
    const y = oy + 4 + i * 7 + waves() * 2;
    const shift = Math.sin((frame / 3) * Math.PI * 2 + i * 1.7) * 3;
    const x = ox + Math.max(1, Math.min(S - 11, baseX + shift));
    g.moveTo(x, y).quadraticCurveTo(x + 5, y - 2.5, x + 10, y).stroke({ width: 1.3, color: 0x8fc0f0, alpha: 0.85 });
  }
  g.circle(ox + 8 + frame * 6 + rng() * 2, oy + 24, 0.9).fill({ color: 0xffffff, alpha: 0.7 });
};

const paintTree: Painter = (g, ox, oy, rng, variant) => {
  paintGrass(g, ox, oy, makeRng(991 + variant), 0);
  g.ellipse(ox + 16, oy + 25, 12, 5).fill({ color: 0x000000, alpha: 0.28 });
  g.rect(ox + 14, oy + 19, 4, 8).fill(0x6b4423);
  g.rect(ox + 14, oy + 19, 1.5, 8).fill(0x85582f);
  const cx = ox + 16;
  const cy = oy + 14;
  g.circle(cx, cy, 12).fill(0x2a6326).stroke({ width: 1, color: 0x1b441a });
  const lumps: Array<[number, number, number]> = variant === 0
    ? [[-6, 1, 6.5], [6, 1, 6.5], [0, -5, 7]]
    : [[-5, -2, 7], [6, 2, 6], [-1, 4, 6]];
  for (const [dx, dy, r] of lumps) g.circle(cx + dx, cy + dy, r).fill(0x347a2f);
  g.circle(cx - 4, cy - 5, 4).fill({ color: 0x4d9a43, alpha: 0.9 });
  g.circle(cx - 5, cy - 6, 1.8).fill({ color: 0x74bd64, alpha: 0.9 });
  for (let i = 0; i < 4; i++) {
    g.circle(cx - 8 + rng() * 16, cy - 6 + rng() * 14, 1).fill({ color: 0x1f4f1d, alpha: 0.7 });
  }
};

const KINDS: ReadonlyArray<{ tile: Tile; variants: number; paint: Painter }> = [
  { tile: Tile.Grass, variants: 4, paint: paintGrass },
  { tile: Tile.Path, variants: 3, paint: paintPath },
  { tile: Tile.Wall, variants: 2, paint: paintWall },
  { tile: Tile.Water, variants: 3, paint: paintWater },
  { tile: Tile.Tree, variants: 2, paint: paintTree },
];

/** Paints every tile variant once and returns their textures (one shared atlas). */
export function createTileTextures(renderer: Renderer): TileTextures {
  const g = new Graphics();
  const slots: Array<{ tile: Tile; index: number }> = [];
  for (const kind of KINDS) {
    for (let variant = 0; variant < kind.variants; variant++) {
      const index = slots.length;
      kind.paint(g, index * S, 0, makeRng(1 + index * 7919), variant);
      slots.push({ tile: kind.tile, index });
    }
  }
  const atlas = renderer.generateTexture({
    target: g,
    frame: new Rectangle(0, 0, slots.length * S, S),
    resolution: 2,
    antialias: true,
  });
  g.destroy();
  const textures = new Map<Tile, Texture[]>();
  for (const { tile, index } of slots) {
    const texture = new Texture({ source: atlas.source, frame: new Rectangle(index * S, 0, S, S) });
    const list = textures.get(tile) ?? [];
    list.push(texture);
    textures.set(tile, list);
  }
  return textures;
}
