/**
 * Configuration from the environment, validated once at start-up. `.env` is read by
 * dotenv (see main.ts); `.env.example` documents every variable with its default.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { RECONNECT_SECONDS } from "@oatnut/shared";
import { DEFAULT_BUSY_ZONE_PLAYERS, DEFAULT_CROWDED_ZONE_PLAYERS } from "./rooms/patchPace.ts";

export type NodeEnv = "development" | "production" | "test";
export type MongoEngineChoice = "auto" | "mongod" | "jongodb";
export type LogLevel = "error" | "warn" | "info" | "http" | "verbose" | "debug" | "silly";

export interface Config {
  nodeEnv: NodeEnv;
  port: number;
  /** External MongoDB; unset means an embedded engine is started. */
  mongodbUri: string | undefined;
  /** Which embedded engine to start when `mongodbUri` is unset. */
  mongodbEngine: MongoEngineChoice;
  /** Where an embedded mongod keeps its data (it survives restarts there). */
  dataDir: string;
  /** Secret the JWTs are signed with; generated per process in development when unset. */
  jwtSecret: string;
  /** True when `jwtSecret` is the development secret (JWT_SECRET unset). */
  jwtSecretGenerated: boolean;
  autosaveSeconds: number;
  /** Seconds a dropped player's character waits in the world for a reconnection. */
  reconnectSeconds: number;
  /** Seconds a client has to complete a zone transfer before it is put back. */
  transferSeconds: number;
  /** Longest a graceful shutdown may take before the process exits anyway. */
  shutdownSeconds: number;
  /** The process ends itself when its event loop is blocked this long (0 = never). */
  watchdogSeconds: number;
  /** A zone holding more players than this patches every second tick (0 = never). */
  crowdedZonePlayers: number;
  /** Players above which a zone's clients send their inputs two to a frame (0 = never; patchPace.ts). */
  busyZonePlayers: number;
  logDir: string;
  logLevel: LogLevel;
  /** Write raw room traffic to traffic.log. */
  logTraffic: boolean;
  /** Log files rotate daily and when they reach this size. */
  logMaxSizeMb: number;
  /** Rotated log files older than this are deleted. */
  logRetentionDays: number;
  /** Basic-auth credentials of the operator account for /admin (both or neither). */
  adminUser: string | undefined;
  adminPassword: string | undefined;
  /** Serve the client through Vite's dev middleware instead of the built files. */
  clientDevServer: boolean;
  /** Folder with the built client (index.html and assets). */
  clientDist: string;
  /** Folder the zones (one sub-folder per zone) are discovered from. */
  zonesDir: string;
  /**
   * Foreign origins (`https://host[:port]`) browsers may call the API and open WebSockets
   * from; empty = the page's own origin only.
   */
  corsOrigins: string[];
  /** Reverse proxies in front of the server (Express's `trust proxy` hop count; 0 = none). */
  trustProxy: number;
  /** Every per-IP/per-account rate limit is multiplied by this (tests raise it). */
  rateLimitMultiplier: number;
  /** First lockout after repeated failed sign-ins to one email; doubles per further failure. */
  loginLockoutSeconds: number;
  /** Redis shared by the processes of a cluster (presence and matchmaking); unset = this process alone. */
  redisUrl: string | undefined;
  /**
   * The address clients reach this process's WebSockets at (`host[:port][/path]`, no
   * scheme): seat reservations carry it. Unset = the page's own server (one process), or
   * `<hostname>:<port>` in a cluster.
   */
  publicAddress: string | undefined;
  /** Zones whose rooms this process hosts (empty = any): pins zones to processes in a cluster. */
  hostZones: string[];
  /** Guest accounts whose characters were not played for this many days are deleted with them (0 = kept). */
  guestRetentionDays: number;
}

