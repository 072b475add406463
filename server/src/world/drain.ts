/**
 * A graceful stop of one process of a cluster (SIGTERM in a rolling restart): before the
 * rooms close, the process stops receiving (its lease says draining, its rooms lock) and
 * hands its players to rooms of the same zones on the other processes — saved where they
 * stand, moved like a portal transfer, so no one signs in again. Whoever could not be
 * moved within the time allowed is saved and disconnected by the shutdown that follows.
 */
import { matchMaker } from "@colyseus/core";
import { logger } from "../logger.ts";
import { liveRooms } from "../metrics.ts";
import type { ZoneRoom } from "../rooms/ZoneRoom.ts";
import { receivingProcesses, type ProcessLease } from "./cluster.ts";

/** Processes other than this one that are alive and not draining. */
export async function otherLiveProcesses(): Promise<string[]> {
  const receiving = await receivingProcesses(matchMaker.presence);
  return receiving.map((p) => p.processId).filter((id) => id !== matchMaker.processId);
}

/**
 * Hands this process's players over to the others and waits until they have left (or
 * `withinMs` passed).
 * @returns how many players were still here at the end
 */
export async function drainProcess(lease: ProcessLease, withinMs: number): Promise<number> {
  await lease.drain();
  const rooms = [...liveRooms] as unknown as ZoneRoom[];
  const others = await otherLiveProcesses();
  const present = () => rooms.reduce((sum, room) => sum + room.sessions.size, 0);
  if (others.length === 0) {
    if (present() > 0) logger.info("no other process of the cluster to hand players to: saving them here");
    return present();
  }
  await Promise.all(rooms.map((room) => room.lock()));
  let moving = 0;
  for (const room of rooms) moving += room.handOverPlayers();
  logger.info(`draining: handing ${moving} player(s) to the ${others.length} other process(es)`);
  const deadline = Date.now() + withinMs;
  while (present() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const left = present();
  logger.info(left === 0 ? "drained: every player was handed over" : `drained: ${left} player(s) could not be handed over in time`);
  return left;
}
