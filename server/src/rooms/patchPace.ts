/**
 * A zone's pace, by how many players it holds, with hysteresis at each line (a zone at a
 * line does not flip back and forth on every join and leave: it goes back below four fifths
 * of it):
 *
 * - **Busy** (above `busyAt` players): its clients send their inputs two to a WebSocket
 *   frame (shared/src/inputBatch.ts). Each step is still one input, simulated and
 *   acknowledged at TICK_RATE, and an input that changes anything (a new direction, a stop,
 *   a skill) goes at once; only a walk's repeated steps wait for the next one. What it
 *   trades: the server reads half the frames (an eighth less CPU at 100 walkers,
 *   bench/levers.md round 12), and a straight walk reaches the server, and the others, one
 *   tick (50 ms) later. The player's own character is predicted and does not wait.
 * - **Crowded** (above `crowdedAt`): also patches every second tick (CROWDED_PATCH_RATE_MS):
 *   the per-client cost of a patch (one encoding walk and one socket write per client) is
 *   paid half as often, and clients draw the others one patch interval further behind.
 *   A crowded zone is busy too.
 *
 * Clients follow on their own: the state carries both (`inputsPerFrame`, `patchMs`).
 */
import { CROWDED_PATCH_RATE_MS, PATCH_RATE_MS } from "@oatnut/shared";

/** CROWDED_ZONE_PLAYERS when unset. */
export const DEFAULT_CROWDED_ZONE_PLAYERS = 200;
/** BUSY_ZONE_PLAYERS when unset. */
export const DEFAULT_BUSY_ZONE_PLAYERS = 50;
/** Inputs a client sends to a frame in a busy (or crowded) zone. */
export const BUSY_INPUTS_PER_FRAME = 2;

/**
 * Whether a zone holding `players` is above a line, given whether it was.
 * @param line players above which it is; 0 = never
 */
function above(players: number, was: boolean, line: number): boolean {
  if (line <= 0) return false;
  return was ? players >= Math.ceil(line * 0.8) : players > line;
}

/**
 * The patch interval a zone holding `players` should use, given the one it uses now.
 * @param crowdedAt players above which a zone is crowded; 0 = never
 */
export function patchIntervalFor(players: number, current: number, crowdedAt: number): number {
  return above(players, current === CROWDED_PATCH_RATE_MS, crowdedAt) ? CROWDED_PATCH_RATE_MS : PATCH_RATE_MS;
}

/**
 * How many inputs the clients of a zone holding `players` send to a frame, given how many
 * they send now: BUSY_INPUTS_PER_FRAME while it is busy or crowded, else 1.
 * @param busyAt players above which a zone is busy; 0 = never (unless crowded)
 * @param crowdedAt players above which a zone is crowded; 0 = never
 */
export function inputsPerFrameFor(players: number, current: number, busyAt: number, crowdedAt: number): number {
  const was = current > 1;
  return above(players, was, busyAt) || above(players, was, crowdedAt) ? BUSY_INPUTS_PER_FRAME : 1;
}
