/**
 * The HTTP side against hostile clients, on a real server and database with the real
 * limits (RATE_LIMIT_MULTIPLIER=1): body limits at the HTTP server (413, 411), JSON-only
 * accounts (415), rate limits (429 + Retry-After) on sign-in, sign-up, guests, play and
 * admin authentication, the per-email sign-in lockout and its backoff, the same answer
 * for an unknown email as for a wrong password, forgot-password, security headers, CORS
 * and WebSocket origins, and malformed ids (never a 500).
 *
 * The server trusts one proxy hop (TRUST_PROXY=1) so each test can speak from its own
 * client address (X-Forwarded-For) and the per-IP limits of one test do not spill into
 * the next.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { JWT } from "@colyseus/auth";
import { LocalPresence } from "@colyseus/core";
import { dummyVerificationCount } from "../src/auth/accounts.ts";
import { LOGIN_LOCKOUT, LoginLockout } from "../src/auth/lockout.ts";
import { Account } from "../src/db/models.ts";
import { MAX_BODY_BYTES } from "../src/http/gate.ts";
import { RATE_LIMITS } from "../src/http/rateLimits.ts";
import { createCharacter, startTestGame, TEST_JWT_SECRET, waitFor, type TestGame } from "./helpers.ts";

const FRIEND = "https://friend.example";
const STRANGER = "https://evil.example";
const ADMIN = { user: "operator", password: "operator-password-123" };
const PASSWORD = "correct horse battery";

let game: TestGame;
let url: string;
before(async () => {
  game = await startTestGame({
    RATE_LIMIT_MULTIPLIER: "1",
    TRUST_PROXY: "1",
    LOGIN_LOCKOUT_SECONDS: "1",
    CORS_ORIGINS: FRIEND,
    ADMIN_USER: ADMIN.user,
    ADMIN_PASSWORD: ADMIN.password,
  });
  url = game.baseUrl;
});
after(async () => {
  await game.stop();
});

let lastAddress = 0;
/** A client address of its own (documentation range), so per-IP limits start at zero. */
function newClientIp(): string {
  lastAddress++;
  return `198.51.${Math.floor(lastAddress / 250)}.${(lastAddress % 250) + 1}`;
}

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/** One HTTP request from a client address, with JSON in and out. */
async function call(
  method: string,
  route: string,
  options: {
    ip?: string;
    body?: unknown;
    rawBody?: string;
    token?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { "x-forwarded-for": options.ip ?? newClientIp(), ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] ??= "application/json";
  const response = await fetch(url + route, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: response.status, body, headers: response.headers };
}

let accounts = 0;
async function register(ip = newClientIp()): Promise<{ email: string; token: string; id: string }> {
  const email = `security${++accounts}@example.com`;
  const res = await call("POST", "/auth/register", { ip, body: { email, password: PASSWORD } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { email, token: res.body.token, id: res.body.user.id };
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

/** Asserts a rate limit's answer: 429, a positive Retry-After, `{ error: "Too many requests: try again in …", code: "too_many_requests" }`. */
function assertLimited(res: Answer, what: string): void {
  assert.equal(res.status, 429, `${what}: ${JSON.stringify(res.body)}`);
  assert.ok(Number(res.headers.get("retry-after")) > 0, `${what}: Retry-After is ${res.headers.get("retry-after")}`);
  assert.equal(res.body.code, "too_many_requests", what);
  assert.match(res.body.error, /^Too many requests: try again in \d+ (seconds?|minutes)\.$/, what);
}

/** A raw request whose headers declare what the test wants, whatever the body really is. */
function rawRequest(
  route: string,
  headers: Record<string, string | number>,
  body?: string,
): Promise<{ status: number; body: string; continued: boolean }> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = http.request(url + route, { method: "POST", headers: { "x-forwarded-for": newClientIp(), ...headers } }, (res) => {
      let text = "";
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, continued }));
    });
    req.on("continue", () => {
      continued = true;
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    // An oversized declared length is never sent: the answer must come from the headers alone.
    if (!headers["content-length"] || Number(headers["content-length"]) <= MAX_BODY_BYTES) req.end();
    else req.flushHeaders();
  });
}