/** Raised when one or more variables are invalid; `problems` has one message per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

const LOG_LEVELS: readonly LogLevel[] = ["error", "warn", "info", "http", "verbose", "debug", "silly"];
const ENGINES: readonly MongoEngineChoice[] = ["auto", "mongod", "jongodb"];
const NODE_ENVS: readonly NodeEnv[] = ["development", "production", "test"];

/** Where the development JWT secret is kept, in DATA_DIR. */
export const DEVELOPMENT_SECRET_FILE = "jwt-secret";

/**
 * The secret that signs tokens in development when JWT_SECRET is unset: made once and
 * kept in DATA_DIR (readable by its owner only), so sign-ins survive restarts like the
 * accounts they belong to. Production never gets here: it requires JWT_SECRET.
 */
export function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, DEVELOPMENT_SECRET_FILE);
  try {
    const kept = fs.readFileSync(file, "utf8").trim();
    if (kept.length >= 32) return kept;
  } catch {
    /* not made yet */
  }
  const secret = crypto.randomBytes(32).toString("hex");
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

/** The repository root (two levels above this file, in source and in the bundle alike). */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, "..", "..");

/**
 * Reads and validates the configuration.
 * @param env the environment to read (defaults to `process.env`)
 * @param generateSecret makes the development secret when JWT_SECRET is unset (given DATA_DIR)
 * @throws ConfigError listing every bad variable, one message each
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  generateSecret: (dataDir: string) => string = () => crypto.randomUUID() + crypto.randomUUID(),
): Config {
  const problems: string[] = [];
  const value = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === "" ? undefined : raw.trim();
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name} must be one of ${allowed.join(", ")} (got "${raw}")`);
    return fallback;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!/^\d+$/.test(raw) || parsed < min || parsed > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return parsed;
  };

  const nodeEnv = oneOf("NODE_ENV", NODE_ENVS, "development");
  const port = integer("PORT", 8080, 1, 65535);
  const autosaveSeconds = integer("AUTOSAVE_SECONDS", 30, 1, 3600);
  const reconnectSeconds = integer("RECONNECT_SECONDS", RECONNECT_SECONDS, 0, 3600);
  const transferSeconds = integer("TRANSFER_SECONDS", 15, 1, 25);
  const shutdownSeconds = integer("SHUTDOWN_SECONDS", 10, 1, 600);
  const watchdogSeconds = integer("WATCHDOG_SECONDS", 5, 0, 600);
  const crowdedZonePlayers = integer("CROWDED_ZONE_PLAYERS", DEFAULT_CROWDED_ZONE_PLAYERS, 0, 100_000);
  const busyZonePlayers = integer("BUSY_ZONE_PLAYERS", DEFAULT_BUSY_ZONE_PLAYERS, 0, 100_000);
  const logLevel = oneOf("LOG_LEVEL", LOG_LEVELS, "info");
  const logMaxSizeMb = integer("LOG_MAX_SIZE_MB", 50, 1, 10_000);
  const logRetentionDays = integer("LOG_RETENTION_DAYS", 14, 1, 3650);
  const boolean = (name: string): boolean => {
    const raw = value(name);
    if (raw === undefined) return false;
    if (raw !== "true" && raw !== "false") problems.push(`${name} must be true or false (got "${raw}")`);
    return raw === "true";
  };
  const logTraffic = boolean("LOG_TRAFFIC");
  const adminUser = value("ADMIN_USER");
  const adminPassword = value("ADMIN_PASSWORD");
  if ((adminUser === undefined) !== (adminPassword === undefined)) {
    problems.push("ADMIN_USER and ADMIN_PASSWORD go together: set both or neither");
  } else if (adminPassword !== undefined && adminPassword.length < 12) {
    problems.push("ADMIN_PASSWORD must be at least 12 characters long");
  }
  const mongodbEngine = oneOf("MONGODB_ENGINE", ENGINES, "auto");

  const mongodbUri = value("MONGODB_URI");
  if (mongodbUri !== undefined && !/^mongodb(\+srv)?:\/\/\S+$/.test(mongodbUri)) {
    problems.push(`MONGODB_URI must start with mongodb:// or mongodb+srv:// (got a value that does not)`);
  }

  const fromRoot = (p: string) => path.resolve(PROJECT_ROOT, p);
  const dataDir = fromRoot(value("DATA_DIR") ?? "data");
  let jwtSecret = value("JWT_SECRET");
  let jwtSecretGenerated = false;
  if (jwtSecret === undefined) {
    if (nodeEnv === "production") {
      problems.push("JWT_SECRET is required when NODE_ENV=production (a long random string)");
      jwtSecret = "";
    } else {
      jwtSecret = generateSecret(dataDir);
      jwtSecretGenerated = true;
    }
  } else if (jwtSecret.length < 16) {
    problems.push("JWT_SECRET must be at least 16 characters long");
  }

  const clientDevServer = boolean("CLIENT_DEV_SERVER");

  const corsOrigins = parseOrigins(value("CORS_ORIGINS"), problems);
  const trustProxy = integer("TRUST_PROXY", 0, 0, 10);
  const rateLimitMultiplier = integer("RATE_LIMIT_MULTIPLIER", 1, 1, 100_000);
  const loginLockoutSeconds = integer("LOGIN_LOCKOUT_SECONDS", 30, 1, 900);
  const guestRetentionDays = integer("GUEST_RETENTION_DAYS", 7, 0, 3650);

  const redisUrl = value("REDIS_URL");
  if (redisUrl !== undefined) {
    if (!/^rediss?:\/\/\S+$/.test(redisUrl)) problems.push("REDIS_URL must start with redis:// or rediss:// (got a value that does not)");
    else if (mongodbUri === undefined) {
      problems.push(
        "REDIS_URL joins this process to a cluster, whose processes must share one database: set MONGODB_URI too " +
          "(the embedded engine belongs to one process)",
      );
    }
  }
  let publicAddress = value("PUBLIC_ADDRESS");
  if (publicAddress !== undefined && !/^[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~-]+)*$/.test(publicAddress)) {
    problems.push(`PUBLIC_ADDRESS must be host[:port][/path] without a scheme, e.g. game.example.com/g1 (got "${publicAddress}")`);
  }
  if (publicAddress === undefined && redisUrl !== undefined) publicAddress = `${os.hostname()}:${port}`;
  const hostZones = (value("HOST_ZONES") ?? "")
    .split(",")
    .map((zone) => zone.trim())
    .filter(Boolean);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    nodeEnv,
    port,
    mongodbUri,
    mongodbEngine,
    dataDir,
    jwtSecret,
    jwtSecretGenerated,
    autosaveSeconds,
    reconnectSeconds,
    transferSeconds,
    shutdownSeconds,
    watchdogSeconds,
    crowdedZonePlayers,
    busyZonePlayers,
    logDir: fromRoot(value("LOG_DIR") ?? "logs"),
    logLevel,
    logTraffic,
    logMaxSizeMb,
    logRetentionDays,
    adminUser,
    adminPassword,
    clientDevServer,
    clientDist: fromRoot(value("CLIENT_DIST") ?? "client/dist"),
    zonesDir: fromRoot(value("ZONES_DIR") ?? "shared/zones"),
    corsOrigins,
    trustProxy,
    rateLimitMultiplier,
    loginLockoutSeconds,
    redisUrl,
    publicAddress,
    hostZones,
    guestRetentionDays,
  };
}

/**
 * CORS_ORIGINS: comma-separated origins, each exactly `http(s)://host[:port]` (what a
 * browser sends as Origin: no path, no trailing slash, no wildcard).
 */
function parseOrigins(raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined) return [];
  const origins: string[] = [];
  for (const entry of raw
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    let origin: string | undefined;
    try {
      const url = new URL(entry);
      if ((url.protocol === "http:" || url.protocol === "https:") && url.origin === entry.replace(/\/$/, "").toLowerCase())
        origin = url.origin;
    } catch {
      /* reported below */
    }
    if (origin) origins.push(origin);
    else
      problems.push(
        `CORS_ORIGINS must list origins like https://game.example.com or http://localhost:5173, comma-separated (got "${entry}")`,
      );
  }
  return origins;
}
