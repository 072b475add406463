/**
 * Generates the game's art, deterministically (seeded PRNG, no downloads):
 * - shared/zones/tilesets/overworld.png + overworld.tsj: the 32x32 tileset every zone map
 *   uses (ground, water with 3 animation frames, walls, houses, trees, props, dungeon,
 *   cliffs and a cave mouth, torches, a portal glyph, and autotile overlays for banks,
 *   path edges and forest canopy), with `kind`/`solid` tile properties and animations;
 * - client/public/sprites/hero.png: the character sheet, 3 columns (walk frames) x 4 rows
 *   (facing: down, left, right, up = `Facing` 0..3), 32x32 each, in light neutral tones so
 *   the client can tint it per player. Column 0 is the standing pose, columns 1 and 2 the
 *   two steps; a walk cycle is 1, 0, 2, 0.
 *
 * - client/public/sprites/monsters/<kind>.png: one sheet per monster kind of the shared
 *   rules (`MONSTERS`), laid out like the hero's; client/public/sprites/items/<item>.png: a
 *   16x16 icon per item (`ITEMS`); client/public/sprites/effects/firebolt.png: 3 frames of
 *   16x16 (see scripts/creatureArt.ts).
 *
 * Run: `npm run art` (tsx scripts/generate-art.ts). Options: `--preview DIR` also writes
 * 3x-scaled copies into DIR for viewing.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ITEMS, MONSTERS, seededRandom } from "@oatnut/shared";
import { paintFirebolt, paintItemIcon, paintMonsterSheet } from "./creatureArt.ts";
import { encodePng } from "./png.ts";
import { Img, mix, seedOf, shade, tileNoise, type Rgb } from "./pixels.ts";
import { COLUMNS, EDGE, TILE_SIZE, TILES, tileId, type TileDef } from "./tileset.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const S = TILE_SIZE;

type Rng = () => number;
type Painter = (img: Img, rng: Rng) => void;

const randInt = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
/** A periodic wobble along an edge (period 32, so neighbouring tiles line up). */
const wobble = (t: number, phase: number, amp = 1) =>
  Math.round(amp * (Math.sin((t / 32) * Math.PI * 4 + phase) * 0.6 + Math.sin((t / 32) * Math.PI * 2 + phase * 2.3) * 0.4));

// ---------------------------------------------------------------- palettes

const GRASS = { deep: 0x2f6128, dark: 0x41803a, mid: 0x58a044, light: 0x6eb54f, high: 0x8fce66 };
const FOREST_FLOOR = { deep: 0x25492a, dark: 0x33643a, mid: 0x3f7640, light: 0x4d8a4a, high: 0x66a35a };
const DIRT = { dark: 0x98713f, mid: 0xb48a55, light: 0xc9a26a, high: 0xdcbb85 };
const STONE = { outline: 0x34333a, dark: 0x6c6b74, mid: 0x8b8a93, light: 0xa9a8b0, high: 0xc6c5cc, mortar: 0x4f4d55 };
const DSTONE = { outline: 0x15141b, dark: 0x2b2a37, mid: 0x3b394a, light: 0x4c4a5e, high: 0x63617a, mortar: 0x1f1e28 };
const WOOD = { outline: 0x3b2414, dark: 0x6a4324, mid: 0x8c5c32, light: 0xad7a45, high: 0xc99a62 };
const WATER = { deep: 0x2a5a9e, mid: 0x3572c0, light: 0x4d8ed8, crest: 0x8ec6f2, sparkle: 0xeaf7ff };
const LEAF = { outline: 0x173a1c, deep: 0x1f4d27, dark: 0x2c6a30, mid: 0x3d873a, light: 0x57a546, high: 0x7cc45c };
const PINE = { outline: 0x10301f, deep: 0x173f2b, dark: 0x1f5436, mid: 0x2b6b41, light: 0x3d8651, high: 0x5aa566 };
const ROCK = { outline: 0x34302a, dark: 0x5f5850, mid: 0x807a70, light: 0xa29c90, high: 0xc2bdb0 };
const CLIFF = { outline: 0x2e261f, dark: 0x594a3b, mid: 0x74624e, light: 0x8f7c64, high: 0xa99679 };

// ---------------------------------------------------------------- ground

function noiseFill(img: Img, seed: number, colors: Rgb[], thresholds: number[], grain = 0.12): void {
  const coarse = tileNoise(seed, 32, 4);
  const fine = tileNoise(seed ^ 0x5bd1e995, 32, 8);
  const rng = seededRandom(seed ^ 0x1234567);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const v = coarse(x, y) * 0.65 + fine(x, y) * 0.35 + (rng() - 0.5) * grain;
      let i = 0;
      while (i < thresholds.length && v > thresholds[i]) i++;
      img.px(x, y, colors[i]);
    }
  }
}

function grassTuft(img: Img, x: number, y: number, pal: typeof GRASS): void {
  img.px(x, y, pal.deep);
  img.px(x - 1, y - 1, pal.dark);
  img.px(x + 1, y - 1, pal.dark);
  img.px(x, y - 1, pal.dark);
  img.px(x - 2, y - 2, pal.dark);
  img.px(x + 1, y - 2, pal.light);
  img.px(x + 2, y - 3, pal.high);
  img.px(x - 1, y - 2, pal.light);
}

function paintGrassLike(pal: typeof GRASS, seed: number, tufts: number, extra?: Painter): Painter {
  return (img, rng) => {
    img.wrap = true;
    noiseFill(img, seed, [pal.dark, pal.mid, pal.light], [0.33, 0.68]);
    for (let i = 0; i < tufts; i++) grassTuft(img, randInt(rng, 0, 31), randInt(rng, 0, 31), pal);
    for (let i = 0; i < 14; i++) img.px(randInt(rng, 0, 31), randInt(rng, 0, 31), rng() < 0.5 ? pal.high : pal.dark);
    extra?.(img, rng);
    img.wrap = false;
  };
}

const flowers: Painter = (img, rng) => {
  const petals = [0xfff3f0, 0xf7d84a, 0xf08ab5, 0x9fb8ff];
  for (let i = 0; i < 5; i++) {
    const x = randInt(rng, 2, 29);
    const y = randInt(rng, 2, 29);
    const petal = petals[i % petals.length];
    img.px(x, y + 2, GRASS.deep);
    img.px(x - 1, y, petal);
    img.px(x + 1, y, petal);
    img.px(x, y - 1, petal);
    img.px(x, y + 1, petal);
    img.px(x, y, i % 2 ? 0xe8a020 : 0xfff6a0);
  }
};

const leafLitter: Painter = (img, rng) => {
  for (let i = 0; i < 6; i++) {
    const x = randInt(rng, 0, 31);
    const y = randInt(rng, 0, 31);
    const c = [0x8a6a30, 0x9a5a2a, 0x6a7a30][i % 3];
    img.px(x, y, c);
    img.px(x + 1, y, shade(c, 0.8));
  }
};

function paintDirt(seed: number, stones: number): Painter {
  return (img, rng) => {
    img.wrap = true;
    noiseFill(img, seed, [DIRT.dark, DIRT.mid, DIRT.light], [0.3, 0.7], 0.2);
    for (let i = 0; i < 22; i++) img.px(randInt(rng, 0, 31), randInt(rng, 0, 31), rng() < 0.5 ? DIRT.high : DIRT.dark);
    for (let i = 0; i < stones; i++) {
      const x = randInt(rng, 0, 31);
      const y = randInt(rng, 0, 31);
      const w = randInt(rng, 2, 3);
      img.rect(x, y + 1, w, 1, shade(DIRT.dark, 0.8));
      img.rect(x, y, w, 1, ROCK.light);
      img.px(x, y, ROCK.high);
    }
    img.wrap = false;
  };
}

const paintSand: Painter = (img, rng) => {
  img.wrap = true;
  noiseFill(img, 991, [0xd3b878, 0xdfc68a, 0xe9d49c], [0.3, 0.72], 0.25);
  for (let i = 0; i < 3; i++) {
    const y = randInt(rng, 0, 31);
    const x = randInt(rng, 0, 31);
    for (let k = 0; k < 9; k++) img.px(x + k, y + Math.round(Math.sin(k / 2) * 0.8), 0xf3e3b4, 0.8);
  }
  for (let i = 0; i < 18; i++) img.px(randInt(rng, 0, 31), randInt(rng, 0, 31), rng() < 0.6 ? 0xc4a865 : 0xf6e8c0);
  img.px(randInt(rng, 4, 27), randInt(rng, 4, 27), 0xf0b8a8);
  img.wrap = false;
};

const paintCobble: Painter = (img, rng) => {
  img.rect(0, 0, S, S, 0x5c5a55);
  for (let row = 0; row < 4; row++) {
    const offset = row % 2 ? 4 : 0;
    for (let col = -1; col < 4; col++) {
      const x0 = col * 8 + offset;
      const y0 = row * 8;
      const base = mix(0x9a958a, [0x8c8a84, 0xa8a294, 0x9c9080][randInt(rng, 0, 2)], 0.6);
      for (let y = 1; y < 8; y++) {
        for (let x = 1; x < 8; x++) {
          const corner = (x === 1 || x === 7) && (y === 1 || y === 7);
          if (corner) continue;
          let c = base;
          if (y === 1 || x === 1) c = shade(base, 1.14);
          if (y === 7 || x === 7) c = shade(base, 0.76);
          if (rng() < 0.08) c = shade(c, 0.92);
          const px = (((x0 + x) % S) + S) % S;
          img.px(px, y0 + y, c);
        }
      }
    }
  }
};