describe("request bodies", () => {
  it("are refused over 16 KB with 413 JSON on every route, Colyseus' matchmaking included", async () => {
    const { token } = await register();
    const oversized = JSON.stringify({ email: "a@example.com", password: "x".repeat(MAX_BODY_BYTES) });
    for (const route of ["/auth/login", "/auth/register", "/api/characters", "/matchmake/joinOrCreate/zone"]) {
      const res = await call("POST", route, { token, rawBody: oversized, headers: { "content-type": "application/json" } });
      assert.equal(res.status, 413, route);
      assert.match(res.body.error, /request body is too large \(at most 16384 bytes\)/, route);
    }
    const within = await call("POST", "/api/characters", { token, body: { name: "n".repeat(MAX_BODY_BYTES - 100) } });
    assert.equal(within.status, 400, "a body within the limit is read, and judged on its content");
    assert.match(within.body.error, /name/);
  });

  it("are refused from the headers alone: a 200 MB Content-Length gets 413 before any byte is sent, and no 100 Continue", async () => {
    const declared = await rawRequest("/auth/login", { "content-type": "application/json", "content-length": 200 * 1024 * 1024 });
    assert.equal(declared.status, 413);
    const expecting = await rawRequest("/matchmake/joinOrCreate/zone", {
      "content-type": "application/json",
      "content-length": 1024 * 1024,
      expect: "100-continue",
    });
    assert.equal(expecting.status, 413);
    assert.equal(expecting.continued, false, "the client was never invited to send the body");
  });

  it("without a Content-Length (chunked) get 411", async () => {
    for (const route of ["/auth/login", "/matchmake/joinOrCreate/zone", "/api/characters"]) {
      const res = await rawRequest(route, { "content-type": "application/json", "transfer-encoding": "chunked" }, "{}");
      assert.equal(res.status, 411, route);
      assert.match(JSON.parse(res.body).error, /Content-Length/);
    }
  });

  it("on /auth must be JSON: a form-encoded sign-up gets 415 and creates no account", async () => {
    const email = "form.post@example.com";
    const res = await call("POST", "/auth/register", {
      rawBody: `email=${encodeURIComponent(email)}&password=long-enough-1`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(res.status, 415);
    assert.equal(res.body.error, "Send the request body as JSON (Content-Type: application/json).");
    const text = await call("POST", "/auth/login", { rawBody: "{}", headers: { "content-type": "text/plain" } });
    assert.equal(text.status, 415);
    assert.equal(await Account.countDocuments({ emailKey: email }), 0);
  });

  it("with NoSQL operators or wrong types get 400, never a lookup", async () => {
    for (const body of [{ email: { $gt: "" }, password: "x" }, { email: "a@example.com", password: { $ne: null } }, ["a"], {}]) {
      for (const route of ["/auth/login", "/auth/register"]) {
        const res = await call("POST", route, { body });
        assert.equal(res.status, 400, `${route} ${JSON.stringify(body)}`);
      }
    }
    const malformed = await call("POST", "/auth/register", { body: { email: "not-an-email", password: PASSWORD } });
    assert.deepEqual(
      malformed.body,
      { error: "That email address does not look right. Check it and try again.", code: "email_malformed" },
      "a sentence for the player, @colyseus/auth's code for programs",
    );
    const short = await call("POST", "/auth/register", { body: { email: "short.pw@example.com", password: "12345" } });
    assert.deepEqual(short.body, { error: "That password is too short: use at least 6 characters.", code: "password_too_short" });
  });
});

describe("rate limits", () => {
  it(`sign-in: ${RATE_LIMITS.login.limit} attempts per IP per ${RATE_LIMITS.login.windowSeconds} s, then 429 with Retry-After`, async () => {
    const ip = newClientIp();
    for (let i = 0; i < RATE_LIMITS.login.limit; i++) {
      // Different emails each time: the per-email lockout stays out of the way.
      const res = await call("POST", "/auth/login", { ip, body: { email: `nobody${i}@example.com`, password: "wrong-password" } });
      assert.equal(res.status, 401, `attempt ${i + 1}`);
    }
    assertLimited(await call("POST", "/auth/login", { ip, body: { email: "nobody@example.com", password: "wrong-password" } }), "login");
    const elsewhere = await call("POST", "/auth/login", { body: { email: "nobody@example.com", password: "wrong-password" } });
    assert.equal(elsewhere.status, 401, "another address is not limited");
  });

  it(`sign-up: ${RATE_LIMITS.register.limit} per IP per hour, failed ones included`, async () => {
    const ip = newClientIp();
    await register(ip);
    for (let i = 1; i < RATE_LIMITS.register.limit; i++) {
      assert.equal((await call("POST", "/auth/register", { ip, body: { email: "bad", password: PASSWORD } })).status, 400);
    }
    const email = "one.too.many@example.com";
    assertLimited(await call("POST", "/auth/register", { ip, body: { email, password: PASSWORD } }), "register");
    assert.equal(await Account.countDocuments({ emailKey: email }), 0);
  });

  it(`guests: ${RATE_LIMITS.guest.limit} per IP per hour`, async () => {
    const ip = newClientIp();
    for (let i = 0; i < RATE_LIMITS.guest.limit; i++) {
      assert.equal((await call("POST", "/auth/anonymous", { ip, body: {} })).status, 200, `guest ${i + 1}`);
    }
    const before = await Account.countDocuments({ anonymous: true });
    assertLimited(await call("POST", "/auth/anonymous", { ip, body: {} }), "guest");
    assert.equal(await Account.countDocuments({ anonymous: true }), before, "no account made");
  });

  it(`play: ${RATE_LIMITS.play.limit} per account per minute`, async () => {
    const player = await register();
    const character = await createCharacter(url, player.token, "Rate_Limited");
    const nobody = crypto.randomBytes(12).toString("hex");
    for (let i = 1; i < RATE_LIMITS.play.limit; i++) {
      assert.equal((await call("POST", `/api/characters/${nobody}/play`, { token: player.token })).status, 404);
    }
    assert.equal((await call("POST", `/api/characters/${character.id}/play`, { token: player.token })).status, 200);
    assertLimited(await call("POST", `/api/characters/${character.id}/play`, { token: player.token }), "play");
    const other = await register();
    assert.equal((await call("POST", `/api/characters/${nobody}/play`, { token: other.token })).status, 404, "another account plays on");
  });

  it(`admin authentication: ${RATE_LIMITS.adminAuth.limit} failures per IP, then every /admin request is 429`, async () => {
    const ip = newClientIp();
    const good = basic(ADMIN.user, ADMIN.password);
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (await call("GET", "/admin/api/online", { ip, headers: { authorization: good } })).status,
        200,
        "successes do not count",
      );
    }
    for (let i = 0; i < RATE_LIMITS.adminAuth.limit; i++) {
      const route = i % 2 ? "/admin/monitor/api" : "/admin/api/online";
      assert.equal((await call("GET", route, { ip, headers: { authorization: basic(ADMIN.user, `guess-${i}`) } })).status, 401);
    }
    assertLimited(await call("GET", "/admin/api/online", { ip, headers: { authorization: good } }), "admin API");
    assertLimited(await call("GET", "/admin/monitor/api", { ip, headers: { authorization: good } }), "monitor");
    assert.equal((await call("GET", "/admin/api/online", { headers: { authorization: good } })).status, 200, "another address is let in");
  });
});

