/**
 * Zone maps: the tile grid both sides read. The server uses `solid` for collision; the
 * client draws `ground` and `solid` tiles. One map file feeds both, never two exports.
 */
import { TILE_SIZE } from "./constants.ts";

/** Kinds of tile a zone is drawn with. */
export const Tile = {
  Grass: 0,
  Path: 1,
  Wall: 2,
  Water: 3,
  Tree: 4,
} as const;
export type Tile = (typeof Tile)[keyof typeof Tile];

/** Tiles a character cannot walk into. */
export const SOLID_TILES: ReadonlySet<Tile> = new Set<Tile>([Tile.Wall, Tile.Water, Tile.Tree]);

/** What the movement step needs to know of a map. */
export interface CollisionMap {
  /** Width in tiles. */
  readonly width: number;
  /** Height in tiles. */
  readonly height: number;
  /** Side of a tile in world pixels. */
  readonly tileSize: number;
  /** One byte per tile, row-major: 1 where a character cannot walk. */
  readonly solid: Uint8Array;
}

/** A whole zone map: collision, what to draw, and where characters appear. */
export interface ZoneMap extends CollisionMap {
  readonly id: string;
  readonly displayName: string;
  /** One {@link Tile} per tile, row-major. */
  readonly tiles: Uint8Array;
  /** Where new characters appear, in world pixels (the centre of a walkable tile). */
  readonly spawn: { readonly x: number; readonly y: number };
}

/** True when the tile at (col, row) blocks movement; everything outside the map does. */
export function isSolidTile(map: CollisionMap, col: number, row: number): boolean {
  if (col < 0 || row < 0 || col >= map.width || row >= map.height) return true;
  return map.solid[row * map.width + col] === 1;
}

const ASCII_LEGEND: Record<string, Tile> = {
  ".": Tile.Grass,
  ",": Tile.Path,
  "#": Tile.Wall,
  "~": Tile.Water,
  "T": Tile.Tree,
  "S": Tile.Grass,
};

/**
 * Builds a zone map from rows of characters: `.` grass, `,` path, `#` wall, `~` water,
 * `T` tree, `S` the spawn point (grass). Every row must have the same length and there
 * must be exactly one `S`.
 * @throws Error naming the zone, row and column of the first problem.
 */
export function parseAsciiMap(id: string, displayName: string, rows: readonly string[]): ZoneMap {
  if (rows.length === 0) throw new Error(`zone ${id}: map has no rows`);
  const width = rows[0].length;
  const height = rows.length;
  const tiles = new Uint8Array(width * height);
  const solid = new Uint8Array(width * height);
  let spawn: { x: number; y: number } | null = null;
  rows.forEach((row, r) => {
    if (row.length !== width) {
      throw new Error(`zone ${id}: row ${r} has ${row.length} tiles, expected ${width}`);
    }
    for (let c = 0; c < width; c++) {
      const tile = ASCII_LEGEND[row[c]];
      if (tile === undefined) throw new Error(`zone ${id}: unknown tile '${row[c]}' at row ${r}, column ${c}`);
      tiles[r * width + c] = tile;
      solid[r * width + c] = SOLID_TILES.has(tile) ? 1 : 0;
      if (row[c] === "S") {
        if (spawn) throw new Error(`zone ${id}: more than one spawn point`);
        spawn = { x: (c + 0.5) * TILE_SIZE, y: (r + 0.5) * TILE_SIZE };
      }
    }
  });
  if (!spawn) throw new Error(`zone ${id}: no spawn point ('S')`);
  return { id, displayName, width, height, tileSize: TILE_SIZE, tiles, solid, spawn };
}
