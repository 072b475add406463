/**
 * `npm run bench`: OatNut against the design it replaces, in one go.
 *
 *   npm run bench                    the whole comparison (about half an hour)
 *   npm run bench -- --quick         fewer sizes, one run each (a few minutes)
 *   npm run bench -- --smoke --out <dir>   a few bots for a few seconds (what the tests run)
 *   options: --repeat <n> --duration <s> --aoi 100,300,500 --no-aoi 25,100 --naive 10,25
 *            --batched 25,100 --process 1000 --out <dir> --server-env KEY=VALUE (repeatable)
 *            --process-zones <1..8> --standing <share> --join-parallel <n> (the --process runs)
 *            --profile (a CPU profile of each OatNut server run, under <out>/profiles)
 *            --side-by-side 100,200 (OatNut and the batched naive server at once, for CPU a player)
 *            --server-bundle <main.js> (another OatNut build: a change against what it changes)
 *            --from <results.json> (write the report and charts again from saved results)
 *
 * Each server runs in its own process, pinned to CPU 0 with taskset where the machine has
 * two CPUs or more; this process (the bots) moves itself to CPU 1, and so does the embedded
 * database an OatNut server starts (jongodb: in production the database is not on the game
 * server's core). Servers: the OatNut
 * production build (server/dist, built by `npm run bench` first) in one open 3200×3200 px
 * zone, once with its view radius (480 px) and once with a radius covering the zone ("no
 * AOI": everyone sees everyone); the naive Socket.IO servers of bench/naive (the whole
 * state as JSON to everyone on every move, and once per 50 ms tick). Every bot sends 20
 * inputs a second and picks a new direction every 1–2 s. CPU is CPU time from /proc (user
 * + system), not wall time; each figure is the median of `--repeat` runs.
 *
 * Writes `BENCHMARKS.md` (tables, charts in bench/charts/, and bench/levers.md, the record
 * of each lever tried) and `bench/results.json`, or both under --out.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { PATCH_RATE_MS, TILE_SIZE } from "@oatnut/shared";
import { freePort, loadZonesFromDisk } from "@oatnut/shared/node";
import { DEFAULT_CROWDED_ZONE_PLAYERS, patchIntervalFor } from "../server/src/rooms/patchPace.ts";
import { productionRuntime } from "../server/src/tools/runtime.ts";
import { writeZones } from "../server/test/zoneFixtures.ts";
import { barChart, lineChart } from "./charts.ts";
import {
  cpuSeconds,
  cpuTimes,
  histogramDelta,
  median,
  quantile,
  readGauge,
  readHistogram,
  reexecOnProjectNode,
  rssBytes,
  type Histogram,
} from "./measure.ts";
import { runNaiveBots } from "./naive/bots.ts";
import { runSwarm, type SwarmSummary } from "./swarm.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
reexecOnProjectNode(ROOT);
const ZONE_TILES = 100; // 3200 x 3200 px
const VIEW_RADIUS = 480;
/** Tick + patch p99 a zone must keep to count as holding its players. */
const TICK_BUDGET_MS = 25;

const { values: args } = parseArgs({
  options: {
    smoke: { type: "boolean" },
    quick: { type: "boolean" },
    repeat: { type: "string" },
    duration: { type: "string" },
    aoi: { type: "string" },
    "no-aoi": { type: "string" },
    naive: { type: "string" },
    batched: { type: "string" },
    process: { type: "string" },
    /**
     * Sizes at which OatNut and the batched naive server run at the same time, each with its
     * own bots, for the CPU a player of one against the other over the same seconds.
     */
    "side-by-side": { type: "string" },
    /**
     * The OatNut server bundle to run (default server/dist/main.js): another build, kept
     * beside it (e.g. server/dist-before/main.js), to measure a change against what it changes.
     */
    "server-bundle": { type: "string" },
    out: { type: "string" },
    /** Write the report again from a saved results.json, without measuring. */
    from: { type: "string" },
    /** Write a CPU profile of each OatNut server run (node --cpu-prof) under <out>/profiles. */
    profile: { type: "boolean" },
    /** KEY=VALUE for the OatNut server's environment (repeatable): to measure a lever off and on. */
    "server-env": { type: "string", multiple: true },
    /** A Node flag for the OatNut server (repeatable), after npm run serve's: a V8 lever on. */
    "server-flag": { type: "string", multiple: true },
    /** Start the OatNut server with plain `node`, without npm run serve's runtime settings (a lever off). */
    "plain-node": { type: "boolean" },
    /** Bots send one frame per input, never two to a frame in crowded zones (a lever off). */
    "no-input-batch": { type: "boolean" },
    /**
     * Read the OatNut server's old space every 250 ms during the measurement and report how
     * fast it grows between mark-compacts (the promotion rate; the readings cost the server a
     * little CPU, so it is off unless asked for).
     */
    "old-space": { type: "boolean" },
    /** How many zones the players of a --process run spread over (default 4, at most 8). */
    "process-zones": { type: "string" },
    /**
     * Sign-ins and joins under way at once, per zone's swarm (default 10). Fewer can be
     * faster: the joins queue on the database's writes either way, and each one waiting
     * there is a busy thread of the embedded engine on the bots' core.
     */
    "join-parallel": { type: "string" },
    /**
     * The share (0 to 1) of a --process run's players that stand still once scattered, like
     * players with no key held (default 0: everyone walks). See SwarmOptions.standing.
     */
    standing: { type: "string" },
  },
});
const SERVER_BUNDLE = path.resolve(args["server-bundle"] ?? path.join(ROOT, "server", "dist", "main.js"));
/** The production runtime (npm run serve's variables and Node flags), unless --plain-node. */
const runtime = args["plain-node"] ? { env: {}, flags: [] as string[] } : productionRuntime(ROOT);
runtime.flags.push(...(args["server-flag"] ?? []));
const serverEnv = Object.fromEntries(
  (args["server-env"] ?? []).map((pair) => {
    const at = pair.indexOf("=");
    if (at <= 0) throw new Error(`--server-env takes KEY=VALUE, not ${pair}`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);
/** Players above which a zone of the server patches every second tick (its setting). */
const crowdedZonePlayers = Number(serverEnv.CROWDED_ZONE_PLAYERS ?? DEFAULT_CROWDED_ZONE_PLAYERS);

const sizes = (value: string | undefined, fallback: number[]) =>
  value === undefined ? fallback : value.split(",").filter(Boolean).map(Number);
const plan = args.smoke
  ? { aoi: [4], noAoi: [4], naive: [4], batched: [4], process: [] as number[], sideBySide: [4], repeat: 1, duration: 2, scatter: 1 }
  : args.quick
    ? {
        aoi: [100, 300, 500],
        noAoi: [25, 100],
        naive: [10, 25],
        batched: [25, 100],
        process: [] as number[],
        sideBySide: [100],
        repeat: 1,
        duration: 8,
        scatter: 12,
      }
    : {
        aoi: [100, 200, 300, 400, 500, 600, 800],
        noAoi: [25, 50, 100, 200],
        naive: [10, 25, 50, 100],
        batched: [25, 50, 100, 200],
        process: [2000],
        sideBySide: [100, 200],
        repeat: 3,
        duration: 10,
        scatter: 15,
      };
plan.aoi = sizes(args.aoi, plan.aoi);
plan.noAoi = sizes(args["no-aoi"], plan.noAoi);
plan.naive = sizes(args.naive, plan.naive);
plan.batched = sizes(args.batched, plan.batched);
plan.process = sizes(args.process, plan.process);
plan.sideBySide = sizes(args["side-by-side"], plan.sideBySide);
if (args.repeat) plan.repeat = Number(args.repeat);
if (args.duration) plan.duration = Number(args.duration);
/** Portals the bench lobby has room for: the most zones a --process run spreads over. */
const LOBBY_ALCOVES = 8;
// The process target (2,000 players a process over zones): half of them standing, as one
// core of bots cannot drive 2,000 walkers (levers.md, round 8), two joins at once per zone's
// swarm (more stalled the bots' core, shared with the embedded database: round 9).
const processZones = Number(args["process-zones"] ?? LOBBY_ALCOVES);
const standingShare = Number(args.standing ?? 0.5);
const joinParallel = Number(args["join-parallel"] ?? 2);
if (!Number.isInteger(joinParallel) || joinParallel < 1) throw new Error("--join-parallel takes a whole number from 1");
if (!Number.isInteger(processZones) || processZones < 1 || processZones > LOBBY_ALCOVES)
  throw new Error(`--process-zones takes 1 to ${LOBBY_ALCOVES}`);
if (!(standingShare >= 0 && standingShare <= 1)) throw new Error("--standing takes a share from 0 to 1");
const outDir = path.resolve(args.out ?? ROOT);
const resultsFile = path.join(outDir, args.out ? "results.json" : "bench/results.json");
const chartsDir = path.join(outDir, args.out ? "charts" : "bench/charts");

// ---------------------------------------------------------------- pinning

const pinned = os.cpus().length >= 2 && spawnSync("taskset", ["--version"]).status === 0;
if (pinned) spawnSync("taskset", ["-a", "-cp", "1", String(process.pid)], { stdio: "ignore" });
const serverCpu = pinned ? ["taskset", "-c", "0"] : [];

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

// The bots share one event loop: a stall of seconds there is no pong for the server's pings
// (Colyseus closes a connection after two unanswered ones, 6–9 s) and no input for anyone.
// Said when it happens, since it skews what the run measures.
let lastBeat = performance.now();
setInterval(() => {
  const now = performance.now();
  if (now - lastBeat > 2000)
    log(
      `  the bots' process stalled ${((now - lastBeat) / 1000).toFixed(1)} s (${new Date().toISOString()}, ` +
        `heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB)`,
    );
  lastBeat = now;
}, 250).unref();

// ---------------------------------------------------------------- servers

interface Server {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

async function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  let output = "";
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk));
    child.once("exit", (code) => reject(new Error(`${what} exited with ${code}:\n${output}`)));
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    // Already gone (an exit code, or a signal: a server its watchdog ended is killed by one).
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => {
      log(`  a server did not stop within 60 s of SIGTERM: killed`);
      child.kill("SIGKILL");
    }, 60_000);
    await exited;
    clearTimeout(timer);
  };
}