function paintWater(frame: number): Painter {
  return (img) => {
    img.wrap = true;
    noiseFill(img, 4242, [WATER.deep, WATER.mid, WATER.light], [0.32, 0.78], 0.06);
    const crests = seededRandom(777);
    const phase = (frame / 3) * Math.PI * 2;
    for (let i = 0; i < 7; i++) {
      const x0 = Math.floor(crests() * 32);
      const y0 = Math.floor(crests() * 32);
      const len = 3 + Math.floor(crests() * 4);
      const p = crests() * Math.PI * 2;
      const dx = Math.round(Math.sin(phase + p) * 2);
      const dy = Math.round(Math.cos(phase + p) * 0.6);
      for (let k = 0; k < len; k++) img.px(x0 + dx + k, y0 + dy, WATER.light);
      for (let k = 1; k < len - 1; k++) img.px(x0 + dx + k, y0 + dy - 1, WATER.crest);
    }
    const sparkle = seededRandom(31 + frame * 17);
    for (let i = 0; i < 3; i++) img.px(Math.floor(sparkle() * 32), Math.floor(sparkle() * 32), WATER.sparkle, 0.9);
    img.wrap = false;
  };
}

function paintBridge(vertical: boolean): Painter {
  return (img, rng) => {
    const tmp = new Img(S, S);
    // Planks across the walking direction (drawn for E-W walking, then transposed).
    for (let x = 0; x < S; x++) {
      const plank = Math.floor(x / 6);
      const inPlank = x % 6;
      const base = plank % 2 ? WOOD.light : mix(WOOD.light, WOOD.mid, 0.45);
      for (let y = 0; y < S; y++) {
        let c = base;
        if (inPlank === 5) c = WOOD.outline;
        else if (inPlank === 0) c = shade(base, 1.1);
        else if ((y * 7 + plank * 13) % 11 === 0) c = shade(base, 0.88);
        tmp.px(x, y, c);
      }
      if (inPlank === 2) {
        tmp.px(x, 6, WOOD.dark);
        tmp.px(x, 25, WOOD.dark);
      }
    }
    for (const y0 of [0, 28]) {
      tmp.rect(0, y0, S, 4, WOOD.dark);
      tmp.rect(0, y0, S, 1, WOOD.light);
      tmp.rect(0, y0 + 3, S, 1, WOOD.outline);
    }
    tmp.rect(0, 4, S, 1, 0x000000, 0.25);
    for (let i = 0; i < 4; i++) tmp.px(randInt(rng, 0, 31), randInt(rng, 6, 26), WOOD.high);
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) img.px(vertical ? y : x, vertical ? x : y, tmp.get(x, y));
  };
}

const paintStairs: Painter = (img) => {
  img.rect(0, 0, S, S, DSTONE.mortar);
  for (let step = 0; step < 4; step++) {
    const y0 = step * 8;
    const light = mix(0xd8c898, DSTONE.light, step / 3);
    img.rect(3, y0, 26, 5, light);
    img.rect(3, y0, 26, 1, shade(light, 1.12));
    img.rect(3, y0 + 5, 26, 3, shade(light, 0.55));
    img.rect(3, y0 + 7, 26, 1, DSTONE.outline);
  }
  for (const x0 of [0, 29]) {
    img.rect(x0, 0, 3, S, DSTONE.dark);
    img.rect(x0 + (x0 ? 0 : 2), 0, 1, S, DSTONE.outline);
  }
  img.rect(3, 0, 26, 3, 0xfff2c0, 0.35);
};

// ---------------------------------------------------------------- walls

function paintBricks(img: Img, rng: Rng, pal: typeof STONE, y0: number, y1: number, rowH: number, brickW: number): void {
  img.rect(0, y0, S, y1 - y0, pal.mortar);
  for (let row = 0; y0 + row * rowH < y1; row++) {
    const top = y0 + row * rowH;
    const bottom = Math.min(y1, top + rowH);
    const offset = row % 2 ? brickW / 2 : 0;
    for (let x = -offset; x < S; x += brickW) {
      const left = Math.max(0, x);
      const right = Math.min(S, x + brickW - 1);
      const base = mix(pal.mid, [pal.dark, pal.light, pal.mid][randInt(rng, 0, 2)], 0.35);
      for (let yy = top; yy < bottom - 1; yy++) {
        for (let xx = left; xx < right; xx++) {
          let c = base;
          if (yy === top) c = mix(base, pal.high, 0.55);
          else if (yy === bottom - 2) c = mix(base, pal.dark, 0.6);
          else if (rng() < 0.07) c = shade(base, 0.9);
          img.px(xx, yy, c);
        }
      }
    }
  }
}

function paintWallFace(pal: typeof STONE, moss: boolean): Painter {
  return (img, rng) => {
    paintBricks(img, rng, pal, 5, S, 7, 14);
    // Cap stones along the top, lit from above.
    img.rect(0, 0, S, 5, pal.light);
    img.rect(0, 0, S, 1, pal.high);
    img.rect(0, 4, S, 1, pal.outline);
    for (let x = 0; x < S; x += 8) for (const y of [1, 2, 3]) img.px(x, y, pal.mid);
    img.rect(0, 5, S, 1, 0x000000, 0.3);
    // Foot of the wall in shadow.
    img.rect(0, 30, S, 2, 0x000000, 0.28);
    if (moss) {
      for (let i = 0; i < 10; i++) {
        const x = randInt(rng, 0, 31);
        img.px(x, 29, 0x4d7a35);
        if (rng() < 0.5) img.px(x, 28, 0x5f9140);
      }
    }
  };
}

function paintWallTop(pal: typeof STONE, dark: boolean): Painter {
  return (img, rng) => {
    for (let sy = 0; sy < 2; sy++) {
      for (let sx = 0; sx < 2; sx++) {
        const base = dark ? mix(pal.outline, pal.dark, 0.35 + rng() * 0.2) : mix(pal.mid, pal.light, 0.3 + rng() * 0.4);
        for (let y = 0; y < 16; y++) {
          for (let x = 0; x < 16; x++) {
            let c = base;
            if (y === 0 || x === 0) c = mix(base, dark ? pal.dark : pal.high, 0.5);
            if (y === 15 || x === 15) c = mix(base, pal.outline, 0.55);
            if (rng() < 0.06) c = shade(c, 0.93);
            img.px(sx * 16 + x, sy * 16 + y, c);
          }
        }
      }
    }
  };
}

const paintDungeonFloor =
  (cracked: boolean): Painter =>
  (img, rng) => {
    const grout = DSTONE.mortar;
    img.rect(0, 0, S, S, grout);
    for (let sy = 0; sy < 2; sy++) {
      for (let sx = 0; sx < 2; sx++) {
        const base = mix(DSTONE.mid, [DSTONE.dark, DSTONE.light][randInt(rng, 0, 1)], 0.25 + rng() * 0.2);
        for (let y = 1; y < 16; y++) {
          for (let x = 1; x < 16; x++) {
            let c = base;
            if (y === 1 || x === 1) c = mix(base, DSTONE.high, 0.35);
            else if (y === 15 || x === 15) c = mix(base, DSTONE.outline, 0.5);
            else if (rng() < 0.1) c = shade(base, rng() < 0.5 ? 0.9 : 1.08);
            img.px(sx * 16 + x, sy * 16 + y, c);
          }
        }
      }
    }
    if (cracked) {
      let x = 6;
      let y = 4;
      for (let i = 0; i < 14; i++) {
        img.px(x, y, DSTONE.outline);
        x += rng() < 0.5 ? 1 : 0;
        y += 1;
        if (rng() < 0.3) x += 1;
      }
      for (let i = 0; i < 9; i++) img.px(randInt(rng, 0, 31), rng() < 0.5 ? 16 : 0, 0x3f5a3a);
      for (let i = 0; i < 5; i++) img.px(rng() < 0.5 ? 16 : 0, randInt(rng, 0, 31), 0x466b40);
    }
  };

const paintCliffTop: Painter = (img, rng) => {
  img.wrap = true;
  noiseFill(img, 5151, [CLIFF.dark, CLIFF.mid, CLIFF.light], [0.3, 0.68], 0.1);
  // A few flat slabs (a lit edge over a dark seam), moss and specks.
  for (let i = 0; i < 3; i++) {
    const x = randInt(rng, 0, 31);
    const y = randInt(rng, 0, 31);
    const len = randInt(rng, 4, 8);
    for (let k = 0; k < len; k++) {
      img.px(x + k, y, CLIFF.outline, 0.7);
      img.px(x + k, y - 1, CLIFF.high, 0.7);
    }
  }
  for (let i = 0; i < 2; i++) {
    const x = randInt(rng, 0, 31);
    const y = randInt(rng, 0, 31);
    img.px(x, y, GRASS.mid);
    img.px(x + 1, y, GRASS.dark);
    img.px(x, y - 1, GRASS.light);
  }
  for (let i = 0; i < 10; i++) img.px(randInt(rng, 0, 31), randInt(rng, 0, 31), rng() < 0.5 ? CLIFF.high : CLIFF.dark, 0.8);
  img.wrap = false;
};

