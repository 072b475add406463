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

/** The own character's server position; zone "travelling" while it is between zones. */
async function serverPosition(page: Page): Promise<{ x: number; y: number; zone: string | null }> {
  const s = await snapshot(page);
  return s.selfServer ? { ...s.selfServer, zone: s.zone } : { x: NaN, y: NaN, zone: "travelling" };
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

/** Moves along one axis until the server position is on `target` (within 4 px). */
async function moveAxis(page: Page, axis: "x" | "y", target: number, zone: string): Promise<boolean> {
  for (let attempt = 0; attempt < 40; attempt++) {
    let position = await serverPosition(page);
    if (position.zone !== zone) return false; // a portal took us
    let remaining = target - position[axis];
    if (Math.abs(remaining) < 4) return true;
    const key = axis === "x" ? (remaining > 0 ? "ArrowRight" : "ArrowLeft") : remaining > 0 ? "ArrowDown" : "ArrowUp";
    if (Math.abs(remaining) > 24) {
      await page.keyboard.down(key);
      const sign = Math.sign(remaining);
      while (sign * remaining > 24) {
        await page.waitForTimeout(15);
        position = await serverPosition(page);
        if (position.zone !== zone) break;
        remaining = target - position[axis];
      }
      await page.keyboard.up(key);
    } else {
      await tap(page, key);
    }
    // Inputs in flight land: wait until the position holds still.
    let last = await serverPosition(page);
    for (let i = 0; i < 20; i++) {
      await page.waitForTimeout(60);
      const now = await serverPosition(page);
      if (now.x === last.x && now.y === last.y) break;
      last = now;
    }
  }
  throw new Error(`could not reach ${axis}=${target} in ${zone}`);
}

/**
 * Walks the own character into `target` (a portal) of the zone it is in, and waits for
 * the zone to change to `arrives`.
 */
export async function walkThrough(page: Page, map: ZoneMap, target: Rect, arrives: string): Promise<void> {
  const start = await serverPosition(page);
  for (const corner of planRoute(map, start, target)) {
    for (const axis of ["x", "y"] as const) {
      if (!(await moveAxis(page, axis, corner[axis], map.id))) break;
    }
    if ((await serverPosition(page)).zone !== map.id) break;
  }
  await waitForSnapshot(page, (s) => s.zone === arrives && s.selfServer !== null, `arrival in ${arrives}`);
}