/**
 * The bench world: one open 100×100-tile field; or, for several zones, a small lobby (the
 * starting zone) with a portal to each field, so bots walk a few tiles into their own
 * field and no walker there can stray through a portal.
 */
function benchZones(viewRadius: number, zones = 1): string {
  const open = (size: number) => {
    const inner = "#" + ".".repeat(size - 2) + "#";
    return ["#".repeat(size), ...Array.from({ length: size - 2 }, () => inner), "#".repeat(size)];
  };
  const centre: [number, number] = [ZONE_TILES / 2, ZONE_TILES / 2];
  const field = { viewRadius, capacity: 1000, rows: open(ZONE_TILES), spawns: { default: centre } };
  if (zones === 1) return writeZones({ field: { ...field, starting: true } });
  // Each portal ends an alcove of its own, two tiles deep, in the lobby's top wall: no
  // shortest way to one portal crosses another. (Portals in the open, at the corners and the
  // edges' middles, were crossed on the way to the corners: with 8 zones, 746 of 2,000 bots
  // landed in the wrong field, where no portal leads on. With alcoves one tile deep, a bot
  // passing below one, steering by a position up to a patch old, still overshot into it now
  // and then; with one wall tile between two alcoves, 1–4 of 2,000 bots still stepped into a
  // neighbour's: now two.)
  if (zones > LOBBY_ALCOVES) throw new Error(`at most ${LOBBY_ALCOVES} zones`);
  const columns = Array.from({ length: zones }, (_, z) => 3 + 3 * z);
  const rows = open(3 * LOBBY_ALCOVES + 5);
  for (const row of [1, 2]) rows[row] = Array.from(rows[row], (tile, col) => (columns.includes(col) ? "." : "#")).join("");
  const fields = Object.fromEntries(Array.from({ length: zones }, (_, z) => [`field${z + 1}`, field]));
  return writeZones({
    ...fields,
    lobby: {
      starting: true,
      capacity: 1000,
      // The smallest view a zone may have: everyone passes through the lobby, and with the
      // default view all of them see all the others there (about 900 at once in a swarm of
      // 2,000, each one's client decoding them all: the bots' core stalled and nobody moved).
      viewRadius: 64,
      rows,
      spawns: { default: [(3 * LOBBY_ALCOVES + 5) >> 1, 15] },
      portals: columns.map((col, z) => ({
        name: `to-field${z + 1}`,
        rect: [col, 1, 1, 1] as [number, number, number, number],
        targetZone: `field${z + 1}`,
        targetSpawn: "default",
      })),
    },
  });
}

