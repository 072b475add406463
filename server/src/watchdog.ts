/**
 * Liveness: an event-loop heartbeat, read by `/health`, and a watchdog thread that ends
 * the process when the event loop stays blocked.
 *
 * A blocked event loop cannot notice it is blocked, so the watchdog is a worker thread:
 * the main thread writes the time into shared memory four times a second (and, as it
 * handles client frames and room ticks, which room and client it is on); the worker
 * checks the time and, when it is older than WATCHDOG_SECONDS, appends one line to
 * errors.log (and stderr) naming the room and client handled last, then kills the
 * process (SIGKILL, exit status 137) so a supervisor — Docker's `restart:` policy —
 * brings it back. A signal handler could not do this: it runs on the blocked thread.
 */
import inspector from "node:inspector";
import { Worker } from "node:worker_threads";

/** The heartbeat's period, ms. */
const BEAT_MS = 250;
/** `/health` answers 503 when the event loop lagged more than this within the last HEALTH_WINDOW_MS. */
export const HEALTH_MAX_LAG_MS = 1000;
const HEALTH_WINDOW_MS = 5000;
const LABEL_BYTES = 240;

interface SharedState {
  /** [0]: the heartbeat, ms since the epoch. */
  beat: Float64Array;
  /** [0]: length of the label in `label`. */
  labelLength: Int32Array;
  label: Uint8Array;
}

let shared: SharedState | null = null;
let heartbeat: NodeJS.Timeout | null = null;
let lastRoom: string | undefined;
let lastClient: string | undefined;
const encoder = new TextEncoder();
/** Recent lag samples: [time, lag ms], oldest first. */
const lags: Array<[number, number]> = [];

/**
 * Records what the main thread is about to handle (cheap: writes only when it changes).
 * A no-op until {@link startLivenessMonitor} runs.
 */
export function noteHandling(roomId: string, clientId: string): void {
  if (!shared || (roomId === lastRoom && clientId === lastClient)) return;
  lastRoom = roomId;
  lastClient = clientId;
  shared.labelLength[0] = encoder.encodeInto(`room ${roomId}, client ${clientId}`, shared.label).written;
}

/** The event loop's health for `/health`: the worst lag of the last few seconds. */
export function eventLoopHealth(): { healthy: boolean; lagMs: number | null } {
  if (!heartbeat) return { healthy: true, lagMs: null };
  const now = Date.now();
  // The beat that has not come yet counts too: a loop blocked right now lags already.
  let worst = Math.max(0, now - shared!.beat[0] - BEAT_MS);
  for (const [at, lag] of lags) if (now - at <= HEALTH_WINDOW_MS) worst = Math.max(worst, lag);
  return { healthy: worst <= HEALTH_MAX_LAG_MS, lagMs: Math.round(worst) };
}

export interface LivenessOptions {
  /** Kill the process when the event loop is blocked this long; 0 = heartbeat only, no watchdog. */
  watchdogSeconds: number;
  /** errors.log, where the watchdog writes its last line (the current file's link). */
  errorLog: string;
}

/**
 * Starts the heartbeat and, unless disabled (or a debugger is attached: a breakpoint is
 * not a hang), the watchdog thread.
 * @returns what it started, for the start-up log
 */
export function startLivenessMonitor(options: LivenessOptions): { watchdog: boolean } {
  if (heartbeat) return { watchdog: false };
  const memory = new SharedArrayBuffer(16 + LABEL_BYTES);
  shared = {
    beat: new Float64Array(memory, 0, 1),
    labelLength: new Int32Array(memory, 8, 1),
    label: new Uint8Array(memory, 16, LABEL_BYTES),
  };
  shared.beat[0] = Date.now();
  heartbeat = setInterval(() => {
    const now = Date.now();
    lags.push([now, Math.max(0, now - shared!.beat[0] - BEAT_MS)]);
    while (lags.length > 0 && now - lags[0][0] > HEALTH_WINDOW_MS) lags.shift();
    shared!.beat[0] = now;
  }, BEAT_MS).unref();
  const watchdog = options.watchdogSeconds > 0 && inspector.url() === undefined;
  if (watchdog) {
    const worker = new Worker(WATCHDOG_SOURCE, {
      eval: true,
      workerData: { memory, limitMs: options.watchdogSeconds * 1000, errorLog: options.errorLog, labelBytes: LABEL_BYTES },
    });
    worker.unref();
  }
  return { watchdog };
}

/** The watchdog thread (plain JavaScript: it runs as an eval'd worker, bundle or not). */
const WATCHDOG_SOURCE = `
const { workerData } = require("node:worker_threads");
const fs = require("node:fs");
const { memory, limitMs, errorLog, labelBytes } = workerData;
const beat = new Float64Array(memory, 0, 1);
const labelLength = new Int32Array(memory, 8, 1);
const label = new Uint8Array(memory, 16, labelBytes);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const checkMs = Math.min(500, Math.max(50, limitMs / 4));
for (;;) {
  Atomics.wait(sleeper, 0, 0, checkMs);
  const silentMs = Date.now() - beat[0];
  if (silentMs <= limitMs) continue;
  const last = new TextDecoder().decode(label.slice(0, labelLength[0])) || "nothing yet";
  const line = JSON.stringify({
    level: "error",
    message: "event loop blocked for " + (silentMs / 1000).toFixed(1) + " s: the watchdog ends the process (last handled: " + last + ")",
    lastHandled: last,
    timestamp: new Date().toISOString(),
  }) + "\\n";
  try { fs.appendFileSync(errorLog, line); } catch {}
  try { fs.writeSync(2, line); } catch {}
  process.kill(process.pid, "SIGKILL");
}
`;
