/**
 * The HTTP side: request log, security headers, accounts (auth/routes.ts, in
 * @colyseus/auth's wire format), the characters API, health, admin tools, and the built
 * client. Colyseus' own matchmaking routes are mounted by Colyseus. Body limits and CORS
 * are enforced before any of this, at the HTTP server (gate.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { auth } from "@colyseus/auth";
import express, { type Application, type RequestHandler } from "express";
import { isObjectIdHex, requestAccount } from "../auth/accounts.ts";
import { LoginLockout } from "../auth/lockout.ts";
import { authRouter } from "../auth/routes.ts";
import type { Config } from "../config.ts";
import { databaseAnswers } from "../db/connection.ts";
import type { DatabaseEngine } from "../db/engine.ts";
import { Account } from "../db/models.ts";
import { adminGuard, monitorGuard } from "../admin/auth.ts";
import { adminRouter } from "../admin/routes.ts";
import { logger } from "../logger.ts";
import { registry } from "../metrics.ts";
import { eventLoopHealth } from "../watchdog.ts";
import { monitor } from "@colyseus/monitor";
import { charactersRouter } from "./characters.ts";
import { apiErrorHandler, HttpError, route, SIGN_IN_AGAIN } from "./errors.ts";
import { createRateLimiters } from "./rateLimits.ts";
import { securityHeaders } from "./security.ts";

export interface HttpDeps {
  config: Pick<
    Config,
    | "clientDevServer"
    | "clientDist"
    | "nodeEnv"
    | "adminUser"
    | "adminPassword"
    | "trustProxy"
    | "rateLimitMultiplier"
    | "loginLockoutSeconds"
    | "guestRetentionDays"
    | "redisUrl"
  >;
  engine: Pick<DatabaseEngine, "kind" | "durable">;
}

/**
 * One `app.log` line per request: method, path (never the query string), status, duration.
 * Probes and scrapes (every few seconds from Docker, a load balancer or Prometheus) that
 * succeed, and the client's own files (the page, its scripts, images and map files: some
 * twenty per page load) served without error, are logged at debug; API calls at info.
 */
const requestLog: RequestHandler = (req, res, next) => {
  const started = process.hrtime.bigint();
  res.on("finish", () => {
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    const ok = res.statusCode < 400;
    const probe = (req.path === "/health" || req.path === "/ready" || req.path === "/metrics") && res.statusCode === 200;
    const clientFile = ok && res.locals[CLIENT_FILE] === true;
    logger.log(probe || clientFile ? "debug" : "info", "http", {
      method: req.method,
      path: req.originalUrl.split("?")[0],
      status: res.statusCode,
      durationMs: Math.round(durationMs * 10) / 10,
    });
  });
  next();
};

/**
 * The 401 of a correctly signed, unexpired token whose account the server no longer has
 * (deleted, or lost with the database): the token proves its bearer held the account, so
 * it is told exactly that, instead of a "wrong password" it would take for its own typo.
 * A code, not a sentence: the client acts on it (it forgets the sign-in) and words it.
 */
export const ACCOUNT_NOT_FOUND = "account_not_found";

/**
 * Rejects tokens whose account id is not an ObjectId (only a token signed with our secret
 * gets here, but its id must still never reach a query as anything else: 401 as any bad
 * token) or whose account no longer exists (401 {@link ACCOUNT_NOT_FOUND}).
 */
const accountExists = route(async (req, _res, next) => {
  const { id } = requestAccount(req);
  if (!isObjectIdHex(id)) throw new HttpError(401, SIGN_IN_AGAIN);
  if (!(await Account.exists({ _id: id }))) throw new HttpError(401, ACCOUNT_NOT_FOUND);
  next();
});

/** `res.locals` flag of a response that is one of the client's files (see `serveClient`). */
const CLIENT_FILE = "oatnutClientFile";

/** Marks the responses it sees as the client's files (logged at debug). */
const markClientFile: RequestHandler = (_req, res, next) => {
  res.locals[CLIENT_FILE] = true;
  next();
};

/**
 * The monitor's room list: the room type (`name`), then the zone, its instance and the
 * characters in it (the room's listing metadata, ZoneRoom.listingMetadata), and in a
 * cluster the process and address of each room.
 */