async function startOatNut(zonesDir: string): Promise<Server> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-bench-"));
  const profile = args.profile ? ["--cpu-prof", `--cpu-prof-dir=${path.join(outDir, "profiles")}`] : [];
  const child = spawn(
    serverCpu[0] ?? process.execPath,
    [...serverCpu.slice(1), ...(serverCpu.length ? [process.execPath] : []), ...runtime.flags, ...profile, SERVER_BUNDLE],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? os.tmpdir(),
        NODE_ENV: "production",
        JWT_SECRET: "bench-secret-bench-secret-bench-secret-0123456789",
        PORT: String(port),
        DATA_DIR: dataDir,
        LOG_DIR: dataDir,
        LOG_LEVEL: "warn",
        ZONES_DIR: zonesDir,
        AUTOSAVE_SECONDS: "600",
        RATE_LIMIT_MULTIPLIER: "100000",
        MONGODB_ENGINE: process.env.MONGODB_ENGINE ?? "auto",
        ...runtime.env,
        ...serverEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the OatNut server exited with ${child.exitCode ?? child.signalCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the OatNut server did not answer /health within 60 s:\n${output}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // The embedded database the server started is not the game server: off its core, to the bots'.
  if (pinned) for (const pid of descendants(child.pid!)) spawnSync("taskset", ["-a", "-cp", "1", String(pid)], { stdio: "ignore" });
  const stop = stopper(child);
  return {
    pid: child.pid!,
    url,
    stop: async () => {
      await stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The processes `pid` started, and theirs (Linux: /proc). */
function descendants(pid: number): number[] {
  const children = (of: number): number[] => {
    try {
      return fs.readFileSync(`/proc/${of}/task/${of}/children`, "utf8").split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const found: number[] = [];
  for (let queue = children(pid); queue.length > 0;) {
    const next = queue.shift()!;
    found.push(next);
    queue.push(...children(next));
  }
  return found;
}

async function startNaive(mode: "perMove" | "batched"): Promise<Server> {
  const tsx = ["--import", "tsx", path.join(ROOT, "bench", "naive", "server.ts"), "--mode", mode, "--port", "0"];
  const command = serverCpu.length ? serverCpu[0] : process.execPath;
  const child = spawn(command, [...serverCpu.slice(1), ...(serverCpu.length ? [process.execPath] : []), ...tsx], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const match = await waitForLine(child, /listening (\d+)/, `the naive ${mode} server`);
  return { pid: child.pid!, url: `http://127.0.0.1:${match[1]}`, stop: stopper(child) };
}

// ---------------------------------------------------------------- runs

interface RunResult {
  players: number;
  joined: number;
  failed: number;
  cpuPercent: number;
  /** The kernel's share of it (% of a core; absent in results from before it was recorded). */
  systemCpuPercent?: number;
  botsCpuPercent: number;
  tickP99Ms: number;
  patchP99Ms: number;
  tickMeanMs: number;
  bytesPerClientPerSecond: number;
  messagesPerClientPerSecond: number;
  patchesPerSecondMin: number;
  /** Patches a second each zone sends (20, or 10 in a crowded zone; absent in results from before it). */
  patchRateHz?: number;
  /** WebSocket frames of inputs a bot sent a second (OatNut runs; absent in results from before inputs were batched). */
  inputFramesPerClientPerSecond?: number;
  /**
   * Steps (inputs, or the naive server's moves) a player sent a second, as counted on the
   * server for naive runs, by the bots for OatNut's (absent in results from before it was kept).
   */
  inputsPerClientPerSecond?: number;
  visible: number;
  rssMB: number;
  /** The least heap used seen during the measurement (MB). */
  heapMB: number;
  rssPerPlayerKB: number;
  heapPerPlayerKB: number;
  joinLatencyMsP99: number;
  /** Zones the players spread over (--process runs; absent in results from before it was recorded: 4). */
  zones?: number;
  /** Players who stood still during the measurement (absent: none). */
  standing?: number;
  /**
   * Connections the OatNut server counted at the measurement's end, over all its rooms
   * (oatnut_room_clients): the players really there, whoever joined and left before.
   */
  connected?: number;
  /** Mark-compacts (major collections) of the OatNut server during the measurement. */
  majorGCs?: number;
  /** Growth of the OatNut server's old space between mark-compacts, MB a second (--old-space). */
  promotedMBps?: number;
}

/** The sum of every labelled series of one metric (0 when there is none). */
function sumSeries(text: string, name: string): number {
  let sum = 0;
  for (const match of text.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, "gm"))) sum += Number(match[1]);
  return sum;
}

/** A sample's value of one labelled series of the metrics text, or NaN. */
function readSeries(text: string, name: string, labels: string): number {
  const match = new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, "m").exec(text);
  return match ? Number(match[1]) : NaN;
}

const MAJOR_GCS = ["oatnut_process_nodejs_gc_duration_seconds_count", 'kind="major"'] as const;
const OLD_SPACE = ["oatnut_process_nodejs_heap_space_size_used_bytes", 'space="old"'] as const;

/** How often a run reads the server's heap from /metrics during the measurement (ms, whole seconds). */
const HEAP_SAMPLE_MS = 5000;

async function scrape(url: string): Promise<string> {
  return await (await fetch(`${url}/metrics`)).text();
}

/** RSS and heap with nobody connected: the median of a few readings, and the least heap seen. */
async function baseline(server: Server): Promise<{ rss: number; heap: number }> {
  const rss: number[] = [];
  let heap = Infinity;
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 400));
    rss.push(rssBytes(server.pid));
    heap = Math.min(heap, readGauge(await scrape(server.url), "oatnut_process_nodejs_heap_size_used_bytes"));
  }
  return { rss: median(rss), heap };
}

async function runOatNut(players: number, viewRadius: number, zones = 1, standing = 0, sync?: Rendezvous): Promise<RunResult> {
  const zonesDir = benchZones(viewRadius, zones);
  const server = await startOatNut(zonesDir);
  try {
    const base = await baseline(server);
    let cpu0 = 0;
    let system0 = 0;
    let bots0 = 0;
    let t0 = 0;
    let tick0: Histogram | undefined;
    let patch0: Histogram | undefined;
    const rss: number[] = [];
    let heap = Infinity;
    let sampler: NodeJS.Timeout | undefined;
    let oldSpaceSampler: NodeJS.Timeout | undefined;
    let majors0 = 0;
    let promoted = 0;
    let lastOld = NaN;
    const result: Partial<RunResult> = {};
    const perZone = Math.ceil(players / zones);
    const catalog = loadZonesFromDisk(zonesDir);
    const summaries: SwarmSummary[] = [];
    // Several zones: one swarm per zone, at once, each walking from the lobby into its field.
    // Every swarm starts measuring once all of them are in their zones and scattered.
    let ready = 0;
    let allReady!: () => void;
    const everyoneReady = new Promise<void>((resolve) => (allReady = resolve));
    const barrier = async () => {
      if (++ready === zones) allReady();
      await everyoneReady;
    };
    // And none leaves before the server was read at the end (the first swarm reads it once
    // every swarm's measurement is over).
    let over = 0;
    let allOver!: () => void;
    const everyoneOver = new Promise<void>((resolve) => (allOver = resolve));
    let serverRead!: () => void;
    const readDone = new Promise<void>((resolve) => (serverRead = resolve));
    const swarms = Array.from({ length: zones }, (_, z) =>
      runSwarm({
        url: server.url,
        zone: zones > 1 ? `field${z + 1}` : undefined,
        count: Math.min(perZone, players - z * perZone),
        standing: Math.round(Math.min(perZone, players - z * perZone) * standing),
        durationSeconds: plan.duration,
        scatterSeconds: plan.scatter,
        parallel: joinParallel,
        fight: false,
        batchInputs: !args["no-input-batch"],
        cleanUp: false,
        // 25 bots decode the state (and say how many players they see); the others only
        // count what they receive, so one core of bots can drive a thousand players.
        decoders: z === 0 ? 25 : 0,
        zones: catalog,
        seed: 1000 + z,
        namePrefix: `B${z}`,
        onMeasure:
          z > 0
            ? async (phase) => {
                if (phase === "start") return barrier();
                if (++over === zones) allOver();
                await readDone;
              }
            : async (phase) => {
                if (phase === "start") {
                  await barrier();
                  await sync?.start();
                  const text = await scrape(server.url);
                  tick0 = readHistogram(text, "oatnut_tick_duration_seconds");
                  patch0 = readHistogram(text, "oatnut_patch_duration_seconds");
                  majors0 = readSeries(text, ...MAJOR_GCS);
                  lastOld = readSeries(text, ...OLD_SPACE);
                  if (args["old-space"]) {
                    // Growth between readings is what was promoted (or allocated old); a fall is
                    // a mark-compact, after which growth is counted from the new level.
                    oldSpaceSampler = setInterval(async () => {
                      const old = readSeries(await scrape(server.url), ...OLD_SPACE);
                      if (old > lastOld) promoted += old - lastOld;
                      lastOld = old;
                    }, 250);
                  }
                  cpu0 = cpuSeconds(server.pid);
                  system0 = cpuTimes(server.pid).system;
                  bots0 = cpuSeconds(process.pid);
                  t0 = performance.now();
                  // The profile's clock is the machine's monotonic one, as hrtime's is: these
                  // bounds pick the measurement out of a whole run's profile (bench/profile.ts).
                  if (args.profile) log(`  measuring from ${process.hrtime.bigint() / 1000n} µs (monotonic)`);
                  // RSS from /proc every second (it costs the server nothing); the heap from
                  // /metrics only every HEAP_SAMPLE_MS, since each scrape is work the server does
                  // (and the naive servers, which have no /metrics, are not asked for).
                  let samples = 0;
                  sampler = setInterval(async () => {
                    rss.push(rssBytes(server.pid));
                    if (++samples % (HEAP_SAMPLE_MS / 1000) === 0)
                      heap = Math.min(heap, readGauge(await scrape(server.url), "oatnut_process_nodejs_heap_size_used_bytes"));
                  }, 1000);
                } else {
                  if (++over === zones) allOver();
                  await everyoneOver;
                  await sync?.end();
                  let text: string;
                  let seconds: number;
                  let cpu: number;
                  let botsCpu: number;
                  try {
                    seconds = (performance.now() - t0) / 1000;
                    if (args.profile) log(`  measured until ${process.hrtime.bigint() / 1000n} µs (monotonic)`);
                    clearInterval(sampler);
                    clearInterval(oldSpaceSampler);
                    text = await scrape(server.url);
                    cpu = cpuSeconds(server.pid);
                    result.systemCpuPercent = (100 * (cpuTimes(server.pid).system - system0)) / seconds;
                    botsCpu = cpuSeconds(process.pid);
                  } finally {
                    serverRead();
                  }
                  result.majorGCs = readSeries(text, ...MAJOR_GCS) - majors0;
                  if (args["old-space"]) {
                    const old = readSeries(text, ...OLD_SPACE);
                    if (old > lastOld) promoted += old - lastOld;
                    result.promotedMBps = promoted / 2 ** 20 / seconds;
                  }
                  const tick = histogramDelta(tick0!, readHistogram(text, "oatnut_tick_duration_seconds"));
                  const patch = histogramDelta(patch0!, readHistogram(text, "oatnut_patch_duration_seconds"));
                  result.cpuPercent = (100 * (cpu - cpu0)) / seconds;
                  result.botsCpuPercent = (100 * (botsCpu - bots0)) / seconds;
                  result.tickP99Ms = 1000 * quantile(tick, 0.99);
                  result.patchP99Ms = 1000 * quantile(patch, 0.99);
                  result.tickMeanMs = tick.count ? (1000 * tick.sum) / tick.count : 0;
                  const rssNow = median(rss.length ? rss : [rssBytes(server.pid)]);
                  result.rssMB = rssNow / 2 ** 20;
                  result.connected = sumSeries(text, "oatnut_room_clients");
                  // Per player really there (fewer than asked when some never got in).
                  const present = Math.min(players, result.connected) || players;
                  result.rssPerPlayerKB = (rssNow - base.rss) / present / 1024;
                  result.heapMB = Math.min(heap, readGauge(text, "oatnut_process_nodejs_heap_size_used_bytes")) / 2 ** 20;
                  result.heapPerPlayerKB =
                    (Math.min(heap, readGauge(text, "oatnut_process_nodejs_heap_size_used_bytes")) - base.heap) / present / 1024;
                }
              },
      }),
    );
    summaries.push(...(await Promise.all(swarms)));
    const failures: Record<string, number> = {};
    for (const summary of summaries)
      for (const [reason, count] of Object.entries(summary.failures)) failures[reason] = (failures[reason] ?? 0) + count;
    for (const [reason, count] of Object.entries(failures)) log(`  ${count} × failed: ${reason}`);
    const joined = summaries.reduce((sum, s) => sum + s.joined, 0);
    const weight = (pick: (s: (typeof summaries)[number]) => number) =>
      summaries.reduce((sum, s) => sum + pick(s) * s.joined, 0) / Math.max(1, joined);
    return {
      players,
      joined,
      failed: summaries.reduce((sum, s) => sum + s.failed, 0),
      cpuPercent: result.cpuPercent!,
      systemCpuPercent: result.systemCpuPercent,
      botsCpuPercent: result.botsCpuPercent!,
      tickP99Ms: result.tickP99Ms!,
      patchP99Ms: result.patchP99Ms!,
      tickMeanMs: result.tickMeanMs!,
      bytesPerClientPerSecond: weight((s) => s.bytesPerClientPerSecond),
      messagesPerClientPerSecond: weight((s) => s.framesPerClientPerSecond),
      patchesPerSecondMin: Math.min(...summaries.map((s) => s.patchesPerSecond.min)),
      patchRateHz: 1000 / patchIntervalFor(perZone, PATCH_RATE_MS, crowdedZonePlayers),
      inputFramesPerClientPerSecond: weight((s) => s.inputFramesPerSecond),
      inputsPerClientPerSecond: weight((s) => s.inputsPerSecond),
      visible: weight((s) => s.visiblePlayers),
      rssMB: result.rssMB!,
      heapMB: result.heapMB!,
      rssPerPlayerKB: result.rssPerPlayerKB!,
      heapPerPlayerKB: result.heapPerPlayerKB!,
      joinLatencyMsP99: Math.max(...summaries.map((s) => s.joinLatencyMs.p99)),
      zones,
      standing: summaries.reduce((sum, s) => sum + s.standing, 0),
      connected: result.connected,
      majorGCs: result.majorGCs,
      ...(result.promotedMBps !== undefined ? { promotedMBps: result.promotedMBps } : {}),
    };
  } finally {
    await server.stop();
    fs.rmSync(zonesDir, { recursive: true, force: true });
  }
}

async function runNaive(players: number, mode: "perMove" | "batched", sync?: Rendezvous): Promise<RunResult> {
  const server = await startNaive(mode);
  try {
    const base = { rss: rssBytes(server.pid) };
    let cpu0 = 0;
    let system0 = 0;
    let bots0 = 0;
    let t0 = 0;
    const rss: number[] = [];
    let sampler: NodeJS.Timeout | undefined;
    let moves0 = 0;
    const measured: Partial<RunResult> = {};
    const summary = await runNaiveBots({
      url: server.url,
      count: players,
      durationSeconds: plan.duration,
      seed: 7,
      onMeasure: async (phase) => {
        await (phase === "start" ? sync?.start() : sync?.end());
        if (phase === "start") {
          cpu0 = cpuSeconds(server.pid);
          system0 = cpuTimes(server.pid).system;
          bots0 = cpuSeconds(process.pid);
          t0 = performance.now();
          moves0 = (await naiveStats(server.url)).moves;
          sampler = setInterval(() => rss.push(rssBytes(server.pid)), 1000);
        } else {
          clearInterval(sampler);
          const seconds = (performance.now() - t0) / 1000;
          measured.inputsPerClientPerSecond = ((await naiveStats(server.url)).moves - moves0) / players / seconds;
          measured.cpuPercent = (100 * (cpuSeconds(server.pid) - cpu0)) / seconds;
          measured.systemCpuPercent = (100 * (cpuTimes(server.pid).system - system0)) / seconds;
          measured.botsCpuPercent = (100 * (cpuSeconds(process.pid) - bots0)) / seconds;
          const rssNow = median(rss.length ? rss : [rssBytes(server.pid)]);
          measured.rssMB = rssNow / 2 ** 20;
          measured.rssPerPlayerKB = (rssNow - base.rss) / players / 1024;
        }
      },
    });
    return {
      players,
      joined: summary.joined,
      failed: summary.failed,
      cpuPercent: measured.cpuPercent ?? NaN,
      systemCpuPercent: measured.systemCpuPercent,
      botsCpuPercent: measured.botsCpuPercent ?? NaN,
      inputsPerClientPerSecond: measured.inputsPerClientPerSecond,
      tickP99Ms: NaN,
      patchP99Ms: NaN,
      tickMeanMs: NaN,
      bytesPerClientPerSecond: summary.bytesPerClientPerSecond,
      messagesPerClientPerSecond: summary.messagesPerClientPerSecond,
      patchesPerSecondMin: NaN,
      visible: summary.visibleAverage,
      rssMB: measured.rssMB ?? NaN,
      heapMB: NaN,
      rssPerPlayerKB: measured.rssPerPlayerKB ?? NaN,
      heapPerPlayerKB: NaN,
      joinLatencyMsP99: NaN,
    };
  } finally {
    await server.stop();
  }
}

/** The naive server's counters (its `GET /stats`). */
async function naiveStats(url: string): Promise<{ moves: number }> {
  const response = await fetch(`${url}/stats`);
  if (!response.ok) throw new Error(`naive server /stats: HTTP ${response.status}`);
  return (await response.json()) as { moves: number };
}

/**
 * Where two runs wait for each other: both start measuring, and both stop, at the same
 * moment. `release()` lets the other go on when one of them failed before getting there.
 */
interface Rendezvous {
  start(): Promise<void>;
  end(): Promise<void>;
  release(): void;
}

function rendezvous(parties: number): Rendezvous {
  const meeting = () => {
    let arrived = 0;
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return {
      opened,
      open,
      arrive: async () => {
        if (++arrived === parties) open();
        await opened;
      },
    };
  };
  const start = meeting();
  const end = meeting();
  return {
    start: start.arrive,
    end: end.arrive,
    release: () => {
      start.open();
      end.open();
    },
  };
}

/** One side-by-side run: OatNut and the batched naive server measured over the same seconds. */
interface SideBySideResult {
  players: number;
  aoiJoined: number;
  batchedJoined: number;
  aoiCpuPercent: number;
  batchedCpuPercent: number;
  /** The kernel's share of each (% of a core). */
  aoiSystemCpuPercent: number;
  batchedSystemCpuPercent: number;
  /** OatNut's CPU a player ÷ the batched naive server's, over the same window. */
  ratio: number;
  aoiBytesPerClientPerSecond: number;
  batchedBytesPerClientPerSecond: number;
  /** WebSocket frames of inputs an OatNut bot sent a second (absent in results from before it was kept). */
  aoiInputFramesPerClientPerSecond?: number;
  /**
   * Steps a player sent a second: OatNut's inputs (counted by its bots) and the naive server's
   * moves (counted by the server), the same work asked of both (absent in earlier results).
   */
  aoiInputsPerClientPerSecond?: number;
  batchedInputsPerClientPerSecond?: number;
}

/**
 * OatNut (one zone, its view radius) and the batched naive server with `players` bots each,
 * at the same time: both servers on the servers' core, both swarms in this process, and
 * both servers' CPU time read over the same window. Run one after the other, the two
 * servers' figures moved by up to ±20% between identical runs as the shared host changed
 * speed (levers.md, round 11); run together, a slow or fast phase slows or speeds both.
 */
async function runSideBySide(players: number): Promise<SideBySideResult> {
  const sync = rendezvous(2);
  const sides = [
    runOatNut(players, VIEW_RADIUS, 1, 0, sync).finally(() => sync.release()),
    runNaive(players, "batched", sync).finally(() => sync.release()),
  ] as const;
  const [aoi, batched] = await Promise.allSettled(sides);
  if (aoi.status === "rejected") throw aoi.reason;
  if (batched.status === "rejected") throw batched.reason;
  const a = aoi.value;
  const b = batched.value;
  if (a.joined < players || b.joined < players)
    throw new Error(`not every bot joined (OatNut ${a.joined}, naive ${b.joined} of ${players})`);
  return {
    players,
    aoiJoined: a.joined,
    batchedJoined: b.joined,
    aoiCpuPercent: a.cpuPercent,
    batchedCpuPercent: b.cpuPercent,
    aoiSystemCpuPercent: a.systemCpuPercent ?? NaN,
    batchedSystemCpuPercent: b.systemCpuPercent ?? NaN,
    ratio: a.cpuPercent / a.joined / (b.cpuPercent / b.joined),
    aoiBytesPerClientPerSecond: a.bytesPerClientPerSecond,
    batchedBytesPerClientPerSecond: b.bytesPerClientPerSecond,
    aoiInputFramesPerClientPerSecond: a.inputFramesPerClientPerSecond,
    aoiInputsPerClientPerSecond: a.inputsPerClientPerSecond,
    batchedInputsPerClientPerSecond: b.inputsPerClientPerSecond,
  };
}

/** Runs that threw, by label: left out of the medians and listed in the report. */
const failedRuns: string[] = [];

/**
 * Runs `once` `plan.repeat` times, saying each run with `describe`. A run that throws is
 * reported and left out (one broken run must not lose the others).
 */
async function repeatRuns<T>(label: string, once: () => Promise<T>, describe: (run: T) => string): Promise<T[]> {
  const runs: T[] = [];
  for (let i = 0; i < plan.repeat; i++) {
    log(`${label}: run ${i + 1} of ${plan.repeat}`);
    let run: T;
    try {
      run = await once();
    } catch (error) {
      log(`  failed: ${(error as Error).message.split("\n").slice(0, 3).join(" / ")}`);
      failedRuns.push(`${label}: ${(error as Error).message.split("\n")[0]}`);
      continue;
    }
    log(`  ${describe(run)}`);
    runs.push(run);
  }
  return runs;
}

/** Each figure's median over `runs` (absent figures count as NaN). */
function medians<T extends object>(runs: T[]): T {
  const keys = Object.keys(runs[0]) as Array<keyof T>;
  return Object.fromEntries(keys.map((key) => [key, median(runs.map((run) => (run[key] as number | undefined) ?? NaN))])) as T;
}

async function repeated(label: string, once: () => Promise<RunResult>): Promise<RunResult | undefined> {
  const runs = await repeatRuns(
    label,
    once,
    (run) =>
      `cpu ${run.cpuPercent.toFixed(0)}%${run.systemCpuPercent !== undefined ? ` (kernel ${run.systemCpuPercent.toFixed(0)})` : ""}  tick p99 ${run.tickP99Ms.toFixed(1)} ms  ${run.bytesPerClientPerSecond.toFixed(0)} B/client/s  ` +
      `${run.visible.toFixed(1)} visible  rss ${run.rssMB.toFixed(0)} MB  joined ${run.joined}/${run.players}${run.connected !== undefined ? ` (${run.connected} connected)` : ""}  bots cpu ${run.botsCpuPercent.toFixed(0)}%` +
      (run.patchRateHz ? `  patches/s ${run.patchRateHz} → ${run.patchesPerSecondMin.toFixed(1)} (slowest)` : "") +
      (run.inputFramesPerClientPerSecond !== undefined ? `  input frames/s ${run.inputFramesPerClientPerSecond.toFixed(1)}` : "") +
      (run.majorGCs !== undefined ? `  mark-compacts ${run.majorGCs}` : "") +
      (run.promotedMBps !== undefined ? `  old space +${run.promotedMBps.toFixed(2)} MB/s` : ""),
  );
  return runs.length ? medians(runs) : undefined;
}

/** Side-by-side runs of each size, `plan.repeat` times: the median of each figure, and every run's ratio. */
async function sideBySide(sizes: number[]): Promise<Record<number, SideBySideResult & { ratios: number[] }>> {
  const record: Record<number, SideBySideResult & { ratios: number[] }> = {};
  for (const n of sizes) {
    const runs = await repeatRuns(
      `OatNut and naive batched side by side, ${n} players each`,
      () => runSideBySide(n),
      (run) =>
        `cpu OatNut ${run.aoiCpuPercent.toFixed(1)}% (kernel ${run.aoiSystemCpuPercent.toFixed(1)})  ` +
        `naive batched ${run.batchedCpuPercent.toFixed(1)}% (kernel ${run.batchedSystemCpuPercent.toFixed(1)})  a player: ${run.ratio.toFixed(2)}×` +
        (run.aoiInputFramesPerClientPerSecond !== undefined
          ? `  OatNut input frames/s ${run.aoiInputFramesPerClientPerSecond.toFixed(1)}`
          : "") +
        (run.aoiInputsPerClientPerSecond !== undefined && run.batchedInputsPerClientPerSecond !== undefined
          ? `  steps/s a player: OatNut ${run.aoiInputsPerClientPerSecond.toFixed(1)}, naive ${run.batchedInputsPerClientPerSecond.toFixed(1)}`
          : ""),
    );
    if (runs.length) record[n] = { ...medians(runs), ratios: runs.map((run) => +run.ratio.toFixed(3)) };
  }
  return record;
}

// ---------------------------------------------------------------- the comparison

if ((!args.from || args["side-by-side"] !== undefined) && !fs.existsSync(SERVER_BUNDLE)) {
  console.error(`${SERVER_BUNDLE} is missing: run \`npm run build\` first (npm run bench does)`);
  process.exit(1);
}
/**
 * A saved comparison (--from): its report is written again, nothing is measured — except the
 * side-by-side runs when --side-by-side is given: they are measured now (with this build, and
 * --repeat and --duration if given) and stamped with their own commit and date.
 */
const saved = args.from ? JSON.parse(fs.readFileSync(args.from, "utf8")) : undefined;
const loadBefore: number[] = saved?.loadAverage.before ?? os.loadavg();
const started = saved ? new Date(saved.date) : new Date();
const series: Record<"aoi" | "noAoi" | "naive" | "naiveBatched" | "process", Record<number, RunResult>> = {
  aoi: {},
  noAoi: {},
  naive: {},
  naiveBatched: {},
  process: {},
};
/** Measures each size of one series, keeping the sizes that gave at least one run. */
async function measure(
  record: Record<number, RunResult>,
  sizes: number[],
  label: (n: number) => string,
  once: (n: number) => Promise<RunResult>,
) {
  for (const n of sizes) {
    const result = await repeated(label(n), () => once(n));
    if (result) record[n] = result;
  }
}
if (saved) {
  Object.assign(series, saved.runs);
  plan.aoi = Object.keys(series.aoi).map(Number);
  Object.assign(
    plan,
    saved.settings && { repeat: saved.settings.repeat, duration: saved.settings.durationSeconds, scatter: saved.settings.scatterSeconds },
  );
  failedRuns.push(...(saved.failedRuns ?? []));
} else {
  await measure(
    series.aoi,
    plan.aoi,
    (n) => `OatNut, ${n} players in one zone`,
    (n) => runOatNut(n, VIEW_RADIUS),
  );
  await measure(
    series.noAoi,
    plan.noAoi,
    (n) => `OatNut without area of interest, ${n} players`,
    (n) => runOatNut(n, 10_000),
  );
  await measure(
    series.naiveBatched,
    plan.batched,
    (n) => `naive batched, ${n} players`,
    (n) => runNaive(n, "batched"),
  );
  await measure(
    series.naive,
    plan.naive,
    (n) => `naive per move, ${n} players`,
    (n) => runNaive(n, "perMove"),
  );
  await measure(
    series.process,
    plan.process,
    (n) => `OatNut, ${n} players over ${processZones} zones${standingShare ? `, ${Math.round(standingShare * 100)}% standing` : ""}`,
    (n) => runOatNut(n, VIEW_RADIUS, processZones, standingShare),
  );
}
/** OatNut and the batched naive server measured at the same time (absent in results from before it). */
const remeasureSideBySide = saved !== undefined && args["side-by-side"] !== undefined;
let sideBySideRuns: Record<number, SideBySideResult & { ratios: number[] }> = saved?.sideBySide ?? {};
/** When and how the side-by-side runs were measured, when not with the rest (--from with --side-by-side). */
let sideBySideMeasured = saved?.sideBySideMeasured as
  { commit: string; date: string; repeat: number; durationSeconds: number; node: string } | undefined;
if (!saved) sideBySideRuns = await sideBySide(plan.sideBySide);
else if (remeasureSideBySide) {
  const kept = { repeat: plan.repeat, duration: plan.duration };
  plan.repeat = Number(args.repeat ?? plan.repeat);
  plan.duration = Number(args.duration ?? plan.duration);
  sideBySideRuns = await sideBySide(plan.sideBySide);
  sideBySideMeasured = {
    commit: spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim() || "unknown",
    date: new Date().toISOString(),
    repeat: plan.repeat,
    durationSeconds: plan.duration,
    node: process.version,
  };
  Object.assign(plan, kept);
}

/** Every bot joined, the tick within budget, and the slowest client got 90% of its zone's patches. */
const holds = (run: RunResult) =>
  run.failed === 0 && run.tickP99Ms <= TICK_BUDGET_MS && run.patchesPerSecondMin >= 0.9 * (run.patchRateHz ?? 1000 / PATCH_RATE_MS);
const zoneCapacity = Math.max(0, ...plan.aoi.filter((n) => series.aoi[n] && holds(series.aoi[n])));
const at = (record: Record<number, RunResult>, n: number) => record[n];
const nearest = (record: Record<number, RunResult>, n: number) => {
  const keys = Object.keys(record).map(Number);
  if (keys.length === 0) return undefined;
  return record[keys.reduce((best, k) => (Math.abs(k - n) < Math.abs(best - n) ? k : best))];
};
const bytesBy = (record: Record<number, RunResult>) =>
  Object.fromEntries(Object.entries(record).map(([n, run]) => [n, Math.round(run.bytesPerClientPerSecond)]));
const aoi100 = at(series.aoi, 100) ?? nearest(series.aoi, 100);
const batched100 = at(series.naiveBatched, 100) ?? nearest(series.naiveBatched, 100);
const perPlayerCpu = (run: RunResult | undefined) => (run ? run.cpuPercent / run.players : NaN);
/** The CPU ratio of runs one after the other (the only one before side-by-side runs). */
const sequentialCpuRatio = aoi100 && batched100 ? +(perPlayerCpu(aoi100) / perPlayerCpu(batched100)).toFixed(2) : null;
const sideBySideSizes = Object.keys(sideBySideRuns).map(Number);
const sideBySide100 = sideBySideSizes.length
  ? sideBySideRuns[sideBySideSizes.reduce((best, k) => (Math.abs(k - 100) < Math.abs(best - 100) ? k : best))]
  : undefined;
const biggestAoi = series.aoi[Math.max(...plan.aoi)];
const biggestProcess = series.process[Math.max(...Object.keys(series.process).map(Number))];
const smallestAoi = series.aoi[Math.min(...plan.aoi)];
/**
 * Memory a player adds: the slope between the smallest and the largest zone measured
 * (what the process holds anyway cancels out), or with one size, against the empty server.
 */
function perPlayer(total: (run: RunResult) => number, single: (run: RunResult) => number): number | null {
  if (!biggestAoi) return null;
  if (!smallestAoi || smallestAoi === biggestAoi) return Math.round(single(biggestAoi));
  return Math.round((total(biggestAoi) - total(smallestAoi)) / (biggestAoi.players - smallestAoi.players));
}
const commit: string =
  saved?.commit ?? (spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim() || "unknown");
const results = {
  date: started.toISOString(),
  commit,
  machine: saved?.machine ?? {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? "unknown",
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    pinned,
  },
  loadAverage: saved?.loadAverage ?? { before: loadBefore.map((v) => +v.toFixed(2)), after: os.loadavg().map((v) => +v.toFixed(2)) },
  settings: {
    zonePx: ZONE_TILES * TILE_SIZE,
    viewRadius: VIEW_RADIUS,
    inputsPerSecond: 20,
    tickBudgetMs: TICK_BUDGET_MS,
    repeat: plan.repeat,
    durationSeconds: plan.duration,
    scatterSeconds: plan.scatter,
    /** How the OatNut server was started: npm run serve's variables and Node flags. */
    runtime: saved ? saved.settings?.runtime : runtime,
    /** Players above which a zone patched every second tick (absent: before it did, every tick always). */
    crowdedZonePlayers: saved ? saved.settings?.crowdedZonePlayers : crowdedZonePlayers,
    /** Where OatNut's embedded database ran (absent: with the server, on its core). */
    databaseCpu: saved ? saved.settings?.databaseCpu : pinned ? 1 : undefined,
  },
  zoneCapacity,
  bytesPerClientPerSecond: {
    aoi: bytesBy(series.aoi),
    noAoi: bytesBy(series.noAoi),
    naive: bytesBy(series.naive),
    naiveBatched: bytesBy(series.naiveBatched),
  },
  ratioNaiveBatchedToAoiAt100:
    aoi100 && batched100 ? +(batched100.bytesPerClientPerSecond / aoi100.bytesPerClientPerSecond).toFixed(1) : null,
  rssPerPlayerKB: perPlayer(
    (run) => run.rssMB * 1024,
    (run) => run.rssPerPlayerKB,
  ),
  heapPerPlayerKB: perPlayer(
    (run) => run.heapMB * 1024,
    (run) => run.heapPerPlayerKB,
  ),
  /**
   * OatNut's server CPU a player ÷ the batched naive server's at 100 players: the median of
   * the side-by-side runs (both servers over the same seconds) when there are any, else of
   * the runs one after the other.
   */
  cpuPerPlayerVsNaiveBatched: sideBySide100 ? +sideBySide100.ratio.toFixed(2) : sequentialCpuRatio,
  /** The same from the separate runs (one server after the other), for comparison. */
  cpuPerPlayerVsNaiveBatchedSequential: sequentialCpuRatio,
  joinLatencyMsP99: biggestAoi ? Math.round(biggestAoi.joinLatencyMsP99) : null,
  /** The largest --process run: the players one process held over several zones. */
  process: biggestProcess
    ? {
        players: biggestProcess.players,
        zones: biggestProcess.zones ?? null,
        standing: biggestProcess.standing ?? null,
        connected: biggestProcess.connected ?? null,
        cpuPercent: +biggestProcess.cpuPercent.toFixed(1),
        tickP99Ms: +biggestProcess.tickP99Ms.toFixed(1),
        patchP99Ms: +biggestProcess.patchP99Ms.toFixed(1),
        rssPerPlayerKB: Math.round(biggestProcess.rssPerPlayerKB),
      }
    : null,
  failedRuns,
  runs: series,
  /** Side-by-side runs by size: medians of every figure, and each run's ratio. */
  sideBySide: sideBySideRuns,
  ...(sideBySideMeasured ? { sideBySideMeasured } : {}),
};
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2) + "\n");

