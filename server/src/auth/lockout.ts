/**
 * Per-email lockout after repeated failed sign-ins: the LOGIN_LOCKOUT.failures-th failure
 * in a row locks the email for LOGIN_LOCKOUT_SECONDS, doubling per further failure up to
 * LOGIN_LOCKOUT.maxSeconds; a success clears it. Keyed on a hash of the lower-cased email,
 * account or not, so a lockout tells nothing about which emails exist.
 *
 * State in Colyseus presence (atomic `incr`, so it holds across processes with Redis): an
 * attempt is counted before its password is checked, so parallel guesses cannot slip past
 * the threshold; `login:lock:<h>` holds `<generation>:<until>`, and a per-generation claim
 * lets exactly one attempt through when a lock runs out.
 */
import crypto from "node:crypto";
import { matchMaker, type Presence } from "@colyseus/core";

export const LOGIN_LOCKOUT = {
  /** Consecutive failures that lock an email. */
  failures: 5,
  /** Longest lock. */
  maxSeconds: 15 * 60,
  /** How long failures are remembered after a lock ends (or after the last failure). */
  memorySeconds: 15 * 60,
} as const;

/** The outcome of asking to try a password. */
export type LoginAttempt = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class LoginLockout {
  constructor(
    private readonly baseSeconds: number,
    private readonly presence: () => Presence = () => matchMaker.presence,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Asks to check a password for this email. Allowed attempts are already counted as
   * failures: call {@link succeeded} when the password was right.
   */
  async begin(email: string): Promise<LoginAttempt> {
    const id = emailId(email);
    const lock = parseLock(await this.presence().get(lockKey(id)));
    if (lock) {
      const remainingMs = lock.until - this.now();
      if (remainingMs > 0) return { allowed: false, retryAfterSeconds: Math.ceil(remainingMs / 1000) };
      // The lock ran out: one attempt may try again; the others wait for its outcome.
      const claim = claimKey(id, lock.generation);
      const claimed = Number(await this.presence().incr(claim));
      await this.presence().expire(claim, LOGIN_LOCKOUT.memorySeconds);
      if (claimed !== 1) return { allowed: false, retryAfterSeconds: 1 };
    }
    const count = Number(await this.presence().incr(failsKey(id)));
    if (count < LOGIN_LOCKOUT.failures) {
      await this.presence().expire(failsKey(id), LOGIN_LOCKOUT.memorySeconds);
      return { allowed: true };
    }
    const lockSeconds = this.lockSeconds(count);
    const ttl = lockSeconds + LOGIN_LOCKOUT.memorySeconds;
    await this.presence().expire(failsKey(id), ttl);
    await this.presence().setex(lockKey(id), `${count}:${this.now() + lockSeconds * 1000}`, ttl);
    // Past the threshold without having claimed a lock that ran out: a parallel attempt
    // of a burst. It is refused without checking its password.
    if (count > LOGIN_LOCKOUT.failures && !lock) return { allowed: false, retryAfterSeconds: lockSeconds };
    return { allowed: true };
  }

  /** The password was right: the email starts afresh. */
  async succeeded(email: string): Promise<void> {
    const id = emailId(email);
    await this.presence().del(failsKey(id));
    await this.presence().del(lockKey(id));
  }

  /** The lock that the `count`-th consecutive failure brings. */
  lockSeconds(count: number): number {
    const doublings = Math.max(0, count - LOGIN_LOCKOUT.failures);
    return Math.min(LOGIN_LOCKOUT.maxSeconds, this.baseSeconds * 2 ** Math.min(doublings, 30));
  }
}

function emailId(email: string): string {
  return crypto.createHash("sha256").update(email.trim().toLowerCase()).digest("hex").slice(0, 32);
}

const failsKey = (id: string) => `login:fails:${id}`;
const lockKey = (id: string) => `login:lock:${id}`;
const claimKey = (id: string, generation: number) => `login:claim:${id}:${generation}`;

function parseLock(raw: unknown): { generation: number; until: number } | null {
  if (typeof raw !== "string") return null;
  const [generation, until] = raw.split(":").map(Number);
  return Number.isFinite(generation) && Number.isFinite(until) ? { generation, until } : null;
}
