/**
 * The ground of a zone: one sprite per tile of the shared map data, with a
 * deterministic per-tile choice of variant and animated water.
 */
import { Container, Sprite, type Texture } from "pixi.js";
import { Tile, type ZoneMap } from "@oatnut/shared";
import type { TileTextures } from "./tileTextures.ts";

/** Milliseconds per water animation frame. */
const WATER_FRAME_MS = 450;

/** Stable pseudo-random number for a tile, so variants don't change between loads. */
function tileHash(col: number, row: number): number {
  let h = Math.imul(col, 374761393) ^ Math.imul(row, 668265263);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return (h ^ (h >>> 16)) >>> 0;
}

export class TileMapView {
  readonly container = new Container();
  private readonly water: Array<{ sprite: Sprite; phase: number }> = [];
  private readonly waterFrames: readonly Texture[];
  private waterFrame = -1;

  constructor(map: ZoneMap, textures: TileTextures) {
    this.waterFrames = textures.get(Tile.Water) ?? [];
    const fallback = textures.get(Tile.Grass) ?? [];
    for (let row = 0; row < map.height; row++) {
      for (let col = 0; col < map.width; col++) {
        const kind = map.tiles[row * map.width + col] as Tile;
        const variants = textures.get(kind) ?? fallback;
        const hash = tileHash(col, row);
        // Plain grass mostly, flowers (last variant) now and then.
        const variant = kind === Tile.Grass
          ? (hash % 11 === 0 ? variants.length - 1 : hash % Math.max(1, variants.length - 1))
          : hash % variants.length;
        const sprite = new Sprite(variants[variant]);
        sprite.position.set(col * map.tileSize, row * map.tileSize);
        sprite.setSize(map.tileSize, map.tileSize);
        this.container.addChild(sprite);
        if (kind === Tile.Water) this.water.push({ sprite, phase: hash % 3 });
      }
    }
  }

  /** Advances the water animation. */
  update(now: number): void {
    const count = this.waterFrames.length;
    if (count === 0) return;
    const frame = Math.floor(now / WATER_FRAME_MS);
    if (frame === this.waterFrame) return;
    this.waterFrame = frame;
    for (const { sprite, phase } of this.water) sprite.texture = this.waterFrames[(frame + phase) % count];
  }

  destroy(): void {
    this.container.destroy({ children: true });
  }
}