// ---------------------------------------------------------------- BENCHMARKS.md

fs.mkdirSync(chartsDir, { recursive: true });
const points = (record: Record<number, RunResult>, pick: (run: RunResult) => number) =>
  Object.entries(record)
    .map(([n, run]) => [Number(n), pick(run)] as [number, number])
    .filter(([, v]) => Number.isFinite(v) && v > 0);
fs.writeFileSync(
  path.join(chartsDir, "capacity.svg"),
  lineChart({
    title: "One zone on one core: tick + patch p99",
    xLabel: "players walking in the zone",
    yLabel: "ms (budget 25)",
    series: [
      { name: "OatNut tick+patch p99 (ms)", points: points(series.aoi, (r) => r.tickP99Ms) },
      { name: "OatNut server CPU (% of a core / 4)", points: points(series.aoi, (r) => r.cpuPercent / 4) },
    ],
  }),
);
fs.writeFileSync(
  path.join(chartsDir, "bytes.svg"),
  lineChart({
    title: "Bytes each client receives per second",
    xLabel: "players",
    yLabel: "bytes / client / s",
    logY: true,
    series: [
      { name: "OatNut", points: points(series.aoi, (r) => r.bytesPerClientPerSecond) },
      { name: "OatNut without AOI", points: points(series.noAoi, (r) => r.bytesPerClientPerSecond) },
      { name: "naive per move", points: points(series.naive, (r) => r.bytesPerClientPerSecond) },
      { name: "naive batched", points: points(series.naiveBatched, (r) => r.bytesPerClientPerSecond) },
    ],
  }),
);
const memoryRows = [
  ...Object.entries(series.aoi).map(([n, r]) => [`OatNut ${n}`, r.rssPerPlayerKB] as [string, number]),
  ...Object.entries(series.naiveBatched).map(([n, r]) => [`batched ${n}`, r.rssPerPlayerKB] as [string, number]),
].filter(([, v]) => Number.isFinite(v));
fs.writeFileSync(
  path.join(chartsDir, "memory.svg"),
  barChart({
    title: "RSS per connected player",
    xLabel: "server, players",
    yLabel: "KB",
    bars: memoryRows.map(([label, value]) => ({ label, value })),
  }),
);

