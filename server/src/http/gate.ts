/**
 * The HTTP server's front door: every request passes here before any handler — express,
 * @colyseus/auth-style routes, Colyseus' own router (/matchmake/*), the monitor — runs.
 *
 * Handlers further in read bodies on their own terms (Colyseus' router buffers up to 1 MB,
 * better-call endpoints read whatever comes), so a body limit in express alone would not
 * bound memory. Here a body is refused from its headers, before a byte of it is read:
 * a declared Content-Length over the limit gets 413, a body of unknown length (chunked)
 * gets 411. The gate also answers CORS for the configured origins only and refuses
 * cross-origin writes from other browser origins (see origins.ts).
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { matchMaker } from "@colyseus/core";
import { logger } from "../logger.ts";
import type { OriginPolicy } from "./origins.ts";

/** The largest request body any route accepts: the API's bodies are a few hundred bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

/** Methods a browser may send cross-origin without a preflight's permission to change anything. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const PREFLIGHT_MAX_AGE_SECONDS = 600;

export interface GateOptions {
  origins: OriginPolicy;
  maxBodyBytes?: number;
}

/**
 * An `http.Server` whose "request" (and "checkContinue") events pass the gate first.
 * Colyseus and express attach their listeners to it in whatever order they like —
 * Colyseus even prepends its own — so the gate sits in `emit`, ahead of all of them.
 */
class GatedServer extends http.Server {
  constructor(private readonly admit: (req: IncomingMessage, res: ServerResponse) => boolean) {
    super();
    // With a listener here, Node asks before sending "100 Continue": a refused body is
    // then never uploaded at all.
    this.on("checkContinue", () => {});
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== "request" && event !== "checkContinue") return super.emit(event as string, ...args);
    const [req, res] = args as [IncomingMessage, ServerResponse];
    if (!this.admit(req, res)) return true;
    if (event === "checkContinue") {
      res.writeContinue();
      return super.emit("request", req, res);
    }
    return super.emit(event, req, res);
  }
}

/**
 * Creates the HTTP server the WebSocket transport and express are attached to.
 * Also silences Colyseus' own CORS, which allows every origin with credentials.
 */
export function createGatedServer(options: GateOptions): http.Server {
  disableColyseusCors();
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const server = new GatedServer((req, res) => admit(req, res, options.origins, maxBodyBytes));
  // A 16 KB body never takes long to arrive: a client that trickles one holds a socket.
  server.requestTimeout = 30_000;
  server.headersTimeout = 20_000;
  return server;
}

/** Colyseus answers CORS for any Origin (with credentials) on every response; the gate answers instead. */
function disableColyseusCors(): void {
  const controller = matchMaker.controller as {
    DEFAULT_CORS_HEADERS: Record<string, string>;
    getCorsHeaders: (headers: Headers) => Record<string, string>;
  };
  controller.DEFAULT_CORS_HEADERS = {};
  controller.getCorsHeaders = () => ({});
}

/** Runs the checks; false when the gate answered the request itself. */
function admit(req: IncomingMessage, res: ServerResponse, origins: OriginPolicy, maxBodyBytes: number): boolean {
  res.setHeader("X-Content-Type-Options", "nosniff");
  const origin = req.headers.origin;
  // Caches must not hand one origin's answer (with or without the CORS header) to another.
  if (origins.listsAny) res.setHeader("Vary", "Origin");
  if (origins.isListed(origin)) {
    res.setHeader("Access-Control-Allow-Origin", origin);
    res.setHeader("Access-Control-Expose-Headers", "Retry-After");
  }
  if (req.method === "OPTIONS") {
    answerPreflight(req, res, origins.isListed(origin));
    return false;
  }
  const declared = req.headers["content-length"];
  if (declared === undefined && req.headers["transfer-encoding"] !== undefined) {
    refuse(req, res, 411, "a request body needs a Content-Length header (chunked bodies are not accepted)");
    return false;
  }
  if (declared !== undefined && Number(declared) > maxBodyBytes) {
    refuse(req, res, 413, `request body is too large (at most ${maxBodyBytes} bytes)`);
    return false;
  }
  if (!SAFE_METHODS.has(req.method ?? "GET") && !origins.admits(req)) {
    refuse(req, res, 403, "cross-origin request refused: this origin is not allowed (CORS_ORIGINS)");
    return false;
  }
  return true;
}

/** Preflights get the methods and headers the API uses, and only listed origins get the permission. */
function answerPreflight(req: IncomingMessage, res: ServerResponse, allowed: boolean): void {
  if (allowed) {
    res.setHeader("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE");
    res.setHeader("Access-Control-Allow-Headers", "Content-Type, Authorization");
    res.setHeader("Access-Control-Max-Age", String(PREFLIGHT_MAX_AGE_SECONDS));
  }
  res.writeHead(204).end();
  drain(req);
}

/**
 * Answers with a JSON error and closes the connection: the body that was refused may still
 * be on its way, and the socket is not worth keeping for this client.
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, error: string): void {
  const body = JSON.stringify({ error });
  res
    .writeHead(status, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": Buffer.byteLength(body),
      Connection: "close",
    })
    .end(body);
  drain(req);
  logger.info("http", { method: req.method, path: (req.url ?? "/").split("?")[0], status, durationMs: 0 });
}

/**
 * Reads and discards whatever body arrives, without keeping it, until the connection
 * closes — so the client reads our answer instead of a reset.
 */
function drain(req: IncomingMessage): void {
  req.resume();
}
