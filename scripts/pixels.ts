/**
 * Pixel-art drawing helpers for the art generator: an RGBA image with alpha blending,
 * shapes that land on whole pixels, an auto-outline, colour maths and tileable value noise
 * (seeded by the shared `seededRandom`). Everything is deterministic.
 */
import { seededRandom } from "@oatnut/shared";

/** 0xRRGGBB */
export type Rgb = number;

/** A stable seed from a string (FNV-1a). */
export function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function rgb(r: number, g: number, b: number): Rgb {
  const c = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  return (c(r) << 16) | (c(g) << 8) | c(b);
}

export function channels(color: Rgb): [number, number, number] {
  return [(color >> 16) & 0xff, (color >> 8) & 0xff, color & 0xff];
}

/** Linear mix of two colours, t = 0 → a, 1 → b. */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  const [ar, ag, ab] = channels(a);
  const [br, bg, bb] = channels(b);
  return rgb(ar + (br - ar) * t, ag + (bg - ag) * t, ab + (bb - ab) * t);
}

/** Multiplies a colour's channels by `factor` (below 1 darkens, above brightens). */
export function shade(color: Rgb, factor: number): Rgb {
  const [r, g, b] = channels(color);
  return rgb(r * factor, g * factor, b * factor);
}

/**
 * Periodic value noise in [0, 1): a lattice of `cells` x `cells` random values over a
 * `period`-pixel square, smoothly interpolated; wraps, so tiles built with it tile.
 */
export function tileNoise(seed: number, period = 32, cells = 4): (x: number, y: number) => number {
  const rng = seededRandom(seed);
  const lattice = Array.from({ length: cells * cells }, () => rng());
  const at = (cx: number, cy: number) => lattice[(((cy % cells) + cells) % cells) * cells + (((cx % cells) + cells) % cells)];
  const smooth = (t: number) => t * t * (3 - 2 * t);
  const step = period / cells;
  return (x, y) => {
    const fx = x / step;
    const fy = y / step;
    const x0 = Math.floor(fx);
    const y0 = Math.floor(fy);
    const tx = smooth(fx - x0);
    const ty = smooth(fy - y0);
    const top = at(x0, y0) + (at(x0 + 1, y0) - at(x0, y0)) * tx;
    const bottom = at(x0, y0 + 1) + (at(x0 + 1, y0 + 1) - at(x0, y0 + 1)) * tx;
    return top + (bottom - top) * ty;
  };
}

