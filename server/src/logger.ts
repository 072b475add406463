/**
 * Logging with winston. Development: readable console lines. Production: JSON lines.
 * Files in LOG_DIR: `app.log` (requests, room lifecycle, everything at info and above)
 * and `errors.log` (errors with their stack traces). Fields that could carry a secret
 * are redacted before any transport sees them.
 */
import fs from "node:fs";
import path from "node:path";
import winston from "winston";
import DailyRotateFile from "winston-daily-rotate-file";
import type { Config } from "./config.ts";

const SECRET_KEYS = /^(password|pass|token|jwt|secret|authorization|cookie|reconnectionToken|ticket|reservation)$/i;

/** Replaces values of secret-looking keys, at any depth, with "[redacted]". */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    // Errors as plain data, so JSON lines keep their message and stack trace.
    const { code } = value as Error & { code?: unknown };
    return { name: value.name, message: value.message, stack: value.stack, ...(code !== undefined ? { code } : {}) };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEYS.test(key) ? "[redacted]" : redact(item, depth + 1);
  }
  return out;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (SECRET_KEYS.test(key)) info[key] = "[redacted]";
    else if (key !== "message" && key !== "level") info[key] = redact(info[key]);
  }
  return info;
});

const readable = winston.format.printf(({ level, message, timestamp, stack, ...meta }) => {
  const rest = Object.keys(meta).length ? " " + JSON.stringify(meta) : "";
  return `${timestamp} ${level} ${message}${rest}${stack ? "\n" + stack : ""}`;
});

/** The process-wide logger; console only until {@link configureLogger} adds the files. */
export const logger = winston.createLogger({
  level: process.env.LOG_LEVEL ?? "info",
  format: winston.format.combine(winston.format.errors({ stack: true }), redactFormat(), winston.format.timestamp()),
  transports: [new winston.transports.Console({ format: winston.format.combine(winston.format.colorize(), readable) })],
});

/**
 * Set once the console could not be written to: its reader is gone (a closed pipe, a
 * terminal that went away, a parent process that died). Writing to it again raises EPIPE
 * again; unheeded, the stream's error reached the uncaught-exception handler, which logged it
 * to the console, in a loop that blocked the event loop until the watchdog ended the process.
 * Instead the console transport is dropped and the log files go on.
 */
let consoleLost = false;

function onConsoleError(error: NodeJS.ErrnoException): void {
  if (consoleLost) return;
  consoleLost = true;
  for (const transport of [...logger.transports]) {
    if (transport instanceof winston.transports.Console) logger.remove(transport);
  }
  logger.warn("the console cannot be written to any more: logging to the files only", { code: error.code });
}
process.stdout.on("error", onConsoleError);
process.stderr.on("error", onConsoleError);

export type LoggerConfig = Pick<Config, "logDir" | "logLevel" | "nodeEnv"> &
  Partial<Pick<Config, "logTraffic" | "logMaxSizeMb" | "logRetentionDays">>;

/**
 * A JSON-lines file in LOG_DIR rotated daily and by size, old files deleted after the
 * retention period. `<name>.log` is always a link to the current file.
 */
function rotatingFile(config: LoggerConfig, name: string, level?: string): DailyRotateFile {
  return new DailyRotateFile({
    dirname: config.logDir,
    filename: `${name}-%DATE%.log`,
    datePattern: "YYYY-MM-DD",
    maxSize: `${config.logMaxSizeMb ?? 50}m`,
    maxFiles: `${config.logRetentionDays ?? 14}d`,
    createSymlink: true,
    symlinkName: `${name}.log`,
    auditFile: path.join(config.logDir, `.${name}-audit.json`),
    format: winston.format.json(),
    ...(level ? { level } : {}),
  });
}

/** Raw room traffic (LOG_TRAFFIC=true): its own logger and file, off by default. */
export const trafficLogger = winston.createLogger({
  level: "info",
  silent: true,
  format: winston.format.combine(redactFormat(), winston.format.timestamp()),
});

/** Points the logger at LOG_DIR and picks console format and level from the configuration. */
export function configureLogger(config: LoggerConfig): void {
  try {
    fs.mkdirSync(config.logDir, { recursive: true });
    fs.accessSync(config.logDir, fs.constants.W_OK);
  } catch (error) {
    throw new Error(
      `LOG_DIR ${config.logDir} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): ` +
        "create it and give this user write access, or point LOG_DIR elsewhere",
      { cause: error },
    );
  }
  const consoleFormat =
    config.nodeEnv === "production" ? winston.format.json() : winston.format.combine(winston.format.colorize(), readable);
  logger.clear();
  logger.level = config.logLevel;
  if (!consoleLost) logger.add(new winston.transports.Console({ format: consoleFormat }));
  logger.add(rotatingFile(config, "app"));
  logger.add(rotatingFile(config, "errors", "error"));
  trafficLogger.clear();
  trafficLogger.silent = !config.logTraffic;
  if (config.logTraffic) trafficLogger.add(rotatingFile(config, "traffic"));
}

/** Flushes and closes every transport (call last, before the process exits). */
export function closeLogger(): Promise<void> {
  const close = (target: winston.Logger) =>
    new Promise<void>((resolve) => {
      target.on("finish", () => resolve());
      target.end();
      setTimeout(resolve, 500).unref();
    });
  return Promise.all([close(logger), close(trafficLogger)]).then(() => undefined);
}

/** Refusals @colyseus/auth reports through the Colyseus logger: expected, not errors. */
const AUTH_REFUSALS = new Set(["invalid_credentials", "email_already_in_use", "email_malformed", "email_not_found"]);

/** Errors of the `ws` library about a client's frame (too big, bad opcode, bad UTF-8, unmasked, …). */
const CLIENT_FRAME_ERRORS = /^(Max payload size exceeded|Invalid WebSocket frame)/;

/**
 * The logger handed to Colyseus: its messages go to winston, with the auth module's
 * routine refusals (a wrong password) logged as info, not as errors.
 */
export const colyseusLogger = {
  debug: (...args: unknown[]) => logger.debug(args.map(String).join(" ")),
  info: (...args: unknown[]) => logger.info(args.map(String).join(" ")),
  warn: (...args: unknown[]) => logger.warn(args.map(String).join(" ")),
  error: (...args: unknown[]) => {
    const [first] = args;
    if (typeof first === "string" && CLIENT_FRAME_ERRORS.test(first)) {
      // The transport reports a client's broken WebSocket frame (the socket is closed, 1002
      // or 1009): the client's fault, one line without a stack, not an error of ours.
      logger.warn("a client sent an invalid WebSocket frame: its connection was closed", { detail: first.split("\n")[0] });
    } else if (first instanceof Error && AUTH_REFUSALS.has(first.message)) {
      logger.info(`auth refused: ${first.message}`);
    } else if (first instanceof Error) {
      logger.error(first.message, { error: first });
    } else {
      logger.error(args.map(String).join(" "));
    }
  },
};
