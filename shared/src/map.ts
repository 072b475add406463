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

/** The four tiles a character can step to from a tile. */
const NEIGHBOURS = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
] as const;

/**
 * Walks the walkable tiles (4-connected) from the tile under `from`, breadth first. Answers,
 * for each tile (index `row * width + col`), the tile it was first reached from: -1 for the
 * start, -2 for a tile not reached. With `isGoal`, stops at the first tile it accepts (the
 * nearest) and answers its index as `found`; otherwise `found` is -1. Nothing is reached from
 * a solid tile.
 */
export function searchTiles(
  map: CollisionMap,
  from: { x: number; y: number },
  isGoal?: (col: number, row: number) => boolean,
): { previous: Int32Array; found: number } {
  const previous = new Int32Array(map.width * map.height).fill(-2);
  const startCol = Math.floor(from.x / map.tileSize);
  const startRow = Math.floor(from.y / map.tileSize);
  if (isSolidTile(map, startCol, startRow)) return { previous, found: -1 };
  const start = startRow * map.width + startCol;
  previous[start] = -1;
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const cell = queue[head];
    const col = cell % map.width;
    const row = (cell - col) / map.width;
    if (isGoal?.(col, row)) return { previous, found: cell };
    for (const [dc, dr] of NEIGHBOURS) {
      const c = col + dc;
      const r = row + dr;
      if (isSolidTile(map, c, r) || previous[r * map.width + c] !== -2) continue;
      previous[r * map.width + c] = cell;
      queue.push(r * map.width + c);
    }
  }
  return { previous, found: -1 };
}

/**
 * A shortest walk over tiles from `from` to a tile whose centre lies in one of `areas` (world
 * pixels, e.g. portals), as the centres of the tiles on the way; null when none can be reached.
 */
export function tilePath(
  map: CollisionMap,
  from: { x: number; y: number },
  areas: ReadonlyArray<{ x: number; y: number; width: number; height: number }>,
): Array<{ x: number; y: number }> | null {
  const size = map.tileSize;
  const inside = (col: number, row: number) =>
    areas.some((a) => {
      const x = (col + 0.5) * size;
      const y = (row + 0.5) * size;
      return x >= a.x && x <= a.x + a.width && y >= a.y && y <= a.y + a.height;
    });
  const { previous, found } = searchTiles(map, from, inside);
  if (found < 0) return null;
  const path = [];
  for (let at = found; at !== -1; at = previous[at])
    path.push({ x: ((at % map.width) + 0.5) * size, y: (Math.floor(at / map.width) + 0.5) * size });
  return path.reverse();
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
