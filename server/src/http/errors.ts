/**
 * HTTP errors as `{ "error": "message" }`, and `route()`, the wrapper of every async
 * handler: it turns a rejection into that answer, and bounds how long a request may wait
 * (a database that stops answering would otherwise hold every sign-in and play until it
 * comes back).
 */
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from "express";
import { databaseAnswers, reportDatabaseFailure } from "../db/connection.ts";
import { logger } from "../logger.ts";

/**
 * An error with the HTTP status and message the client should receive: `{ error: message }`,
 * plus `code` when given — a stable code a program may test (the auth routes keep
 * @colyseus/auth's codes there), while `error` is the sentence a player reads.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** "30 seconds", "1 second", "2 minutes": a wait in words. */
export function waitInWords(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  if (whole < 90) return `${whole} second${whole === 1 ? "" : "s"}`;
  const minutes = Math.ceil(whole / 60);
  return `${minutes} minutes`;
}

/** The 503 answer of a request that needs a database that does not answer. */
export const DATABASE_UNAVAILABLE = "The server cannot reach its database right now: try again in a moment.";
/** The 503 answer of a request that needs the cluster's Redis while it does not answer. */
export const REDIS_UNAVAILABLE = "The game's shared store (Redis) is not answering right now: try again in a moment.";
/** The 503 answer of a request that took too long for another reason. */
export const TOO_SLOW = "The server took too long to answer: try again in a moment.";
/** The 401 of a missing, expired or unusable sign-in token. */
export const SIGN_IN_AGAIN = "You are not signed in, or your sign-in has expired. Sign in again.";
/** Seconds a client is asked to wait before trying again after a 503. */
const RETRY_AFTER_SECONDS = 5;

/** How long `route()` lets a request run. */
export interface Deadline {
  /** A request not answered after this long asks whether the database answers, and again each time this passes (ms). */
  checkEveryMs: number;
  /** How long that question waits for the database's answer (ms); no answer: 503 at once. */
  patienceMs: number;
  /** Whatever the cause, a request not answered after this long gets a 503 (ms). */
  limitMs: number;
}

/**
 * A request waiting on a stalled database answers 503 after about checkEveryMs +
 * patienceMs (4.5 s). One that is merely slow while the database answers (a loaded
 * machine, a room being created) is left alone up to limitMs.
 */
export const REQUEST_DEADLINE: Deadline = { checkEveryMs: 2000, patienceMs: 2500, limitMs: 15_000 };

/**
 * An async handler for {@link route}: `answered` is aborted once the request has been
 * answered 503 without it, so a handler that resumes late can skip writes nobody will
 * hear about (a sign-up the player was told failed).
 */
export type RouteHandler = (req: Request, res: Response, next: NextFunction, answered: AbortSignal) => Promise<unknown>;

/**
 * Wraps an async route so a rejection reaches the error handler, and the request is
 * answered 503 `{ error }` when it cannot finish in time (see {@link Deadline}). The
 * handler is not stopped (its database commands are not abandoned, see db/connection.ts);
 * whatever it does after the 503 reaches no one: its answer, its `next()` and its errors
 * are dropped, so a request is never answered twice.
 */
