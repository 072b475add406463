/**
 * Per-client rate limits and refusal accounting at the boundary: a token bucket per kind
 * of frame, and a count of refusals per window that decides when a client is flooding
 * and when a refusal is worth a log line. Pure: time is passed in (milliseconds), so the
 * rules are tested with an explicit clock.
 */
import type { RateLimit } from "@oatnut/shared";

/** A token bucket: starts full, refills at `perSecond`, holds at most `burst`. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.updatedAt = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.limit.burst, this.tokens + elapsed * this.limit.perSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Why a frame was refused; the `reason` label of `oatnut_messages_rejected_total`. */
export type RefusalReason =
  /** Over the client's rate limit for that kind of frame. */
  | "rate"
  /** A message type no handler is defined for. */
  | "unknown"
  /** A known message whose content failed its check. */
  | "invalid"
  /** Not allowed now (e.g. sent while not in the zone). */
  | "state"
  /** Broken bytes, or a frame kind the client never sends: the connection is closed. */
  | "malformed"
  | "protocol";

/** What one refusal leads to. */
export interface RefusalOutcome {
  /** The client passed the flood threshold: disconnect it. */
  flooding: boolean;
  /** Refusals since the last report (this one included), when a report is due now; else null. */
  report: Partial<Record<RefusalReason, number>> | null;
}

/**
 * Counts a client's refusals in fixed windows of `windowMs`: more than `floodStrikes` in
 * one window is flooding. Reports (a log line, a notice) are due at the first refusal and
 * then at most once per window, carrying the count of everything refused meanwhile.
 */
export class RefusalCounter {
  private windowStart = -Infinity;
  private strikes = 0;
  private reportedAt = -Infinity;
  private pending: Partial<Record<RefusalReason, number>> = {};
  private pendingCount = 0;

  constructor(
    private readonly floodStrikes: number,
    private readonly windowMs: number,
  ) {}

  refuse(reason: RefusalReason, now: number): RefusalOutcome {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.strikes = 0;
    }
    this.strikes++;
    this.pending[reason] = (this.pending[reason] ?? 0) + 1;
    this.pendingCount++;
    let report: RefusalOutcome["report"] = null;
    if (now - this.reportedAt >= this.windowMs) {
      report = this.takePending();
      this.reportedAt = now;
    }
    return { flooding: this.strikes > this.floodStrikes, report };
  }

  /** Refusals not reported yet (reported when the client leaves), or null. */
  takePending(): Partial<Record<RefusalReason, number>> | null {
    if (this.pendingCount === 0) return null;
    const pending = this.pending;
    this.pending = {};
    this.pendingCount = 0;
    return pending;
  }
}
