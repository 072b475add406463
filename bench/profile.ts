/**
 * Where a CPU profile's time went, over a window of it: self and total time by function, and
 * self time by package.
 *
 *   node --import tsx bench/profile.ts <file.cpuprofile> [--from <µs>] [--until <µs>] [--top <n>]
 *
 * `--from` and `--until` are on the machine's monotonic clock, as the profile's own timestamps
 * are; `npm run bench -- --profile` prints the measurement's bounds on that clock.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { from: { type: "string" }, until: { type: "string" }, top: { type: "string" } },
});
if (positionals.length !== 1) throw new Error("usage: bench/profile.ts <file.cpuprofile> [--from µs] [--until µs] [--top n]");
const profile = JSON.parse(fs.readFileSync(positionals[0]!, "utf8")) as Profile;
const from = Number(args.from ?? -Infinity);
const until = Number(args.until ?? Infinity);
const top = Number(args.top ?? 30);

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

/** Where a frame's code lives: a package under node_modules, Node's own, or the project. */
function place(url: string): string {
  if (!url) return "(native)";
  const at = url.lastIndexOf("node_modules/");
  if (at >= 0) {
    const rest = url.slice(at + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith("node:")) return "node";
  return url.replace(/^file:\/\//, "").replace(process.cwd() + "/", "");
}
/** The frame's file: from its package's folder on, or from the working directory on. */
function file(url: string): string {
  const at = url.lastIndexOf("node_modules/");
  return at >= 0 ? url.slice(at + "node_modules/".length) : place(url);
}
function label(frame: CallFrame): string {
  const where = frame.url ? `${file(frame.url)}:${frame.lineNumber + 1}` : "";
  return `${frame.functionName || "(anonymous)"} ${where}`.trim();
}

const self = new Map<string, number>();
const total = new Map<string, number>();
const packages = new Map<string, number>();
let busy = 0;
let idle = 0;
let time = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  time += profile.timeDeltas[i]!;
  if (time < from || time > until) continue;
  // A sample stands for the time until the next one.
  const span = profile.timeDeltas[i + 1] ?? 0;
  const node = byId.get(profile.samples[i]!)!;
  const name = node.callFrame.functionName;
  if (name === "(idle)") {
    idle += span;
    continue;
  }
  busy += span;
  self.set(label(node.callFrame), (self.get(label(node.callFrame)) ?? 0) + span);
  const pkg = name.startsWith("(") ? name : place(node.callFrame.url);
  packages.set(pkg, (packages.get(pkg) ?? 0) + span);
  const seen = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const key = label(byId.get(id)!.callFrame);
    if (seen.has(key)) continue;
    seen.add(key);
    total.set(key, (total.get(key) ?? 0) + span);
  }
}

function table(title: string, rows: Map<string, number>): void {
  console.log(`\n${title}`);
  for (const [key, us] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${((100 * us) / busy).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
}
const seconds = (busy + idle) / 1e6;
console.log(
  `${seconds.toFixed(1)} s profiled: busy ${(busy / 1e6).toFixed(1)} s (${((100 * busy) / (busy + idle)).toFixed(0)}%), idle ${(idle / 1e6).toFixed(1)} s`,
);
table("self time by package (share of busy time)", packages);
table("self time by function", self);
table("total time by function (self and what it calls)", total);
