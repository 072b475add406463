/**
 * Chooses and starts the MongoDB server the game talks to. One persistence path —
 * mongoose over the MongoDB wire protocol — whatever answers:
 * - `MONGODB_URI` set: that server (production, docker compose, a developer's own mongod).
 * - otherwise an embedded engine, chosen by `MONGODB_ENGINE` (default `auto`):
 *   - `mongod`: a real mongod through mongodb-memory-server, data kept in DATA_DIR/mongod
 *     (durable across restarts). Uses a local binary, or downloads one where internet is.
 *   - `jongodb`: the MongoDB-wire-compatible engine shipped as a binary inside an npm
 *     package; starts offline in well under a second; in-memory (data is lost on stop).
 *   - `auto`: mongod when a binary is already on this machine, or can be downloaded;
 *     jongodb otherwise. A failed download is remembered for a day so start-up stays fast.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import readline from "node:readline";
import type { Config } from "../config.ts";
import { logger } from "../logger.ts";

export interface DatabaseEngine {
  /** What runs: "external", "mongod" or "jongodb". */
  kind: "external" | "mongod" | "jongodb";
  uri: string;
  /** Whether the data survives a restart of the game server. */
  durable: boolean;
  stop(): Promise<void>;
}

const DOWNLOAD_FAILURE_MARKER = ".mongod-download-failed";
const DOWNLOAD_RETRY_MS = 24 * 60 * 60 * 1000;

export async function startDatabaseEngine(
  config: Pick<Config, "mongodbUri" | "mongodbEngine" | "dataDir">,
): Promise<DatabaseEngine> {
  if (config.mongodbUri) {
    return { kind: "external", uri: config.mongodbUri, durable: true, stop: async () => {} };
  }
  if (config.mongodbEngine === "jongodb") return startJongodb();
  if (config.mongodbEngine === "mongod") return startMongod(config.dataDir, true);
  try {
    return await startMongod(config.dataDir, false);
  } catch (error) {
    logger.warn(`database: no mongod available (${(error as Error).message}); using the embedded jongodb engine`);
    return startJongodb();
  }
}

async function startMongod(dataDir: string, allowRepeatedDownload: boolean): Promise<DatabaseEngine> {
  const { MongoMemoryServer, DryMongoBinary } = await import("mongodb-memory-server-core");
  const marker = path.join(dataDir, DOWNLOAD_FAILURE_MARKER);
  const localBinary = await DryMongoBinary.locateBinary(DryMongoBinary.getEnsuredOptions());
  if (!localBinary && !allowRepeatedDownload && recentlyFailed(marker)) {
    throw new Error(`a download failed less than a day ago (delete ${marker} to retry)`);
  }
  const dbPath = path.join(dataDir, "mongod");
  fs.mkdirSync(dbPath, { recursive: true });
  try {
    const server = await MongoMemoryServer.create({ instance: { dbPath, storageEngine: "wiredTiger" } });
    fs.rmSync(marker, { force: true });
    return {
      kind: "mongod",
      uri: server.getUri("oatnut"),
      durable: true,
      stop: async () => { await server.stop({ doCleanup: false }); },
    };
  } catch (error) {
    if (!localBinary) {
      fs.mkdirSync(dataDir, { recursive: true });
      fs.writeFileSync(marker, new Date().toISOString());
    }
    throw error;
  }
}

function recentlyFailed(marker: string): boolean {
  try {
    return Date.now() - fs.statSync(marker).mtimeMs < DOWNLOAD_RETRY_MS;
  } catch {
    return false;
  }
}

/** Path of the jongodb binary shipped in its npm package. */
export function jongodbBinary(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@jongodb/memory-server-bin-linux-x64-gnu/package.json");
  return path.join(path.dirname(pkg), "bin", "jongodb");
}

/**
 * Starts a jongodb process on a free loopback port.
 * @throws Error when the binary is missing (not Linux x64 glibc) or does not start in time
 */
export async function startJongodb(): Promise<DatabaseEngine> {
  let binary: string;
  try {
    binary = jongodbBinary();
  } catch {
    throw new Error(
      "no MongoDB available: set MONGODB_URI, or run on Linux x64 (glibc) where the embedded jongodb engine ships, "
        + "or on a machine where mongodb-memory-server can download mongod",
    );
  }
  const child = spawn(binary, ["--host=127.0.0.1", "--port=0"], { stdio: ["ignore", "pipe", "pipe"] });
  const uri = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("jongodb did not start within 15 s")), 15_000);
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const match = /^JONGODB_URI=(\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/[^/]*$/, "/oatnut"));
      }
    });
    child.stderr!.on("data", (chunk) => logger.debug(`jongodb: ${String(chunk).trim()}`));
    child.once("error", (error) => { clearTimeout(timer); reject(error); });
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`jongodb exited with code ${code}`)); });
  });
  return { kind: "jongodb", uri, durable: false, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => { clearTimeout(force); resolve(); });
    child.kill("SIGTERM");
  });
}