describe("sign-in lockout", () => {
  it(`locks an email after ${LOGIN_LOCKOUT.failures} failures, even for the right password, and a success after the lock resets the count`, async () => {
    const { email } = await register();
    const login = (password: string, as = email) => call("POST", "/auth/login", { body: { email: as, password } });
    for (let i = 0; i < LOGIN_LOCKOUT.failures; i++) assert.equal((await login("wrong-password")).status, 401);
    const locked = await login(PASSWORD, email.toUpperCase());
    assert.equal(locked.status, 429, "any capitalization of the email is the same lock");
    assert.equal(locked.body.code, "too_many_failed_logins");
    assert.match(locked.body.error, /^Too many failed sign-ins for this email\. Try again in \d+ seconds?\.$/);
    assert.ok(Number(locked.headers.get("retry-after")) >= 1);

    // LOGIN_LOCKOUT_SECONDS=1 here: the lock runs out and the right password gets in.
    const admitted = await waitFor(async () => {
      const res = await login(PASSWORD);
      return res.status === 429 ? null : res;
    }, "the lock to run out");
    assert.equal(admitted.status, 200);
    for (let i = 0; i < LOGIN_LOCKOUT.failures - 1; i++) assert.equal((await login("wrong-password")).status, 401);
    assert.equal((await login(PASSWORD)).status, 200, "the success cleared the earlier failures");
  });

  it("locks an email without an account exactly like one with an account", async () => {
    const { email } = await register();
    const unknown = "no.such.account@example.com";
    const answers = async (as: string) => {
      const seen: Array<{ status: number; body: unknown }> = [];
      for (let i = 0; i <= LOGIN_LOCKOUT.failures; i++) {
        const res = await call("POST", "/auth/login", { body: { email: as, password: "wrong-password" } });
        seen.push({ status: res.status, body: { ...res.body, retryAfterSeconds: typeof res.body.retryAfterSeconds } });
      }
      return seen;
    };
    const known = await answers(email);
    assert.deepEqual(await answers(unknown), known);
    assert.equal(known.at(-1)!.status, 429);
  });

  it("backs off: 30 s, then doubling per further failure up to 15 min, one attempt per expired lock, reset by a success (a clock the test controls)", async () => {
    const presence = new LocalPresence();
    let now = 1_000_000;
    const lockout = new LoginLockout(
      30,
      () => presence,
      () => now,
    );
    const email = "target@example.com";
    try {
      for (let i = 0; i < LOGIN_LOCKOUT.failures; i++) assert.deepEqual(await lockout.begin(email), { allowed: true });
      assert.deepEqual(await lockout.begin(email), { allowed: false, retryAfterSeconds: 30 });
      now += 29_000;
      assert.deepEqual(await lockout.begin("TARGET@example.com"), { allowed: false, retryAfterSeconds: 1 });

      let lockEnds = 1_000_000 + 30_000;
      for (const seconds of [60, 120, 240, 480, 900, 900]) {
        now = lockEnds;
        // The lock ran out: of two attempts at once, one is let through (and fails)...
        const pair = await Promise.all([lockout.begin(email), lockout.begin(email)]);
        assert.equal(pair.filter((attempt) => attempt.allowed).length, 1, `one attempt when the lock before ${seconds} s ran out`);
        // ...which brings a lock twice as long as the last, up to 15 minutes.
        assert.deepEqual(await lockout.begin(email), { allowed: false, retryAfterSeconds: seconds });
        lockEnds = now + seconds * 1000;
      }

      await lockout.succeeded(email);
      for (let i = 0; i < LOGIN_LOCKOUT.failures; i++) assert.deepEqual(await lockout.begin(email), { allowed: true }, "a fresh start");

      // A burst of parallel guesses cannot pass the threshold while the first are verified.
      const burst = await Promise.all(Array.from({ length: 50 }, () => lockout.begin("burst@example.com")));
      assert.equal(burst.filter((a) => a.allowed).length, LOGIN_LOCKOUT.failures);
    } finally {
      for (const timer of Object.values((presence as unknown as { timeouts: Record<string, NodeJS.Timeout> }).timeouts))
        clearTimeout(timer);
    }
  });
});

