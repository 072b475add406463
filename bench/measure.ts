/**
 * What the benchmark reads off a server process: CPU time and RSS from /proc (CPU time,
 * not wall time, so a busy machine does not inflate it), and OatNut's /metrics histograms.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * Runs this script again on the project's own Node (node_modules/.bin/node, the `node`
 * package package.json pins) when it was started with another one, and exits with its
 * status. Every process the bench starts (servers, bots) runs on `process.execPath`: a
 * bench started with the machine's `node` (Node 20 on a stock Debian) would otherwise
 * measure OatNut and the naive servers on a runtime OatNut does not run on in production
 * (Colyseus 0.18 needs Node 22 or later; `npm run serve` and the Docker image use 24).
 */
export function reexecOnProjectNode(root: string): void {
  const pinned = path.join(root, "node_modules", ".bin", "node");
  if (!fs.existsSync(pinned) || fs.realpathSync(pinned) === fs.realpathSync(process.execPath)) return;
  const version = spawnSync(pinned, ["--version"], { encoding: "utf8" }).stdout.trim();
  if (!version || version === process.version) return;
  console.error(`started on Node ${process.version}: running again on the project's Node ${version} (${pinned})`);
  const child = spawnSync(pinned, [...process.execArgv, ...process.argv.slice(1)], { stdio: "inherit" });
  process.exit(child.status ?? 1);
}

/** Clock ticks a second of /proc's CPU times (USER_HZ: 100 on Linux everywhere). */
const USER_HZ = 100;

/** CPU seconds (user + system) the process and its waited-for children have used so far. */
export function cpuSeconds(pid: number): number {
  const { user, system } = cpuTimes(pid);
  return user + system;
}

/** CPU seconds the process has used so far, in user space and in the kernel. */
export function cpuTimes(pid: number): { user: number; system: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may contain spaces) in parentheses.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { user: Number(fields[11]) / USER_HZ, system: Number(fields[12]) / USER_HZ };
}

/** Resident memory of the process, bytes. */
export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** One histogram of a Prometheus text exposition: cumulative counts by upper bound. */
export interface Histogram {
  buckets: Array<[number, number]>;
  count: number;
  sum: number;
}

/** Reads histogram `name` (summed over every label set other than `le`). */
export function readHistogram(text: string, name: string): Histogram {
  const buckets = new Map<number, number>();
  let count = 0;
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name}_bucket{`)) {
      const le = /le="([^"]+)"/.exec(line)?.[1];
      const value = Number(line.slice(line.lastIndexOf(" ") + 1));
      const bound = le === "+Inf" ? Infinity : Number(le);
      buckets.set(bound, (buckets.get(bound) ?? 0) + value);
    } else if (line.startsWith(`${name}_count`)) count += Number(line.slice(line.lastIndexOf(" ") + 1));
    else if (line.startsWith(`${name}_sum`)) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return { buckets: [...buckets].sort((a, b) => a[0] - b[0]), count, sum };
}

/** The observations between two readings of one histogram. */
export function histogramDelta(before: Histogram, after: Histogram): Histogram {
  const earlier = new Map(before.buckets);
  return {
    buckets: after.buckets.map(([bound, value]) => [bound, value - (earlier.get(bound) ?? 0)]),
    count: after.count - before.count,
    sum: after.sum - before.sum,
  };
}

/** The q-quantile of a histogram, interpolated within its bucket as Prometheus does. */
export function quantile(histogram: Histogram, q: number): number {
  const total = histogram.count;
  if (total <= 0) return 0;
  const rank = q * total;
  let previousBound = 0;
  let previousCount = 0;
  for (const [bound, cumulative] of histogram.buckets) {
    if (cumulative >= rank) {
      if (bound === Infinity) return previousBound;
      const inBucket = cumulative - previousCount;
      return previousBound + (bound - previousBound) * (inBucket > 0 ? (rank - previousCount) / inBucket : 0);
    }
    previousBound = bound;
    previousCount = cumulative;
  }
  return previousBound;
}

/** The value of a metric without labels (or the first series of it). */
export function readGauge(text: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text);
  return match ? Number(match[1]) : NaN;
}

export function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
