/**
 * The account routes under /auth, in @colyseus/auth's wire format (the SDK's
 * `client.auth.*` works unchanged): register, login, anonymous, userdata; forgot-password
 * answers 501. Errors are `{ "error": "<a sentence saying what to do>", "code": "<code>" }`:
 * the sentence is what a player reads, the code @colyseus/auth's (for programs).
 *
 * Not `auth.routes()`: those read bodies of any size and type (a cross-site form could
 * register), log every failed sign-in as an error, skip the password check for unknown
 * emails (the answer time tells which exist), and have no rate limit or lockout. These keep
 * its settings callbacks, `Hash`, `JWT` and `auth.middleware()`.
 */
import { auth, Hash, JWT, type JwtPayload } from "@colyseus/auth";
import { MIN_PASSWORD_LENGTH } from "@oatnut/shared";
import express, { Router, type Request, type RequestHandler } from "express";
import { apiErrorHandler, HttpError, route, waitInWords } from "../http/errors.ts";
import type { RateLimiters } from "../http/rateLimits.ts";
import { recordSignIn, verifyPassword } from "./accounts.ts";
import { guestNotice } from "../persistence/guests.ts";
import type { LoginLockout } from "./lockout.ts";

/** What a player reads when sign-up or sign-in is refused. */
export const AUTH_ERRORS = {
  credentialsMissing: "Enter an email address and a password.",
  emailMalformed: "That email address does not look right. Check it and try again.",
  passwordTooShort: `That password is too short: use at least ${MIN_PASSWORD_LENGTH} characters.`,
  emailInUse: "An account with this email already exists. Sign in instead, or use another email.",
  invalidCredentials: "That email and password do not match an account. Check them and try again.",
  resetUnavailable: "Password reset is not available on this server. Ask the game's operator to reset your password.",
  notJson: "Send the request body as JSON (Content-Type: application/json).",
} as const;

/** The answer to a sign-in while the email is locked out. */
export function lockedOutMessage(retryAfterSeconds: number): string {
  return `Too many failed sign-ins for this email. Try again in ${waitInWords(retryAfterSeconds)}.`;
}

/** Longest email accepted (RFC 5321's path limit). */
const MAX_EMAIL_LENGTH = 254;
/** The email check of @colyseus/auth (zod's `z.email()` pattern). */
const EMAIL_PATTERN = /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

export interface AuthRouteDeps {
  limits: Pick<RateLimiters, "login" | "register" | "guest">;
  /** GUEST_RETENTION_DAYS: what a guest is told when it signs in. */
  guestRetentionDays: number;
  lockout: LoginLockout;
  /** Rejects tokens that are malformed or whose account is gone (after `auth.middleware()`). */
  accountExists: RequestHandler;
}

type UserRecord = Record<string, unknown> & { password?: string };

