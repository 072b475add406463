/**
 * The patch rate, decoupled from the simulation rate: a zone patches every tick
 * (PATCH_RATE_MS) until it holds more than `crowdedAt` players, then every second tick
 * (CROWDED_PATCH_RATE_MS) until it falls below four fifths of that (hysteresis: a zone
 * at the line does not flip back and forth on every join and leave).
 *
 * What it trades: in a crowded zone the per-client cost of a patch (one encoding walk and
 * one socket write per client) is paid half as often, and clients draw the others one
 * patch interval further behind (they read the interval from the state, `patchMs`). The
 * simulation, the inputs and their acknowledgements stay at TICK_RATE.
 */
import { CROWDED_PATCH_RATE_MS, PATCH_RATE_MS } from "@oatnut/shared";

/** CROWDED_ZONE_PLAYERS when unset. */
export const DEFAULT_CROWDED_ZONE_PLAYERS = 200;

/**
 * The patch interval a zone holding `players` should use, given the one it uses now.
 * @param crowdedAt players above which a zone is crowded; 0 = never
 */
export function patchIntervalFor(players: number, current: number, crowdedAt: number): number {
  if (crowdedAt <= 0) return PATCH_RATE_MS;
  if (current === CROWDED_PATCH_RATE_MS) return players < Math.ceil(crowdedAt * 0.8) ? PATCH_RATE_MS : CROWDED_PATCH_RATE_MS;
  return players > crowdedAt ? CROWDED_PATCH_RATE_MS : PATCH_RATE_MS;
}
