/**
 * The deterministic movement step. The server runs it for every input it accepts; the
 * client runs the very same function to predict its own character. Pure: same arguments,
 * same result, on either side.
 */
import { Facing, PLAYER_HALF_SIZE } from "./constants.ts";
import { isSolidTile, type CollisionMap } from "./map.ts";

export interface Position {
  x: number;
  y: number;
}

/** A movement intent: each axis in -1..1 (values outside are clamped). */
export interface MoveIntent {
  dx: number;
  dy: number;
}

function clampAxis(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.max(-1, Math.min(1, value));
}

/** The direction a character faces after moving with `intent` (unchanged when idle). */
export function facingFor(intent: MoveIntent, previous: Facing): Facing {
  if (intent.dx === 0 && intent.dy === 0) return previous;
  if (Math.abs(intent.dx) > Math.abs(intent.dy)) return intent.dx < 0 ? Facing.Left : Facing.Right;
  return intent.dy < 0 ? Facing.Up : Facing.Down;
}

/**
 * Moves a character's collision box (a square of half-side `PLAYER_HALF_SIZE` centred on
 * the position) by `intent * speed * dt`, stopping flush against solid tiles and the map
 * edge. Each axis is swept separately over every tile it crosses, so no step size can
 * tunnel through a wall: the result does not depend on the frame rate, only on the
 * distance travelled. Diagonal intents are normalized, so no direction is faster.
 * Coordinates are rounded to float32, the precision the state is synchronized with, so
 * client and server hold bit-identical positions.
 */
export function stepMovement(
  position: Position,
  intent: MoveIntent,
  speed: number,
  dt: number,
  map: CollisionMap,
): Position {
  let dx = clampAxis(intent.dx);
  let dy = clampAxis(intent.dy);
  if (dx !== 0 && dy !== 0) {
    dx *= Math.SQRT1_2;
    dy *= Math.SQRT1_2;
  }
  const distance = dt > 0 && speed > 0 ? speed * dt : 0;
  const x = sweepX(position.x, position.y, dx * distance, map);
  const y = sweepY(x, position.y, dy * distance, map);
  return { x: Math.fround(x), y: Math.fround(y) };
}

const H = PLAYER_HALF_SIZE;

/** Rows (or columns) a box spanning [low, high) covers. */
function span(low: number, high: number, tileSize: number): [number, number] {
  return [Math.floor(low / tileSize), Math.ceil(high / tileSize) - 1];
}

function sweepX(x: number, y: number, delta: number, map: CollisionMap): number {
  if (delta === 0) return x;
  const ts = map.tileSize;
  const [rowFirst, rowLast] = span(y - H, y + H, ts);
  const blocked = (col: number) => {
    for (let row = rowFirst; row <= rowLast; row++) if (isSolidTile(map, col, row)) return true;
    return false;
  };
  if (delta > 0) {
    const target = x + H + delta;
    for (let col = Math.ceil((x + H) / ts); col <= Math.ceil(target / ts) - 1; col++) {
      if (blocked(col)) return col * ts - H;
    }
    return target - H;
  }
  const target = x - H + delta;
  for (let col = Math.floor((x - H) / ts) - 1; col >= Math.floor(target / ts); col--) {
    if (blocked(col)) return (col + 1) * ts + H;
  }
  return target + H;
}

function sweepY(x: number, y: number, delta: number, map: CollisionMap): number {
  if (delta === 0) return y;
  const ts = map.tileSize;
  const [colFirst, colLast] = span(x - H, x + H, ts);
  const blocked = (row: number) => {
    for (let col = colFirst; col <= colLast; col++) if (isSolidTile(map, col, row)) return true;
    return false;
  };
  if (delta > 0) {
    const target = y + H + delta;
    for (let row = Math.ceil((y + H) / ts); row <= Math.ceil(target / ts) - 1; row++) {
      if (blocked(row)) return row * ts - H;
    }
    return target - H;
  }
  const target = y - H + delta;
  for (let row = Math.floor((y - H) / ts) - 1; row >= Math.floor(target / ts); row--) {
    if (blocked(row)) return (row + 1) * ts + H;
  }
  return target + H;
}

/** True when a character box centred at `position` overlaps no solid tile. */
export function isWalkable(position: Position, map: CollisionMap): boolean {
  const ts = map.tileSize;
  const [colFirst, colLast] = span(position.x - H, position.x + H, ts);
  const [rowFirst, rowLast] = span(position.y - H, position.y + H, ts);
  for (let row = rowFirst; row <= rowLast; row++) {
    for (let col = colFirst; col <= colLast; col++) if (isSolidTile(map, col, row)) return false;
  }
  return true;
}
