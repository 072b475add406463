/**
 * Turning failures of SDK calls into text fit to show the player.
 *
 * `client.http` throws a `ServerError` whose message is the JSON body's `message` or
 * `error` field (our API answers `{ error }`), and whose `code` is the HTTP status; a
 * network failure is also a `ServerError`, with a non-numeric or missing code.
 */
import { ServerError } from "@colyseus/sdk";

/**
 * What a player is told when the server no longer has the account its saved sign-in
 * belongs to. Not "wrong password" or "session expired": they did nothing wrong, and
 * signing in again cannot work.
 */
export const ACCOUNT_GONE_MESSAGE =
  "The account you were signed in with no longer exists on this server " + "(its data was lost or removed). Sign up again to play.";

/** The auth routes answer with error codes (@colyseus/auth's) rather than sentences. */
const AUTH_CODES: Record<string, string> = {
  account_not_found: ACCOUNT_GONE_MESSAGE,
  invalid_credentials: "Wrong email or password.",
  email_malformed: "Please enter a valid email address.",
  password_too_short: "That password is too short.",
  email_already_in_use: "An account with this email already exists.",
  banned: "This account has been banned.",
  email_not_found: "No account uses that email address.",
  password_reset_unavailable: "Password reset is not available on this server.",
};

/** 429 answers: rate limits (per network or per account) and the sign-in lockout of one email. */
const WAIT_CODES = new Map([
  ["too_many_failed_logins", "Too many failed sign-ins for this email."],
  ["too_many_requests", "Too many attempts."],
]);

/** The server's 503 answers (http/errors.ts), as the player should read them. */
const UNAVAILABLE_TEXTS = new Map([
  ["the database is not answering; try again in a moment", "The server cannot reach its database right now. Try again in a moment."],
  ["the server took too long to answer; try again in a moment", "The server took too long to answer. Try again in a moment."],
]);

/** HTTP status of a failed API call, or null when it never got an HTTP answer. */
export function httpStatus(error: unknown): number | null {
  if (error instanceof ServerError && typeof error.code === "number" && error.code >= 100) {
    return error.code;
  }
  return null;
}

/**
 * Whether the server refused the stored sign-in because its account no longer exists
 * (401 account_not_found): a correctly signed token of an account deleted or lost.
 */
export function isAccountGone(error: unknown): boolean {
  return httpStatus(error) === 401 && error instanceof Error && error.message === "account_not_found";
}

/** "in 30 seconds", "in 2 minutes", from the answer's Retry-After header. */
function retryAfterText(error: unknown): string {
  const header = error instanceof ServerError ? error.headers?.get?.("retry-after") : undefined;
  const seconds = Number(header);
  if (!header || !Number.isFinite(seconds) || seconds <= 0) return "later";
  if (seconds < 90) return `in ${Math.ceil(seconds)} second${Math.ceil(seconds) === 1 ? "" : "s"}`;
  return `in ${Math.ceil(seconds / 60)} minutes`;
}

/** A message for the player: the server's own text when there is one. */
export function errorMessage(error: unknown, fallback = "Something went wrong."): string {
  if (error instanceof ServerError && httpStatus(error) === null) {
    return "Could not reach the server. Check your connection and try again.";
  }
  const raw = error instanceof Error ? error.message : typeof error === "string" ? error : "";
  if (!raw) return fallback;
  const unavailable = UNAVAILABLE_TEXTS.get(raw);
  if (unavailable) return unavailable;
  const wait = WAIT_CODES.get(raw);
  if (wait) return `${wait} Try again ${retryAfterText(error)}.`;
  for (const [code, text] of Object.entries(AUTH_CODES)) {
    if (raw === code || raw.includes(code)) return text;
  }
  return raw;
}
