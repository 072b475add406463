/**
 * The game's one database connection (mongoose), its timeouts, and a shared check of
 * whether the database answers. The timeouts are chosen for the saves, which must retry
 * through an outage and never land late over a newer one:
 * - `waitQueueTimeoutMS`: an operation that gets no pooled connection fails before sending
 *   anything (during a stall, new operations would otherwise queue without bound);
 * - `socketTimeoutMS` 0 and the driver's `connectTimeoutMS`: a command already sent is never
 *   abandoned, since a stalled database may still apply it later, after a newer save.
 * Requests are bounded instead by http/errors.ts (503 while the database does not answer).
 */
import mongoose from "mongoose";
import { logger } from "../logger.ts";
import { Account, Character } from "./models.ts";

/** Longest wait for a free connection of the pool before an operation fails (ms). */
export const POOL_WAIT_TIMEOUT_MS = 5_000;

/**
 * Connects mongoose and makes sure every model's indexes exist.
 * @param options.monitorCommands emit the driver's command events (an engine that keeps
 *   snapshots follows the writes through them)
 */
export async function connectDatabase(uri: string, options: { monitorCommands?: boolean } = {}): Promise<void> {
  await mongoose.connect(uri, {
    serverSelectionTimeoutMS: 10_000,
    waitQueueTimeoutMS: POOL_WAIT_TIMEOUT_MS,
    socketTimeoutMS: 0,
    autoIndex: false,
    monitorCommands: options.monitorCommands ?? false,
  });
  await Promise.all([Account.createIndexes(), Character.createIndexes()]);
}

/** A ping of the shared check: when it started, and once it ended, how. */
interface SharedPing {
  startedAt: number;
  settled: Promise<boolean>;
  done: boolean;
  error?: Error;
}

/** The one ping in flight for {@link databaseAnswers}, shared by every caller. */
let pingInFlight: SharedPing | undefined;
/** When the last shared ping answered (ms since the epoch). */
let lastAnswerAt = 0;
/** When the current outage was first noticed (0: none). */
let outageSince = 0;
/** A ping that answered this recently stands for "it answers" without another one. */
const FRESH_ANSWER_MS = 250;
/** While an outage lasts, a ping is sent this often so its end is noticed (and logged) without a request. */
const RECOVERY_PING_MS = 1000;
let recoveryWatch: NodeJS.Timeout | undefined;

function startSharedPing(): SharedPing {
  const db = mongoose.connection.db;
  const ping: SharedPing = { startedAt: Date.now(), done: false, settled: Promise.resolve(false) };
  const sent =
    db && mongoose.connection.readyState === 1
      ? db.admin().ping()
      : Promise.reject(new Error(`not connected to the database (connection state ${mongoose.connection.readyState})`));
  ping.settled = sent
    .then(
      () => true,
      (error: Error) => {
        ping.error = error;
        return false;
      },
    )
    .then((answered) => {
      ping.done = true;
      if (pingInFlight === ping) pingInFlight = undefined;
      if (answered) {
        lastAnswerAt = Date.now();
        if (outageSince > 0) {
          logger.warn(`the database answers again (it did not answer for ${((Date.now() - outageSince) / 1000).toFixed(1)} s)`);
          outageSince = 0;
        }
      }
      return answered;
    });
  pingInFlight = ping;
  return ping;
}

/**
 * Whether the database answers a ping within `patienceMs`. Callers share one ping at a
 * time, so a stalled database holds one pooled connection for these checks however many
 * requests ask, and a caller joining a ping already late by `patienceMs` learns at once.
 * The first silence of an outage is logged as an error; its end, and how long it lasted,
 * as a warning.
 */
export async function databaseAnswers(patienceMs = 2500): Promise<boolean> {
  if (Date.now() - lastAnswerAt < FRESH_ANSWER_MS) return true;
  const ping = pingInFlight ?? startSharedPing();
  let timer: NodeJS.Timeout | undefined;
  const answered = await Promise.race([
    ping.settled,
    new Promise<null>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, ping.startedAt + patienceMs - Date.now()), null);
    }),
  ]).finally(() => clearTimeout(timer));
  if (answered === true) return true;
  if (answered === null) {
    // The timer may have fired only because the event loop was busy: give an answer that
    // already arrived one turn of the loop to be read before calling the database silent.
    await new Promise((resolve) => setImmediate(resolve));
    if (ping.done && (await ping.settled)) return true;
  }
  noteOutage(
    ping.startedAt,
    ping.error ? `a ping failed: ${ping.error.message}` : `no answer to a ping for ${((Date.now() - ping.startedAt) / 1000).toFixed(1)} s`,
    ping.error,
  );
  return false;
}

/**
 * Reports an operation that failed because the database could not be reached (a request
 * that got the driver's error before any deadline): the outage is logged, once, with it.
 */
export function reportDatabaseFailure(error: Error): void {
  noteOutage(Date.now(), `${error.name}: ${error.message}`, error);
}

/** Logs the start of an outage once, with the error that showed it, and watches for its end. */
function noteOutage(since: number, how: string, error?: Error): void {
  if (outageSince !== 0) return;
  outageSince = since;
  logger.error(
    `the database is not answering (${how}): requests that need it answer 503 until it does; ` +
      "character saves wait for it and are retried",
    error ? { error } : {},
  );
  recoveryWatch = setInterval(() => {
    if (outageSince === 0) {
      clearInterval(recoveryWatch);
      recoveryWatch = undefined;
    } else if (!pingInFlight) {
      startSharedPing();
    }
  }, RECOVERY_PING_MS).unref();
}

/** Closes the connection. */
export async function disconnectDatabase(): Promise<void> {
  // Closing on purpose is no outage: stop watching for the end of one.
  clearInterval(recoveryWatch);
  recoveryWatch = undefined;
  outageSince = 0;
  await mongoose.disconnect();
}
