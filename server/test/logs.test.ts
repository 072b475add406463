/**
 * What the logs say, read from the files a real server process writes: one app.log line
 * per HTTP request, room joins and leaves, errors with stacks in errors.log, and never a
 * password or a token. And the level of each request's line, from the HTTP side alone:
 * the client's own files at debug, API calls at info.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { get as httpGet } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { Client } from "@colyseus/sdk";
import express from "express";
import winston from "winston";
import { configureAuth } from "../src/auth/accounts.ts";
import { startJongodb, type DatabaseEngine } from "../src/db/engine.ts";
import { configureHttp } from "../src/http/app.ts";
import { DATABASE_UNAVAILABLE } from "../src/http/errors.ts";
import { logger } from "../src/logger.ts";
import { api, testConfig, waitFor } from "./helpers.ts";
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

  it("goes on logging to its files when its console is gone (a closed pipe), instead of looping on EPIPE", async () => {
    const ownLogs = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-logtest-"));
    const lost = await startServerProcess({ MONGODB_URI: database.uri, LOG_DIR: ownLogs, NODE_ENV: "production" });
    const lines = (file: string): Array<Record<string, any>> =>
      fs
        .readFileSync(path.join(ownLogs, file), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line));
    try {
      // Whoever read the server's console goes away: its next console write fails (EPIPE).
      lost.child.stdout!.destroy();
      lost.child.stderr!.destroy();
      const WARNING = "the console cannot be written to any more: logging to the files only";
      // An API call is logged at info (this one is refused: no token): to the console, which
      // fails, and to app.log.
      await waitFor(async () => {
        assert.equal((await fetch(`${lost.url}/api/no-such-thing`)).status, 401);
        return lines("app.log").some((entry) => entry.message === WARNING);
      }, "the warning in app.log");
      for (let i = 0; i < 20; i++) assert.equal((await fetch(`${lost.url}/api/after-the-console-${i}`)).status, 401);
      await waitFor(
        () => lines("app.log").filter((entry) => String(entry.path).startsWith("/api/after-the-console-")).length === 20,
        "every later request in app.log",
      );
      assert.equal(lost.child.exitCode, null, "the server is still running");
      assert.equal((await fetch(`${lost.url}/health`)).status, 200);
      const errors = lines("errors.log");
      assert.deepEqual(
        errors.filter((entry) => /uncaught|unhandled/.test(String(entry.message))),
        [],
        "no uncaught exception from the console",
      );
    } finally {
      await lost.stop("SIGKILL");
      fs.rmSync(ownLogs, { recursive: true, force: true });
    }
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

describe("request log levels", () => {
  /** Every log entry, while `transport` is added to the logger. */
  function recorder() {
    const entries: Array<Record<string, any>> = [];
    const stream = new Writable({
      objectMode: true,
      write(info: Record<string, any>, _encoding, done) {
        entries.push(info);
        done();
      },
    });
    return { entries, transport: new winston.transports.Stream({ stream, level: "debug" }) };
  }

  it("logs requests for the client's files (the page, scripts, assets) at debug, and API calls and misses at info", async () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-dist-"));
    fs.mkdirSync(path.join(dist, "assets"));
    fs.writeFileSync(path.join(dist, "index.html"), "<!doctype html><title>OatNut</title>");
    fs.writeFileSync(path.join(dist, "assets", "app.js"), "console.log('hello');");
    const config = testConfig({ CLIENT_DIST: dist });
    configureAuth(config.jwtSecret);
    const app = express();
    await configureHttp(app, { config, engine: { kind: "external", durable: true } });
    const http = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => http.once("listening", resolve));
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const recorded = recorder();
    const level = logger.level;
    logger.level = "debug";
    logger.add(recorded.transport);
    try {
      const page = await fetch(`${base}/`);
      assert.equal(page.status, 200);
      const script = await fetch(`${base}/assets/app.js`);
      assert.equal(script.status, 200);
      const etag = script.headers.get("etag");
      assert.ok(etag);
      // A reload's conditional request (not through fetch, which adds Cache-Control: no-cache to it).
      const revalidated = await new Promise<number>((resolve, reject) =>
        httpGet(`${base}/assets/app.js`, { headers: { "if-none-match": etag } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on("error", reject),
      );
      assert.equal(revalidated, 304);
      assert.equal((await fetch(`${base}/api/characters`)).status, 401);
      assert.equal((await fetch(`${base}/assets/missing.js`)).status, 404);
      const levelOf = (route: string, status: number) =>
        waitFor(
          () => recorded.entries.find((entry) => entry.message === "http" && entry.path === route && entry.status === status)?.level,
          `the line of ${route} ${status}`,
        );
      assert.equal(await levelOf("/", 200), "debug");
      assert.equal(await levelOf("/assets/app.js", 200), "debug");
      assert.equal(await levelOf("/assets/app.js", 304), "debug");
      assert.equal(await levelOf("/api/characters", 401), "info", "an API call stays at info");
      assert.equal(await levelOf("/assets/missing.js", 404), "info", "a miss stays at info");
    } finally {
      logger.remove(recorded.transport);
      logger.level = level;
      await new Promise((resolve) => http.close(resolve));
      fs.rmSync(dist, { recursive: true, force: true });
    }
  });
});
