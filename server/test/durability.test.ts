/**
 * Nothing lost by default, through the README's commands: `npm run serve` (what
 * `npm start` runs after building) and `npm run dev`, with no MONGODB_URI — the embedded
 * engine of a machine without mongod or internet (the download server is made
 * unreachable, whatever this machine's network). Ctrl-C is SIGINT to the whole process
 * group, as a terminal sends it; a crash is SIGKILL of the server alone.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import mongoose from "mongoose";
import { PROJECT_ROOT } from "../src/config.ts";
import { SnapshotFile } from "../src/db/snapshot.ts";
import { api, createCharacter, freePort, signUp, TEST_RATE_LIMIT_MULTIPLIER, waitFor } from "./helpers.ts";
import { enter, type Player } from "./rawClient.ts";

const PASSWORD = "correct horse battery"; // what helpers.signUp registers with
const started: Array<{ group: number; engine?: number }> = [];
const dirs: string[] = [];

after(async () => {
  for (const { group, engine } of started) {
    for (const pgid of [group, engine]) {
      if (!pgid) continue;
      try {
        process.kill(-pgid, "SIGCONT");
        process.kill(-pgid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  }
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface Run {
  url: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Process group of the embedded engine (its guardian). */
  engineGroup: number;
  /** The server's own node process. */
  serverPid: number;
}

/** Whether any process of a process group is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes as [pid, ppid, pgid, args]. */
function processes(): Array<[number, number, number, string]> {
  return execFileSync("ps", ["-eo", "pid=,ppid=,pgid=,args="], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [, pid, ppid, pgid, args] = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line)!;
      return [Number(pid), Number(ppid), Number(pgid), args];
    });
}

/** Starts an npm script in its own process group (like a terminal) and waits for /health. */
async function run(script: "serve" | "dev", dataDir: string, env: Record<string, string> = {}): Promise<Run> {
  const port = await freePort();
  const logDir = path.join(dataDir, "logs");
  const child = spawn("npm", ["run", script], {
    cwd: PROJECT_ROOT,
    detached: true,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? os.tmpdir(),
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_DIR: logDir,
      NODE_ENV: "development",
      MONGOMS_DOWNLOAD_MIRROR: "http://127.0.0.1:9",
      RATE_LIMIT_MULTIPLIER: TEST_RATE_LIMIT_MULTIPLIER,
      ...(script === "dev" ? { CLIENT_DEV_SERVER: "true" } : {}),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr!.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const entry: { group: number; engine?: number } = { group: child.pid! };
  started.push(entry);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`npm run ${script} exited (${child.exitCode}):\n${output}`);
      try {
        return (await fetch(`${url}/health`)).status === 200;
      } catch {
        return false;
      }
    },
    `npm run ${script} to answer /health:\n${output}`,
    90_000,
  );
  // The engine: the jongodb among this run's descendants, in its own process group.
  const all = processes();
  const descendants = new Set([child.pid!]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of all)
      if (descendants.has(ppid) && !descendants.has(pid)) {
        descendants.add(pid);
        grew = true;
      }
  }
  const jongodb = all.find(([pid, , , args]) => descendants.has(pid) && /bin\/jongodb --host/.test(args));
  assert.ok(
    jongodb,
    `the embedded engine runs:\n${all
      .filter(([pid]) => descendants.has(pid))
      .map((p) => p.join(" "))
      .join("\n")}`,
  );
  const engineGroup = jongodb[2];
  assert.notEqual(engineGroup, child.pid, "the engine is not in the terminal's process group");
  entry.engine = engineGroup;
  const server = all.find(
    ([pid, , , args]) =>
      descendants.has(pid) && /server\/(dist\/main\.js|src\/main\.ts)/.test(args) && !/tsx watch|npm/.test(args) && !/^sh /.test(args),
  );
  return { url, child, output: () => output, exited, engineGroup, serverPid: server?.[0] ?? 0 };
}