/** Rock face; `upper` is the top row of a two-row cliff (grass hangs over it), else the foot. */
function paintCliffFace(img: Img, rng: Rng, upper = false): void {
  img.wrap = true;
  noiseFill(img, upper ? 6262 : 6161, [CLIFF.dark, CLIFF.mid, CLIFF.light], [0.38, 0.72], 0.15);
  img.wrap = false;
  // Strata ledges and vertical cracks.
  for (const y of upper ? [14, 26] : [9, 20]) {
    for (let x = 0; x < S; x++) {
      const yy = y + wobble(x, y);
      img.px(x, yy, CLIFF.high);
      img.px(x, yy + 1, CLIFF.outline);
      img.px(x, yy + 2, CLIFF.dark);
    }
  }
  // A couple of short cracks; boulders bulging out of the face, lit from the top-left.
  for (let i = 0; i < 2; i++) {
    let x = randInt(rng, 4, 27);
    const y0 = randInt(rng, 3, 12);
    for (let y = y0; y < y0 + randInt(rng, 4, 8); y++) {
      img.px(x, y, CLIFF.outline, 0.8);
      img.px(x + 1, y, CLIFF.light, 0.6);
      if (rng() < 0.3) x += rng() < 0.5 ? 1 : -1;
    }
  }
  for (let i = 0; i < 3; i++) {
    const cx = randInt(rng, 3, 28);
    const cy = randInt(rng, upper ? 8 : 4, 26);
    const rx = 3 + rng() * 2;
    img.ellipse(cx, cy, rx, rx * 0.7, (x, y) => (y < cy - 1 ? CLIFF.high : x > cx + 1 || y > cy + 1 ? CLIFF.dark : CLIFF.light));
  }
  if (upper) {
    // Grass hanging over the top edge.
    for (let x = 0; x < S; x++) {
      const h = 3 + Math.max(0, wobble(x, 1.3, 2));
      for (let y = 0; y < h; y++) img.px(x, y, y === h - 1 ? GRASS.deep : y === 0 ? GRASS.light : GRASS.mid);
      if (x % 5 === 2) {
        img.px(x, h, GRASS.dark);
        img.px(x, h + 1, GRASS.deep);
      }
      img.px(x, h, CLIFF.outline, 0.5);
    }
  } else {
    img.rect(0, 28, S, 4, 0x000000, 0.22);
    img.rect(0, 31, S, 1, CLIFF.outline, 0.6);
  }
}

const paintCaveMouth: Painter = (img, rng) => {
  paintCliffFace(img, rng);
  const cx = 16;
  const top = 7;
  // Arch: rim stones, then the dark inside fading to black.
  for (let y = top - 2; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const dy = y < 18 ? (18 - y) / (18 - top + 2) : 0;
      const half = 13 * Math.sqrt(Math.max(0, 1 - dy * dy));
      const d = Math.abs(x + 0.5 - cx);
      if (d < half - 2) {
        const depth = Math.min(1, (y - top) / 18);
        img.px(x, y, mix(0x2a1f22, 0x070508, 1 - depth * 0.6 - (1 - d / half) * 0.4));
      } else if (d < half) {
        img.px(x, y, (x + y) % 3 ? CLIFF.high : CLIFF.light);
      } else if (d < half + 1) {
        img.px(x, y, CLIFF.outline);
      }
    }
  }
  for (const [x, len] of [
    [9, 3],
    [13, 4],
    [18, 3],
    [22, 2],
  ] as const) {
    for (let k = 0; k < len; k++) img.px(x, top + 2 + k, k === len - 1 ? 0x4a3a30 : 0x6a5848);
  }
  img.rect(8, 29, 16, 3, 0x3a2c24);
  img.rect(10, 30, 12, 1, 0x4a3a2e);
};

// ---------------------------------------------------------------- props with outlines

/** Draws `paint` on a transparent layer, outlines it, then drops it with a shadow onto `img`. */
function sprite(
  img: Img,
  paint: (layer: Img) => void,
  options: { outline?: Rgb; shadow?: { cx: number; cy: number; rx: number; ry: number } } = {},
): void {
  const layer = new Img(img.width, img.height);
  paint(layer);
  if (options.outline !== undefined) layer.outline(options.outline);
  if (options.shadow) {
    const { cx, cy, rx, ry } = options.shadow;
    img.ellipse(cx, cy, rx, ry, 0x000000, 0.28);
  }
  img.draw(layer, 0, 0);
}

/** A rounded foliage clump lit from the top-left. */
function clump(img: Img, cx: number, cy: number, r: number, pal: typeof LEAF, rng: Rng): void {
  img.disc(cx, cy, r, (x, y) => {
    const dx = (x + 0.5 - cx) / r;
    const dy = (y + 0.5 - cy) / r;
    const light = -(dx * 0.7 + dy * 0.9);
    const rim = dx * dx + dy * dy > 0.72;
    if (rim && light < -0.2) return pal.dark;
    if (light > 0.55 && rng() < 0.75) return pal.high;
    if (light > 0.15) return pal.light;
    if (light < -0.55) return pal.dark;
    return pal.mid;
  });
}

function paintOak(img: Img, rng: Rng): void {
  // 32x64: canopy over both cells, trunk in the lower one.
  img.ellipse(16, 58, 12, 4, 0x000000, 0.28);
  const layer = new Img(S, 2 * S);
  // Trunk with roots.
  for (let y = 38; y < 58; y++) {
    const flare = y > 53 ? y - 53 : 0;
    for (let x = 12 - flare; x < 20 + flare; x++) {
      const t = (x - (12 - flare)) / (8 + 2 * flare);
      let c = t < 0.3 ? WOOD.light : t < 0.7 ? WOOD.mid : WOOD.dark;
      if ((x * 5 + y) % 7 === 0) c = WOOD.dark;
      layer.px(x, y, c);
    }
  }
  layer.rect(12, 38, 8, 4, WOOD.outline, 0.55);
  layer.outline(WOOD.outline);
  const foliage = new Img(S, 2 * S);
  const clumps: Array<[number, number, number]> = [
    [16, 12, 9],
    [9, 17, 7],
    [23, 17, 7],
    [12, 25, 8],
    [21, 26, 8],
    [16, 20, 10],
    [8, 27, 6],
    [25, 28, 5],
    [16, 32, 8],
  ];
  const base = new Img(S, 2 * S);
  for (const [x, y, r] of clumps) base.disc(x, y, r + 1, LEAF.deep);
  foliage.draw(base, 0, 0);
  for (const [x, y, r] of clumps.sort((a, b) => a[1] - b[1])) clump(foliage, x, y, r, LEAF, rng);
  for (let i = 0; i < 30; i++) {
    const x = randInt(rng, 4, 27);
    const y = randInt(rng, 5, 38);
    if (foliage.alpha(x, y) && foliage.alpha(x + 1, y + 1)) foliage.px(x, y, LEAF.deep, 0.6);
  }
  foliage.outline(LEAF.outline);
  layer.draw(foliage, 0, 0);
  img.draw(layer, 0, 0);
}

function paintPine(img: Img, rng: Rng): void {
  img.ellipse(16, 58, 10, 3.5, 0x000000, 0.28);
  const layer = new Img(S, 2 * S);
  layer.rect(14, 44, 5, 13, WOOD.mid);
  layer.rect(14, 44, 2, 13, WOOD.light);
  layer.rect(17, 44, 2, 13, WOOD.dark);
  const tiers: Array<[number, number, number]> = [
    [3, 19, 8],
    [12, 31, 11],
    [22, 46, 14],
  ];
  for (const [top, bottom, half] of tiers) {
    for (let y = top; y < bottom; y++) {
      const w = Math.round(half * ((y - top + 2) / (bottom - top + 2)));
      for (let x = 16 - w; x < 16 + w; x++) {
        const t = (x - (16 - w)) / Math.max(1, 2 * w);
        let c = t < 0.25 ? PINE.light : t < 0.6 ? PINE.mid : PINE.dark;
        if (y === bottom - 1) c = PINE.deep;
        else if ((x + y * 3) % 5 === 0 && t < 0.5) c = PINE.high;
        if (y > bottom - 4 && (x + y) % 4 === 0) c = PINE.dark;
        layer.px(x, y, c);
      }
    }
  }
  for (let i = 0; i < 12; i++) {
    const x = randInt(rng, 9, 22);
    const y = randInt(rng, 8, 44);
    if (layer.alpha(x, y)) layer.px(x, y, PINE.deep, 0.5);
  }
  layer.outline(PINE.outline);
  img.draw(layer, 0, 0);
}

const paintBush: Painter = (img, rng) => {
  sprite(
    img,
    (l) => {
      for (const [x, y, r] of [
        [16, 20, 8],
        [10, 22, 6],
        [22, 22, 6],
        [13, 17, 6],
        [20, 16, 6],
      ] as const)
        l.disc(x, y, r + 1, LEAF.deep);
      for (const [x, y, r] of [
        [13, 17, 6],
        [20, 16, 6],
        [10, 22, 6],
        [22, 22, 6],
        [16, 21, 7],
      ] as const)
        clump(l, x, y, r, LEAF, rng);
      for (const [x, y] of [
        [11, 20],
        [19, 23],
        [22, 18],
        [15, 15],
      ] as const) {
        l.px(x, y, 0xd8383a);
        l.px(x + 1, y, 0xa82020);
        l.px(x, y - 1, 0xff9a90);
      }
    },
    { outline: LEAF.outline, shadow: { cx: 16, cy: 28, rx: 12, ry: 3 } },
  );
};