describe("sign-in answers", () => {
  it("are the same for an unknown email as for a wrong password, and an unknown email costs a scrypt verification too", async () => {
    const { email } = await register();
    const before = dummyVerificationCount();
    const wrongPassword = await call("POST", "/auth/login", { body: { email, password: "not-the-password" } });
    assert.equal(dummyVerificationCount(), before, "a real account is verified against its own hash");
    const unknownEmail = await call("POST", "/auth/login", {
      body: { email: "never.registered@example.com", password: "not-the-password" },
    });
    assert.equal(dummyVerificationCount(), before + 1, "an unknown email is verified against the dummy hash");
    assert.deepEqual(
      { status: unknownEmail.status, body: unknownEmail.body, type: unknownEmail.headers.get("content-type") },
      { status: wrongPassword.status, body: wrongPassword.body, type: wrongPassword.headers.get("content-type") },
    );
    assert.deepEqual(wrongPassword.body, {
      error: "That email and password do not match an account. Check them and try again.",
      code: "invalid_credentials",
    });
    assert.equal(wrongPassword.status, 401);
  });

  it("keep @colyseus/auth's wire format: { user, token } without the hash, 409 for a taken email, /auth/userdata", async () => {
    const { email, token, id } = await register();
    const login = await call("POST", "/auth/login", { body: { email, password: PASSWORD } });
    assert.equal(login.status, 200);
    assert.deepEqual(login.body.user, { id, email, anonymous: false, roles: [] });
    assert.equal(typeof login.body.token, "string");
    const taken = await call("POST", "/auth/register", { body: { email: email.toUpperCase(), password: PASSWORD } });
    assert.deepEqual(
      { status: taken.status, body: taken.body },
      {
        status: 409,
        body: { error: "An account with this email already exists. Sign in instead, or use another email.", code: "email_already_in_use" },
      },
    );
    const userdata = await call("GET", "/auth/userdata", { token });
    assert.deepEqual(userdata.body, { user: { id, email, anonymous: false, roles: [] } });
    assert.equal((await call("GET", "/auth/userdata")).status, 401);
  });
});