/** Signs up, creates a character and plays it; walks it a few steps and returns where it stands. */
async function walkAWhile(
  url: string,
  name: string,
): Promise<{ player: Player; email: string; token: string; characterId: string; at: { x: number; y: number } }> {
  const { token, email } = await signUp(url);
  const character = await createCharacter(url, token, name);
  const player = await enter(url, { id: character.id, name, token });
  const me = () => player.room.state.players?.get(player.room.sessionId);
  await waitFor(() => me(), "in the zone");
  const start = { x: me().x, y: me().y };
  const input = player.room.input<{ dx: number; dy: number }>();
  // A few steps in the first direction that is open.
  for (const [dx, dy] of [
    [1, 0],
    [0, 1],
    [-1, 0],
    [0, -1],
    [0, 0],
  ]) {
    for (let i = 0; i < 6; i++) {
      input.data.dx = dx;
      input.data.dy = dy;
      input.send();
    }
    await waitFor(() => input.lastProcessed === input.sentCount, "the steps applied");
    if (me().x !== start.x || me().y !== start.y) break;
  }
  input.data.dx = 0;
  input.data.dy = 0;
  input.send();
  await waitFor(() => input.lastProcessed === input.sentCount, "the stop applied");
  assert.ok(me().x !== start.x || me().y !== start.y, "the character moved");
  // Every input was applied and acknowledged: the position in the client's state is the server's.
  return { player, email, token, characterId: character.id, at: { x: me().x, y: me().y } };
}

/** The character's position in DATA_DIR's snapshot. */
function snapshotted(dataDir: string, name: string): { x: number; y: number } | undefined {
  const docs = new SnapshotFile(path.join(dataDir, "embedded")).read()?.collections.get("characters") ?? [];
  const doc = docs.map((raw) => mongoose.mongo.BSON.deserialize(raw)).find((d) => d.name === name);
  return doc ? { x: doc.x, y: doc.y } : undefined;
}

/** Signs in again (email and password) and reads the character. */
async function characterAfterRestart(url: string, email: string, characterId: string) {
  const login = await api(url, "POST", "/auth/login", { body: { email, password: PASSWORD } });
  assert.equal(login.status, 200, `sign-in after the restart: ${JSON.stringify(login.body)}`);
  const list = await api(url, "GET", "/api/characters", { token: login.body.token });
  return (list.body as Array<{ id: string; x: number; y: number }>).find((c) => c.id === characterId);
}

describe("nothing lost by default (embedded engine, no MONGODB_URI)", () => {
  it("npm run serve: Ctrl-C with a player online saves it, says so after the save, stops the engine; a restart finds it there", async (t) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-durable-"));
    dirs.push(dataDir);
    const first = await run("serve", dataDir);
    assert.match(
      first.output(),
      /database: jongodb engine \(embedded, in memory\) with its data in .*snapshot\.bson \(a new world\); a snapshot follows every write/,
    );
    const { player, email, token, characterId, at } = await walkAWhile(first.url, "Ctrl_C_Walker");
    process.kill(-first.child.pid!, "SIGINT"); // the terminal's Ctrl-C: npm, sh and node alike
    await waitFor(() => player.notices.includes("Your progress is saved."), "told it is saved");
    assert.ok(
      player.notices.indexOf("The server is restarting: saving your progress…") < player.notices.indexOf("Your progress is saved."),
    );
    await first.exited;
    assert.match(first.output(), /shutdown complete/);
    assert.doesNotMatch(first.output(), /SIGINT again|did not finish/, "the relayed Ctrl-C is not taken for a second one");
    await waitFor(() => !groupAlive(first.engineGroup), "no engine process left", 10_000);

    const second = await run("serve", dataDir);
    assert.match(second.output(), /\(restored \d+ documents in \d+ ms\)/);
    assert.deepEqual(await characterAfterRestart(second.url, email, characterId).then((c) => c && { x: c.x, y: c.y }), at, "where it was");
    assert.equal(
      (await api(second.url, "GET", "/api/characters", { token })).status,
      200,
      "the sign-in from before the restart still holds",
    );
    t.diagnostic(`saved at (${at.x}, ${at.y}); ${second.output().match(/restored \d+ documents in \d+ ms/)?.[0]}`);
    process.kill(-second.child.pid!, "SIGINT");
    await second.exited;
    await waitFor(() => !groupAlive(second.engineGroup), "no engine process left", 10_000);
  });

  it("a crash (SIGKILL of the server) loses nothing written before the snapshot caught up, and leaves no engine behind", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-durable-"));
    dirs.push(dataDir);
    const first = await run("serve", dataDir, { AUTOSAVE_SECONDS: "1" });
    const { email, characterId, at } = await walkAWhile(first.url, "Crash_Walker");
    // The autosave writes the position; the snapshot follows within its window.
    await waitFor(
      () => {
        const s = snapshotted(dataDir, "Crash_Walker");
        return s?.x === at.x && s.y === at.y;
      },
      "the position in the snapshot",
      10_000,
    );
    process.kill(first.serverPid, "SIGKILL");
    await first.exited;
    await waitFor(() => !groupAlive(first.engineGroup), "the engine ends by itself once its server is gone", 10_000);

    const second = await run("serve", dataDir);
    const character = await characterAfterRestart(second.url, email, characterId);
    assert.deepEqual(character && { x: character.x, y: character.y }, at);
    process.kill(-second.child.pid!, "SIGINT");
    await second.exited;
  });

  it("a second Ctrl-C (after the first one's relays) exits at once and says what was not saved", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-durable-"));
    dirs.push(dataDir);
    const first = await run("serve", dataDir, { AUTOSAVE_SECONDS: "600" });
    const { characterId } = await walkAWhile(first.url, "Impatient");
    process.kill(-first.engineGroup, "SIGSTOP"); // the database stops answering: the save cannot finish
    process.kill(-first.child.pid!, "SIGINT");
    const firstAt = Date.now();
    await waitFor(() => /SIGINT received: saving every character/.test(first.output()), "the first Ctrl-C taken");
    await waitFor(() => Date.now() - firstAt > 1200, "past the window of relayed signals");
    process.kill(-first.child.pid!, "SIGINT");
    await first.exited;
    assert.match(
      first.output(),
      new RegExp(`SIGINT again: exiting now; not saved: the latest progress of 1 character\\(s\\) \\(${characterId}\\)`),
    );
    process.kill(-first.engineGroup, "SIGCONT");
    await waitFor(() => !groupAlive(first.engineGroup), "no engine process left", 10_000);
  });

  it("npm run dev: Ctrl-C with a player online saves it (not 'exiting now'), and the engine stops", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-durable-"));
    dirs.push(dataDir);
    const dev = await run("dev", dataDir);
    const { player, at } = await walkAWhile(dev.url, "Dev_Walker");
    process.kill(-dev.child.pid!, "SIGINT");
    await waitFor(() => player.notices.includes("Your progress is saved."), "told it is saved");
    await dev.exited;
    assert.match(dev.output(), /shutdown complete/);
    assert.doesNotMatch(dev.output(), /SIGINT again|Force killing/);
    assert.deepEqual(snapshotted(dataDir, "Dev_Walker"), at, "its position is in DATA_DIR");
    await waitFor(() => !groupAlive(dev.engineGroup), "no engine process left", 10_000);
  });
});

