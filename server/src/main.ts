/**
 * OatNut server entry point: configuration, logging, database, game server, shutdown.
 */
import fs from "node:fs";
import path from "node:path";
import dotenv from "dotenv";
import { ConfigError, loadConfig, PROJECT_ROOT, type Config } from "./config.ts";
import { connectDatabase, disconnectDatabase } from "./db/connection.ts";
import { startDatabaseEngine } from "./db/engine.ts";
import { createGameServer } from "./game.ts";
import { closeLogger, configureLogger, logger } from "./logger.ts";
import { SaveService } from "./persistence/saveService.ts";
import { startLivenessMonitor } from "./watchdog.ts";

const envFile = path.join(PROJECT_ROOT, ".env");
if (fs.existsSync(envFile)) dotenv.config({ path: envFile, quiet: true });

let config: Config;
try {
  config = loadConfig();
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
process.on("uncaughtException", (error) => logger.error("uncaught exception", { error }));
process.on("unhandledRejection", (reason) => logger.error("unhandled promise rejection", { error: reason }));
if (config.jwtSecretGenerated) {
  logger.warn("JWT_SECRET is not set: using a secret generated for this process (sign-ins end when it stops). Set JWT_SECRET in .env.");
}

const engine = await startDatabaseEngine(config);
logger.info(`database: ${engine.kind} engine, ${engine.durable ? "durable (data survives a restart)" : "in-memory (data is lost when the server stops)"}`);
await connectDatabase(engine.uri);

const saves = new SaveService();
let server: Awaited<ReturnType<typeof createGameServer>>;
try {
  server = await createGameServer({ config, engine, saves });
} catch (error) {
  logger.error(`OatNut cannot start: the zones in ${config.zonesDir} have problems (run npm run zones:check):\n${(error as Error).message}`);
  await engine.stop();
  await closeLogger();
  process.exit(1);
}
await server.listen(config.port);
logger.info(`OatNut is listening on http://localhost:${config.port} (${config.nodeEnv})`);
const liveness = startLivenessMonitor({ watchdogSeconds: config.watchdogSeconds, errorLog: path.join(config.logDir, "errors.log") });
if (!liveness.watchdog) logger.info("event-loop watchdog off (WATCHDOG_SECONDS=0, or a debugger is attached)");

let shuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) {
    logger.warn(`${signal} again: exiting now without waiting`);
    process.exit(1);
  }
  shuttingDown = true;
  logger.info(`${signal} received: saving every character and shutting down`);
  setTimeout(() => {
    logger.error(`shutdown did not finish within ${config.shutdownSeconds} s: exiting`);
    process.exit(1);
  }, config.shutdownSeconds * 1000).unref();
  try {
    await server.gracefullyShutdown(false);
    await saves.drain();
    if (saves.parkedCount > 0 && !(await saves.retryParked())) {
      logger.error(`${saves.parkedCount} character save(s) could not be written before shutdown`);
    }
    await disconnectDatabase();
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
