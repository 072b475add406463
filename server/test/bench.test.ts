/**
 * The load tools operators run, run for real at a small size: `npm run bots` against the
 * production build (guests, characters, a walk through the portal into the forest, fights)
 * and `npm run bench -- --smoke` (every server of the comparison, a few bots for a few
 * seconds, the report and results.json). Sizes and durations are small: what is asserted
 * is what the tools report and that it adds up, never how fast anything was.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { PROJECT_ROOT } from "../src/config.ts";
import { startServerProcess, type ServerProcess } from "./process.ts";

function run(script: string, args: string[], timeoutMs = 300_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, script), ...args], {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} ${args.join(" ")} did not finish within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("npm run bots", () => {
  let server: ServerProcess;
  let dataDir: string;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-bots-"));
    server = await startServerProcess({ DATA_DIR: dataDir });
  });

  after(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // Walking from the town's spawn to the forest portal takes the bots a minute or more on a
  // busy machine: these tests get more than the default two minutes.
  it(
    "plays guests through the portal into the forest, fights, and reports joins, latency, patches and bytes",
    { timeout: 600_000 },
    async () => {
      const { code, stdout, stderr } = await run("bench/bots.ts", [
        "--url",
        server.url,
        "--zone",
        "forest",
        "--count",
        "3",
        "--duration",
        "3",
        "--seed",
        "7",
      ]);
      assert.equal(code, 0, stderr);
      const summary = JSON.parse(stdout);
      assert.equal(summary.zone, "forest");
      assert.equal(summary.joined, 3);
      assert.equal(summary.failed, 0);
      assert.match(stderr, /3 joined; walking to forest/);
      assert.match(stderr, /\[\d+\/3s\] \d+ playing, [\d.]+ patches\/s, \d+ B\/client\/s/, "a progress line while they play");
      assert.ok(summary.joinLatencyMs.p50 > 0 && summary.joinLatencyMs.p99 >= summary.joinLatencyMs.p50);
      assert.ok(summary.patchesPerSecond.mean > 0 && summary.bytesPerClientPerSecond > 0, "they received patches");
      assert.ok(summary.inputsPerSecond > 0, "they walked");
      assert.ok(summary.visiblePlayers > 0, "they see each other in the forest");
      // They hunt: the slimes near the arrival point may all be dead (12 s to respawn) by the
      // time the last bot arrives, so what shows they met the forest's monsters is that they
      // attacked some (a bot attacks only a monster its room's state shows it).
      assert.ok(summary.attacks > 0, "they fought the forest's monsters");
      assert.equal(typeof summary.visibleMonsters, "number", "the summary reports the monsters in view");
      // Each bot deletes its character when it leaves (no --keep).
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(
        metrics,
        /^oatnut_zone_transfers_total\{from="town",to="forest",outcome="arrived"\} [3-9]$/m,
        "each came through the portal",
      );
    },
  );

  it(
    "says what is wrong with its arguments, and what to do when the server's rate limit stops the swarm",
    { timeout: 600_000 },
    async () => {
      const missing = await run("bench/bots.ts", ["--count", "3", "--duration", "1"]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /--url is required/);
      assert.match(missing.stderr, /usage: npm run bots/);
      const bad = await run("bench/bots.ts", ["--url", server.url, "--count", "x", "--duration", "1"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--count must be a number/);
      const unknownZone = await run("bench/bots.ts", ["--url", server.url, "--zone", "nowhere", "--count", "1", "--duration", "1"]);
      assert.equal(unknownZone.code, 1);
      assert.match(unknownZone.stderr, /unknown zone "nowhere" \(zones: .*forest/);

      const limitedData = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-bots-"));
      const limited = await startServerProcess({ DATA_DIR: limitedData, RATE_LIMIT_MULTIPLIER: "1" });
      try {
        const { code, stdout } = await run("bench/bots.ts", ["--url", limited.url, "--count", "22", "--duration", "1", "--parallel", "4"]);
        assert.equal(code, 1, "a failed join fails the run");
        const summary = JSON.parse(stdout);
        assert.equal(summary.joined, 20, "the guest limit: 20 an hour from one address");
        assert.equal(summary.failed, 2);
        const [reason] = Object.keys(summary.failures);
        assert.match(reason, /429 .*RATE_LIMIT_MULTIPLIER=1000/);
      } finally {
        await limited.stop();
        fs.rmSync(limitedData, { recursive: true, force: true });
      }
    },
  );
});

describe("npm run bench -- --smoke", () => {
  it(
    "measures OatNut with and without area of interest, both naive servers, OatNut and the batched one side by side, and writes the report and results.json",
    { timeout: 900_000 },
    async () => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-bench-"));
      try {
        const { code, stderr } = await run("bench/run.ts", ["--smoke", "--out", out], 600_000);
        assert.equal(code, 0, stderr);
        const results = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8"));
        for (const key of [
          "zoneCapacity",
          "ratioNaiveBatchedToAoiAt100",
          "rssPerPlayerKB",
          "heapPerPlayerKB",
          "cpuPerPlayerVsNaiveBatched",
          "joinLatencyMsP99",
          "machine",
          "loadAverage",
          "commit",
        ]) {
          assert.ok(key in results, `results.json has ${key}`);
        }
        const bytes = results.bytesPerClientPerSecond;
        const [aoi, noAoi, naive, batched] = [bytes.aoi[4], bytes.noAoi[4], bytes.naive[4], bytes.naiveBatched[4]];
        assert.ok(aoi > 0 && noAoi > 0, "OatNut's clients received patches");
        // Four players see each other in both OatNut runs; the naive servers send the whole
        // state as JSON, per move (about 80 times a second) or per tick (20 a second).
        assert.ok(naive > batched, `per move (${naive} B/s) sends more than batched (${batched} B/s)`);
        assert.ok(batched > aoi, `batched JSON (${batched} B/s) sends more than OatNut's patches (${aoi} B/s)`);
        for (const run of [results.runs.aoi[4], results.runs.naiveBatched[4]]) {
          assert.equal(run.joined, 4);
          assert.ok(run.cpuPercent > 0, "server CPU time measured");
        }
        assert.ok(results.runs.aoi[4].tickP99Ms > 0, "the tick histogram read");
        // Both servers at once, over the same seconds: the CPU ratio comes from there.
        const side = results.sideBySide[4];
        assert.equal(side.aoiJoined, 4);
        assert.equal(side.batchedJoined, 4);
        assert.ok(side.aoiCpuPercent > 0 && side.batchedCpuPercent > 0, "both servers' CPU time measured");
        assert.equal(results.cpuPerPlayerVsNaiveBatched, +side.ratio.toFixed(2), "the summary's CPU ratio is the side-by-side one");
        assert.ok(side.aoiBytesPerClientPerSecond > 0 && side.batchedBytesPerClientPerSecond > side.aoiBytesPerClientPerSecond);
        // Both sides asked the same walk: steps a player a second, OatNut's from its bots, the naive server's from its /stats.
        assert.ok(side.aoiInputsPerClientPerSecond > 5 && side.batchedInputsPerClientPerSecond > 5, JSON.stringify(side));
        assert.ok(side.aoiInputFramesPerClientPerSecond > 0 && side.aoiInputFramesPerClientPerSecond <= side.aoiInputsPerClientPerSecond);
        const report = fs.readFileSync(path.join(out, "BENCHMARKS.md"), "utf8");
        assert.match(report, /## OatNut, one zone/);
        assert.match(report, /\| 4 \| 4 \|/, "a table row for 4 players, all joined");
        for (const chart of ["capacity.svg", "bytes.svg", "memory.svg"]) {
          assert.match(fs.readFileSync(path.join(out, "charts", chart), "utf8"), /^<svg[^>]*>[\s\S]*<\/svg>\s*$/);
        }
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    },
  );
});
