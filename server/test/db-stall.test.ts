/**
 * A database stall against the production build in its own process: the test pauses the
 * database engine (SIGSTOP to its process group) for 20 s while players walk, with an
 * autosave every second. During the stall, sign-in, sign-up, guests, the characters API
 * and play answer a clear 503 instead of hanging, /ready says the database is gone and
 * the game keeps running; after it (SIGCONT) every player's last position reaches the
 * database, the outage and its end are in the logs, nothing was created for a request
 * answered 503, and the server answers as before.
 *
 * No assertion is on a measured duration (the machine is shared and noisy): the waits
 * are on conditions, each bounded so that a hang fails the test instead of stalling it.
 * The durations of the 503s are reported as diagnostics.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { connectDatabase, disconnectDatabase } from "../src/db/connection.ts";
import { startJongodb, type DatabaseEngine } from "../src/db/engine.ts";
import { Account, Character } from "../src/db/models.ts";
import express from "express";
import { apiErrorHandler, DATABASE_UNAVAILABLE, route, TOO_SLOW } from "../src/http/errors.ts";
import { createCharacter, signUp, testZones, waitFor } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./process.ts";
import { createCharacters, enter, type Character as TestCharacter, type Player } from "./rawClient.ts";

/** How long the database is paused: what the issue asks a server to survive. */
const STALL_MS = 20_000;
/**
 * Longest a request may take to answer during the stall before the test calls it a hang.
 * Well under the stall, so an answer that only came when the database resumed fails.
 */
const HANG_MS = 15_000;
const PLAYERS = 4;
const PASSWORD = "correct horse battery";

let engine: DatabaseEngine;
let server: ServerProcess;
let logDir: string;
let paused = false;

before(async () => {
  // jongodb even when MONGODB_URI is set: the test must be able to pause the database.
  engine = await startJongodb();
  await connectDatabase(engine.uri);
  logDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-stall-"));
  server = await startServerProcess({
    MONGODB_URI: engine.uri,
    ZONES_DIR: testZones(),
    LOG_DIR: logDir,
    NODE_ENV: "production",
    AUTOSAVE_SECONDS: "1",
    RECONNECT_SECONDS: "0",
  });
});
after(async () => {
  if (paused) process.kill(-engine.pid!, "SIGCONT");
  await server?.stop("SIGKILL");
  await disconnectDatabase();
  await engine?.stop();
  fs.rmSync(logDir, { recursive: true, force: true });
});

function logLines(name: string): Array<Record<string, any>> {
  const file = path.join(logDir, `${name}.log`);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

interface Probe {
  status: number;
  body: any;
  ms: number;
}

/** One HTTP call that must answer within HANG_MS (a hang fails the test, named). */
async function probe(method: string, route: string, options: { token?: string; body?: unknown } = {}): Promise<Probe> {
  const started = performance.now();
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(server.url + route, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(HANG_MS),
    });
  } catch (error) {
    throw new Error(
      `${method} ${route} did not answer within ${HANG_MS / 1000} s during the stall: it hangs (${(error as Error).message})`,
      { cause: error },
    );
  }
  const text = await response.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: response.status, body, ms: Math.round(performance.now() - started) };
}

interface Walker {
  stop(): void;
  /** How many times the server moved the player so far (as its patches showed). */
  moves(): number;
}

/** A player walking a square (a second per side) with 20 inputs a second, until stopped. */
function walk(player: Player, phase: number): Walker {
  const input = player.room.input<{ dx: number; dy: number }>();
  const sides = [
    [1, 0],
    [0, 1],
    [-1, 0],
    [0, -1],
  ];
  const started = Date.now();
  let moves = 0;
  let last = position(player);
  const timer = setInterval(() => {
    const now = position(player);
    if (now.x !== last.x || now.y !== last.y) moves++;
    last = now;
    const [dx, dy] = sides[(Math.floor((Date.now() - started) / 1000) + phase) % sides.length];
    input.data.dx = dx;
    input.data.dy = dy;
    input.send();
  }, 50);
  return { stop: () => clearInterval(timer), moves: () => moves };
}

function position(player: Player): { x: number; y: number } {
  const me = player.room.state.players.get(player.room.sessionId);
  return { x: me.x, y: me.y };
}

/** The player's position once the server has stopped moving it (unchanged over several patches). */
async function restingPosition(player: Player): Promise<{ x: number; y: number }> {
  let last = position(player);
  let patchesAt = player.patchTimes.length;
  return waitFor(
    () => {
      const now = position(player);
      if (now.x !== last.x || now.y !== last.y) {
        last = now;
        patchesAt = player.patchTimes.length;
        return null;
      }
      return player.patchTimes.length >= patchesAt + 5 ? now : null;
    },
    "the player to stand still",
    15_000,
  );
}