function boulder(l: Img, cx: number, cy: number, rx: number, ry: number, pal: typeof ROCK): void {
  l.ellipse(cx, cy, rx, ry, (x, y) => {
    const dx = (x + 0.5 - cx) / rx;
    const dy = (y + 0.5 - cy) / ry;
    const light = -(dx * 0.6 + dy * 0.8);
    if (light > 0.55) return pal.high;
    if (light > 0.1) return pal.light;
    if (light < -0.45) return pal.dark;
    return pal.mid;
  });
}

const paintRock: Painter = (img) => {
  sprite(
    img,
    (l) => {
      boulder(l, 17, 20, 11, 8.5, ROCK);
      boulder(l, 11, 17, 6.5, 6, ROCK);
      l.line(17, 14, 19, 19, ROCK.dark);
      l.line(19, 19, 18, 23, ROCK.dark);
      for (const [x, y] of [
        [22, 14],
        [23, 15],
        [8, 14],
        [24, 14],
      ] as const)
        l.px(x, y, 0x5f8f40);
    },
    { outline: ROCK.outline, shadow: { cx: 17, cy: 28, rx: 12, ry: 3 } },
  );
};

const paintPebbles: Painter = (img, rng) => {
  for (let i = 0; i < 5; i++) {
    const x = randInt(rng, 5, 25);
    const y = randInt(rng, 6, 25);
    const w = randInt(rng, 2, 4);
    img.rect(x, y + 2, w, 1, 0x000000, 0.25);
    img.rect(x, y, w, 2, ROCK.mid);
    img.rect(x, y, w - 1, 1, ROCK.high);
    img.px(x + w - 1, y + 1, ROCK.dark);
  }
};

const paintStump: Painter = (img) => {
  sprite(
    img,
    (l) => {
      l.rect(8, 16, 16, 9, WOOD.mid);
      l.rect(8, 16, 4, 9, WOOD.light);
      l.rect(20, 16, 4, 9, WOOD.dark);
      for (const x of [11, 15, 19]) l.rect(x, 18, 1, 6, WOOD.dark);
      l.ellipse(16, 25, 8, 2.5, WOOD.dark);
      l.rect(5, 23, 4, 3, WOOD.dark);
      l.rect(23, 23, 4, 3, WOOD.dark);
      l.ellipse(16, 16, 8, 4, 0xd2ac78);
      l.ellipse(16, 16, 5.5, 2.6, 0xb98f5c);
      l.ellipse(16, 16, 3, 1.4, 0xd2ac78);
      l.px(16, 16, 0x9a7040);
    },
    { outline: WOOD.outline, shadow: { cx: 16, cy: 27, rx: 12, ry: 3 } },
  );
};

const paintMushrooms: Painter = (img) => {
  sprite(
    img,
    (l) => {
      for (const [x, y, r] of [
        [10, 19, 4],
        [20, 15, 3],
        [21, 24, 5],
      ] as const) {
        l.rect(x - 1, y, 3, r + 1, 0xf0e6d2);
        l.px(x + 1, y + 1, 0xc8bca8);
        l.ellipse(x + 0.5, y, r, r * 0.7, (px, py) => (py < y - r * 0.3 ? 0xe8564a : 0xc23a30));
        l.px(x - 1, y - 1, 0xffffff);
        l.px(x + 2, y - 2, 0xffffff);
      }
    },
    { outline: 0x3a1a18 },
  );
};

const paintLily: Painter = (img) => {
  sprite(
    img,
    (l) => {
      l.disc(13, 18, 7, (x, y) => (Math.abs(x - 13 - (y - 18)) < 1 && x > 13 && y > 18 ? null : y < 17 ? 0x6fbf52 : 0x4f9a3c));
      l.line(13, 18, 8, 14, 0x3d7a30);
      l.line(13, 18, 7, 20, 0x3d7a30);
      l.disc(23, 11, 4, 0x3f8a35);
      for (const [x, y] of [
        [12, 15],
        [14, 15],
        [13, 14],
        [12, 16],
        [14, 16],
      ] as const)
        l.px(x, y, 0xf6a8c8);
      l.px(13, 15, 0xfff0a0);
    },
    { outline: 0x1f4a2a },
  );
};

const paintWell: Painter = (img) => {
  sprite(
    img,
    (l) => {
      l.disc(16, 21, 11, STONE.mid);
      for (let a = 0; a < 12; a++) {
        const ang = (a / 12) * Math.PI * 2;
        l.px(Math.round(16 + Math.cos(ang) * 10), Math.round(21 + Math.sin(ang) * 10), STONE.dark);
      }
      l.ellipse(16, 19, 11, 4, STONE.light);
      l.disc(16, 21, 7, 0x1b2f4e);
      l.ellipse(14, 19, 3, 1.5, 0x3c6aa0);
      l.rect(4, 5, 3, 17, WOOD.mid);
      l.rect(25, 5, 3, 17, WOOD.mid);
      l.rect(3, 4, 26, 3, WOOD.dark);
      l.rect(3, 4, 26, 1, WOOD.light);
      l.line(16, 7, 16, 13, 0xc8b088);
      l.rect(14, 13, 5, 4, 0x8a6a40);
      l.rect(14, 13, 5, 1, 0xb08a58);
    },
    { outline: STONE.outline, shadow: { cx: 17, cy: 30, rx: 13, ry: 2.5 } },
  );
};

const paintBarrel: Painter = (img) => {
  sprite(
    img,
    (l) => {
      for (let y = 9; y < 28; y++) {
        const bulge = Math.round(Math.sin(((y - 9) / 19) * Math.PI) * 2);
        for (let x = 8 - bulge; x < 24 + bulge; x++) {
          const t = (x - 8 + bulge) / (16 + 2 * bulge);
          let c = t < 0.25 ? WOOD.light : t < 0.7 ? WOOD.mid : WOOD.dark;
          if ((x - 8) % 4 === 0) c = shade(c, 0.85);
          l.px(x, y, c);
        }
      }
      for (const y of [12, 23])
        for (let x = 6; x < 26; x++)
          if (l.alpha(x, y)) {
            l.px(x, y, 0x55535c);
            l.px(x, y + 1, 0x3a3940);
          }
      l.ellipse(16, 9, 8, 3, 0xb88a55);
      l.ellipse(16, 9, 6, 2, 0xa07040);
    },
    { outline: WOOD.outline, shadow: { cx: 16, cy: 28, rx: 11, ry: 2.5 } },
  );
};

const paintCrate: Painter = (img) => {
  sprite(
    img,
    (l) => {
      l.rect(6, 8, 20, 6, WOOD.high);
      l.rect(6, 13, 20, 1, WOOD.dark);
      l.rect(6, 14, 20, 14, WOOD.mid);
      for (const y of [18, 23]) l.rect(6, y, 20, 1, WOOD.dark);
      l.line(7, 27, 25, 15, WOOD.light);
      l.line(7, 26, 24, 15, WOOD.dark);
      l.rect(6, 14, 2, 14, WOOD.dark);
      l.rect(24, 14, 2, 14, WOOD.dark);
    },
    { outline: WOOD.outline, shadow: { cx: 17, cy: 29, rx: 12, ry: 2 } },
  );
};

const paintSign: Painter = (img) => {
  sprite(
    img,
    (l) => {
      l.rect(15, 14, 3, 15, WOOD.dark);
      l.rect(15, 14, 1, 15, WOOD.mid);
      l.rect(5, 6, 22, 11, WOOD.light);
      l.rect(5, 6, 22, 1, WOOD.high);
      l.rect(5, 16, 22, 1, WOOD.dark);
      for (const [y, w] of [
        [9, 14],
        [12, 10],
      ] as const)
        l.rect(9, y, w, 1, WOOD.outline);
    },
    { outline: WOOD.outline, shadow: { cx: 16, cy: 29, rx: 6, ry: 2 } },
  );
};

const paintFence: Painter = (img) => {
  const layer = new Img(S, S);
  for (const y of [13, 20]) {
    layer.rect(0, y, S, 3, WOOD.light);
    layer.rect(0, y, S, 1, WOOD.high);
    layer.rect(0, y + 3, S, 1, WOOD.outline);
    layer.rect(0, y - 1, S, 1, WOOD.outline);
  }
  for (const x of [3, 19]) {
    layer.rect(x, 9, 5, 18, WOOD.mid);
    layer.rect(x, 9, 2, 18, WOOD.light);
    layer.rect(x + 4, 9, 1, 18, WOOD.dark);
    layer.px(x + 2, 8, WOOD.mid);
    layer.rect(x - 1, 9, 1, 18, WOOD.outline);
    layer.rect(x + 5, 9, 1, 18, WOOD.outline);
    layer.rect(x, 27, 5, 1, WOOD.outline);
    layer.px(x, 8, WOOD.outline);
    layer.px(x + 1, 7, WOOD.outline);
    layer.px(x + 2, 7, WOOD.outline);
    layer.px(x + 3, 7, WOOD.outline);
    layer.px(x + 4, 8, WOOD.outline);
    layer.rect(x + 1, 8, 3, 1, WOOD.light);
  }
  img.rect(0, 27, S, 2, 0x000000, 0.2);
  img.draw(layer, 0, 0);
};

