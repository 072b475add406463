/**
 * What the logs say, read from the files a real server process writes: one app.log line
 * per HTTP request, room joins and leaves, errors with stacks in errors.log, and never a
 * password or a token.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@colyseus/sdk";
import { startJongodb, type DatabaseEngine } from "../src/db/engine.ts";
import { DATABASE_UNAVAILABLE } from "../src/http/errors.ts";
import { api, waitFor } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./process.ts";

const PASSWORD = "very-secret-password-42";
let database: DatabaseEngine;
let server: ServerProcess;
let logDir: string;

before(async () => {
  // A database this file can stop (the last test takes it away), even when MONGODB_URI is set.
  database = await startJongodb();
  logDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-logtest-"));
  server = await startServerProcess({ MONGODB_URI: database.uri, LOG_DIR: logDir, NODE_ENV: "production" });
});
after(async () => {
  await server?.stop("SIGKILL");
  await database?.stop();
  fs.rmSync(logDir, { recursive: true, force: true });
});

function readLines(file: string): Array<Record<string, any>> {
  return fs
    .readFileSync(path.join(logDir, file), "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe("logs", () => {
  it("write requests and room joins/leaves to app.log as JSON lines, with no password or token anywhere", async () => {
    const reg = await api(server.url, "POST", "/auth/register", { body: { email: "logs@example.com", password: PASSWORD } });
    const token = reg.body.token as string;
    const created = await api(server.url, "POST", "/api/characters", { token, body: { name: "Logged_One" } });
    const play = await api(server.url, "POST", `/api/characters/${created.body.id}/play?token=${token}`, { token });
    const room = await new Client(server.url).consumeSeatReservation(play.body);
    const reconnectionToken = room.reconnectionToken;
    await room.leave();
    await api(server.url, "POST", "/auth/login", { body: { email: "logs@example.com", password: "wrong-password-here" } });

    await waitFor(() => readLines("app.log").some((line) => line.message === "player left"), "the leave in app.log");
    const lines = readLines("app.log");
    const requests = lines.filter((line) => line.message === "http");
    for (const [method, route, status] of [
      ["POST", "/auth/register", 200],
      ["POST", "/api/characters", 201],
      ["POST", `/api/characters/${created.body.id}/play`, 200],
    ] as const) {
      const line = requests.find((r) => r.method === method && r.path === route);
      assert.ok(line, `a line for ${method} ${route}`);
      assert.equal(line.status, status);
      assert.equal(typeof line.durationMs, "number");
    }
    assert.ok(lines.some((line) => line.message === "player joined" && line.name === "Logged_One" && line.zone === "town" && line.roomId));
    assert.ok(lines.some((line) => line.message === "player left" && line.characterId === created.body.id));
    assert.ok(
      lines.some((line) => /^database: MongoDB at mongodb:\/\/\S+ \(external; durability is that server's\)$/.test(line.message)),
      "the engine and its durability are logged",
    );

    for (const file of fs.readdirSync(logDir)) {
      const text = fs.readFileSync(path.join(logDir, file), "utf8");
      assert.ok(!text.includes(PASSWORD), `${file} holds no password`);
      assert.ok(!text.includes("wrong-password-here"), `${file} holds no password`);
      assert.ok(!text.includes(token), `${file} holds no token`);
      assert.ok(!text.includes(reconnectionToken), `${file} holds no reconnection token`);
    }
    assert.ok(!server.output().includes(PASSWORD) && !server.output().includes(token), "nor does the console");
  });

  it("answers /ready 503 (and /health still 200) when the database is unreachable, requests 503, and logs the outage with its stack", async () => {
    const reg = await api(server.url, "POST", "/auth/register", { body: { email: "dbdown@example.com", password: PASSWORD } });
    await database.stop();
    const ready = await api(server.url, "GET", "/ready");
    assert.equal(ready.status, 503);
    assert.equal(ready.body.status, "unavailable");
    assert.equal(ready.body.database.reachable, false);
    assert.equal((await api(server.url, "GET", "/health")).status, 200, "the process itself is up");
    // A request that needs the database gets a clear 503, never a 500.
    const res = await api(server.url, "GET", "/api/characters", { token: reg.body.token });
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, { error: DATABASE_UNAVAILABLE });
    await waitFor(() => fs.existsSync(path.join(logDir, "errors.log")) && readLines("errors.log").length > 0, "errors.log");
    const errors = readLines("errors.log");
    const line = errors.find((entry) => /^the database is not answering/.test(entry.message));
    assert.ok(line, `the outage is in errors.log: ${JSON.stringify(errors)}`);
    assert.match(line.error.stack, /\n\s+at /, "with the stack trace of the error that showed it");
    assert.equal(errors.filter((entry) => /^the database is not answering/.test(entry.message)).length, 1, "once, not once per request");
    await waitFor(
      () => readLines("app.log").some((entry) => entry.message.startsWith("answered 503") && entry.path === "/api/characters"),
      "the request's 503 in app.log",
    );
  });
});
