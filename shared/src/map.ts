/**
 * Collision queries on a map, and a compact text form of small maps for tests and tools.
 */
import { TILE_SIZE } from "./constants.ts";
import type { CollisionMap } from "./tiled.ts";

/** True when the tile at (col, row) blocks movement; everything outside the map does. */
export function isSolidTile(map: CollisionMap, col: number, row: number): boolean {
  if (col < 0 || row < 0 || col >= map.width || row >= map.height) return true;
  return map.solid[row * map.width + col] === 1;
}

/**
 * True when nothing solid lies on the straight line from `a` to `b` (world pixels): the
 * line is sampled every quarter tile, so no wall tile can be skipped over.
 */
export function lineOfSight(map: CollisionMap, a: { x: number; y: number }, b: { x: number; y: number }): boolean {
  const length = Math.hypot(b.x - a.x, b.y - a.y);
  const samples = Math.max(1, Math.ceil(length / (map.tileSize / 4)));
  for (let i = 0; i <= samples; i++) {
    const t = i / samples;
    const x = a.x + (b.x - a.x) * t;
    const y = a.y + (b.y - a.y) * t;
    if (isSolidTile(map, Math.floor(x / map.tileSize), Math.floor(y / map.tileSize))) return false;
  }
  return true;
}

/** A small map written as text: collision and one spawn point. */
export interface TextMap extends CollisionMap {
  readonly spawn: { readonly x: number; readonly y: number };
}

/**
 * Builds a collision map from rows of characters: `#` wall, `.` floor, `S` the spawn
 * (floor). Every row must have the same length and there must be exactly one `S`.
 * @throws Error naming the row and column of the first problem
 */
export function parseTextMap(rows: readonly string[], tileSize = TILE_SIZE): TextMap {
  if (rows.length === 0) throw new Error("map has no rows");
  const width = rows[0].length;
  const height = rows.length;
  const solid = new Uint8Array(width * height);
  let spawn: { x: number; y: number } | null = null;
  rows.forEach((row, r) => {
    if (row.length !== width) throw new Error(`row ${r} has ${row.length} tiles, expected ${width}`);
    for (let c = 0; c < width; c++) {
      const ch = row[c];
      if (ch !== "#" && ch !== "." && ch !== "S") throw new Error(`unknown tile '${ch}' at row ${r}, column ${c}`);
      solid[r * width + c] = ch === "#" ? 1 : 0;
      if (ch === "S") {
        if (spawn) throw new Error("more than one spawn point");
        spawn = { x: (c + 0.5) * tileSize, y: (r + 0.5) * tileSize };
      }
    }
  });
  if (!spawn) throw new Error("no spawn point ('S')");
  return { width, height, tileSize, solid, spawn };
}