const paintBones: Painter = (img) => {
  sprite(
    img,
    (l) => {
      const bone = (x0: number, y0: number, x1: number, y1: number) => {
        l.line(x0, y0, x1, y1, 0xe6dfcc);
        for (const [x, y] of [
          [x0, y0],
          [x1, y1],
        ] as const) {
          l.px(x - 1, y, 0xe6dfcc);
          l.px(x, y - 1, 0xf6f0e0);
          l.px(x + 1, y + 1, 0xc8c0aa);
        }
      };
      bone(6, 22, 16, 26);
      bone(19, 20, 26, 14);
      l.disc(12, 14, 4, 0xeee8d8);
      l.rect(10, 17, 5, 2, 0xd8d0bc);
      l.px(11, 14, 0x2a2420);
      l.px(13, 14, 0x2a2420);
      l.px(12, 16, 0x4a4038);
    },
    { outline: 0x2a2620 },
  );
};

const paintRubble: Painter = (img, rng) => {
  for (let i = 0; i < 7; i++) {
    const x = randInt(rng, 4, 26);
    const y = randInt(rng, 6, 26);
    const w = randInt(rng, 2, 4);
    img.rect(x, y + 2, w + 1, 1, 0x000000, 0.35);
    img.rect(x, y, w, 2, DSTONE.light);
    img.rect(x, y, w - 1, 1, DSTONE.high);
    img.px(x + w - 1, y + 1, DSTONE.dark);
  }
};

const paintChest: Painter = (img) => {
  sprite(
    img,
    (l) => {
      l.rect(6, 12, 20, 15, WOOD.mid);
      l.rect(6, 10, 20, 5, WOOD.light);
      l.rect(7, 9, 18, 1, WOOD.high);
      l.rect(6, 15, 20, 1, WOOD.outline);
      for (const x of [9, 22]) l.rect(x, 9, 2, 18, 0xd0a030);
      l.rect(15, 14, 3, 4, 0xf0c850);
      l.px(16, 16, 0x3a2a10);
    },
    { outline: WOOD.outline, shadow: { cx: 16, cy: 28, rx: 12, ry: 2 } },
  );
};

const paintPillar: Painter = (img) => {
  sprite(
    img,
    (l) => {
      l.rect(4, 24, 24, 6, DSTONE.light);
      l.rect(4, 24, 24, 1, DSTONE.high);
      l.rect(4, 29, 24, 1, DSTONE.dark);
      for (let x = 8; x < 24; x++) {
        const t = (x - 8) / 16;
        const c = t < 0.2 ? DSTONE.high : t < 0.45 ? DSTONE.light : t < 0.8 ? DSTONE.mid : DSTONE.dark;
        l.rect(x, 6, 1, 18, c);
      }
      for (const x of [11, 15, 19]) l.rect(x, 7, 1, 16, 0x000000, 0.18);
      l.rect(5, 1, 22, 5, DSTONE.light);
      l.rect(5, 1, 22, 1, DSTONE.high);
      l.rect(5, 5, 22, 1, DSTONE.dark);
    },
    { outline: DSTONE.outline, shadow: { cx: 19, cy: 30, rx: 13, ry: 2 } },
  );
};

function paintTorch(frame: number): Painter {
  return (img) => {
    const flicker = [0, 1, -1][frame];
    img.disc(16, 10, 10 + flicker, 0xffa040, 0.1);
    img.disc(16, 10, 6 + flicker, 0xffc060, 0.14);
    sprite(
      img,
      (l) => {
        l.rect(15, 13, 3, 9, WOOD.mid);
        l.rect(15, 13, 1, 9, WOOD.light);
        l.rect(13, 19, 7, 2, 0x4a4a52);
        l.rect(14, 21, 5, 2, 0x3a3a40);
        l.rect(14, 12, 5, 2, 0x55535c);
      },
      { outline: 0x1a1614 },
    );
    const h = [7, 8, 6][frame];
    const sway = [0, 1, -1][frame];
    for (let y = 0; y < h; y++) {
      const t = y / h;
      const w = Math.max(1, Math.round(3 * Math.sin((1 - t) * Math.PI * 0.9)));
      const x0 = 16 + Math.round(sway * t);
      for (let x = x0 - w; x <= x0 + w - 1; x++) {
        const edge = x === x0 - w || x === x0 + w - 1;
        img.px(x, 12 - y, edge ? 0xe0502a : t < 0.5 ? 0xfff0a0 : 0xf5a030);
      }
    }
    img.px(16 + sway, 12 - h, 0xe0502a);
  };
}

function paintGlyph(frame: number): Painter {
  return (img) => {
    const glow = [0.7, 0.85, 1][frame];
    img.disc(16, 16, 14, 0x5fd0ff, 0.16 * glow);
    img.disc(16, 16, 10, 0x9fe8ff, 0.2 * glow);
    img.disc(16, 16, 5, 0xe0faff, 0.3 * glow);
    for (let a = 0; a < 64; a++) {
      const ang = (a / 64) * Math.PI * 2;
      img.px(Math.floor(16 + Math.cos(ang) * 11.5), Math.floor(16 + Math.sin(ang) * 11.5), 0xc8f4ff, glow);
      img.px(Math.floor(16 + Math.cos(ang) * 12.5), Math.floor(16 + Math.sin(ang) * 12.5), 0x3aa8e0, 0.6 * glow);
      if (a % 2 === 0) img.px(Math.floor(16 + Math.cos(ang) * 7.5), Math.floor(16 + Math.sin(ang) * 7.5), 0xc8f6ff, 0.7 * glow);
    }
    for (let k = 0; k < 6; k++) {
      const ang = (k / 6) * Math.PI * 2 + frame * 0.35;
      const x = Math.round(16 + Math.cos(ang) * 9.5);
      const y = Math.round(16 + Math.sin(ang) * 9.5);
      img.px(x, y, 0xffffff, glow);
      img.px(x + 1, y, 0xa0e8ff, 0.7 * glow);
      img.px(x, y + 1, 0xa0e8ff, 0.7 * glow);
    }
    img.px(15, 15, 0xffffff, glow);
    img.px(16, 16, 0xffffff, glow);
    img.px(15, 16, 0xe0faff, glow);
    img.px(16, 15, 0xe0faff, glow);
  };
}

// ---------------------------------------------------------------- houses

function paintPlanks(img: Img, rng: Rng, y0: number, y1: number): void {
  for (let x = 0; x < S; x++) {
    const plank = Math.floor(x / 5);
    const base = [WOOD.light, mix(WOOD.light, WOOD.mid, 0.5), WOOD.mid][plank % 3];
    for (let y = y0; y < y1; y++) {
      let c = base;
      if (x % 5 === 4) c = WOOD.dark;
      else if ((y * 3 + plank * 7) % 13 === 0) c = shade(base, 0.9);
      img.px(x, y, c);
    }
  }
  for (let i = 0; i < 6; i++) img.px(randInt(rng, 0, 31), randInt(rng, y0, y1 - 1), WOOD.high);
  // Timber posts at the tile's edges give a half-timbered look once tiles are side by side.
  img.rect(0, y0, 2, y1 - y0, WOOD.outline);
  img.rect(2, y0, 1, y1 - y0, WOOD.dark);
}

function paintWindow(img: Img, y: number, flowerBox: boolean): void {
  img.rect(9, y, 15, 12, 0x3b2414);
  img.rect(10, y + 1, 13, 10, 0x7a4a26);
  img.rect(11, y + 2, 11, 8, 0x7fb6e6);
  img.rect(11, y + 2, 11, 3, 0xa8d2f2);
  img.line(12, y + 8, 16, y + 3, 0xe6f6ff);
  img.rect(16, y + 2, 1, 8, 0x3b2414);
  img.rect(11, y + 6, 11, 1, 0x3b2414);
  img.rect(8, y + 11, 17, 2, WOOD.high);
  img.rect(8, y + 12, 17, 1, WOOD.dark);
  if (flowerBox) {
    img.rect(9, y + 13, 15, 3, 0x6a4324);
    for (let x = 10; x < 23; x += 2) {
      img.px(x, y + 12, x % 4 ? 0xe84a5a : 0xf8d040);
      img.px(x + 1, y + 12, 0x4f9a3c);
    }
  }
}

function paintFoundation(img: Img, rng: Rng): void {
  for (let x = 0; x < S; x += 8) {
    const c = mix(STONE.mid, STONE.light, rng());
    img.rect(x, 26, 7, 5, c);
    img.rect(x, 26, 7, 1, STONE.high);
    img.rect(x + 7, 26, 1, 6, STONE.outline);
  }
  img.rect(0, 31, S, 1, STONE.outline);
  img.rect(0, 25, S, 1, WOOD.outline);
}