export function route(handler: RouteHandler, deadline: Deadline = REQUEST_DEADLINE): RequestHandler {
  return (req, res, next) => {
    const started = Date.now();
    const gaveUp = new AbortController();
    let settled = false;
    let check: NodeJS.Timeout | undefined;
    const limit = setTimeout(() => giveUp(TOO_SLOW, "no answer in time"), deadline.limitMs).unref();
    const settle = () => {
      settled = true;
      clearTimeout(check);
      clearTimeout(limit);
    };
    const giveUp = (message: string, cause: string) => {
      if (settled) return;
      settle();
      gaveUp.abort(new Error(message));
      // A handler that has begun its own answer finishes it.
      if (res.headersSent) return;
      logger.warn(`answered 503: ${cause}`, {
        method: req.method,
        path: req.originalUrl.split("?")[0],
        afterMs: Date.now() - started,
      });
      res.status(503).set("Retry-After", String(RETRY_AFTER_SECONDS)).json({ error: message });
    };
    const askDatabase = () => {
      check = setTimeout(async () => {
        if (settled) return;
        if (!(await databaseAnswers(deadline.patienceMs))) giveUp(DATABASE_UNAVAILABLE, "the database is not answering");
        else if (!settled) askDatabase();
      }, deadline.checkEveryMs).unref();
    };
    askDatabase();
    // Answered, or the client went away: nothing left to bound.
    res.once("close", settle);
    const passOn = (error?: unknown) => {
      if (gaveUp.signal.aborted) return;
      settle();
      next(error);
    };
    handler(req, res, passOn, gaveUp.signal).then(settle, (error: unknown) => {
      if (!gaveUp.signal.aborted) {
        passOn(error);
        return;
      }
      logger.debug("a request answered 503 ended later", {
        method: req.method,
        path: req.originalUrl.split("?")[0],
        error: (error as Error)?.message,
      });
    });
  };
}

/** Errors of the driver or mongoose that mean "no answer from the database", not a bug. */
const DATABASE_UNAVAILABLE_ERRORS = new Set([
  "MongoServerSelectionError",
  "MongooseServerSelectionError",
  "MongoNetworkError",
  "MongoNetworkTimeoutError",
  "MongoPoolClearedError",
  "PoolClearedOnNetworkError",
  "MongoPoolClosedError",
  "MongoWaitQueueTimeoutError",
  "MongoNotConnectedError",
  "MongoTopologyClosedError",
  "MongoOperationTimeoutError",
]);

/** Whether an error says the database could not be reached or did not answer in time. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return DATABASE_UNAVAILABLE_ERRORS.has(error.name) || /buffering timed out/.test(error.message);
}

/** Every API error as `{ "error": "message" }` with the right status. */
export const apiErrorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  if (res.headersSent) {
    // Too late for an error answer: end the one under way rather than write a second.
    logger.error("error after the answer had begun", { method: req.method, path: req.originalUrl.split("?")[0], error });
    res.end();
    return;
  }
  if (error instanceof HttpError) {
    res.status(error.status).json({ error: error.message, ...(error.code ? { code: error.code } : {}) });
  } else if (error?.name === "UnauthorizedError") {
    res.status(401).json({ error: SIGN_IN_AGAIN });
  } else if (error?.type === "entity.parse.failed") {
    res.status(400).json({ error: "The request body is not valid JSON. Send it as JSON." });
  } else if (error?.type === "entity.too.large") {
    res.status(413).json({ error: "The request body is too large. Send a smaller one." });
  } else if (isDatabaseUnavailable(error)) {
    // Not a bug of this request: the outage is logged once (errors.log, with this error),
    // each request it fails in app.log.
    reportDatabaseFailure(error as Error);
    logger.warn("answered 503: the database did not answer", {
      method: req.method,
      path: req.originalUrl.split("?")[0],
      error: (error as Error).message,
    });
    res.status(503).set("Retry-After", String(RETRY_AFTER_SECONDS)).json({ error: DATABASE_UNAVAILABLE });
  } else if (isRedisUnavailable(error)) {
    logger.warn("answered 503: Redis did not answer", {
      method: req.method,
      path: req.originalUrl.split("?")[0],
      error: (error as Error).message,
    });
    res.status(503).set("Retry-After", String(RETRY_AFTER_SECONDS)).json({ error: REDIS_UNAVAILABLE });
  } else {
    logger.error("unhandled error in HTTP request", { method: req.method, path: req.originalUrl.split("?")[0], error });
    res.status(500).json({ error: "Something went wrong on the server. Try again, and tell the game's operator if it keeps happening." });
  }
};

/** ioredis giving up on a command while Redis is away (it reconnects by itself meanwhile). */
export function isRedisUnavailable(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  return (
    name === "MaxRetriesPerRequestError" ||
    message === "Connection is closed." ||
    (typeof message === "string" && message.startsWith("Stream isn't writeable"))
  );
}