describe("endpoints OatNut does not offer", () => {
  it("forgot-password answers 501 and writes nothing to errors.log", async () => {
    const errorsLog = path.join(game.config.logDir, "errors.log");
    const size = () => (fs.existsSync(errorsLog) ? fs.statSync(errorsLog).size : 0);
    const before = size();
    const res = await call("POST", "/auth/forgot-password", { body: { email: "someone@example.com" } });
    assert.deepEqual(
      { status: res.status, body: res.body },
      {
        status: 501,
        body: {
          error: "Password reset is not available on this server. Ask the game's operator to reset your password.",
          code: "password_reset_unavailable",
        },
      },
    );
    assert.equal(size(), before);
  });

  it("reset-password, confirm-email and OAuth are not mounted (404)", async () => {
    for (const [method, route] of [
      ["GET", "/auth/reset-password"],
      ["POST", "/auth/reset-password"],
      ["GET", "/auth/confirm-email"],
      ["GET", "/auth/provider/discord"],
    ]) {
      assert.equal((await call(method, route, method === "POST" ? { body: {} } : {})).status, 404, route);
    }
  });
});

describe("security headers", () => {
  it("on the game page: a strict CSP, nosniff, no framing, no referrer", async () => {
    const res = await call("GET", "/");
    const csp = res.headers.get("content-security-policy") ?? "";
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "object-src 'none'",
      "frame-ancestors 'none'",
      "connect-src 'self'",
    ]) {
      assert.ok(csp.split(";").includes(directive), `${directive} in ${csp}`);
    }
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline|data:|blob:/);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("x-frame-options"), "DENY");
    assert.equal(res.headers.get("referrer-policy"), "no-referrer");
  });

  it("on the monitor: its own policy, still without eval and framing", async () => {
    const res = await call("GET", "/admin/monitor/", { headers: { authorization: basic(ADMIN.user, ADMIN.password) } });
    const csp = res.headers.get("content-security-policy") ?? "";
    assert.match(csp, /style-src 'self' 'unsafe-inline'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-eval/);
  });
});

describe("CORS", () => {
  it("answers a foreign origin with no Access-Control-Allow-Origin anywhere, and never allows credentials", async () => {
    const { token } = await register();
    for (const [method, route] of [
      ["GET", "/"],
      ["GET", "/api/characters"],
      ["GET", "/admin/api/online"],
      ["OPTIONS", "/matchmake/joinOrCreate/zone"],
      ["OPTIONS", "/auth/login"],
    ]) {
      const res = await call(method, route, { token, headers: { origin: STRANGER, "access-control-request-method": "POST" } });
      assert.equal(res.headers.get("access-control-allow-origin"), null, `${method} ${route}`);
      assert.equal(res.headers.get("access-control-allow-credentials"), null, `${method} ${route}`);
    }
  });

  it("refuses writes from a foreign browser origin (403) and lets a listed origin in", async () => {
    const email = "cross.site@example.com";
    const refused = await call("POST", "/auth/register", { headers: { origin: STRANGER }, body: { email, password: PASSWORD } });
    assert.equal(refused.status, 403);
    assert.equal(await Account.countDocuments({ emailKey: email }), 0);

    const preflight = await call("OPTIONS", "/auth/register", { headers: { origin: FRIEND, "access-control-request-method": "POST" } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), FRIEND);
    assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /Authorization/);
    const allowed = await call("POST", "/auth/register", { headers: { origin: FRIEND }, body: { email, password: PASSWORD } });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get("access-control-allow-origin"), FRIEND);
    assert.equal(allowed.headers.get("access-control-allow-credentials"), null, "Bearer tokens, not cookies");
    const sameOrigin = await call("POST", "/auth/login", { headers: { origin: url }, body: { email, password: PASSWORD } });
    assert.equal(sameOrigin.status, 200, "the page's own origin is always welcome");
  });
});

