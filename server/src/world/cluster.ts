/**
 * The processes of one world. With REDIS_URL, every process shares Colyseus's Redis
 * presence (tickets, live characters, rate limits, chat channels, remote room calls) and
 * Redis driver (the room listings matchmaking reads), and announces itself with a lease:
 *
 * - `oatnut:process:<processId>` holds the process's public address, the zones it hosts
 *   and whether it is draining, with a TTL of LEASE_SECONDS, refreshed every
 *   LEASE_REFRESH_MS while the process lives. A killed process's lease expires: its
 *   live-character entries count as gone (liveCharacters.ts), no room is created on it,
 *   and the next sweep of any living process takes its rooms out of the listing.
 * - New rooms go to the least loaded live process that hosts the zone and is not draining
 *   (`processSelector`): a draining process hands its players over and receives nobody.
 * - If Redis loses the records (a restart without persistence), the next refresh finds the
 *   lease gone and announces again what this process holds: its lease, its room listings,
 *   its counts, its live characters.
 *
 * Without REDIS_URL the same lease lives in the process's own presence, so the rules are
 * the same for one process.
 */
import { matchMaker, type Presence } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import { Redis } from "ioredis";
import { logger } from "../logger.ts";

/** A process's lease lives this long unless refreshed. */
export const LEASE_SECONDS = 6;
/** How often a living process refreshes its lease (and checks that Redis still knows it). */
export const LEASE_REFRESH_MS = 2000;

export interface ProcessRecord {
  /** The address its seat reservations send clients to. */
  address?: string;
  /** Zones it hosts; empty = any. */
  zones: string[];
  /** Handing its players over before it stops: no new rooms, no new players. */
  draining: boolean;
  host: string;
  pid: number;
  startedAt: number;
}

const leaseKey = (processId: string) => `oatnut:process:${processId}`;

export async function readProcess(presence: Presence, processId: string): Promise<ProcessRecord | null> {
  const raw = await presence.get(leaseKey(processId));
  if (typeof raw !== "string") return null;
  try {
    return JSON.parse(raw) as ProcessRecord;
  } catch {
    return null;
  }
}

/** A process is alive while its lease is. */
export async function isProcessAlive(presence: Presence, processId: string): Promise<boolean> {
  return (await readProcess(presence, processId)) !== null;
}

/** Hides a Redis URL's password in messages. */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//***@");
}

/**
 * Connects to the cluster's Redis: a first probe that gives up after a few seconds (so a
 * wrong REDIS_URL stops start-up with one line), then Colyseus's presence and driver,
 * which reconnect by themselves for as long as the process runs.
 * @throws Error saying what to do when Redis does not answer
 */
export async function connectRedis(url: string): Promise<{ presence: RedisPresence; driver: RedisDriver }> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  probe.on("error", () => {}); // reported through connect()'s rejection
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new Error(`Redis at ${redactRedisUrl(url)} does not answer (${(error as Error).message}): start it, or fix REDIS_URL`, {
      cause: error,
    });
  } finally {
    probe.disconnect();
  }
  const presence = new RedisPresence(url);
  const driver = new RedisDriver(url);
  watchRedis(presence as unknown as { pub: Redis; sub: Redis }, redactRedisUrl(url));
  return { presence, driver };
}

/** Logs Redis going away and coming back once each (ioredis reconnects by itself). */
function watchRedis(presence: { pub: Redis; sub: Redis }, where: string): void {
  let down = false;
  presence.pub.on("error", (error: Error) => {
    if (down) return;
    down = true;
    logger.error(`Redis at ${where} is unreachable (${error.message}): reconnecting; cross-process play waits meanwhile`);
  });
  presence.pub.on("ready", () => {
    if (!down) return;
    down = false;
    logger.warn(`Redis at ${where} is back`);
  });
  presence.sub.on("error", () => {}); // the same outage, logged once above
}