/** The /auth router (mount it at /auth). */
export function authRouter(deps: AuthRouteDeps): Router {
  const router = Router();
  router.use(jsonBodiesOnly, express.json({ limit: "4kb" }));

  router.post(
    "/register",
    deps.limits.register,
    route(async (req, res, _next, answered) => {
      const { email, password } = credentials(req);
      if (password.length < MIN_PASSWORD_LENGTH) throw new HttpError(400, AUTH_ERRORS.passwordTooShort, "password_too_short");
      if (await auth.settings.onFindUserByEmail(email)) throw new HttpError(409, AUTH_ERRORS.emailInUse, "email_already_in_use");
      const passwordHash = await Hash.make(password);
      // The player was told this sign-up failed (503, the database stalled): create nothing.
      answered.throwIfAborted();
      try {
        await auth.settings.onRegisterWithEmailAndPassword(email, passwordHash, {});
      } catch (error) {
        // Two sign-ups for one email raced past the check above: the unique index decided.
        if ((error as Error).message === "email_already_in_use") throw new HttpError(409, AUTH_ERRORS.emailInUse, "email_already_in_use");
        throw error;
      }
      res.json(await signedIn(await auth.settings.onFindUserByEmail(email)));
    }),
  );

  router.post(
    "/login",
    deps.limits.login,
    route(async (req, res, _next, answered) => {
      const { email, password } = credentials(req);
      // The account is read before the attempt is counted: a lookup that fails (the
      // database is down) must not count as a wrong password toward the lockout. Once
      // counted, nothing but the password check decides the outcome.
      const user = (await auth.settings.onFindUserByEmail(email)) as UserRecord | null;
      const attempt = await deps.lockout.begin(email);
      if (!attempt.allowed) {
        const { retryAfterSeconds } = attempt;
        res
          .status(429)
          .set("Retry-After", String(retryAfterSeconds))
          .json({ error: lockedOutMessage(retryAfterSeconds), code: "too_many_failed_logins", retryAfterSeconds });
        return;
      }
      // Unknown emails are verified too (against a dummy hash): same answer, same time.
      const passwordMatches = await verifyPassword(password, user?.password);
      if (!user || !passwordMatches) throw new HttpError(401, AUTH_ERRORS.invalidCredentials, "invalid_credentials");
      await deps.lockout.succeeded(email);
      // Answered 503 already (the lookup outlasted a stall): nobody is waiting for a token.
      answered.throwIfAborted();
      const banned = await auth.settings.onCheckBanned?.(user);
      if (banned) {
        const until = banned.until instanceof Date ? banned.until.toISOString() : (banned.until ?? null);
        res.status(403).json({
          error:
            `This account is banned${until ? ` until ${until}` : ""}${banned.reason ? `: ${banned.reason}` : ""}. ` +
            "Ask the game's operator if you think this is a mistake.",
          code: "banned",
          reason: banned.reason ?? null,
          until,
        });
        return;
      }
      await recordSignIn(String(user.id));
      res.json(await signedIn(user));
    }),
  );

  router.post(
    "/anonymous",
    deps.limits.guest,
    route(async (_req, res) => {
      // The guest is told, in words and as a number, how long its characters are kept without play.
      res.json({
        ...(await signedIn(await auth.settings.onRegisterAnonymously({}))),
        guestRetentionDays: deps.guestRetentionDays,
        notice: guestNotice(deps.guestRetentionDays),
      });
    }),
  );

  router.get(
    "/userdata",
    auth.middleware(),
    deps.accountExists,
    route(async (req, res) => {
      const token = (req as Request & { auth: JwtPayload }).auth;
      res.json({ user: auth.settings.onParseToken ? await auth.settings.onParseToken(token) : token });
    }),
  );

  // No mail is configured, so there is no reset link to send: say so, instead of
  // pretending to have sent one.
  router.post("/forgot-password", (_req, _res, next) =>
    next(new HttpError(501, AUTH_ERRORS.resetUnavailable, "password_reset_unavailable")),
  );

  router.use((req, _res, next) =>
    next(new HttpError(404, `There is no auth route ${req.method} ${req.originalUrl.split("?")[0]}. Check the address.`)),
  );
  router.use(apiErrorHandler);
  return router;
}

/**
 * Bodies on /auth are JSON or nothing: a form-encoded or text body (what a cross-site
 * form can send without a preflight) is refused before anything reads it.
 */
const jsonBodiesOnly: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.headers["content-length"] ?? 0) > 0;
  if (hasBody && !req.is("application/json")) {
    next(new HttpError(415, AUTH_ERRORS.notJson));
    return;
  }
  next();
};

/** The email (trimmed) and password of a register or login body. @throws HttpError 400 */
function credentials(req: Request): { email: string; password: string } {
  const body = req.body as { email?: unknown; password?: unknown } | undefined;
  if (typeof body?.email !== "string" || typeof body.password !== "string") {
    throw new HttpError(400, AUTH_ERRORS.credentialsMissing);
  }
  const email = body.email.trim();
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(email))
    throw new HttpError(400, AUTH_ERRORS.emailMalformed, "email_malformed");
  return { email, password: body.password };
}

/** `{ user, token }` for a user record: the password hash never leaves. */
async function signedIn(record: unknown): Promise<{ user: Record<string, unknown>; token: string }> {
  const { password: _hash, ...user } = (record ?? {}) as UserRecord;
  const token = auth.settings.onGenerateToken ? await auth.settings.onGenerateToken(user) : await JWT.sign(user);
  return { user, token: String(token) };
}
