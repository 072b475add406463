/**
 * `npm run bench:cluster`: what a cluster costs — a real redis-server, N game processes
 * (the production build) sharing it and one database, and a bot swarm signing in through
 * every process in turn. Reports, per process, the players, CPU (CPU time from /proc, % of
 * one core) and RSS once everyone is in; and Redis's work (commands and bytes a second, from
 * INFO) during the join ramp and during steady play, per process and by command.
 *
 *   npm run bench:cluster -- [--processes 2] [--count 200] [--ramp 20] [--duration 20] [--out <file.json>]
 *
 * Each zone room holds count / processes players (the zone's capacity), so the rooms, and
 * the players, spread over the processes. Needs redis-server on PATH and `npm run build`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadZonesFromDisk } from "@oatnut/shared/node";
import { Redis } from "ioredis";
import { startCluster } from "../server/test/cluster.ts";
import { REDIS_SERVER } from "../server/test/prerequisites.ts";
import { writeZones } from "../server/test/zoneFixtures.ts";
import { cpuSeconds, rssBytes } from "./measure.ts";
import { runSwarm } from "./swarm.ts";

const { values: args } = parseArgs({
  options: {
    processes: { type: "string", default: "2" },
    count: { type: "string", default: "200" },
    ramp: { type: "string", default: "20" },
    duration: { type: "string", default: "20" },
    out: { type: "string" },
  },
});
const processes = Number(args.processes);
const count = Number(args.count);
const redisCommand = REDIS_SERVER.find();
if (!redisCommand) {
  console.error(`redis-server is not on PATH: ${REDIS_SERVER.enable}`);
  process.exit(1);
}

interface RedisSample {
  at: number;
  commands: number;
  bytesIn: number;
  bytesOut: number;
  byCommand: Record<string, number>;
}

async function sampleRedis(client: Redis): Promise<RedisSample> {
  const stats = await client.info("stats");
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(stats)?.[1] ?? 0);
  const byCommand: Record<string, number> = {};
  for (const match of (await client.info("commandstats")).matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm))
    byCommand[match[1]!] = Number(match[2]);
  return {
    at: performance.now(),
    commands: field("total_commands_processed"),
    bytesIn: field("total_net_input_bytes"),
    bytesOut: field("total_net_output_bytes"),
    byCommand,
  };
}

function redisRates(from: RedisSample, to: RedisSample, perProcess: number) {
  const seconds = (to.at - from.at) / 1000;
  const top = Object.entries(to.byCommand)
    .map(([name, calls]) => [name, (calls - (from.byCommand[name] ?? 0)) / seconds] as const)
    .filter(([, rate]) => rate > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8);
  return {
    seconds: +seconds.toFixed(1),
    commandsPerSecondPerProcess: +((to.commands - from.commands) / seconds / perProcess).toFixed(1),
    kbInPerSecondPerProcess: +((to.bytesIn - from.bytesIn) / seconds / 1024 / perProcess).toFixed(2),
    kbOutPerSecondPerProcess: +((to.bytesOut - from.bytesOut) / seconds / 1024 / perProcess).toFixed(2),
    topCommandsPerSecond: Object.fromEntries(top.map(([name, rate]) => [name, +rate.toFixed(1)])),
  };
}

const zonesDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-cluster-bench-"));
const side = 100;
const open = Array.from({ length: side }, (_, row) => (row === 0 || row === side - 1 ? "#".repeat(side) : `#${".".repeat(side - 2)}#`));
writeZones(
  { meadow: { rows: open, starting: true, capacity: Math.ceil(count / processes), viewRadius: 480, spawns: { default: [50, 50] } } },
  zonesDir,
);
const cluster = await startCluster(redisCommand, processes, {
  ZONES_DIR: zonesDir,
  LOG_LEVEL: "warn",
  NODE_ENV: "production",
  TRUST_PROXY: "0",
});
const watcher = new Redis(cluster.redis.port, "127.0.0.1");
try {
  const pids = cluster.processes.map((p) => p.child.pid!);
  const idle = await sampleRedis(watcher);
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const idleEnd = await sampleRedis(watcher);
  const rampStart = await sampleRedis(watcher);
  let rampEnd: RedisSample | undefined;
  let steadyStart: RedisSample | undefined;
  let steadyEnd: RedisSample | undefined;
  let cpuStart: number[] = [];
  let cpuEnd: number[] = [];
  let measuredSeconds = 0;
  let measureStarted = 0;
  let players: number[] = [];
  let rss: number[] = [];
  const summary = await runSwarm({
    url: cluster.processes[0]!.url,
    urls: cluster.processes.map((p) => p.url),
    count,
    durationSeconds: Number(args.duration),
    rampPerSecond: Number(args.ramp),
    decoders: 10,
    scatterSeconds: 3,
    fight: false,
    zones: loadZonesFromDisk(zonesDir),
    namePrefix: "Clu",
    onProgress: (line) => console.error(line),
    onMeasure: async (phase) => {
      if (phase === "start") {
        rampEnd = steadyStart = await sampleRedis(watcher);
        cpuStart = pids.map(cpuSeconds);
        measureStarted = performance.now();
        players = await Promise.all(
          cluster.processes.map(async (p) => {
            const text = await (await fetch(`${p.url}/metrics`)).text();
            return Number(/^oatnut_players_online\{zone="all"\} (\d+)/m.exec(text)?.[1] ?? 0);
          }),
        );
      } else {
        steadyEnd = await sampleRedis(watcher);
        cpuEnd = pids.map(cpuSeconds);
        measuredSeconds = (performance.now() - measureStarted) / 1000;
        rss = pids.map((pid) => Math.round(rssBytes(pid) / 1024 / 1024));
      }
    },
  });
  const result = {
    processes,
    bots: count,
    joined: summary.joined,
    failed: summary.failed,
    joinLatencyMs: summary.joinLatencyMs,
    perProcess: cluster.processes.map((_, i) => ({
      players: players[i],
      cpuPercentOfOneCore: Math.round(((cpuEnd[i]! - cpuStart[i]!) / measuredSeconds) * 100),
      rssMB: rss[i],
    })),
    redis: {
      idle: redisRates(idle, idleEnd, processes),
      joinRamp: { joinsPerSecond: Number(args.ramp), ...redisRates(rampStart, rampEnd!, processes) },
      steadyPlay: redisRates(steadyStart!, steadyEnd!, processes),
    },
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadAverage: os.loadavg().map((l) => +l.toFixed(2)) },
  };
  const text = JSON.stringify(result, null, 2);
  console.log(text);
  if (args.out) fs.writeFileSync(args.out, text + "\n");
} finally {
  watcher.disconnect();
  await cluster.stop();
  fs.rmSync(zonesDir, { recursive: true, force: true });
}
