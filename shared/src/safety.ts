/**
 * Safe arrivals, written once for the server (monsters, placing arrivals), zones:check
 * and the client (which may draw the circles): the safe circle around each spawn point
 * of a zone, and the free spot near a spawn point where an arriving player is placed.
 */
import { lineOfSight } from "./map.ts";
import { isWalkable, type Position } from "./movement.ts";
import { ARRIVAL_SPACING } from "./rules.ts";
import { insideRect, type Rect, type ZoneMap } from "./tiled.ts";

/** A circle monsters never enter: around one spawn point of a zone. */
export interface SafeCircle {
  /** The spawn point's name. */
  readonly spawn: string;
  readonly x: number;
  readonly y: number;
  readonly radius: number;
}

/** The safe circles of a map: one of `radius` around each of its spawn points. */
export function safeCircles(map: Pick<ZoneMap, "spawns">, radius: number): SafeCircle[] {
  return [...map.spawns].map(([spawn, point]) => ({ spawn, x: point.x, y: point.y, radius }));
}

/** The circle `point` stands inside (closer to its centre than its radius), if any. */
export function safeCircleAt(circles: readonly SafeCircle[], point: Position): SafeCircle | undefined {
  for (const circle of circles) {
    if ((point.x - circle.x) ** 2 + (point.y - circle.y) ** 2 < circle.radius ** 2) return circle;
  }
  return undefined;
}

/** Distance from `point` to the nearest point of the rectangle (0 inside it). */
export function distanceToRect(rect: Rect, point: Position): number {
  const dx = Math.max(rect.x - point.x, 0, point.x - (rect.x + rect.width));
  const dy = Math.max(rect.y - point.y, 0, point.y - (rect.y + rect.height));
  return Math.hypot(dx, dy);
}

/** Tile offsets around a spawn point, nearest first (then clockwise from east): where arrivals are tried. */
const ARRIVAL_OFFSETS: ReadonlyArray<readonly [number, number]> = (() => {
  const rings = 3;
  const offsets: Array<[number, number]> = [];
  for (let dy = -rings; dy <= rings; dy++) for (let dx = -rings; dx <= rings; dx++) offsets.push([dx, dy]);
  const angle = ([dx, dy]: [number, number]) => (Math.atan2(dy, dx) + 2 * Math.PI) % (2 * Math.PI);
  return offsets.sort((a, b) => Math.hypot(...a) - Math.hypot(...b) || angle(a) - angle(b));
})();

/**
 * Where a player arriving at `spawn` is placed: the spawn point itself when nobody stands
 * within ARRIVAL_SPACING of it, else the nearest free spot on a grid of tiles around it
 * (up to three tiles away) — walkable, in plain view of the spawn (no wall between),
 * outside every portal, and ARRIVAL_SPACING from everyone in `others`. When every spot is
 * taken, the spawn point itself. The same inputs give the same spot.
 */
export function arrivalSpot(
  map: Pick<ZoneMap, "width" | "height" | "tileSize" | "solid" | "portals">,
  spawn: Position,
  others: Iterable<Position>,
  spacing = ARRIVAL_SPACING,
): Position {
  const taken = [...others];
  const free = (spot: Position) => taken.every((other) => (other.x - spot.x) ** 2 + (other.y - spot.y) ** 2 >= spacing ** 2);
  for (const [dx, dy] of ARRIVAL_OFFSETS) {
    const spot = { x: spawn.x + dx * map.tileSize, y: spawn.y + dy * map.tileSize };
    if (!free(spot)) continue;
    if (dx === 0 && dy === 0) return spot;
    if (!isWalkable(spot, map) || !lineOfSight(map, spawn, spot)) continue;
    if (map.portals.some((portal) => insideRect(portal, spot.x, spot.y))) continue;
    return spot;
  }
  return { x: spawn.x, y: spawn.y };
}
