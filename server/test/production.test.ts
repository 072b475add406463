/**
 * The production build, started the way the Docker image starts it: `node server/dist/main.js`
 * from the repository root with NODE_ENV=production (after `npm run build`; `npm test` builds
 * first). The database is a jongodb started here, or the MongoDB of MONGODB_URI.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mongoose from "mongoose";
import { PROJECT_ROOT } from "../src/config.ts";
import type { DatabaseEngine } from "../src/db/engine.ts";
import { api, freePort, startTestDatabase, TEST_JWT_SECRET } from "./helpers.ts";

const BUNDLE = "server/dist/main.js";
const CLIENT_INDEX = path.join(PROJECT_ROOT, "client", "dist", "index.html");

/** Every variable config.ts reads, empty (= default): a developer's .env never leaks in. */
const BLANK_CONFIG: Record<string, string> = Object.fromEntries(
  [
    "NODE_ENV",
    "PORT",
    "MONGODB_URI",
    "MONGODB_ENGINE",
    "DATA_DIR",
    "JWT_SECRET",
    "AUTOSAVE_SECONDS",
    "RECONNECT_SECONDS",
    "SHUTDOWN_SECONDS",
    "LOG_DIR",
    "LOG_LEVEL",
    "CLIENT_DEV_SERVER",
    "CLIENT_DIST",
  ].map((name) => [name, ""]),
);

const children = new Set<ChildProcess>();
const tempDirs: string[] = [];
// Last resort if the test process itself goes down: no server outlives it.
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

