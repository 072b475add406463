/**
 * Turning failures of SDK calls into text fit to show the player.
 *
 * `client.http` throws a `ServerError` whose message is the JSON body's `message` or
 * `error` field (our API answers `{ error }`: a sentence that says what to do, shown as
 * it is), and whose `code` is the HTTP status; a network failure is also a `ServerError`,
 * with a non-numeric or missing code. Every text the client words itself is a sentence
 * that says what to do too.
 */
import { ServerError } from "@colyseus/sdk";

/**
 * What a player is told when the server no longer has the account its saved sign-in
 * belongs to. Not "wrong password" or "session expired": they did nothing wrong, and
 * signing in again cannot work.
 */
export const ACCOUNT_GONE_MESSAGE =
  "The account you were signed in with no longer exists on this server (its data was lost or removed). Sign up again to play.";

/** What a player reads when nothing better is known. */
export const SOMETHING_WENT_WRONG = "Something went wrong. Try again in a moment.";

/** What a player reads when no answer came back at all. */
export const SERVER_UNREACHABLE = "Could not reach the server. Check your connection and try again.";

/**
 * Answers that are codes rather than sentences, worded here. The server words every
 * refusal a player may read (the answer's `error`); `account_not_found` stays a code
 * because the client acts on it (it forgets the sign-in) before it shows anything.
 */
const CODES: Readonly<Record<string, string>> = {
  account_not_found: ACCOUNT_GONE_MESSAGE,
};

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

/**
 * A message for the player: the server's own text (`{ error }`) as it is, a code worded,
 * or the client's own sentence.
 */
export function errorMessage(error: unknown, fallback = SOMETHING_WENT_WRONG): string {
  if (error instanceof ServerError && httpStatus(error) === null) return SERVER_UNREACHABLE;
  const raw = error instanceof Error ? error.message : typeof error === "string" ? error : "";
  if (!raw.trim()) return fallback;
  return CODES[raw] ?? raw;
}
