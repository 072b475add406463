import type { ErrorRequestHandler, RequestHandler } from "express";
import { logger } from "../logger.ts";

/** An error with the HTTP status and message the client should receive. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "HttpError";
  }
}

/** Wraps an async route so a rejection reaches the error handler. */
export function route(handler: (...args: Parameters<RequestHandler>) => Promise<unknown>): RequestHandler {
  return (req, res, next) => {
    handler(req, res, next).catch(next);
  };
}

/** Every API error as `{ "error": "message" }` with the right status. */
export const apiErrorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  if (error instanceof HttpError) {
    res.status(error.status).json({ error: error.message });
  } else if (error?.name === "UnauthorizedError") {
    res.status(401).json({ error: "authentication required: sign in again" });
  } else if (error?.type === "entity.parse.failed") {
    res.status(400).json({ error: "request body is not valid JSON" });
  } else if (error?.type === "entity.too.large") {
    res.status(413).json({ error: "request body is too large" });
  } else {
    logger.error("unhandled error in HTTP request", { method: req.method, path: req.originalUrl.split("?")[0], error });
    res.status(500).json({ error: "internal server error" });
  }
};