function paintHouseWall(kind: "upper" | "upperWindow" | "base" | "baseWindow" | "door"): Painter {
  return (img, rng) => {
    paintPlanks(img, rng, 0, S);
    if (kind === "upper" || kind === "upperWindow") {
      img.rect(0, 0, S, 3, WOOD.outline);
      img.rect(0, 3, S, 2, 0x000000, 0.3);
      if (kind === "upperWindow") paintWindow(img, 8, false);
    } else {
      paintFoundation(img, rng);
      if (kind === "baseWindow") paintWindow(img, 5, true);
      if (kind === "door") {
        img.rect(8, 3, 17, 29, 0x3b2414);
        img.ellipse(16.5, 9, 8.5, 6, 0x3b2414);
        for (let y = 4; y < 31; y++) {
          for (let x = 9; x < 24; x++) {
            const arch = y < 9 && (x + 0.5 - 16.5) ** 2 / 56 + (y + 0.5 - 9) ** 2 / 30 > 1;
            if (arch) continue;
            let c = (x - 9) % 5 === 4 ? 0x4a2c16 : (x - 9) % 5 === 0 ? 0x8a5630 : 0x74451f;
            if (y === 12 || y === 24) c = 0x3a3a40;
            img.px(x, y, c);
          }
        }
        img.rect(20, 17, 2, 2, 0xf0c850);
        img.px(20, 17, 0xfff0a0);
        img.rect(7, 31, 19, 1, STONE.light);
      }
    }
  };
}

const ROOFS = {
  Red: { outline: 0x3a1510, dark: 0x8a3226, mid: 0xb04a38, light: 0xce6a50, high: 0xe88c6c, ridge: 0x6a2a1e },
  Blue: { outline: 0x141c30, dark: 0x34486e, mid: 0x4a6394, light: 0x6481b4, high: 0x86a2d0, ridge: 0x28344e },
};

function paintRoof(color: keyof typeof ROOFS, part: string): Painter {
  const pal = ROOFS[color];
  const row = part.startsWith("T") ? "T" : part.startsWith("B") ? "B" : "M";
  const side = part.endsWith("L") ? "L" : part.endsWith("R") ? "R" : "C";
  return (img, rng) => {
    const darken = row === "T" ? 1 : row === "M" ? 0.94 : 0.88;
    for (let r = 0; r < 4; r++) {
      const y0 = r * 8;
      const offset = r % 2 ? 4 : 0;
      for (let x0 = -offset; x0 < S; x0 += 8) {
        const base = shade(mix(pal.mid, rng() < 0.5 ? pal.light : pal.dark, rng() * 0.35), darken);
        for (let y = y0; y < y0 + 8; y++) {
          for (let x = Math.max(0, x0); x < Math.min(S, x0 + 8); x++) {
            let c = base;
            if (y === y0 + 7) c = pal.outline;
            else if (y === y0 + 6) c = shade(base, 0.78);
            else if (x === x0) c = shade(base, 0.82);
            else if (y === y0 && x === x0 + 1) c = pal.high;
            img.px(x, y, c);
          }
        }
      }
    }
    if (row === "T") {
      img.rect(0, 0, S, 5, pal.ridge);
      img.rect(0, 1, S, 1, shade(pal.ridge, 1.5));
      img.rect(0, 5, S, 1, pal.outline);
      for (let x = 3; x < S; x += 8) img.px(x, 3, shade(pal.ridge, 0.7));
    }
    if (row === "B") {
      img.rect(0, 27, S, 4, shade(pal.dark, 0.8));
      img.rect(0, 27, S, 1, pal.light);
      img.rect(0, 31, S, 1, pal.outline);
    }
    if (side === "L") {
      img.rect(0, 0, 1, S, pal.outline);
      img.rect(1, 0, 2, S, WOOD.mid);
      img.rect(1, 0, 1, S, WOOD.light);
      img.rect(3, 0, 1, S, WOOD.outline);
    }
    if (side === "R") {
      img.rect(31, 0, 1, S, pal.outline);
      img.rect(29, 0, 2, S, WOOD.dark);
      img.rect(28, 0, 1, S, WOOD.outline);
    }
  };
}

// ---------------------------------------------------------------- small decor

const paintFlowerBed: Painter = (img, rng) => {
  const colors = [0xe84a5a, 0xf8d040, 0xfff3f0, 0xb070e0, 0xf08ab5];
  for (let i = 0; i < 16; i++) {
    const x = randInt(rng, 4, 27);
    const y = randInt(rng, 5, 27);
    img.px(x, y + 1, GRASS.deep);
    img.px(x + 1, y + 1, GRASS.dark);
    const c = colors[i % colors.length];
    img.px(x, y, c);
    img.px(x + 1, y, shade(c, 0.8));
    img.px(x, y - 1, shade(c, 1.15));
  }
};

const paintReeds: Painter = (img, rng) => {
  for (let i = 0; i < 9; i++) {
    const x = randInt(rng, 4, 27);
    const h = randInt(rng, 8, 16);
    const base = randInt(rng, 24, 29);
    img.line(x, base, x + (i % 2 ? 1 : -1), base - h, i % 3 ? 0x5a8a3a : 0x7aa84a);
    if (i % 3 === 0) {
      img.rect(x - 1, base - h - 1, 2, 4, 0x6a4424);
      img.px(x - 1, base - h - 1, 0x8a5a30);
    }
  }
};

const paintLantern: Painter = (img) => {
  img.disc(16, 8, 9, 0xffd070, 0.12);
  sprite(
    img,
    (l) => {
      l.rect(15, 10, 3, 19, 0x3a3a42);
      l.rect(15, 10, 1, 19, 0x5a5a62);
      l.rect(12, 27, 9, 2, 0x3a3a42);
      l.rect(12, 3, 9, 8, 0x2a2a30);
      l.rect(13, 4, 7, 6, 0xffe08a);
      l.rect(14, 5, 3, 3, 0xfff6c8);
      l.rect(11, 2, 11, 2, 0x3a3a42);
    },
    { outline: 0x15151a, shadow: { cx: 16, cy: 29, rx: 6, ry: 2 } },
  );
};

const paintTallGrass: Painter = (img, rng) => {
  for (let i = 0; i < 14; i++) {
    const x = randInt(rng, 5, 26);
    const base = randInt(rng, 20, 28);
    const h = randInt(rng, 5, 10);
    const lean = rng() < 0.5 ? -1 : 1;
    img.line(x, base, x + lean * 2, base - h, i % 2 ? GRASS.dark : GRASS.light);
    img.px(x + lean * 2, base - h, GRASS.high);
  }
};

const paintSkull: Painter = (img) => {
  sprite(
    img,
    (l) => {
      l.disc(16, 17, 6, 0xeee8d8);
      l.rect(13, 21, 7, 3, 0xd8d0bc);
      l.disc(13.5, 17, 1.8, 0x2a2420);
      l.disc(18.5, 17, 1.8, 0x2a2420);
      l.px(16, 20, 0x4a4038);
      for (const x of [14, 16, 18]) l.px(x, 23, 0x7a7264);
      l.px(13, 13, 0xffffff);
    },
    { outline: 0x2a2620, shadow: { cx: 16, cy: 25, rx: 7, ry: 1.5 } },
  );
};

const paintBanner: Painter = (img) => {
  sprite(
    img,
    (l) => {
      l.rect(7, 6, 18, 2, 0x6a5a40);
      for (let y = 8; y < 27; y++) {
        const notch = y > 22 ? Math.abs(16 - 0) : 0;
        for (let x = 9; x < 23; x++) {
          if (y > 22 && Math.abs(x + 0.5 - 16) < (y - 22) * 1.4) continue;
          l.px(x, y, x < 11 ? 0xa83040 : x > 20 ? 0x6a1a26 : 0x8a2432);
        }
        void notch;
      }
      l.disc(16, 15, 3, 0xe0b040);
      l.px(16, 15, 0xfff0a0);
    },
    { outline: 0x1a0a0e },
  );
};

const paintCobweb: Painter = (img) => {
  for (let k = 0; k < 6; k++) {
    const ang = (k / 5) * (Math.PI / 2);
    img.line(0, 0, Math.round(Math.cos(ang) * 20), Math.round(Math.sin(ang) * 20), 0xdcdce6, 0.55);
  }
  for (const r of [6, 11, 16]) {
    for (let a = 0; a <= 20; a++) {
      const ang = (a / 20) * (Math.PI / 2);
      img.px(Math.round(Math.cos(ang) * r), Math.round(Math.sin(ang) * r), 0xdcdce6, 0.45);
    }
  }
};

// ---------------------------------------------------------------- autotile overlays

