/**
 * Finding room on screen for a floating box (a portal marker) among the HUD's panels: the
 * free place nearest the one it wants, inside the screen, clear of every panel and of the
 * boxes placed before it; and where on the screen's edge a marker for something off
 * screen goes. Pure arithmetic on boxes in CSS pixels, so it is unit-tested.
 */
import type { Box, Point } from "../snapshot.ts";

/** Whether two boxes overlap, or come closer than `gap`. */
export function overlaps(a: Box, b: Box, gap = 0): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

/** `box` moved (not resized) into `bounds`; a box larger than `bounds` is centred on it. */
export function clampInto(box: Box, bounds: Box): Box {
  const axis = (at: number, size: number, from: number, span: number) =>
    size > span ? from + (span - size) / 2 : Math.min(from + span - size, Math.max(from, at));
  return { ...box, x: axis(box.x, box.width, bounds.x, bounds.width), y: axis(box.y, box.height, bounds.y, bounds.height) };
}

/** Rounds of stepping around obstacles, and candidates looked at in all: enough for a HUD's few panels. */
const MAX_ROUNDS = 4;
const MAX_CANDIDATES = 600;

/**
 * The place for `wanted` (same size) nearest to it, inside `bounds` and at least `gap`
 * away from every obstacle, or null when none is found. Candidates: the wanted place
 * (moved into the bounds), then, round after round, for each obstacle a candidate hits,
 * the four places just beside that obstacle — so a box blocked by a panel slides past
 * its nearer side, and on past a second panel if it must.
 */
export function placeBox(wanted: Box, bounds: Box, obstacles: readonly Box[], gap = 4): Box | null {
  const centreX = wanted.x + wanted.width / 2;
  const centreY = wanted.y + wanted.height / 2;
  const away = (box: Box) => Math.hypot(box.x + box.width / 2 - centreX, box.y + box.height / 2 - centreY);
  let best: Box | null = null;
  let bestAway = Infinity;
  const seen = new Set<string>();
  let round: Box[] = [clampInto(wanted, bounds)];
  let looked = 0;
  for (let step = 0; step < MAX_ROUNDS && round.length > 0 && looked < MAX_CANDIDATES; step++) {
    const next: Box[] = [];
    for (const candidate of round) {
      const key = `${Math.round(candidate.x)},${Math.round(candidate.y)}`;
      if (seen.has(key) || ++looked > MAX_CANDIDATES) continue;
      seen.add(key);
      const distance = away(candidate);
      if (distance >= bestAway) continue; // stepping on from here only goes farther
      const hits = obstacles.filter((obstacle) => overlaps(candidate, obstacle, gap));
      if (hits.length === 0) {
        best = candidate;
        bestAway = distance;
        continue;
      }
      for (const o of hits) {
        next.push(
          clampInto({ ...candidate, x: o.x - candidate.width - gap - 0.5 }, bounds),
          clampInto({ ...candidate, x: o.x + o.width + gap + 0.5 }, bounds),
          clampInto({ ...candidate, y: o.y - candidate.height - gap - 0.5 }, bounds),
          clampInto({ ...candidate, y: o.y + o.height + gap + 0.5 }, bounds),
        );
      }
    }
    round = next;
  }
  return best;
}

/**
 * Where a marker of width x height goes for a portal off screen: the centre point where
 * the line from `from` (the own character) to `to` (the portal) leaves `bounds` shrunk by
 * half the marker (so the marker fits), and which edge that is.
 */
export function edgePoint(
  from: Point,
  to: Point,
  bounds: Box,
  width: number,
  height: number,
): { x: number; y: number; edge: "left" | "right" | "top" | "bottom" } {
  const left = bounds.x + width / 2;
  const right = Math.max(left, bounds.x + bounds.width - width / 2);
  const top = bounds.y + height / 2;
  const bottom = Math.max(top, bounds.y + bounds.height - height / 2);
  const start = { x: Math.min(right, Math.max(left, from.x)), y: Math.min(bottom, Math.max(top, from.y)) };
  const dx = to.x - start.x;
  const dy = to.y - start.y;
  const tx = dx > 0 ? (right - start.x) / dx : dx < 0 ? (left - start.x) / dx : Infinity;
  const ty = dy > 0 ? (bottom - start.y) / dy : dy < 0 ? (top - start.y) / dy : Infinity;
  if (tx <= ty) return { x: dx > 0 ? right : left, y: start.y + dy * (Number.isFinite(tx) ? tx : 0), edge: dx > 0 ? "right" : "left" };
  return { x: start.x + dx * ty, y: dy > 0 ? bottom : top, edge: dy > 0 ? "bottom" : "top" };
}