const fmt = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "—";
const table = (record: Record<number, RunResult>, columns: Array<[string, (r: RunResult) => string]>) => {
  const rows = Object.entries(record).map(([, run]) => `| ${columns.map(([, pick]) => pick(run)).join(" | ")} |`);
  return [`| ${columns.map(([name]) => name).join(" | ")} |`, `|${columns.map(() => "---").join("|")}|`, ...rows].join("\n");
};
const oatnutColumns: Array<[string, (r: RunResult) => string]> = [
  ["players", (r) => fmt(r.players)],
  ["joined", (r) => `${fmt(r.joined)}${r.failed ? ` (${fmt(r.failed)} failed)` : ""}`],
  ["server CPU (% of a core)", (r) => fmt(r.cpuPercent)],
  ["tick+patch p99 (ms)", (r) => fmt(r.tickP99Ms, 1)],
  ["patch p99 (ms)", (r) => fmt(r.patchP99Ms, 1)],
  ["patches/s: zone → slowest client", (r) => `${fmt(r.patchRateHz ?? 1000 / PATCH_RATE_MS)} → ${fmt(r.patchesPerSecondMin, 1)}`],
  ["bytes/client/s", (r) => fmt(r.bytesPerClientPerSecond)],
  ["visible players", (r) => fmt(r.visible, 1)],
  ["RSS (MB)", (r) => fmt(r.rssMB)],
  ["heap (MB)", (r) => fmt(r.heapMB)],
  ["RSS/player (KB)", (r) => fmt(r.rssPerPlayerKB)],
  ["heap/player (KB)", (r) => fmt(r.heapPerPlayerKB, 1)],
  ["join p99 (ms)", (r) => fmt(r.joinLatencyMsP99)],
  ["bots CPU (%)", (r) => fmt(r.botsCpuPercent)],
];
const naiveColumns: Array<[string, (r: RunResult) => string]> = [
  ["players", (r) => fmt(r.players)],
  ["joined", (r) => `${fmt(r.joined)}${r.failed ? ` (${fmt(r.failed)} failed)` : ""}`],
  ["server CPU (% of a core)", (r) => fmt(r.cpuPercent)],
  ["bytes/client/s", (r) => fmt(r.bytesPerClientPerSecond)],
  ["messages/client/s", (r) => fmt(r.messagesPerClientPerSecond, 1)],
  ["visible players", (r) => fmt(r.visible, 1)],
  ["RSS/player (KB)", (r) => fmt(r.rssPerPlayerKB)],
  ["bots CPU (%)", (r) => fmt(r.botsCpuPercent)],
];
const levers = fs.existsSync(path.join(ROOT, "bench", "levers.md")) ? fs.readFileSync(path.join(ROOT, "bench", "levers.md"), "utf8") : "";
function runtimeLine(used: { env: Record<string, string>; flags: string[] } | undefined): string {
  if (!used) return "The OatNut server's runtime settings were not recorded (before they were: plain `node`).";
  const words = [...Object.entries(used.env).map(([key, value]) => `${key}=${value}`), "node", ...used.flags];
  return words.length > 1
    ? `The OatNut server ran as \`npm run serve\` runs it: \`${words.join(" ")}\`.`
    : "The OatNut server ran with plain `node` (--plain-node).";
}

