/**
 * Walks a character across a zone in the browser with the real keyboard: plans a route of
 * straight runs between tile centres (fewest turns) on the shared collision map, then
 * holds and taps arrow keys, steering by the own character's position from the server.
 */
import type { Page } from "playwright-core";
import type { Rect, ZoneMap } from "@oatnut/shared";
import { snapshot, waitForSnapshot } from "./browser.ts";

type Cell = [number, number];
const DIRECTIONS: Array<[number, number]> = [
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
];

/**
 * Tile centres from `from` to the first tile whose centre is inside `target`, as the
 * corners of straight runs, preferring routes with few turns.
 */
export function planRoute(map: ZoneMap, from: { x: number; y: number }, target: Rect): Array<{ x: number; y: number }> {
  const ts = map.tileSize;
  const start: Cell = [Math.floor(from.x / ts), Math.floor(from.y / ts)];
  const inTarget = ([c, r]: Cell) => {
    const x = (c + 0.5) * ts;
    const y = (r + 0.5) * ts;
    return x >= target.x && x < target.x + target.width && y >= target.y && y < target.y + target.height;
  };
  // Dijkstra over (cell, heading): a step costs 1, a turn 4 more.
  const key = (c: number, r: number, d: number) => (r * map.width + c) * 5 + d;
  const cost = new Map<number, number>();
  const previous = new Map<number, number>();
  const frontier: Array<[number, number, number, number]> = [[0, start[0], start[1], 4]];
  cost.set(key(start[0], start[1], 4), 0);
  let goal: number | undefined;
  while (frontier.length > 0 && goal === undefined) {
    frontier.sort((a, b) => a[0] - b[0]);
    const [c0, col, row, heading] = frontier.shift()!;
    const here = key(col, row, heading);
    if (c0 > (cost.get(here) ?? Infinity)) continue;
    if (inTarget([col, row])) {
      goal = here;
      break;
    }
    DIRECTIONS.forEach(([dc, dr], d) => {
      const c = col + dc;
      const r = row + dr;
      if (c < 0 || r < 0 || c >= map.width || r >= map.height || map.solid[r * map.width + c]) return;
      const next = key(c, r, d);
      const total = c0 + 1 + (heading !== 4 && heading !== d ? 4 : 0);
      if (total < (cost.get(next) ?? Infinity)) {
        cost.set(next, total);
        previous.set(next, here);
        frontier.push([total, c, r, d]);
      }
    });
  }
  if (goal === undefined) throw new Error(`no route from (${from.x}, ${from.y}) to the target`);
  const cells: Cell[] = [];
  for (let k: number | undefined = goal; k !== undefined; k = previous.get(k)) {
    const cell = Math.floor(k / 5);
    cells.unshift([cell % map.width, Math.floor(cell / map.width)]);
  }
  // Keep only the corners (and the last cell).
  const corners: Cell[] = [];
  for (let i = 1; i < cells.length; i++) {
    const last = i === cells.length - 1;
    const turns =
      !last &&
      (cells[i + 1][0] - cells[i][0] !== cells[i][0] - cells[i - 1][0] || cells[i + 1][1] - cells[i][1] !== cells[i][1] - cells[i - 1][1]);
    if (turns || last) corners.push(cells[i]);
  }
  return corners.map(([c, r]) => ({ x: (c + 0.5) * ts, y: (r + 0.5) * ts }));
}

/**
 * Waits until every input sent so far has been applied by the server and acknowledged
 * (the prediction and the server's position agree), however slow the host: returns the
 * position then, or null once the character has left `zone` (a portal took it). A frame
 * may come seconds late on a busy machine, so "the position held still for a moment" is
 * no proof that nothing is in flight: steering on it taps twice for one step and swings
 * past the target for ever.
 */
async function settle(page: Page, zone: string): Promise<{ x: number; y: number } | null> {
  const s = await waitForSnapshot(
    page,
    (x) =>
      x.zone !== zone ||
      x.selfServer === null ||
      x.self?.dead === true ||
      (x.selfPredicted !== null && x.selfServer.x === x.selfPredicted.x && x.selfServer.y === x.selfPredicted.y),
    `the inputs in flight applied in ${zone}`,
    60_000,
  );
  if (s.zone !== zone || s.selfServer === null) return null;
  if (s.self?.dead) throw new Error(`died on the way in ${zone} at ${JSON.stringify(s.selfServer)}`);
  return s.selfServer;
}

/** The own character's predicted position (where its inputs so far take it), or null once it has left `zone`. */
async function predicted(page: Page, zone: string): Promise<{ x: number; y: number } | null> {
  const s = await snapshot(page);
  return s.zone === zone ? (s.selfPredicted ?? s.selfServer) : null;
}

/**
 * Taps a key: down and up at once — one movement input, one 8 px step, whatever the frame
 * rate (the game walks a step per 50 ms a key is held, and at least one for a tap).
 */
async function tap(page: Page, key: string): Promise<void> {
  await page.evaluate((code) => {
    window.dispatchEvent(new KeyboardEvent("keydown", { code, key: code }));
    window.dispatchEvent(new KeyboardEvent("keyup", { code, key: code }));
  }, key);
}

/**
 * Moves along one axis until the server position is on `target` (within 4 px): holds the
 * key while far (steering by the prediction, which knows every input sent), taps when
 * near, and after each move waits for the server to have applied it. A hold ends when
 * the test sees the prediction near the target, so on a host slow to answer it runs past;
 * each time one does, holds are kept for longer distances and taps walk the rest. False
 * when a portal took the character out of `zone` on the way.
 */
async function moveAxis(page: Page, axis: "x" | "y", target: number, zone: string): Promise<boolean> {
  let holdBeyond = 24;
  let lastHold = 0;
  let position: { x: number; y: number } | null = null;
  for (let attempt = 0; attempt < 100; attempt++) {
    position = await settle(page, zone);
    if (position === null) return false;
    let remaining = target - position[axis];
    if (Math.abs(remaining) < 4) return true;
    const sign = Math.sign(remaining);
    if (lastHold !== 0 && sign !== lastHold) holdBeyond = Math.min(holdBeyond * 2, 384);
    const key = axis === "x" ? (sign > 0 ? "ArrowRight" : "ArrowLeft") : sign > 0 ? "ArrowDown" : "ArrowUp";
    if (Math.abs(remaining) > holdBeyond) {
      await page.keyboard.down(key);
      while (sign * remaining > holdBeyond) {
        await page.waitForTimeout(15);
        const now = await predicted(page, zone);
        if (now === null) break;
        remaining = target - now[axis];
      }
      await page.keyboard.up(key);
      lastHold = sign;
    } else {
      await tap(page, key);
      lastHold = 0;
    }
  }
  throw new Error(`could not reach ${axis}=${target} in ${zone}; at ${JSON.stringify(position)}`);
}

/**
 * Walks the own character into `target` (a portal) of the zone it is in, and waits for
 * the zone to change to `arrives`.
 */
export async function walkThrough(page: Page, map: ZoneMap, target: Rect, arrives: string): Promise<void> {
  const start = await settle(page, map.id);
  if (start === null) throw new Error(`not in ${map.id} to walk from`);
  route: for (const corner of planRoute(map, start, target)) {
    for (const axis of ["x", "y"] as const) {
      if (!(await moveAxis(page, axis, corner[axis], map.id))) break route;
    }
  }
  await waitForSnapshot(page, (s) => s.zone === arrives && s.selfServer !== null, `arrival in ${arrives}`);
}