describe("a database stall", () => {
  it("answers 503 within seconds while the database is paused, keeps the game running, and saves every player's last position after it", async (t) => {
    const characters = await createCharacters(server.url, PLAYERS, "Stall");
    const players = await Promise.all(characters.map((character) => enter(server.url, character)));
    // Accounts for the requests made during the stall: one to sign in to, one character to play.
    const regular = await signUp(server.url);
    const [spare]: TestCharacter[] = await createCharacters(server.url, 1, "Spare");
    const newEmail = `stall-signup-${process.pid}@example.com`;

    const walkers = players.map((player, i) => walk(player, i));
    let stalledAt = 0;
    try {
      // Saves work before the stall: every walker's progress reaches the database.
      await waitFor(
        async () => {
          const saved = await Character.find({ _id: { $in: characters.map((c) => c.id) } }).lean();
          return saved.length === PLAYERS && saved.every((doc) => doc.lastPlayedAt);
        },
        "a first save of every walker",
        15_000,
      );

      process.kill(-engine.pid!, "SIGSTOP");
      paused = true;
      stalledAt = Date.now();
      const movesBefore = walkers.map((walker) => walker.moves());
      const patchesBefore = players.map((player) => player.patchTimes.length);

      // Everything that needs the database, at once, at the start of the stall.
      const first = await Promise.all([
        probe("POST", "/auth/login", { body: { email: regular.email, password: PASSWORD } }),
        probe("POST", "/auth/register", { body: { email: newEmail, password: PASSWORD } }),
        probe("POST", "/auth/anonymous"),
        probe("GET", "/api/characters", { token: spare.token }),
        probe("POST", `/api/characters/${spare.id}/play`, { token: spare.token }),
      ]);
      const [login, register, guest, list, play] = first;
      for (const [name, res] of Object.entries({ login, register, guest, list, play })) {
        assert.equal(res.status, 503, `${name} during the stall: ${JSON.stringify(res.body)}`);
        assert.deepEqual(res.body, { error: DATABASE_UNAVAILABLE }, name);
      }
      const ready = await probe("GET", "/ready");
      assert.equal(ready.status, 503, "/ready says the database is gone");
      assert.equal(ready.body.database.reachable, false);
      assert.equal((await probe("GET", "/health")).status, 200, "the process itself answers");

      // Later in the stall, with the outage known: still 503s, never a hang.
      await waitFor(() => Date.now() - stalledAt > STALL_MS / 2, "the middle of the stall", STALL_MS);
      const second = await Promise.all([
        probe("POST", "/auth/login", { body: { email: regular.email, password: PASSWORD } }),
        probe("POST", `/api/characters/${spare.id}/play`, { token: spare.token }),
      ]);
      for (const res of second) assert.equal(res.status, 503, JSON.stringify(res.body));

      await waitFor(() => Date.now() - stalledAt >= STALL_MS, "the end of the stall", STALL_MS + 5_000);
      // The game kept running through it: patches kept coming, the walkers moved.
      players.forEach((player, i) => {
        assert.ok(player.patchTimes.length > patchesBefore[i] + 20, `player ${i} kept receiving patches during the stall`);
        assert.ok(walkers[i].moves() > movesBefore[i] + 5, `player ${i} kept walking during the stall`);
      });
      t.diagnostic(
        `503 answers at the start of the stall (ms): login ${login.ms}, sign-up ${register.ms}, guest ${guest.ms}, ` +
          `characters ${list.ms}, play ${play.ms}, /ready ${ready.ms}; in its middle: login ${second[0].ms}, play ${second[1].ms}`,
      );
    } finally {
      for (const walker of walkers) walker.stop();
    }

    const finals = await Promise.all(players.map(restingPosition));
    process.kill(-engine.pid!, "SIGCONT");
    paused = false;
    const resumedAt = Date.now();

    // Every player's last position reaches the database (the saves waited and retried).
    await waitFor(
      async () => {
        try {
          const saved = await Character.find({ _id: { $in: characters.map((c) => c.id) } }).lean();
          return characters.every((character, i) => {
            const doc = saved.find((d) => String(d._id) === character.id);
            return doc && doc.x === finals[i].x && doc.y === finals[i].y;
          });
        } catch {
          return false; // this process's own connection is coming back too
        }
      },
      "every player's final position in the database",
      60_000,
    );
    const savedAfterMs = Date.now() - resumedAt;

    // The server recovered: it runs, answers, and serves the same requests again.
    assert.equal(server.child.exitCode, null, "the server process did not end");
    assert.equal((await probe("GET", "/health")).status, 200);
    await waitFor(async () => (await probe("GET", "/ready")).status === 200, "/ready 200 again", 30_000);
    const relogin = await probe("POST", "/auth/login", { body: { email: regular.email, password: PASSWORD } });
    assert.equal(relogin.status, 200, `sign-in after the stall (no lockout from the 503s): ${JSON.stringify(relogin.body)}`);
    const resignup = await probe("POST", "/auth/register", { body: { email: newEmail, password: PASSWORD } });
    assert.equal(resignup.status, 200, `the sign-up answered 503 created no account: ${JSON.stringify(resignup.body)}`);
    assert.equal(await Account.countDocuments({ emailKey: newEmail }), 1);
    assert.equal((await probe("POST", `/api/characters/${spare.id}/play`, { token: spare.token })).status, 200, "play after the stall");
    const created = await createCharacter(server.url, regular.token, "After_Stall");
    assert.equal(created.name, "After_Stall");

    // The logs tell the story: the outage once in errors.log, each 503, the recovery.
    await waitFor(() => logLines("app").some((line) => /^the database answers again/.test(line.message)), "the recovery in app.log");
    const errors = logLines("errors");
    const outages = errors.filter((line) => /^the database is not answering/.test(line.message) && Date.parse(line.timestamp) >= stalledAt);
    assert.equal(outages.length, 1, `the outage logged once: ${JSON.stringify(outages)}`);
    const unexpected = errors.filter((line) => !/^the database is not answering|^save of character \w+ failed/.test(line.message));
    assert.deepEqual(unexpected, [], "no other error: no crash, no 500");
    const app = logLines("app");
    for (const route of ["/auth/login", "/auth/register", "/auth/anonymous", "/api/characters", `/api/characters/${spare.id}/play`]) {
      assert.ok(
        app.some((line) => line.message.startsWith("answered 503") && line.path === route),
        `the 503 of ${route} is in app.log`,
      );
    }
    const recovery = app.findLast((line) => /^the database answers again/.test(line.message))!;
    const saveFailures = app.filter((line) => /^save of character \w+ failed/.test(line.message)).length;
    t.diagnostic(
      `after SIGCONT every final position was in the database within ${savedAfterMs} ms; "${recovery.message}"; ` +
        `${saveFailures} save attempt(s) failed and were retried during the stall`,
    );
    await Promise.all(players.map((player) => player.room.leave()));
  });
});

