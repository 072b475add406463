/**
 * The deterministic movement step. The server runs it for every input it accepts; the
 * client runs the very same function to predict its own character. Pure: same arguments,
 * same result, on either side.
 */
import { Facing, PLAYER_HALF_SIZE } from "./constants.ts";
import { isSolidTile } from "./map.ts";
import { MOVE_AXIS_RANGE } from "./protocol.ts";
import type { CollisionMap } from "./tiled.ts";

export interface Position {
  x: number;
  y: number;
}

/** A movement intent: each axis in -1..1 (values outside are clamped). */
export interface MoveIntent {
  dx: number;
  dy: number;
}

const [AXIS_MIN, AXIS_MAX] = MOVE_AXIS_RANGE;

/** An input axis clamped into MOVE_AXIS_RANGE (NaN is 0): the server's rule for what a client may ask. */
export function clampAxis(value: number): number {
  return value >= AXIS_MIN ? (value <= AXIS_MAX ? value : AXIS_MAX) : value < AXIS_MIN ? AXIS_MIN : 0;
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
export function stepMovement(position: Position, intent: MoveIntent, speed: number, dt: number, map: CollisionMap): Position {
  let dx = clampAxis(intent.dx);
  let dy = clampAxis(intent.dy);
  if (dx !== 0 && dy !== 0) {
    dx *= Math.SQRT1_2;
    dy *= Math.SQRT1_2;
  }
  const distance = dt > 0 && speed > 0 ? speed * dt : 0;
  const x = sweepAxis(position.x, position.y, dx * distance, map.tileSize, (col, row) => isSolidTile(map, col, row));
  const y = sweepAxis(position.y, x, dy * distance, map.tileSize, (row, col) => isSolidTile(map, col, row));
  return { x: Math.fround(x), y: Math.fround(y) };
}

const H = PLAYER_HALF_SIZE;

/** Rows (or columns) a box spanning [low, high) covers. */
function span(low: number, high: number, tileSize: number): [number, number] {
  return [Math.floor(low / tileSize), Math.ceil(high / tileSize) - 1];
}

/**
 * Moves a box along one axis by `delta`, stopping flush at the first solid tile it would
 * enter. `along` is the coordinate that moves, `across` the other one; `solidAt(alongTile,
 * acrossTile)` answers for tiles in that orientation, so one sweep serves both axes.
 */
function sweepAxis(
  along: number,
  across: number,
  delta: number,
  tileSize: number,
  solidAt: (alongTile: number, acrossTile: number) => boolean,
): number {
  if (delta === 0) return along;
  const [acrossFirst, acrossLast] = span(across - H, across + H, tileSize);
  const blocked = (tile: number) => {
    for (let other = acrossFirst; other <= acrossLast; other++) if (solidAt(tile, other)) return true;
    return false;
  };
  if (delta > 0) {
    const target = along + H + delta;
    for (let tile = Math.ceil((along + H) / tileSize); tile <= Math.ceil(target / tileSize) - 1; tile++) {
      if (blocked(tile)) return tile * tileSize - H;
    }
    return target - H;
  }
  const target = along - H + delta;
  for (let tile = Math.floor((along - H) / tileSize) - 1; tile >= Math.floor(target / tileSize); tile--) {
    if (blocked(tile)) return (tile + 1) * tileSize + H;
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

/** What one player-input step reads and writes of a player. */
export interface Walker extends Position {
  facing: number;
  speed: number;
  /** 0 while dead: a dead character does not move. */
  hp: number;
}

/**
 * Applies one movement input to a player for one fixed step: the server's rule, and the
 * step the client's prediction replays. Mutates `walker` in place.
 */
export function applyMoveInput(walker: Walker, intent: MoveIntent, dt: number, map: CollisionMap): void {
  if (walker.hp <= 0) return;
  const next = stepMovement(walker, intent, walker.speed, dt, map);
  walker.x = next.x;
  walker.y = next.y;
  walker.facing = facingFor(intent, walker.facing as Facing);
}
