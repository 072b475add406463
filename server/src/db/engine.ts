/**
 * Chooses and starts the MongoDB server the game talks to: `MONGODB_URI` when set, else an
 * embedded engine (`MONGODB_ENGINE`, default `auto`) with its data in DATA_DIR — a real
 * mongod (found on this machine, or downloaded once where there is internet), or offline
 * the jongodb engine from npm, in memory but made durable by snapshot.ts.
 * Embedded engines run in their own process group, so a terminal's Ctrl-C reaches only the
 * server, which saves everyone before stopping them; and they end by themselves when the
 * server dies (jongodb's guardian, mongodb-memory-server's killer): no orphans.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import readline from "node:readline";
import mongoose from "mongoose";
import type { Config } from "../config.ts";
import { logger } from "../logger.ts";
import { modelCollections, restoreCollections, SnapshotFile, SnapshotKeeper, SNAPSHOT_DELAY_MS } from "./snapshot.ts";

type MongoClient = mongoose.mongo.MongoClient;

/** The database every embedded engine serves. */
export const EMBEDDED_DATABASE = "oatnut";

export interface DatabaseEngine {
  /** What runs: "external", "mongod" or "jongodb". */
  kind: "external" | "mongod" | "jongodb";
  uri: string;
  /** Whether the data survives a restart of the game server. */
  durable: boolean;
  /** One line for the start-up log: the engine, where its data lives, what survives a crash. */
  description: string;
  /** Process group of an embedded engine (its guardian or mongod), e.g. to pause it in a test. */
  pid?: number;
  /** Called with the game's connected database client: an engine that snapshots follows its writes. */
  attach?(client: MongoClient): void;
  /** Makes every write acknowledged so far durable now (the snapshot engine writes one). */
  flush?(): Promise<void>;
  /** Writes what the engine must keep (the final snapshot), then stops it. */
  stop(): Promise<void>;
}

/** Raised when no database can be had: start-up stops with this one message. */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}

export type EngineConfig = Pick<Config, "mongodbUri" | "mongodbEngine" | "dataDir"> & { mongodDownloadSeconds?: number };

/**
 * Starts the configured database engine.
 * @throws DatabaseUnavailableError saying what to do, when none can be had
 */
export async function startDatabaseEngine(config: EngineConfig): Promise<DatabaseEngine> {
  if (config.mongodbUri) {
    return {
      kind: "external",
      uri: config.mongodbUri,
      durable: true,
      stop: async () => {},
      description: `database: MongoDB at ${redactUri(config.mongodbUri)} (external; durability is that server's)`,
    };
  }
  if (config.mongodbEngine === "jongodb") return startDurableJongodb(config.dataDir);
  if (config.mongodbEngine === "mongod") {
    const binary = await findLocalMongod();
    if (!binary && !(await downloadServerAnswers())) {
      throw new DatabaseUnavailableError(
        `MONGODB_ENGINE=mongod, but no mongod is on this machine and ${downloadMirror()} cannot be reached to download one. ` +
          "Connect to the internet once, set MONGOMS_SYSTEM_BINARY to a mongod, set MONGODB_URI, or use MONGODB_ENGINE=auto.",
      );
    }
    return startMongod(config.dataDir, binary, config.mongodDownloadSeconds ?? 300);
  }
  const binary = await findLocalMongod();
  if (binary || (await downloadServerAnswers())) {
    try {
      return await startMongod(config.dataDir, binary, config.mongodDownloadSeconds ?? 300);
    } catch (error) {
      logger.warn(`database: mongod could not be started (${(error as Error).message}); using the embedded jongodb engine`);
    }
  }
  return startDurableJongodb(config.dataDir);
}

/** A URI without its password, for logs. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

/** A mongod binary already on this machine, if any (never downloads). */
export async function findLocalMongod(): Promise<string | undefined> {
  const { DryMongoBinary } = await import("mongodb-memory-server-core");
  const located = await DryMongoBinary.locateBinary(DryMongoBinary.getEnsuredOptions()).catch(() => undefined);
  if (located) return located;
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "mongod");
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Where mongodb-memory-server downloads mongod from. */
function downloadMirror(): string {
  return process.env.MONGOMS_DOWNLOAD_MIRROR ?? "https://fastdl.mongodb.org";
}

