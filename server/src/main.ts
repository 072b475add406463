/**
 * OatNut server entry point: configuration, logging, database, game server, shutdown.
 */
import fs from "node:fs";
import { ZoneFormatError } from "@oatnut/shared";
import path from "node:path";
import dotenv from "dotenv";
import mongoose from "mongoose";
import { ConfigError, DEVELOPMENT_SECRET_FILE, developmentSecret, loadConfig, PROJECT_ROOT, type Config } from "./config.ts";
import { connectDatabase, disconnectDatabase } from "./db/connection.ts";
import { redactUri, startDatabaseEngine, type DatabaseEngine } from "./db/engine.ts";
import { createGameServer } from "./game.ts";
import { closeLogger, configureLogger, logger } from "./logger.ts";
import { SaveService } from "./persistence/saveService.ts";
import { connectRedis, redactRedisUrl } from "./world/cluster.ts";
import { startLivenessMonitor } from "./watchdog.ts";

const envFile = path.join(PROJECT_ROOT, ".env");
if (fs.existsSync(envFile)) dotenv.config({ path: envFile, quiet: true });

let config: Config;
try {
  config = loadConfig(process.env, developmentSecret);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`OatNut cannot start: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
try {
  configureLogger(config);
} catch (error) {
  console.error(`OatNut cannot start: ${(error as Error).message}`);
  process.exit(1);
}
/** Logs one clear line and exits 1. */
async function cannotStart(reason: string): Promise<never> {
  logger.error(`OatNut cannot start: ${reason}`);
  await closeLogger();
  process.exit(1);
}
process.on("uncaughtException", (error) => logger.error("uncaught exception", { error }));
process.on("unhandledRejection", (reason) => logger.error("unhandled promise rejection", { error: reason }));
if (config.jwtSecretGenerated) {
  logger.warn(
    `JWT_SECRET is not set: using the development secret kept in ${path.join(config.dataDir, DEVELOPMENT_SECRET_FILE)} ` +
      "(sign-ins survive restarts). Set JWT_SECRET in .env; production requires it.",
  );
}

const cluster = config.redisUrl ? await connectRedis(config.redisUrl).catch((error: Error) => cannotStart(error.message)) : undefined;
if (cluster) logger.info(`cluster: Redis at ${redactRedisUrl(config.redisUrl!)}; this process's public address is ${config.publicAddress}`);

const engine: DatabaseEngine = await startDatabaseEngine(config).catch((error: Error) => cannotStart(`no database: ${error.message}`));
logger.log(engine.durable ? "info" : "warn", engine.description);
try {
  await connectDatabase(engine.uri, { monitorCommands: engine.attach !== undefined });
  engine.attach?.(mongoose.connection.getClient());
} catch (error) {
  await engine.stop().catch(() => {});
  await cannotStart(
    `the database at ${redactUri(engine.uri)} does not answer (${(error as Error).message}). ` +
      "Check MONGODB_URI and that the server runs, or unset MONGODB_URI to use the embedded engine.",
  );
}

const saves = new SaveService();
const server = await createGameServer({ config, engine, saves, cluster }).catch(async (error: Error) => {
  await engine.stop();
  return cannotStart(
    error instanceof ZoneFormatError
      ? `the zones in ${config.zonesDir} have problems (run npm run zones:check):\n${error.message}`
      : error.message,
  );
});
// Colyseus logs a failed listen (a port in use) and waits forever: stop instead, saying why.
const httpServer = (server.transport as unknown as { server?: import("node:http").Server }).server;
const listenFailed = new Promise<never>((_, reject) => httpServer?.once("error", reject));
await Promise.race([server.listen(config.port), listenFailed]).catch(async (error: NodeJS.ErrnoException) => {
  await engine.stop().catch(() => {});
  const why = error.code === "EADDRINUSE" ? "another program (another OatNut?) uses it; stop it or set PORT" : error.message;
  await cannotStart(`cannot listen on port ${config.port}: ${why}`);
});
logger.info(`OatNut is listening on http://localhost:${config.port} (${config.nodeEnv})`);
const liveness = startLivenessMonitor({ watchdogSeconds: config.watchdogSeconds, errorLog: path.join(config.logDir, "errors.log") });
if (!liveness.watchdog) logger.info("event-loop watchdog off (WATCHDOG_SECONDS=0, or a debugger is attached)");

/**
 * A terminal's Ctrl-C reaches every process of its group: `npm start`'s npm and
 * `npm run dev`'s tsx each relay it once more. A repeat within this window is that same
 * Ctrl-C; a later one is a second Ctrl-C from someone who does not want to wait.
 */
const RELAYED_SIGNAL_MS = 1000;
let shutdownStartedAt = 0;
async function shutdown(signal: string): Promise<void> {
  if (shutdownStartedAt > 0) {
    if (Date.now() - shutdownStartedAt < RELAYED_SIGNAL_MS) return;
    const unsaved = saves.unsaved();
    logger.warn(
      unsaved.length > 0
        ? `${signal} again: exiting now; not saved: the latest progress of ${unsaved.length} character(s) (${unsaved.join(", ")})`
        : `${signal} again: exiting now (every save was written${engine.flush ? "; the last snapshot may not be" : ""})`,
    );
    await closeLogger();
    process.exit(1);
  }
  shutdownStartedAt = Date.now();
  logger.info(`${signal} received: saving every character and shutting down`);
  setTimeout(() => {
    logger.error(`shutdown did not finish within ${config.shutdownSeconds} s: exiting`);
    process.exit(1);
  }, config.shutdownSeconds * 1000).unref();
  try {
    await server.gracefullyShutdown(false);
    await saves.drain();
    if (saves.parkedCount > 0 && !(await saves.retryParked())) {
      logger.error(`${saves.parkedCount} character save(s) could not be written before shutdown: ${saves.unsaved().join(", ")}`);
    }
    await disconnectDatabase();
    // Only now, after the last save (and, for the embedded engine, its final snapshot).
    await engine.stop();
    logger.info("shutdown complete");
  } catch (error) {
    logger.error("error during shutdown", { error });
  }
  await closeLogger();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