/**
 * The processes the matchmaker counts that are alive and not draining, with their counts;
 * given a zone, only those that host it (HOST_ZONES).
 */
export async function receivingProcesses(
  presence: Presence,
  zone?: unknown,
): Promise<Array<{ processId: string; roomCount: number; ccu: number }>> {
  const stats = await matchMaker.stats.fetchAll();
  const records = await Promise.all(stats.map((stat) => readProcess(presence, stat.processId)));
  return stats.filter((_, i) => {
    const record = records[i];
    if (!record || record.draining) return false;
    return zone === undefined || record.zones.length === 0 || (typeof zone === "string" && record.zones.includes(zone));
  });
}

/**
 * Chooses the process a new room is created on: the least loaded (fewest rooms, then
 * fewest players) live process that hosts the zone and is not draining. With none, this
 * process, unless it is draining (then the room is not created, and the join fails).
 */
export function processSelector(presence: Presence): matchMaker.SelectProcessIdCallback {
  return async (_roomName, clientOptions) => {
    const zone = (clientOptions as { zone?: unknown }).zone;
    const candidates = await receivingProcesses(presence, zone ?? null);
    candidates.sort((a, b) => a.roomCount - b.roomCount || a.ccu - b.ccu || a.processId.localeCompare(b.processId));
    if (candidates[0]) return candidates[0].processId;
    const own = await readProcess(presence, matchMaker.processId);
    if (own?.draining) throw new Error(`no process can host a room of zone ${String(zone)}: every one is draining or gone`);
    return matchMaker.processId;
  };
}

export interface LeaseHooks {
  /** Called when Redis no longer knew this process (it restarted): announce what this process holds. */
  reannounce(): Promise<void>;
}

/** This process's lease (see the module comment). */
export class ProcessLease {
  private timer?: NodeJS.Timeout;
  private record: ProcessRecord;
  private refreshing = false;

  constructor(
    private readonly presence: Presence,
    info: { address?: string; zones: string[] },
    private readonly hooks: LeaseHooks,
  ) {
    this.record = { ...info, draining: false, host: process.env.HOSTNAME ?? "", pid: process.pid, startedAt: Date.now() };
  }

  get processId(): string {
    return matchMaker.processId;
  }

  get draining(): boolean {
    return this.record.draining;
  }

  async start(): Promise<void> {
    await this.write();
    this.timer = setInterval(() => void this.refresh(), LEASE_REFRESH_MS);
    this.timer.unref();
  }

  /** From now on no room is created here and arrivals go elsewhere. */
  async drain(): Promise<void> {
    this.record.draining = true;
    await this.write();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.presence.del(leaseKey(this.processId));
  }

  private async write(): Promise<void> {
    await this.presence.setex(leaseKey(this.processId), JSON.stringify(this.record), LEASE_SECONDS);
  }

  /**
   * Processes the matchmaker still counts whose lease has expired (killed, or cut off):
   * their rooms leave the listing and they get no new rooms. Every process sweeps; doing
   * it twice is harmless. A process swept by mistake (a long pause) announces itself again
   * at its next refresh.
   */
  private async sweepGone(): Promise<void> {
    for (const { processId } of await matchMaker.stats.fetchAll()) {
      if (processId === this.processId || (await isProcessAlive(this.presence, processId))) continue;
      await matchMaker.driver.cleanup?.(processId);
      await matchMaker.stats.excludeProcess(processId);
      logger.warn(`process ${processId} of the cluster is gone (its lease expired): its rooms are out of the listing`);
    }
  }

  private async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const known = await this.presence.exists(leaseKey(this.processId));
      await this.write();
      if (!known) {
        logger.warn("the cluster's Redis had lost this process's records (restarted?): announcing its rooms and players again");
        await this.hooks.reannounce();
      }
      await this.sweepGone();
    } catch (error) {
      logger.debug("lease refresh failed", { error: (error as Error).message });
    } finally {
      this.refreshing = false;
    }
  }
}