/** Forest canopy: a seamless mass of clumps, carved where a side is open (mask bits). */
function paintForest(mask: number): Painter {
  return (img) => {
    const rng = seededRandom(8080);
    const fill = new Img(S, S);
    fill.wrap = true;
    fill.rect(0, 0, S, S, LEAF.deep);
    const clumps = Array.from({ length: 16 }, () => [rng() * 32, rng() * 32, 5 + rng() * 3] as const).sort((a, b) => a[1] - b[1]);
    for (const [x, y, r] of clumps) {
      fill.disc(x, y, r + 1, LEAF.deep);
      clump(fill, x, y, r, LEAF, rng);
    }
    fill.wrap = false;
    // Where a side is open, cut a scalloped edge; the south side shows trunks below.
    const keep = (x: number, y: number) => {
      const bump = (t: number) => 5 - Math.round(4 * Math.sqrt(Math.max(0, 1 - (((t % 16) - 7.5) / 8) ** 2)));
      if (mask & EDGE.N && y < 1 + bump(x)) return false;
      if (mask & EDGE.S && y > 23 - bump(x + 8)) return false;
      if (mask & EDGE.W && x < 1 + bump(y + 4)) return false;
      if (mask & EDGE.E && x > 30 - bump(y + 12)) return false;
      return true;
    };
    const layer = new Img(S, S);
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) if (keep(x, y)) layer.px(x, y, fill.get(x, y));
    const outlined = new Img(S, S);
    outlined.draw(layer, 0, 0);
    outlined.outline(LEAF.outline);
    // Only keep outline pixels along the carved sides (the tile's own borders must stay seamless).
    if (mask & EDGE.S) {
      for (const tx of [7, 23]) {
        img.ellipse(tx + 1, 29, 6, 2, 0x000000, 0.3);
        for (let y = 18; y < 29; y++) {
          for (let x = tx - 2; x < tx + 2; x++) img.px(x, y, x === tx - 2 ? WOOD.light : x === tx + 1 ? WOOD.dark : WOOD.mid);
          img.px(tx - 3, y, WOOD.outline);
          img.px(tx + 2, y, WOOD.outline);
        }
        img.rect(tx - 3, 29, 6, 1, WOOD.outline);
      }
      for (let x = 0; x < S; x++) for (let y = 18; y < 28; y++) if (!keep(x, y) && keep(x, y - 1)) img.rect(x, y, 1, 2, 0x000000, 0.25);
    }
    img.draw(outlined, 0, 0);
    if (mask & EDGE.N) {
      for (let x = 0; x < S; x++) {
        for (let y = 0; y < S; y++) {
          if (layer.alpha(x, y) && !layer.alpha(x, y - 1)) {
            img.px(x, y, LEAF.high);
            break;
          }
        }
      }
    }
  };
}

/** Bank overlay on a water cell: land on the sides in `mask`. */
function paintShore(mask: number): Painter {
  return (img) => {
    const side = (open: number, depthAt: (t: number) => number, at: (t: number, d: number) => [number, number], bank: number) => {
      if (!(mask & open)) return;
      for (let t = 0; t < S; t++) {
        const depth = depthAt(t);
        for (let d = 0; d < depth + 3; d++) {
          const [x, y] = at(t, d);
          if (d < depth) img.px(x, y, d === depth - 1 ? shade(bank, 0.8) : bank);
          else if (d === depth) img.px(x, y, 0xdff2ff, 0.85);
          else img.px(x, y, 0xbfe4ff, d === depth + 1 ? 0.35 : 0.12);
        }
      }
    };
    // North: the land above drops into the water as a little earth bank.
    side(
      EDGE.N,
      (t) => 4 + wobble(t, 0.4),
      (t, d) => [t, d],
      0x7a6240,
    );
    side(
      EDGE.S,
      (t) => 2 + Math.max(0, wobble(t, 2.1)),
      (t, d) => [t, 31 - d],
      0x6a5434,
    );
    side(
      EDGE.W,
      (t) => 2 + Math.max(0, wobble(t, 1.1)),
      (t, d) => [d, t],
      0x6a5434,
    );
    side(
      EDGE.E,
      (t) => 2 + Math.max(0, wobble(t, 3.3)),
      (t, d) => [31 - d, t],
      0x6a5434,
    );
    if (mask & EDGE.N) for (let x = 0; x < S; x++) img.px(x, 0, 0x8a7048);
  };
}

/** Grass creeping over a path cell on the sides in `mask`. */
function paintPathEdge(mask: number, pal: typeof GRASS): Painter {
  return (img) => {
    const side = (open: number, phase: number, at: (t: number, d: number) => [number, number]) => {
      if (!(mask & open)) return;
      for (let t = 0; t < S; t++) {
        const depth = 2 + wobble(t, phase);
        for (let d = 0; d <= depth; d++) {
          const [x, y] = at(t, d);
          if (d < depth) img.px(x, y, (t + d) % 5 === 0 ? pal.light : pal.mid);
          else img.px(x, y, pal.dark);
        }
        const [sx, sy] = at(t, depth + 1);
        img.px(sx, sy, DIRT.dark, 0.55);
        if (t % 7 === 3) {
          const [x, y] = at(t, depth + 1);
          img.px(x, y, pal.dark);
        }
      }
    };
    side(EDGE.N, 0.7, (t, d) => [t, d]);
    side(EDGE.S, 2.9, (t, d) => [t, 31 - d]);
    side(EDGE.W, 1.9, (t, d) => [d, t]);
    side(EDGE.E, 4.1, (t, d) => [31 - d, t]);
  };
}

// ---------------------------------------------------------------- the catalogue's painters

const grassSeeds = [101, 202, 303];
const PAINTERS: Record<string, Painter> = {
  grass0: paintGrassLike(GRASS, grassSeeds[0], 7),
  grass1: paintGrassLike(GRASS, grassSeeds[1], 9),
  grass2: paintGrassLike(GRASS, grassSeeds[2], 5),
  grassFlowers: paintGrassLike(GRASS, grassSeeds[0], 5, flowers),
  forestFloor0: paintGrassLike(FOREST_FLOOR, 404, 8, leafLitter),
  forestFloor1: paintGrassLike(FOREST_FLOOR, 505, 10),
  path0: paintDirt(606, 3),
  path1: paintDirt(707, 5),
  sand: paintSand,
  cobble: paintCobble,
  water0: paintWater(0),
  water1: paintWater(1),
  water2: paintWater(2),
  bridgeH: paintBridge(false),
  bridgeV: paintBridge(true),
  stairs: paintStairs,
  wallTop: paintWallTop(STONE, false),
  wallFace: paintWallFace(STONE, true),
  dungeonWallTop: paintWallTop(DSTONE, true),
  dungeonWallFace: paintWallFace(DSTONE, false),
  dungeonFloor0: paintDungeonFloor(false),
  dungeonFloor1: paintDungeonFloor(true),
  cliffTop: paintCliffTop,
  cliffFace: (img, rng) => paintCliffFace(img, rng, false),
  cliffFaceHigh: (img, rng) => paintCliffFace(img, rng, true),
  caveMouth: paintCaveMouth,
  pillar: paintPillar,
  torch0: paintTorch(0),
  torch1: paintTorch(1),
  torch2: paintTorch(2),
  glyph0: paintGlyph(0),
  glyph1: paintGlyph(1),
  glyph2: paintGlyph(2),
  houseWall: paintHouseWall("upper"),
  houseWallWindow: paintHouseWall("upperWindow"),
  houseWallBase: paintHouseWall("base"),
  houseWallBaseWindow: paintHouseWall("baseWindow"),
  houseDoor: paintHouseWall("door"),
  bush: paintBush,
  rock: paintRock,
  pebbles: paintPebbles,
  stump: paintStump,
  mushrooms: paintMushrooms,
  lilyPad: paintLily,
  well: paintWell,
  barrel: paintBarrel,
  crate: paintCrate,
  sign: paintSign,
  fence: paintFence,
  bones: paintBones,
  rubble: paintRubble,
  chest: paintChest,
  flowerBed: paintFlowerBed,
  reeds: paintReeds,
  lantern: paintLantern,
  tallGrass: paintTallGrass,
  skull: paintSkull,
  banner: paintBanner,
  cobweb: paintCobweb,
};
for (const color of ["Red", "Blue"] as const) {
  for (const part of ["TL", "T", "TR", "L", "M", "R", "BL", "B", "BR"]) PAINTERS[`roof${color}${part}`] = paintRoof(color, part);
}
for (let mask = 0; mask < 16; mask++) {
  PAINTERS[`forest${mask}`] = paintForest(mask);
  if (mask > 0) {
    PAINTERS[`shore${mask}`] = paintShore(mask);
    PAINTERS[`pathEdge${mask}`] = paintPathEdge(mask, GRASS);
    PAINTERS[`forestPathEdge${mask}`] = paintPathEdge(mask, FOREST_FLOOR);
  }
}

/** Two-cell tiles: painted once as 32x64, cut into a top and a bottom tile. */
const TALL: Record<string, { top: string; bottom: string; paint: (img: Img, rng: Rng) => void }> = {
  oak: { top: "oakTop", bottom: "oakTrunk", paint: paintOak },
  pine: { top: "pineTop", bottom: "pineTrunk", paint: paintPine },
};

export function paintTileset(): Img {
  const rows = Math.ceil(TILES.length / COLUMNS);
  const atlas = new Img(COLUMNS * S, rows * S);
  const place = (id: number, tile: Img) => atlas.draw(tile, (id % COLUMNS) * S, Math.floor(id / COLUMNS) * S);
  const done = new Set<string>();
  for (const { top, bottom, paint } of Object.values(TALL)) {
    const tall = new Img(S, 2 * S);
    paint(tall, seededRandom(seedOf(top)));
    place(tileId(top), tall.crop(0, 0, S, S));
    place(tileId(bottom), tall.crop(0, S, S, S));
    done.add(top).add(bottom);
  }
  TILES.forEach((tile, id) => {
    if (done.has(tile.name)) return;
    const painter = PAINTERS[tile.name];
    if (!painter) throw new Error(`no painter for tile "${tile.name}"`);
    const img = new Img(S, S);
    painter(img, seededRandom(seedOf(tile.name)));
    place(id, img);
  });
  return atlas;
}

// ---------------------------------------------------------------- the hero

/**
 * Light neutral palette: the client tints the whole sprite per player (multiply), so
 * clothes are near white, hair and boots mid grey, the outline dark.
 */