/**
 * Whether mongod's download server answers within a few seconds: offline, a machine
 * knows at once (no DNS) or after the timeout, instead of after the library's retries.
 */
export async function downloadServerAnswers(timeoutMs = 3000): Promise<boolean> {
  try {
    await fetch(downloadMirror(), { method: "HEAD", signal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}

/** A real mongod with its data in DATA_DIR/mongod; `binary` unset means download one. */
async function startMongod(dataDir: string, binary: string | undefined, downloadSeconds: number): Promise<DatabaseEngine> {
  const { MongoMemoryServer } = await import("mongodb-memory-server-core");
  const dbPath = path.join(dataDir, "mongod");
  fs.mkdirSync(dbPath, { recursive: true });
  if (!binary) {
    logger.info(`database: downloading mongod once (about 100 MB, cached for later starts; at most ${downloadSeconds} s)…`);
  }
  const starting = MongoMemoryServer.create({
    instance: { dbPath, storageEngine: "wiredTiger" },
    // Its own process group: a terminal's Ctrl-C reaches the server, which stops mongod
    // after the last save. (mongodb-memory-server's killer ends it if the server dies.)
    spawn: { detached: true },
    ...(binary ? { binary: { systemBinary: binary } } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  const server = await Promise.race([
    starting,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`mongod was not ready within ${downloadSeconds} s`)), downloadSeconds * 1000);
    }),
  ]).finally(() => clearTimeout(timer));
  const uri = server.getUri(EMBEDDED_DATABASE);
  await importSnapshotIfEmpty(uri, new SnapshotFile(path.join(dataDir, "embedded")));
  return {
    kind: "mongod",
    uri,
    durable: true,
    description: `database: mongod engine (embedded), data in ${dbPath}; journaled: a crash loses nothing acknowledged`,
    pid: server.instanceInfo?.instance.mongodProcess?.pid,
    stop: async () => {
      await server.stop({ doCleanup: false });
    },
  };
}

/**
 * A mongod that starts on an empty data folder while DATA_DIR holds a snapshot of the
 * embedded jongodb engine (the same world, made offline): the snapshot is imported once
 * and renamed, so moving to a real mongod keeps every account.
 */
async function importSnapshotIfEmpty(uri: string, file: SnapshotFile): Promise<void> {
  if (!fs.existsSync(file.current) && !fs.existsSync(file.previous)) return;
  const client = await new mongoose.mongo.MongoClient(uri).connect();
  try {
    const db = client.db(EMBEDDED_DATABASE);
    for (const name of modelCollections()) {
      if ((await db.collection(name).estimatedDocumentCount()) > 0) return;
    }
    const snapshot = file.read();
    if (!snapshot) return;
    const restored = await restoreCollections(client, EMBEDDED_DATABASE, snapshot.collections);
    fs.renameSync(snapshot.file, `${snapshot.file}.imported-${new Date().toISOString().slice(0, 10)}`);
    logger.info(`database: imported ${restored} documents from the embedded engine's snapshot ${snapshot.file} into mongod`);
  } finally {
    await client.close();
  }
}

/**
 * The embedded jongodb engine made durable: restores DATA_DIR/embedded's snapshot at
 * start, then keeps it following the writes (see snapshot.ts).
 * @throws DatabaseUnavailableError when jongodb cannot run here or the snapshot is damaged
 */
export async function startDurableJongodb(dataDir: string): Promise<DatabaseEngine> {
  const file = new SnapshotFile(path.join(dataDir, "embedded"));
  let snapshot: ReturnType<SnapshotFile["read"]>;
  try {
    snapshot = file.read();
  } catch (error) {
    throw new DatabaseUnavailableError((error as Error).message);
  }
  const engine = await startJongodb();
  const client = await new mongoose.mongo.MongoClient(engine.uri).connect();
  try {
    const started = performance.now();
    const restored = snapshot ? await restoreCollections(client, EMBEDDED_DATABASE, snapshot.collections) : 0;
    const keeper = new SnapshotKeeper(file, client, EMBEDDED_DATABASE);
    const restoredLine = snapshot ? `restored ${restored} documents in ${Math.round(performance.now() - started)} ms` : "a new world";
    return {
      ...engine,
      durable: true,
      description:
        `database: jongodb engine (embedded, in memory) with its data in ${file.current} (${restoredLine}); ` +
        `a snapshot follows every write within ${SNAPSHOT_DELAY_MS} ms plus the time one takes, so a crash loses at most the last moment's writes; ` +
        "for a large or production world use a real MongoDB (MONGODB_URI)",
      attach: (gameClient) => keeper.watch(gameClient),
      flush: () => keeper.flush(),
      stop: async () => {
        try {
          await keeper.close();
        } finally {
          await client.close().catch(() => {});
          await engine.stop();
        }
      },
    };
  } catch (error) {
    await client.close().catch(() => {});
    await engine.stop();
    throw error;
  }
}

/** Path of the jongodb binary shipped in its npm package. */
export function jongodbBinary(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@jongodb/memory-server-bin-linux-x64-gnu/package.json");
  return path.join(path.dirname(pkg), "bin", "jongodb");
}

/**
 * The guardian: runs jongodb as its child, in a process group of its own (so a terminal's
 * Ctrl-C does not reach it), passes its output through, stops it on SIGTERM, and stops it
 * as soon as the server that started it is gone (its parent changes) — so no jongodb
 * outlives a server killed with SIGKILL by more than a second or two.
 */
const GUARDIAN_SOURCE = `
const { spawn } = require("node:child_process");
const [binary, ...args] = process.argv.slice(1);
const server = process.ppid;
const child = spawn(binary, args, { stdio: ["ignore", "inherit", "inherit"] });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  child.kill("SIGTERM");
  setTimeout(() => child.kill("SIGKILL"), 2000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", () => {});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
setInterval(() => { if (process.ppid !== server) stop(); }, 250);
`;

/**
 * Starts a jongodb process (in memory) on a free loopback port, under its guardian.
 * @throws DatabaseUnavailableError when the binary is missing (not Linux x64 glibc) or does not start
 */
export async function startJongodb(): Promise<DatabaseEngine> {
  let binary: string;
  try {
    binary = jongodbBinary();
  } catch {
    throw new DatabaseUnavailableError(
      "no MongoDB available: the embedded jongodb engine ships for Linux x64 (glibc) only. " +
        "Set MONGODB_URI to a MongoDB, or run where mongod can be downloaded (MONGODB_ENGINE=auto).",
    );
  }
  const guardian = spawn(process.execPath, ["-e", GUARDIAN_SOURCE, binary, "--host=127.0.0.1", "--port=0"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const uri = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DatabaseUnavailableError("jongodb did not start within 15 s")), 15_000);
    const lines = readline.createInterface({ input: guardian.stdout! });
    lines.on("line", (line) => {
      const match = /^JONGODB_URI=(\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/[^/]*$/, `/${EMBEDDED_DATABASE}`));
      }
    });
    guardian.stderr!.on("data", (chunk) => logger.debug(`jongodb: ${String(chunk).trim()}`));
    guardian.once("error", (error) => {
      clearTimeout(timer);
      reject(new DatabaseUnavailableError(`jongodb could not start: ${error.message}`));
    });
    guardian.once("exit", (code) => {
      clearTimeout(timer);
      reject(new DatabaseUnavailableError(`jongodb exited with code ${code} while starting`));
    });
  });
  return {
    kind: "jongodb",
    uri,
    durable: false,
    pid: guardian.pid,
    description: "database: jongodb engine (embedded, in memory only: data is lost when the server stops)",
    stop: () => stopChild(guardian),
  };
}

/** Stops a guardian (and its jongodb): SIGTERM, then SIGKILL to its whole process group. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
    }, 5000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