const chartPath = (name: string) => path.relative(outDir, path.join(chartsDir, name));
const markdown = `# Benchmarks

Written by \`npm run bench\` on ${started.toISOString().slice(0, 10)} at commit \`${commit}\`; the numbers are in
[bench/results.json](${path.relative(outDir, resultsFile)}). Rerun it to check them on your machine.

Machine: ${results.machine.cpus} × ${results.machine.model}, ${results.machine.memoryGB} GB, ${results.machine.os}, Node ${results.machine.node}.
${
  !results.machine.pinned
    ? "**Not pinned** (taskset or a second CPU missing): servers and bots shared the CPUs."
    : results.settings.databaseCpu === 1
      ? "Each server ran alone on CPU 0 (`taskset -c 0`), the bots (and OatNut's embedded database) on CPU 1."
      : "Each server ran on CPU 0 (`taskset -c 0`) with OatNut's embedded database, the bots on CPU 1."
}
${runtimeLine(results.settings.runtime)}
Load average before and after: ${results.loadAverage.before.join(", ")} → ${results.loadAverage.after.join(", ")}.
Each figure is the median of ${plan.repeat} run(s) of ${plan.duration} s, after the bots joined and scattered for ${plan.scatter} s.
CPU is CPU time (user + system, from /proc) over the measurement, in % of one core. Tick + patch p99 is
\`oatnut_tick_duration_seconds\` (the zone's systems plus encoding and sending the patch) between the
start and end of the measurement.

## Summary
${failedRuns.length ? `\n**Runs that failed** (left out of the medians): ${failedRuns.join("; ")}\n` : ""}
- **Zone capacity: ${fmt(zoneCapacity)} walkers** in one zone on one core with tick + patch p99 ≤ ${TICK_BUDGET_MS} ms, every bot
  joined and the slowest client getting ≥ 90% of its zone's patches (${
    results.settings.crowdedZonePlayers === undefined
      ? "20 a second: these runs were before a crowded zone patched every second tick"
      : results.settings.crowdedZonePlayers > 0
        ? `20 a second, 10 in a zone crowded above ${fmt(results.settings.crowdedZonePlayers)} players`
        : "20 a second: CROWDED_ZONE_PLAYERS=0"
  }; of the sizes measured: ${plan.aoi.join(", ")}).
- Bytes per client per second at 100 players: OatNut ${fmt(aoi100?.bytesPerClientPerSecond ?? NaN)}, naive batched
  ${fmt(batched100?.bytesPerClientPerSecond ?? NaN)}: **${results.ratioNaiveBatchedToAoiAt100 ?? "—"}× fewer**.
- Server CPU per player, OatNut ÷ naive batched at ${sideBySide100 ? `${fmt(sideBySide100.players)} players, both servers measured over the same seconds (median of ${sideBySide100.ratios.length}: ${sideBySide100.ratios.map((r) => r.toFixed(2)).join(", ")})` : "100 players"}: **${results.cpuPerPlayerVsNaiveBatched?.toFixed(2) ?? "—"}**${
  sideBySide100 && sequentialCpuRatio !== null
    ? ` (${sequentialCpuRatio.toFixed(2)} from the separate runs below, one server after the other)`
    : ""
}.
- Memory a player adds (the slope from ${smallestAoi ? fmt(smallestAoi.players) : "—"} to ${biggestAoi ? fmt(biggestAoi.players) : "—"} players in one zone):
  **${results.rssPerPlayerKB ?? "—"} KB of RSS**, ${results.heapPerPlayerKB ?? "—"} KB of heap (the least heap used seen during each run).
- Join latency p99 (guest sign-in, character, play, first state) at ${biggestAoi ? fmt(biggestAoi.players) : "—"} players: ${results.joinLatencyMsP99 ?? "—"} ms.
${
  biggestProcess
    ? `- **One process: ${fmt(biggestProcess.connected ?? NaN)} players connected** of ${fmt(biggestProcess.players)} asked, over ${fmt(biggestProcess.zones ?? NaN)} zones
  (${fmt(biggestProcess.standing ?? 0)} of them standing), at ${fmt(biggestProcess.cpuPercent)}% of the server's core, tick + patch p99
  ${fmt(biggestProcess.tickP99Ms, 1)} ms (patching ticks ${fmt(biggestProcess.patchP99Ms, 1)} ms), ${fmt(biggestProcess.rssPerPlayerKB)} KB of RSS a player.