/** Opens a WebSocket handshake with the given Origin (or none); resolves with the HTTP status (101 = upgraded). */
function upgrade(origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/`, {
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": crypto.randomBytes(16).toString("base64"),
        ...(origin ? { origin } : {}),
      },
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("WebSocket origins", () => {
  it("refuses an upgrade from a foreign origin and allows listed, same-origin and Origin-less ones", async () => {
    assert.equal(await upgrade(STRANGER), 403);
    assert.equal(await upgrade("null"), 403, "sandboxed frames and file: pages are foreign too");
    assert.equal(await upgrade(FRIEND), 101);
    assert.equal(await upgrade(url), 101);
    assert.equal(await upgrade(), 101, "non-browser clients (the SDK in Node, bots) send no Origin");
  });
});

describe("malformed ids", () => {
  const token = (payload: object, options: object = {}) => JWT.sign(payload, options) as Promise<string>;

  it("in a correctly signed token get 401 on every route that reads them, never 500", async () => {
    for (const id of ["not-an-object-id", "aaaaaaaaaaaa", 12345, { $gt: "" }, null]) {
      const forged = await token({ id, anonymous: false, roles: ["admin"] });
      for (const [method, route] of [
        ["GET", "/api/characters"],
        ["POST", "/api/characters"],
        ["GET", "/auth/userdata"],
        ["GET", "/admin/api/online"],
      ]) {
        const res = await call(method, route, { token: forged, ...(method === "POST" ? { body: { name: "Some_Name" } } : {}) });
        assert.equal(res.status, 401, `${method} ${route} with id ${JSON.stringify(id)}: ${JSON.stringify(res.body)}`);
      }
    }
    const gone = await token({ id: crypto.randomBytes(12).toString("hex"), anonymous: false, roles: [] });
    assert.equal((await call("GET", "/api/characters", { token: gone })).status, 401, "a well-formed id of no account");
  });

  it("in a URL get 400 on every route that takes one, never 500", async () => {
    const { token: bearer } = await register();
    for (const id of ["not-an-id", "aaaaaaaaaaaa", "12345", "%24gt", "0".repeat(25)]) {
      assert.equal((await call("DELETE", `/api/characters/${id}`, { token: bearer })).status, 400, `DELETE ${id}`);
      assert.equal((await call("POST", `/api/characters/${id}/play`, { token: bearer })).status, 400, `play ${id}`);
    }
  });

  it("and tokens that are forged, expired or unsigned (alg: none) still get 401", async () => {
    const { id } = await register();
    const expired = await token({ id, anonymous: false, roles: [] }, { expiresIn: -10 });
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    const claims = Buffer.from(JSON.stringify({ id, anonymous: false, roles: ["admin"] })).toString("base64url");
    const unsigned = `${header}.${claims}.`;
    const otherSecret = await new Promise<string>((resolve) => {
      const secret = JWT.settings.secret;
      JWT.settings.secret = "another-secret-that-is-long-enough";
      void JWT.sign({ id, anonymous: false, roles: [] }).then((signed) => {
        JWT.settings.secret = secret ?? TEST_JWT_SECRET;
        resolve(signed as string);
      });
    });
    for (const bad of [expired, unsigned, otherSecret]) {
      for (const route of ["/api/characters", "/auth/userdata", "/admin/api/online"]) {
        assert.equal((await call("GET", route, { token: bad })).status, 401, route);
      }
    }
  });
});