interface Run {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (what `docker stop` sends), SIGKILL after `graceMs`; resolves with the exit. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function bundleMustExist(): void {
  if (!fs.existsSync(path.join(PROJECT_ROOT, BUNDLE))) {
    assert.fail(`${BUNDLE} is missing: run \`npm run build\` first (\`npm test\` builds before testing)`);
  }
}

/** `node server/dist/main.js` in the repository root, like the image's CMD. */
function runBundle(env: Record<string, string>): Run {
  bundleMustExist();
  const child = spawn(process.execPath, [BUNDLE], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? os.tmpdir(), ...BLANK_CONFIG, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("close", (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const force = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const result = await exited;
      clearTimeout(force);
      return result;
    },
  };
}

/** Waits for the process to exit by itself; kills it and fails after `timeoutMs`. */
async function exitOf(run: Run, timeoutMs = 20_000) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.child.kill("SIGKILL");
      reject(new Error(`the server did not exit within ${timeoutMs} ms:\n${run.stdout()}${run.stderr()}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([run.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The exec-form HEALTHCHECK command of the Dockerfile's last stage. */
function dockerfileHealthcheck(): string[] {
  const text = fs.readFileSync(path.join(PROJECT_ROOT, "Dockerfile"), "utf8").replace(/\\\r?\n/g, " ");
  const line = text
    .split(/\r?\n/)
    .filter((l) => /^\s*HEALTHCHECK\b/i.test(l))
    .at(-1);
  assert.ok(line, "the Dockerfile has a HEALTHCHECK");
  const match = /\bCMD\s+(\[.*\])\s*$/.exec(line);
  assert.ok(match, `HEALTHCHECK uses the exec form: ${line}`);
  return JSON.parse(match[1]) as string[];
}

/** Runs the image's health check command with the given PORT; resolves with its exit code. */
function runHealthcheck(port: number): Promise<number> {
  const [command, ...args] = dockerfileHealthcheck();
  const file = command === "node" ? process.execPath : command;
  return new Promise((resolve) => {
    execFile(file, args, { env: { PATH: process.env.PATH ?? "", PORT: String(port) }, timeout: 10_000 }, (error) => {
      resolve(error ? (typeof error.code === "number" ? error.code : -1) : 0);
    });
  });
}

describe("production server (node server/dist/main.js, NODE_ENV=production)", () => {
  let database: DatabaseEngine | undefined;
  let server: Run | undefined;
  let url: string;
  let port: number;
  let logDir: string;

  let setupError: unknown;

  before(async () => {
    try {
      bundleMustExist();
      database = await startTestDatabase();
      port = await freePort();
      logDir = tempDir("oatnut-prod-logs-");
      server = runBundle({
        NODE_ENV: "production",
        PORT: String(port),
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_DIR: logDir,
        DATA_DIR: tempDir("oatnut-prod-data-"),
        MONGODB_URI: database.uri,
        LOG_LEVEL: "info",
      });
      url = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (server.child.exitCode !== null) {
          assert.fail(`the server exited with code ${server.child.exitCode} during start-up:\n${server.stdout()}${server.stderr()}`);
        }
        try {
          if ((await fetch(`${url}/health`)).status === 200) break;
        } catch {
          /* not listening yet */
        }
        if (Date.now() > deadline) assert.fail(`the server did not answer /health within 30 s:\n${server.stdout()}${server.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } catch (error) {
      setupError = error;
    }
  });

  /** Every test fails with the start-up's reason (e.g. "run npm run build") when there was one. */
  function started(): Run {
    if (setupError) throw setupError;
    return server!;
  }

  after(async () => {
    await server?.stop(5_000);
    if (database?.kind === "external") {
      const connection = await mongoose.createConnection(database.uri).asPromise();
      await connection.dropDatabase().catch(() => {});
      await connection.close();
    }
    await database?.stop();
    for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("answers /health with 200 and status ok, and /ready with the database reachable", async () => {
    started();
    const res = await api(url, "GET", "/health");
    assert.equal(res.status, 200);
    assert.equal(res.body.status, "ok");
    const ready = await api(url, "GET", "/ready");
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body.database, { engine: "external", durable: true, reachable: true });
  });

  it("passes the image's HEALTHCHECK command", async () => {
    started();
    assert.equal(await runHealthcheck(port), 0);
    // And it does notice a server that is not there.
    assert.notEqual(await runHealthcheck(await freePort()), 0);
  });

  it("serves the built client: index.html at / and its assets", async () => {
    started();
    assert.ok(fs.existsSync(CLIENT_INDEX), `${CLIENT_INDEX} is missing: run \`npm run build\``);
    const expected = fs.readFileSync(CLIENT_INDEX, "utf8");
    const res = await fetch(`${url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    assert.equal(await res.text(), expected);

    const asset = /(?:src|href)="(\/assets\/[^"]+\.js)"/.exec(expected)?.[1];
    assert.ok(asset, "index.html references a bundled script under /assets/");
    const script = await fetch(url + asset);
    assert.equal(script.status, 200);
    assert.match(script.headers.get("content-type") ?? "", /javascript/);
    assert.match(script.headers.get("cache-control") ?? "", /max-age=3600/, "production caches the built assets");
    await script.arrayBuffer();
  });

  it("signs up and creates a character through the API", async () => {
    started();
    const email = `prod_${process.pid}_${Date.now()}@example.com`;
    const reg = await api(url, "POST", "/auth/register", { body: { email, password: "correct horse battery" } });
    assert.equal(reg.status, 200, JSON.stringify(reg.body));
    assert.equal(typeof reg.body.token, "string");
    const token = reg.body.token as string;

    const login = await api(url, "POST", "/auth/login", { body: { email, password: "correct horse battery" } });
    assert.equal(login.status, 200);

    const created = await api(url, "POST", "/api/characters", { token, body: { name: "ProdHero" } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.name, "ProdHero");
    const list = await api(url, "GET", "/api/characters", { token });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.map((c: { name: string }) => c.name),
      ["ProdHero"],
    );

    assert.equal((await api(url, "GET", "/api/characters")).status, 401, "the API needs a token");
  });

  it("logs JSON lines on stdout and into LOG_DIR/app.log, never the password", async () => {
    const server = started();
    const lines = server
      .stdout()
      .split("\n")
      .filter((line) => line.trim() !== "");
    assert.ok(lines.length >= 3, `expected log lines on stdout, got:\n${server.stdout()}`);
    const entries = lines.map((line) => {
      assert.ok(!line.includes("\u001b["), "no terminal colours in production");
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return assert.fail(`a stdout line is not JSON: ${line}`);
      }
    });
    for (const entry of entries) {
      assert.equal(typeof entry.level, "string");
      assert.equal(typeof entry.message, "string");
      assert.ok(!Number.isNaN(Date.parse(String(entry.timestamp))), `timestamp: ${JSON.stringify(entry)}`);
    }
    assert.ok(entries.some((e) => /listening on http:\/\/localhost:\d+ \(production\)/.test(String(e.message))));
    assert.ok(
      entries.some((e) => e.message === "http" && e.path === "/api/characters" && e.status === 200),
      "requests are logged",
    );
    assert.ok(
      entries.some((e) => e.message === "character created"),
      "game events are logged",
    );
    assert.doesNotMatch(server.stdout(), /correct horse battery/);

    const appLog = path.join(logDir, "app.log");
    const fileLines = fs
      .readFileSync(appLog, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "");
    assert.ok(fileLines.length > 0, "app.log has lines");
    for (const line of fileLines) JSON.parse(line);
    assert.ok(fs.existsSync(path.join(logDir, "errors.log")), "errors.log is created");
  });

  it("stops on SIGTERM (what docker stop sends) with exit code 0", async () => {
    const server = started();
    const { code, signal } = await server.stop(15_000);
    assert.equal(signal, null, `ended by ${signal} instead of exiting by itself:\n${server.stdout()}${server.stderr()}`);
    assert.equal(code, 0, server.stderr());
    assert.match(server.stdout(), /shutdown complete/);
  });
});

describe("production server refusing a bad configuration", () => {
  after(() => {
    for (const child of children) child.kill("SIGKILL");
    for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Env that would work (never reaching a database: MONGODB_ENGINE=jongodb) but for `bad`. */
  async function startWith(bad: Record<string, string>) {
    const run = runBundle({
      NODE_ENV: "production",
      PORT: String(await freePort()),
      JWT_SECRET: TEST_JWT_SECRET,
      MONGODB_ENGINE: "jongodb",
      LOG_DIR: tempDir("oatnut-prod-logs-"),
      DATA_DIR: tempDir("oatnut-prod-data-"),
      ...bad,
    });
    const result = await exitOf(run);
    return { ...result, stderr: run.stderr(), stdout: run.stdout() };
  }

  /** The "  - ..." lines of "OatNut cannot start: invalid configuration:". */
  function problems(stderr: string): string[] {
    assert.match(stderr, /OatNut cannot start: invalid configuration:/);
    return stderr
      .split("\n")
      .filter((line) => line.startsWith("  - "))
      .map((line) => line.slice(4));
  }

  it("exits with code 1 naming JWT_SECRET when it is not set", async () => {
    const { code, stderr, stdout } = await startWith({ JWT_SECRET: "" });
    assert.equal(code, 1, stdout + stderr);
    assert.deepEqual(problems(stderr), ["JWT_SECRET is required when NODE_ENV=production (a long random string)"]);
    assert.doesNotMatch(stdout, /listening/);
  });

  it("prints one clear message per bad variable (PORT, AUTOSAVE_SECONDS) and exits with code 1", async () => {
    const { code, stderr, stdout } = await startWith({ PORT: "80a", AUTOSAVE_SECONDS: "0" });
    assert.equal(code, 1, stdout + stderr);
    assert.deepEqual(problems(stderr), [
      'PORT must be a whole number from 1 to 65535 (got "80a")',
      'AUTOSAVE_SECONDS must be a whole number from 1 to 3600 (got "0")',
    ]);
  });

  it("reports a bad PORT and a missing JWT_SECRET together", async () => {
    const { code, stderr } = await startWith({ PORT: "70000", JWT_SECRET: "" });
    assert.equal(code, 1);
    const lines = problems(stderr);
    assert.equal(lines.length, 2, stderr);
    assert.match(lines[0], /^PORT .*"70000"/);
    assert.match(lines[1], /^JWT_SECRET /);
  });
});