`
    : ""
}
## OatNut, one zone (3200×3200 px, view radius ${VIEW_RADIUS} px)

![capacity](${chartPath("capacity.svg")})

${table(series.aoi, oatnutColumns)}

## OatNut without area of interest (everyone sees everyone)

${table(series.noAoi, oatnutColumns)}

${
  Object.keys(series.process).length
    ? `## OatNut, one process, players spread over zones

Each zone a 3200×3200 px field as above, entered through a small lobby. Standing players have no key
held once scattered: they send one zero input a second (the real client's clock beacon) and receive
their zone's patches like everyone else.

${table(series.process, [...oatnutColumns.slice(0, 1), ["zones", (r) => fmt(r.zones ?? 4)], ["standing", (r) => fmt(r.standing ?? 0)], oatnutColumns[1], ["connected (server)", (r) => fmt(r.connected ?? NaN)], ...oatnutColumns.slice(2)])}
`
    : ""
}
## The naive design: whole state as JSON to everyone (Socket.IO, bench/naive)

![bytes](${chartPath("bytes.svg")})

Per move (the original Flask-SocketIO design: every input broadcasts the whole state):

${table(series.naive, naiveColumns)}

Batched (the whole state once per 50 ms tick):

${table(series.naiveBatched, naiveColumns)}
${
  sideBySideSizes.length
    ? `
## Side by side: OatNut and the batched naive server over the same seconds

Both servers on the servers' core at once, each with its own bots (OatNut's in one zone with its view
radius), both read over the same measurement window, so that the host's slow and fast phases weigh on
both alike. CPU a player: each server's CPU time divided by its players; the ratio is OatNut's over the
naive server's (below 1: OatNut spends less a player).${
        sideBySideMeasured
          ? ` These runs were measured apart from the rest, at commit \`${sideBySideMeasured.commit}\` on ${sideBySideMeasured.date.slice(0, 10)}
(${sideBySideMeasured.repeat} runs of ${sideBySideMeasured.durationSeconds} s each, Node ${sideBySideMeasured.node}).`
          : ""
      }