function monitorColumns(cluster: boolean): NonNullable<Parameters<typeof monitor>[0]>["columns"] {
  return [
    "roomId",
    "name",
    { metadata: "zone" },
    { metadata: "instance" },
    { metadata: "characters" },
    "clients",
    "maxClients",
    "locked",
    "elapsedTime",
    ...(cluster ? (["processId", "publicAddress"] as const) : []),
  ];
}

export async function configureHttp(app: Application, deps: HttpDeps): Promise<void> {
  app.disable("x-powered-by");
  // Per-IP limits count the client behind this many proxies (X-Forwarded-For), not the proxy.
  app.set("trust proxy", deps.config.trustProxy > 0 ? deps.config.trustProxy : false);
  app.use(requestLog);
  app.use(securityHeaders(deps.config));
  const limits = createRateLimiters(deps.config);

  // Liveness: the process is up and its event loop keeps time (what Docker's HEALTHCHECK
  // asks). A loop that lagged more than HEALTH_MAX_LAG_MS lately answers 503; one blocked
  // for good does not answer at all, and the watchdog ends the process.
  app.get("/health", (_req, res) => {
    const loop = eventLoopHealth();
    res.status(loop.healthy ? 200 : 503).json({
      status: loop.healthy ? "ok" : "degraded",
      uptimeSeconds: Math.round(process.uptime()),
      eventLoopLagMs: loop.lagMs,
    });
  });
  // Readiness: the services it depends on answer (what a load balancer asks). The check
  // shares its ping with the requests' (db/connection.ts), so probes during a stall do
  // not pile up pings on the database's connections.
  app.get("/ready", async (_req, res) => {
    const database = await databaseAnswers(2000);
    res.status(database ? 200 : 503).json({
      status: database ? "ready" : "unavailable",
      database: { engine: deps.engine.kind, durable: deps.engine.durable, reachable: database },
    });
  });
  app.get("/metrics", async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });

  // Admins: the Colyseus monitor, the playground (development only) and the admin API.
  const guard = adminGuard(deps.config);
  app.use("/admin", limits.adminAuth);
  app.use(
    monitor({ prefix: "/admin/monitor", use: [monitorGuard(deps.config)], columns: monitorColumns(deps.config.redisUrl !== undefined) }),
  );
  if (deps.config.nodeEnv === "development") {
    const { playground } = await import("@colyseus/playground");
    app.use(playground({ prefix: "/admin/playground", use: [monitorGuard(deps.config)] }));
  }
  app.use("/admin/api", guard, adminRouter());

  app.use(
    "/auth",
    authRouter({
      limits,
      lockout: new LoginLockout(deps.config.loginLockoutSeconds),
      accountExists,
      guestRetentionDays: deps.config.guestRetentionDays,
    }),
  );

  const api = express.Router();
  api.use(express.json({ limit: "16kb" }));
  api.use(auth.middleware(), accountExists);
  api.use("/characters", charactersRouter({ play: limits.play }));
  api.use((req, _res, next) =>
    next(new HttpError(404, `There is no API route ${req.method} ${req.originalUrl.split("?")[0]}. Check the address.`)),
  );
  api.use(apiErrorHandler);
  app.use("/api", api);

  await serveClient(app, deps.config);
}

async function serveClient(app: Application, config: HttpDeps["config"]): Promise<void> {
  if (config.clientDevServer) {
    const { createServer } = await import("vite");
    const vite = await createServer({
      root: path.resolve(config.clientDist, ".."),
      configFile: path.resolve(config.clientDist, "..", "vite.config.ts"),
      server: { middlewareMode: true },
      appType: "spa",
    });
    // Everything that reaches Vite is the client's (the API and the admin tools answered before).
    app.use(markClientFile, vite.middlewares);
    logger.info("serving the client through Vite (development, hot reload)");
    return;
  }
  const index = path.join(config.clientDist, "index.html");
  if (!fs.existsSync(index)) {
    logger.warn(`client not built (${index} is missing): run \`npm run build\``);
  }
  app.use(
    express.static(config.clientDist, {
      index: false,
      maxAge: config.nodeEnv === "production" ? "1h" : 0,
      setHeaders: (res) => {
        (res as unknown as { locals: Record<string, unknown> }).locals[CLIENT_FILE] = true;
      },
    }),
  );
  app.get("/", (req, res) => {
    if (fs.existsSync(index)) markClientFile(req, res, () => res.sendFile(index));
    else res.status(503).type("text").send("The client is not built yet: run `npm run build`, then reload.");
  });
}