/** An RGBA image. Drawing blends over what is there (source-over). */
export class Img {
  readonly data: Uint8Array;
  /** When set, coordinates wrap around the edges (for seamless tiles). */
  wrap = false;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array(width * height * 4);
  }

  private index(x: number, y: number): number {
    x = Math.floor(x);
    y = Math.floor(y);
    if (this.wrap) {
      x = ((x % this.width) + this.width) % this.width;
      y = ((y % this.height) + this.height) % this.height;
    } else if (x < 0 || y < 0 || x >= this.width || y >= this.height) {
      return -1;
    }
    return (y * this.width + x) * 4;
  }

  /** Alpha (0..255) at a pixel; 0 outside. */
  alpha(x: number, y: number): number {
    const i = this.index(x, y);
    return i < 0 ? 0 : this.data[i + 3];
  }

  get(x: number, y: number): Rgb {
    const i = this.index(x, y);
    if (i < 0) return 0;
    return (this.data[i] << 16) | (this.data[i + 1] << 8) | this.data[i + 2];
  }

  /** Paints one pixel with `color` at `alpha` (0..1) over the existing pixel. */
  px(x: number, y: number, color: Rgb, alpha = 1): void {
    const i = this.index(x, y);
    if (i < 0 || alpha <= 0) return;
    const [r, g, b] = channels(color);
    const d = this.data;
    if (alpha >= 1) {
      d[i] = r;
      d[i + 1] = g;
      d[i + 2] = b;
      d[i + 3] = 255;
      return;
    }
    const da = d[i + 3] / 255;
    const oa = alpha + da * (1 - alpha);
    if (oa <= 0) return;
    d[i] = Math.round((r * alpha + d[i] * da * (1 - alpha)) / oa);
    d[i + 1] = Math.round((g * alpha + d[i + 1] * da * (1 - alpha)) / oa);
    d[i + 2] = Math.round((b * alpha + d[i + 2] * da * (1 - alpha)) / oa);
    d[i + 3] = Math.round(oa * 255);
  }

  /** Recolours an existing pixel keeping its alpha (no-op on transparent pixels). */
  tint(x: number, y: number, color: Rgb, amount = 1): void {
    const i = this.index(x, y);
    if (i < 0 || this.data[i + 3] === 0) return;
    const c = mix(this.get(x, y), color, amount);
    const [r, g, b] = channels(c);
    this.data[i] = r;
    this.data[i + 1] = g;
    this.data[i + 2] = b;
  }

  /** Makes a pixel fully transparent. */
  clear(x: number, y: number): void {
    const i = this.index(x, y);
    if (i < 0) return;
    this.data.fill(0, i, i + 4);
  }

  rect(x: number, y: number, w: number, h: number, color: Rgb, alpha = 1): void {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) this.px(xx, yy, color, alpha);
  }

  /** Pixels whose centre lies inside the ellipse centred at (cx, cy). */
  ellipse(cx: number, cy: number, rx: number, ry: number, color: Rgb | ((x: number, y: number) => Rgb | null), alpha = 1): void {
    for (let y = Math.floor(cy - ry - 1); y <= Math.ceil(cy + ry + 1); y++) {
      for (let x = Math.floor(cx - rx - 1); x <= Math.ceil(cx + rx + 1); x++) {
        const dx = (x + 0.5 - cx) / rx;
        const dy = (y + 0.5 - cy) / ry;
        if (dx * dx + dy * dy > 1) continue;
        const c = typeof color === "function" ? color(x, y) : color;
        if (c !== null) this.px(x, y, c, alpha);
      }
    }
  }

  disc(cx: number, cy: number, r: number, color: Rgb | ((x: number, y: number) => Rgb | null), alpha = 1): void {
    this.ellipse(cx, cy, r, r, color, alpha);
  }

  /** A 1-pixel line (Bresenham). */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, alpha = 1): void {
    x0 = Math.round(x0);
    y0 = Math.round(y0);
    x1 = Math.round(x1);
    y1 = Math.round(y1);
    const dx = Math.abs(x1 - x0);
    const dy = -Math.abs(y1 - y0);
    const sx = x0 < x1 ? 1 : -1;
    const sy = y0 < y1 ? 1 : -1;
    let err = dx + dy;
    for (;;) {
      this.px(x0, y0, color, alpha);
      if (x0 === x1 && y0 === y1) return;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x0 += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y0 += sy;
      }
    }
  }

  /**
   * Draws a 1-pixel outline in `color` on every transparent pixel that touches an opaque
   * one (4-neighbourhood, or 8 with `diagonal`). Only pixels with alpha ≥ `threshold` count.
   */
  outline(color: Rgb, { diagonal = false, threshold = 128, alpha = 1 } = {}): void {
    const marks: number[] = [];
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        if (this.alpha(x, y) >= threshold) continue;
        const near = (dx: number, dy: number) => {
          const nx = x + dx;
          const ny = y + dy;
          if (!this.wrap && (nx < 0 || ny < 0 || nx >= this.width || ny >= this.height)) return false;
          return this.alpha(nx, ny) >= threshold;
        };
        if (
          near(1, 0) ||
          near(-1, 0) ||
          near(0, 1) ||
          near(0, -1) ||
          (diagonal && (near(1, 1) || near(-1, 1) || near(1, -1) || near(-1, -1)))
        ) {
          marks.push(x, y);
        }
      }
    }
    for (let i = 0; i < marks.length; i += 2) this.px(marks[i], marks[i + 1], color, alpha);
  }

  /** Copies (blends) `src` onto this image at (dx, dy). */
  draw(src: Img, dx: number, dy: number, sx = 0, sy = 0, w = src.width, h = src.height): void {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = ((sy + y) * src.width + (sx + x)) * 4;
        const a = src.data[i + 3];
        if (a === 0) continue;
        this.px(dx + x, dy + y, (src.data[i] << 16) | (src.data[i + 1] << 8) | src.data[i + 2], a / 255);
      }
    }
  }

  /** A copy of a region as a new image. */
  crop(x: number, y: number, w: number, h: number): Img {
    const out = new Img(w, h);
    out.draw(this, 0, 0, x, y, w, h);
    return out;
  }

  /** Scales up by an integer factor (nearest neighbour), e.g. for previews. */
  scaled(factor: number): Img {
    const out = new Img(this.width * factor, this.height * factor);
    for (let y = 0; y < out.height; y++) {
      for (let x = 0; x < out.width; x++) {
        const s = (Math.floor(y / factor) * this.width + Math.floor(x / factor)) * 4;
        out.data.set(this.data.subarray(s, s + 4), (y * out.width + x) * 4);
      }
    }
    return out;
  }
}
