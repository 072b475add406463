/**
 * Test helpers: a database per test file (the embedded jongodb engine, or the MongoDB of
 * MONGODB_URI with a fresh database name), a booted game server, and HTTP shortcuts.
 */
import os from "node:os";
import fs from "node:fs";
import path from "node:path";
import { ColyseusTestServer } from "@colyseus/testing";
import { matchMaker } from "@colyseus/core";
import mongoose from "mongoose";
import { freePort } from "@oatnut/shared/node";
import { loadConfig, type Config } from "../src/config.ts";
import { connectDatabase, disconnectDatabase } from "../src/db/connection.ts";
import { startJongodb, type DatabaseEngine } from "../src/db/engine.ts";
import { createGameServer } from "../src/game.ts";
import { configureLogger } from "../src/logger.ts";
import { registry } from "../src/metrics.ts";
import { SaveService } from "../src/persistence/saveService.ts";
import { testWorld } from "./zoneFixtures.ts";

export const TEST_JWT_SECRET = "test-secret-that-is-long-enough-0123456789";

/** A free TCP port on loopback (tests import it from here). */
export { freePort };

/** Replaces the database name in a MongoDB URI. */
export function withDatabaseName(uri: string, name: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error("unrecognized MongoDB URI");
  return `${match[1]}/${name}${match[3] ?? ""}`;
}

/**
 * A database for one test file: the MongoDB of MONGODB_URI (a fresh database name, so
 * runs never see each other's data) or a new jongodb process.
 */
export async function startTestDatabase(): Promise<DatabaseEngine> {
  const external = process.env.MONGODB_URI;
  if (external) {
    const uri = withDatabaseName(external, `oatnut_test_${process.pid}_${Date.now()}`);
    return { kind: "external", uri, durable: true, description: "database: the test MongoDB of MONGODB_URI", stop: async () => {} };
  }
  return startJongodb();
}

/** Deletes every document of every collection (dropDatabase is not in the common subset). */
export async function clearDatabase(): Promise<void> {
  const db = mongoose.connection.db!;
  for (const { name } of await db.listCollections().toArray()) await db.collection(name).deleteMany({});
}

/**
 * Tests sign up many accounts and play many times from 127.0.0.1: the rate limits are
 * raised this much for them. http-security.test.ts sets RATE_LIMIT_MULTIPLIER=1 to test
 * the real limits.
 */
export const TEST_RATE_LIMIT_MULTIPLIER = "1000";

export function testConfig(overrides: Record<string, string> = {}): Config {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-logs-"));
  return loadConfig({
    NODE_ENV: "test",
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_DIR: logDir,
    LOG_LEVEL: "warn",
    RATE_LIMIT_MULTIPLIER: TEST_RATE_LIMIT_MULTIPLIER,
    ...overrides,
  });
}

/** Zones of the test world (see zoneFixtures.ts), written once per test process. */
let testZonesDir: string | undefined;
export function testZones(): string {
  testZonesDir ??= testWorld();
  return testZonesDir;
}

export interface TestGame {
  colyseus: ColyseusTestServer;
  config: Config;
  engine: DatabaseEngine;
  saves: SaveService;
  baseUrl: string;
  stop(): Promise<void>;
}

/** Starts a database and a game server (on the test world's zones unless ZONES_DIR is given). */
export async function startTestGame(env: Record<string, string> = {}, saves = new SaveService({ backoffMs: 20 })): Promise<TestGame> {
  const config = testConfig({ ZONES_DIR: testZones(), ...env });
  configureLogger({ ...config, logLevel: (process.env.TEST_LOG_LEVEL as Config["logLevel"]) ?? "error" });
  const engine = await startTestDatabase();
  await connectDatabase(engine.uri);
  const port = await freePort();
  const server = await createGameServer({ config, engine, saves });
  // @colyseus/testing's boot() ignores the port when given a Server: listen, then wrap.
  await server.listen(port);
  const colyseus = new ColyseusTestServer(server);
  return {
    colyseus,
    config,
    engine,
    saves,
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      await colyseus.shutdown();
      // Local presence keeps a timer per expiring key (unredeemed tickets): end them with the test.
      for (const timer of Object.values((matchMaker.presence as unknown as { timeouts?: Record<string, NodeJS.Timeout> }).timeouts ?? {})) {
        clearTimeout(timer);
      }
      if (engine.kind === "external") await mongoose.connection.db?.dropDatabase().catch(() => clearDatabase());
      await disconnectDatabase();
      await engine.stop();
      fs.rmSync(config.logDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

/** A JSON HTTP call to the game server. */
export async function api<T = any>(
  baseUrl: string,
  method: string,
  route: string,
  options: { token?: string; body?: unknown; rawBody?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined || options.rawBody !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(baseUrl + route, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: response.status, body };
}

let accountCounter = 0;

/** Registers a fresh account and returns its token. */
export async function signUp(
  baseUrl: string,
  email = `player${process.pid}_${++accountCounter}@example.com`,
): Promise<{ token: string; email: string; id: string }> {
  const res = await api(baseUrl, "POST", "/auth/register", { body: { email, password: "correct horse battery" } });
  if (res.status !== 200) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.token, email, id: res.body.user.id };
}

/** Creates a character for the account and returns it. */
export async function createCharacter(baseUrl: string, token: string, name: string) {
  const res = await api(baseUrl, "POST", "/api/characters", { token, body: { name } });
  if (res.status !== 201) throw new Error(`character creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string; zone: string; x: number; y: number };
}

/** Waits until `check` returns a truthy value (polling), or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The value of a metric of this process, summed over the series whose labels include `labels`. */
export async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values
    .filter((value) => Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === wanted))
    .reduce((sum, value) => sum + value.value, 0);
}
