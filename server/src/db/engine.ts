/**
 * Chooses and starts the MongoDB server the game talks to. One persistence path —
 * mongoose over the MongoDB wire protocol — whatever answers:
 * - `MONGODB_URI` set: that server (production, docker compose, a developer's own mongod).
 * - otherwise an embedded engine, chosen by `MONGODB_ENGINE` (default `auto`):
 *   - `mongod`: a real mongod through mongodb-memory-server, data kept in DATA_DIR/mongod
 *     (durable across restarts). Uses a local binary, or downloads one (needs internet;
 *     it is cached, so later `auto` starts find it).
 *   - `jongodb`: the MongoDB-wire-compatible engine shipped as a binary inside an npm
 *     package; starts offline in well under a second; in-memory (data is lost on stop).
 *   - `auto`: mongod when a binary is already on this machine (MONGOMS_SYSTEM_BINARY,
 *     `mongod` on PATH, or mongodb-memory-server's cache), jongodb otherwise. `auto` never
 *     downloads anything, so start-up and CI stay offline and fast.
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

export async function startDatabaseEngine(
  config: Pick<Config, "mongodbUri" | "mongodbEngine" | "dataDir">,
): Promise<DatabaseEngine> {
  if (config.mongodbUri) {
    return { kind: "external", uri: config.mongodbUri, durable: true, stop: async () => {} };
  }
  if (config.mongodbEngine === "jongodb") return startJongodb();
  if (config.mongodbEngine === "mongod") return startMongod(config.dataDir, await findLocalMongod());
  const binary = await findLocalMongod();
  if (binary) {
    try {
      return await startMongod(config.dataDir, binary);
    } catch (error) {
      logger.warn(`database: the local mongod (${binary}) did not start: ${(error as Error).message}`);
    }
  }
  logger.info("database: no local mongod; using the embedded jongodb engine "
    + "(MONGODB_ENGINE=mongod downloads a real mongod where there is internet; MONGODB_URI uses yours)");
  return startJongodb();
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

/** A real mongod with its data in DATA_DIR/mongod; `binary` unset means download one. */
async function startMongod(dataDir: string, binary: string | undefined): Promise<DatabaseEngine> {
  const { MongoMemoryServer } = await import("mongodb-memory-server-core");
  const dbPath = path.join(dataDir, "mongod");
  fs.mkdirSync(dbPath, { recursive: true });
  const server = await MongoMemoryServer.create({
    instance: { dbPath, storageEngine: "wiredTiger" },
    ...(binary ? { binary: { systemBinary: binary } } : {}),
  });
  return {
    kind: "mongod",
    uri: server.getUri("oatnut"),
    durable: true,
    stop: async () => { await server.stop({ doCleanup: false }); },
  };
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
