/**
 * Liveness of the production build when its event loop is blocked anyway (a bug in a
 * dependency, as Colyseus 0.18's decoders had): `/health` says so, and the watchdog ends
 * the process — after naming the room and client it was handling — so its supervisor
 * (Docker's `restart: unless-stopped`, checked in docker.test.ts) starts it again.
 * The blocking is planted through a preloaded module (fixtures/hang-on-cue.mjs).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ClientMessage } from "@oatnut/shared";
import { PROJECT_ROOT } from "../src/config.ts";
import { connectDatabase, disconnectDatabase } from "../src/db/connection.ts";
import type { DatabaseEngine } from "../src/db/engine.ts";
import { startTestDatabase, testZones, waitFor } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./process.ts";
import { createCharacters, enter } from "./rawClient.ts";

const PRELOAD = ["--import", path.join(PROJECT_ROOT, "server", "test", "fixtures", "hang-on-cue.mjs")];
let database: DatabaseEngine;
const servers: ServerProcess[] = [];
const logDirs: string[] = [];

before(async () => {
  database = await startTestDatabase();
  await connectDatabase(database.uri);
});
after(async () => {
  for (const server of servers) await server.stop("SIGKILL");
  await disconnectDatabase();
  await database?.stop();
  for (const dir of logDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string>): Promise<{ server: ServerProcess; logDir: string }> {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-liveness-"));
  logDirs.push(logDir);
  const server = await startServerProcess(
    { MONGODB_URI: database.uri, ZONES_DIR: testZones(), LOG_DIR: logDir, NODE_ENV: "production", ...env },
    undefined,
    PRELOAD,
  );
  servers.push(server);
  return { server, logDir };
}

describe("liveness", () => {
  it("answers /health 503 with the lag while the event loop lags, and 200 again once it keeps time", async () => {
    const { server } = await start({ WATCHDOG_SECONDS: "30", BLOCK_MS: "2500" });
    const health = async () => {
      const response = await fetch(`${server.url}/health`);
      return { status: response.status, body: (await response.json()) as { status: string; eventLoopLagMs: number } };
    };
    const calm = await health();
    assert.equal(calm.status, 200);
    assert.equal(calm.body.status, "ok");
    server.child.kill("SIGUSR2"); // blocks the loop for 2.5 s
    const degraded = await waitFor(
      async () => {
        const h = await health();
        return h.status === 503 ? h : null;
      },
      "503 after the block",
      20_000,
    );
    assert.equal(degraded.body.status, "degraded");
    assert.ok(degraded.body.eventLoopLagMs > 1000, `lag reported: ${degraded.body.eventLoopLagMs} ms`);
    await waitFor(async () => (await health()).status === 200, "healthy again", 20_000);
    assert.equal(server.child.exitCode, null, "a lag under WATCHDOG_SECONDS does not end the process");
  });

  it("ends a process whose event loop stays blocked (SIGKILL), after logging the room and client it was handling", async () => {
    const { server, logDir } = await start({ WATCHDOG_SECONDS: "2" });
    const [character] = await createCharacters(server.url, 1, "Hang");
    const player = await enter(server.url, character);
    player.room.send(ClientMessage.Chat, { text: "__hang__" });
    await server.exited;
    assert.equal(server.child.signalCode, "SIGKILL", "killed by its watchdog");
    const errors = fs
      .readFileSync(path.join(logDir, "errors.log"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const last = errors.find((entry) => /event loop blocked for [\d.]+ s: the watchdog ends the process/.test(entry.message));
    assert.ok(last, `the watchdog's line in errors.log: ${JSON.stringify(errors)}`);
    assert.equal(last.lastHandled, `room ${player.room.roomId}, client ${player.room.sessionId}`);
    assert.match(server.output(), /the watchdog ends the process/, "also on the console (docker logs)");
  });
});