describe("failing loudly", () => {
  /** Runs the built server with `env` and returns its exit code and output. */
  async function startExpectingFailure(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "server", "dist", "main.js")], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        PORT: String(await freePort()),
        LOG_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-fail-")),
        NODE_ENV: "development",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr!.on("data", (chunk) => {
      output += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    return { code, output };
  }

  it("stops start-up with status 1 and one line saying what to do when no database can be had", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-fail-"));
    dirs.push(dataDir);
    const mongod = await startExpectingFailure({
      MONGODB_ENGINE: "mongod",
      DATA_DIR: dataDir,
      MONGOMS_DOWNLOAD_MIRROR: "http://127.0.0.1:9",
      MONGOMS_SYSTEM_BINARY: "",
    });
    if (!/mongod engine \(embedded\)/.test(mongod.output)) {
      // (a machine with a mongod of its own starts instead)
      assert.equal(mongod.code, 1, mongod.output);
      assert.match(
        mongod.output,
        /OatNut cannot start: no database: MONGODB_ENGINE=mongod, but no mongod is on this machine .* set MONGODB_URI/,
      );
      assert.doesNotMatch(mongod.output, /uncaught exception/);
    }
    const closedPort = await freePort();
    const external = await startExpectingFailure({ MONGODB_URI: `mongodb://127.0.0.1:${closedPort}/oatnut` });
    assert.equal(external.code, 1);
    assert.match(
      external.output,
      /OatNut cannot start: the database at mongodb:\/\/127\.0\.0\.1:\d+\/oatnut does not answer .*Check MONGODB_URI/,
    );
    const damaged = path.join(dataDir, "embedded");
    fs.mkdirSync(damaged, { recursive: true });
    fs.writeFileSync(path.join(damaged, "snapshot.bson"), "not a snapshot");
    const broken = await startExpectingFailure({ MONGODB_ENGINE: "jongodb", DATA_DIR: dataDir });
    assert.equal(broken.code, 1);
    assert.match(broken.output, /OatNut cannot start: no database: no whole snapshot in .*embedded .*Move the damaged files away/);
  });

  it("stops start-up with status 1 and says so when its port is taken, instead of waiting forever", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-fail-"));
    dirs.push(dataDir);
    const taken = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, resolve));
    try {
      const result = await startExpectingFailure({ PORT: String(port), DATA_DIR: dataDir });
      assert.equal(result.code, 1, result.output);
      assert.match(
        result.output,
        new RegExp(`OatNut cannot start: cannot listen on port ${port}: another program \\(another OatNut\\?\\) uses it`),
      );
    } finally {
      taken.close();
    }
  });
});
