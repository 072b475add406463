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
import { apiErrorHandler, HttpError, route } from "./errors.ts";
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
  >;
  engine: Pick<DatabaseEngine, "kind" | "durable">;
}

/**
 * One `app.log` line per request: method, path (never the query string), status, duration.
 * Probes and scrapes (every few seconds from Docker, a load balancer or Prometheus) that
 * succeed are logged at debug.
 */
const requestLog: RequestHandler = (req, res, next) => {
  const started = process.hrtime.bigint();
  res.on("finish", () => {
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    const probe = (req.path === "/health" || req.path === "/ready" || req.path === "/metrics") && res.statusCode === 200;
    logger.log(probe ? "debug" : "info", "http", {
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
 */
export const ACCOUNT_NOT_FOUND = "account_not_found";

/**
 * Rejects tokens whose account id is not an ObjectId (only a token signed with our secret
 * gets here, but its id must still never reach a query as anything else: 401 as any bad
 * token) or whose account no longer exists (401 {@link ACCOUNT_NOT_FOUND}).
 */
const accountExists = route(async (req, _res, next) => {
  const { id } = requestAccount(req);
  if (!isObjectIdHex(id)) throw new HttpError(401, "authentication required: sign in again");
  if (!(await Account.exists({ _id: id }))) throw new HttpError(401, ACCOUNT_NOT_FOUND);
  next();
});

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
  app.use(monitor({ prefix: "/admin/monitor", use: [monitorGuard(deps.config)] }));
  if (deps.config.nodeEnv === "development") {
    const { playground } = await import("@colyseus/playground");
    app.use(playground({ prefix: "/admin/playground", use: [monitorGuard(deps.config)] }));
  }
  app.use("/admin/api", guard, adminRouter());

  app.use("/auth", authRouter({ limits, lockout: new LoginLockout(deps.config.loginLockoutSeconds), accountExists }));

  const api = express.Router();
  api.use(express.json({ limit: "16kb" }));
  api.use(auth.middleware(), accountExists);
  api.use("/characters", charactersRouter({ play: limits.play }));
  api.use((req, _res, next) => next(new HttpError(404, `no API route ${req.method} ${req.originalUrl.split("?")[0]}`)));
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
    app.use(vite.middlewares);
    logger.info("serving the client through Vite (development, hot reload)");
    return;
  }
  const index = path.join(config.clientDist, "index.html");
  if (!fs.existsSync(index)) {
    logger.warn(`client not built (${index} is missing): run \`npm run build\``);
  }
  app.use(express.static(config.clientDist, { index: false, maxAge: config.nodeEnv === "production" ? "1h" : 0 }));
  app.get("/", (_req, res) => {
    if (fs.existsSync(index)) res.sendFile(index);
    else res.status(503).type("text").send("The client is not built yet: run `npm run build`, then reload.");
  });
}