const HERO = {
  outline: 0x2a2430,
  skin: 0xf7e6d8,
  skinShade: 0xd9c2b2,
  hair: 0xb9b4b0,
  hairLight: 0xdcd8d4,
  hairDark: 0x8e8884,
  tunic: 0xf4f4f4,
  tunicShade: 0xcfcfd2,
  tunicDark: 0xa9a9ae,
  belt: 0x7a726c,
  buckle: 0xe8d890,
  pants: 0xa8a4a0,
  boots: 0x6e6660,
  eye: 0x2a2430,
};

/** One 32x32 hero frame: `facing` 0 down, 1 left, 2 right, 3 up; `step` -1, 0, 1. */
function paintHero(facing: number, step: number): Img {
  const img = new Img(S, S);
  const side = facing === 1 || facing === 2;
  const dir = facing === 1 ? -1 : 1;
  const bob = step === 0 ? 0 : -1;
  const cx = 16;
  // Shadow is drawn by the client; the sprite's feet touch row 30.
  // Legs.
  if (!side) {
    const left = step === 1 ? -2 : 0;
    const right = step === -1 ? -2 : 0;
    img.rect(cx - 4, 24 + bob, 3, 5 + left, HERO.pants);
    img.rect(cx + 1, 24 + bob, 3, 5 + right, HERO.pants);
    img.rect(cx - 4, 28 + bob + left, 3, 2, HERO.boots);
    img.rect(cx + 1, 28 + bob + right, 3, 2, HERO.boots);
  } else {
    const swing = step * 3;
    img.rect(cx - 2 + swing, 24 + bob, 3, 5, HERO.pants);
    img.rect(cx - 2 + swing + (dir > 0 ? 0 : -1), 28 + bob, 4, 2, HERO.boots);
    img.rect(cx - 1 - swing, 24 + bob, 3, 5, shade(HERO.pants, 0.85));
    img.rect(cx - 1 - swing + (dir > 0 ? 0 : -1), 28 + bob, 4, 2, shade(HERO.boots, 0.85));
  }
  // Body (tunic) with a belt.
  const bodyTop = 16 + bob;
  for (let y = bodyTop; y < bodyTop + 9; y++) {
    const flare = y > bodyTop + 5 ? 1 : 0;
    const half = side ? 4 + flare : 5 + flare;
    for (let x = cx - half; x < cx + half; x++) {
      const t = (x - (cx - half)) / (2 * half);
      img.px(x, y, t < 0.3 ? HERO.tunic : t < 0.75 ? mix(HERO.tunic, HERO.tunicShade, 0.4) : HERO.tunicShade);
    }
  }
  img.rect(side ? cx - 4 : cx - 5, bodyTop + 6, side ? 8 : 10, 1, HERO.belt);
  if (facing === 0) img.px(cx, bodyTop + 6, HERO.buckle);
  if (facing === 0) img.rect(cx - 1, bodyTop + 1, 2, 3, HERO.tunicShade);
  // Arms swinging opposite to the legs.
  if (!side) {
    const swing = step;
    img.rect(cx - 7, bodyTop + 1 - swing, 2, 6, HERO.tunicShade);
    img.rect(cx + 5, bodyTop + 1 + swing, 2, 6, HERO.tunicShade);
    img.rect(cx - 7, bodyTop + 7 - swing, 2, 2, HERO.skin);
    img.rect(cx + 5, bodyTop + 7 + swing, 2, 2, HERO.skin);
  } else {
    const swing = -step * 2;
    img.rect(cx - 1 + swing, bodyTop + 1, 3, 6, HERO.tunicDark);
    img.rect(cx - 1 + swing * 1.5, bodyTop + 7, 3, 2, HERO.skinShade);
  }
  // Head.
  const hy = 9 + bob;
  img.ellipse(cx, hy, 7, 6.5, HERO.skin);
  if (facing === 3) {
    img.ellipse(cx, hy, 7, 6.5, (x, y) => {
      if (y > hy + 3) return HERO.hairDark;
      if (y < hy - 3 && x < cx) return HERO.hairLight;
      return (x - cx) % 3 === 0 && y > hy - 3 ? HERO.hairDark : HERO.hair;
    });
    img.px(cx - 3, hy - 4, 0xffffff);
  } else {
    // Hair cap and fringe.
    img.ellipse(cx, hy - 1, 7, 5.5, (x, y) => (y < hy - 2 ? (x < cx - 2 ? HERO.hairLight : HERO.hair) : null));
    if (facing === 0) {
      for (let x = cx - 7; x < cx + 7; x++) if ((x + 16) % 3 !== 1) img.px(x, hy - 2, HERO.hair);
      img.rect(cx - 7, hy - 2, 2, 5, HERO.hair);
      img.rect(cx + 5, hy - 2, 2, 5, HERO.hairDark);
      img.rect(cx - 3, hy + 1, 1, 2, HERO.eye);
      img.rect(cx + 2, hy + 1, 1, 2, HERO.eye);
      img.px(cx - 3, hy + 1, 0x5a5060);
      img.px(cx - 5, hy + 3, 0xf0b8b0);
      img.px(cx + 4, hy + 3, 0xf0b8b0);
      img.px(cx, hy + 4, HERO.skinShade);
    } else {
      // Profile: hair covers the back of the head, one eye looks ahead.
      const back = dir > 0 ? cx - 7 : cx + 2;
      img.rect(back, hy - 2, 5, 6, HERO.hair);
      img.rect(back + (dir > 0 ? 0 : 4), hy - 2, 1, 6, HERO.hairDark);
      img.rect(cx + dir * 3 - (dir > 0 ? 0 : 1), hy + 1, 1, 2, HERO.eye);
      img.px(cx + dir * 6 - (dir > 0 ? 1 : 0), hy + 3, HERO.skinShade);
      for (let x = cx - 6; x < cx + 6; x++) if ((x + 16) % 3 !== 0) img.px(x, hy - 2, HERO.hair);
    }
  }
  img.outline(HERO.outline);
  return img;
}

export function paintHeroSheet(): Img {
  const sheet = new Img(3 * S, 4 * S);
  for (let facing = 0; facing < 4; facing++) {
    [0, -1, 1].forEach((step, col) => sheet.draw(paintHero(facing, step), col * S, facing * S));
  }
  return sheet;
}

// ---------------------------------------------------------------- output

function tilesetJson(atlas: Img): string {
  const props = (tile: TileDef) => [
    { name: "kind", type: "string", value: tile.kind },
    ...(tile.solid ? [{ name: "solid", type: "bool", value: true }] : []),
  ];
  const tiles = TILES.map((tile, id) => ({
    ...(tile.animation
      ? { animation: tile.animation.frames.map((name) => ({ duration: tile.animation!.duration, tileid: tileId(name) })) }
      : {}),
    id,
    properties: props(tile),
  }));
  const json = {
    columns: COLUMNS,
    image: "overworld.png",
    imageheight: atlas.height,
    imagewidth: atlas.width,
    margin: 0,
    name: "overworld",
    spacing: 0,
    tilecount: TILES.length,
    tiledversion: "1.10.2",
    tileheight: S,
    tiles,
    tilewidth: S,
    type: "tileset",
    version: "1.10",
  };
  return `${JSON.stringify(json, null, 1)}\n`;
}

function writePng(file: string, img: Img): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, encodePng(img.width, img.height, img.data));
  console.log(`wrote ${path.relative(ROOT, file)} (${img.width}x${img.height})`);
}

function main(): void {
  const args = process.argv.slice(2);
  const previewAt = args.indexOf("--preview");
  const previewDir = previewAt >= 0 ? args[previewAt + 1] : undefined;
  const tilesetDir = path.join(ROOT, "shared", "zones", "tilesets");
  const atlas = paintTileset();
  writePng(path.join(tilesetDir, "overworld.png"), atlas);
  fs.writeFileSync(path.join(tilesetDir, "overworld.tsj"), tilesetJson(atlas));
  console.log(`wrote shared/zones/tilesets/overworld.tsj (${TILES.length} tiles)`);
  const sprites = path.join(ROOT, "client", "public", "sprites");
  const hero = paintHeroSheet();
  writePng(path.join(sprites, "hero.png"), hero);
  const monsters = Object.keys(MONSTERS).map((kind) => [kind, paintMonsterSheet(kind)] as const);
  for (const [kind, sheet] of monsters) writePng(path.join(sprites, "monsters", `${kind}.png`), sheet);
  const icons = Object.keys(ITEMS).map((item) => [item, paintItemIcon(item)] as const);
  for (const [item, icon] of icons) writePng(path.join(sprites, "items", `${item}.png`), icon);
  const firebolt = paintFirebolt();
  writePng(path.join(sprites, "effects", "firebolt.png"), firebolt);
  if (previewDir) {
    writePng(path.join(previewDir, "overworld-3x.png"), atlas.scaled(3));
    writePng(path.join(previewDir, "hero-6x.png"), hero.scaled(6));
    for (const [kind, sheet] of monsters) writePng(path.join(previewDir, `${kind}-6x.png`), sheet.scaled(6));
    const strip = new Img(16 * icons.length + 48, 16);
    icons.forEach(([, icon], i) => strip.draw(icon, i * 16, 0));
    strip.draw(firebolt, 16 * icons.length, 0);
    writePng(path.join(previewDir, "items-8x.png"), strip.scaled(8));
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