describe("route()", () => {
  it("answers 503 once when a handler outlives its deadline, and drops what the handler does after", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let lateOutcome: Promise<{ aborted: boolean; error: string }> | undefined;
    const app = express();
    app.get(
      "/slow",
      route(
        async (_req, res, next, answered) => {
          lateOutcome = (async () => {
            await released;
            const aborted = answered.aborted;
            try {
              res.json({ late: true }); // the answer nobody may receive: Node refuses a second one
              return { aborted, error: "" };
            } catch (error) {
              next(error); // and an error after the 503 reaches no error handler
              return { aborted, error: (error as Error).message };
            }
          })();
          const outcome = await lateOutcome;
          if (outcome.error) throw new Error(outcome.error);
          // The database answers (this process's connection is up): the request is only slow,
          // so it is left alone until the limit, then answered 503.
        },
        { checkEveryMs: 50, patienceMs: 5_000, limitMs: 300 },
      ),
    );
    app.get(
      "/fast",
      route(async (_req, res) => {
        res.json({ fast: true });
      }),
    );
    app.use(apiErrorHandler);
    const httpServer = http.createServer(app);
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(httpServer.address() as { port: number }).port}`;
    try {
      const slow = await fetch(`${base}/slow`, { signal: AbortSignal.timeout(HANG_MS) });
      assert.equal(slow.status, 503);
      assert.deepEqual(await slow.json(), { error: TOO_SLOW });
      assert.equal(slow.headers.get("retry-after"), "5");
      release();
      const late = await lateOutcome!;
      assert.equal(late.aborted, true, "the handler can tell it was answered without it");
      assert.match(late.error, /headers/i, "its late answer was refused, not sent");
      const fast = await fetch(`${base}/fast`, { signal: AbortSignal.timeout(HANG_MS) });
      assert.deepEqual([fast.status, await fast.json()], [200, { fast: true }], "the server answers as before");
    } finally {
      httpServer.closeAllConnections();
      await new Promise((resolve) => httpServer.close(resolve));
    }
  });
});
