/**
 * Every rate limit of the HTTP side, in one table, and the express middlewares that
 * enforce them (express-rate-limit). A limited request gets 429, a `Retry-After` header
 * (seconds) and `{ "error": "Too many requests: try again in 42 seconds.", "code": "too_many_requests",
 * "retryAfterSeconds": 42 }`.
 *
 * The counters live in Colyseus presence (fixed windows: one key per client and window),
 * not in express-rate-limit's memory store: with the Redis presence of a multi-process
 * deployment the limits then hold across every process, not per process.
 *
 * The per-account lockout after failed sign-ins is in auth/lockout.ts.
 */
import { matchMaker, type Presence } from "@colyseus/core";
import type { RequestHandler } from "express";
import { rateLimit, type Options, type Store, type IncrementResponse, type ClientRateLimitInfo } from "express-rate-limit";
import { requestAccount } from "../auth/accounts.ts";
import type { Config } from "../config.ts";
import { logger } from "../logger.ts";
import { waitInWords } from "./errors.ts";

export interface RateLimitRule {
  /** Requests (or failures) allowed per window, before RATE_LIMIT_MULTIPLIER. */
  limit: number;
  windowSeconds: number;
  /** Who is counted: the client IP (behind TRUST_PROXY hops) or the signed-in account. */
  per: "ip" | "account";
  /** Count only the requests that fail authentication (401), not every request. */
  failuresOnly?: boolean;
}

/** The limits. Each figure is multiplied by RATE_LIMIT_MULTIPLIER (1 in production). */
export const RATE_LIMITS = {
  /** POST /auth/login: every attempt costs a scrypt verification. */
  login: { limit: 30, windowSeconds: 5 * 60, per: "ip" },
  /** POST /auth/register: accounts are cheap to make and each costs a scrypt hash. */
  register: { limit: 10, windowSeconds: 60 * 60, per: "ip" },
  /** POST /auth/anonymous: every guest is an account in the database. */
  guest: { limit: 20, windowSeconds: 60 * 60, per: "ip" },
  /**
   * POST /api/characters/:id/play: each one takes the character over and reserves a seat.
   * Per account, not per IP: players behind one NAT each play their own.
   */
  play: { limit: 30, windowSeconds: 60, per: "account" },
  /** Failed authentications on /admin (basic auth or Bearer), then every /admin request. */
  adminAuth: { limit: 10, windowSeconds: 15 * 60, per: "ip", failuresOnly: true },
} as const satisfies Record<string, RateLimitRule>;

export type RateLimitName = keyof typeof RATE_LIMITS;
export type RateLimiters = Record<RateLimitName, RequestHandler>;

/**
 * Builds one express middleware per rule of {@link RATE_LIMITS}.
 * @param config the multiplier to apply to every limit
 */
export function createRateLimiters(config: Pick<Config, "rateLimitMultiplier">): RateLimiters {
  const entries = Object.entries(RATE_LIMITS) as Array<[RateLimitName, RateLimitRule]>;
  return Object.fromEntries(entries.map(([name, rule]) => [name, limiter(name, rule, config.rateLimitMultiplier)])) as RateLimiters;
}

function limiter(name: string, rule: RateLimitRule, multiplier: number): RequestHandler {
  const options: Partial<Options> = {
    windowMs: rule.windowSeconds * 1000,
    limit: rule.limit * multiplier,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    store: new PresenceStore(`ratelimit:${name}:`),
    handler: (_req, res) => {
      const retryAfterSeconds = Number(res.getHeader("Retry-After")) || rule.windowSeconds;
      res.status(429).json({
        error: `Too many requests: try again in ${waitInWords(retryAfterSeconds)}.`,
        code: "too_many_requests",
        retryAfterSeconds,
      });
    },
    // A header any client can send must not make express-rate-limit write to errors.log;
    // TRUST_PROXY (documented) is what makes X-Forwarded-For count.
    validate: { xForwardedForHeader: false, forwardedHeader: false },
    logger: { warn: (message: unknown) => logger.warn(String(message)), error: (message: unknown) => logger.warn(String(message)) },
  };
  if (rule.per === "account") options.keyGenerator = (req) => requestAccount(req).id;
  if (rule.failuresOnly) {
    options.skipSuccessfulRequests = true;
    options.requestWasSuccessful = (_req, res) => res.statusCode !== 401;
  }
  return rateLimit(options);
}

/**
 * An express-rate-limit store on Colyseus presence: a fixed window per client, one counter
 * key per window (`<prefix><client>:<window number>`) that expires with the window. Only
 * `incr`, `decr`, `expire`, `get` and `del` are used, which RedisPresence has too.
 */
export class PresenceStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    readonly prefix: string,
    private readonly presence: () => Presence = () => matchMaker.presence,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const { name, resetTime } = this.slot(key);
    const totalHits = Number(await this.presence().incr(name));
    await this.presence().expire(name, this.ttlSeconds());
    return { totalHits, resetTime };
  }

  async decrement(key: string): Promise<void> {
    const { name } = this.slot(key);
    await this.presence().decr(name);
    // decr on a key that just expired creates it again: give it a lifetime too.
    await this.presence().expire(name, this.ttlSeconds());
  }

  async resetKey(key: string): Promise<void> {
    await this.presence().del(this.slot(key).name);
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const { name, resetTime } = this.slot(key);
    const hits = await this.presence().get(name);
    return hits === undefined || hits === null ? undefined : { totalHits: Number(hits), resetTime };
  }

  private slot(key: string): { name: string; resetTime: Date } {
    const window = Math.floor(Date.now() / this.windowMs);
    return { name: `${this.prefix}${key}:${window}`, resetTime: new Date((window + 1) * this.windowMs) };
  }

  private ttlSeconds(): number {
    return Math.ceil(this.windowMs / 1000) + 1;
  }
}