Steps a player sent a second: OatNut's inputs (counted by its bots; in WebSocket frames, two to a frame
in a zone above \`BUSY_ZONE_PLAYERS\`) and the naive server's moves (counted by the server): the same
walk asked of both.

| players (each) | OatNut CPU (% of a core) | of which kernel | naive batched CPU (% of a core) | of which kernel | steps/s a player: OatNut (frames) / naive | OatNut ÷ naive, a player (median) | each run |
| --- | --- | --- | --- | --- | --- | --- | --- |
${sideBySideSizes
  .map((n) => {
    const r = sideBySideRuns[n];
    const steps =
      r.aoiInputsPerClientPerSecond !== undefined
        ? `${fmt(r.aoiInputsPerClientPerSecond, 1)} (${fmt(r.aoiInputFramesPerClientPerSecond ?? NaN, 1)}) / ${fmt(r.batchedInputsPerClientPerSecond ?? NaN, 1)}`
        : "—";
    return `| ${fmt(n)} | ${fmt(r.aoiCpuPercent, 1)} | ${fmt(r.aoiSystemCpuPercent ?? NaN, 1)} | ${fmt(r.batchedCpuPercent, 1)} | ${fmt(r.batchedSystemCpuPercent ?? NaN, 1)} | ${steps} | **${r.ratio.toFixed(2)}** | ${r.ratios.map((x) => x.toFixed(2)).join(", ")} |`;
  })
  .join("\n")}
`
    : ""
}
## Memory

![memory](${chartPath("memory.svg")})

${levers}`;
fs.writeFileSync(path.join(outDir, "BENCHMARKS.md"), markdown);
log(`wrote ${path.join(outDir, "BENCHMARKS.md")} and ${resultsFile}`);
process.exit(0);
