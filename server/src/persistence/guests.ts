/**
 * Guest accounts (`POST /auth/anonymous`) are released after GUEST_RETENTION_DAYS without
 * play: a guest account that was created, signed in and had any of its characters played
 * longer ago than that is deleted with its characters, and their names are free again.
 * The server sweeps at start-up and every hour; a character live in the world is never
 * swept. Registered accounts (with an email) are never touched.
 */
import type { Types } from "mongoose";
import { Account, Character } from "../db/models.ts";
import { logger } from "../logger.ts";

/** How often a running server sweeps. */
export const GUEST_SWEEP_INTERVAL_MS = 60 * 60 * 1000;
/** Guest accounts read per query while sweeping. */
const BATCH = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

/** What a guest is told when it signs in (the anonymous sign-in's `notice`). */
export function guestNotice(retentionDays: number): string {
  if (retentionDays === 0) return "Guest characters are kept. Sign up to play them from another browser.";
  return (
    `Guest characters are deleted, and their names freed, after ${retentionDays} day${retentionDays === 1 ? "" : "s"} ` +
    "without play. Sign up to keep yours."
  );
}

export interface GuestSweepOptions {
  /** Whether a character is live in the world now (such an account is kept). */
  isLive?: (characterId: string) => Promise<boolean>;
  /** The time to measure from (tests move it). */
  now?: Date;
}

/**
 * Deletes the guest accounts, and their characters, not played for `retentionDays`.
 * @returns how many accounts and characters were deleted
 */
export async function sweepGuests(
  retentionDays: number,
  options: GuestSweepOptions = {},
): Promise<{ accounts: number; characters: number }> {
  const released = { accounts: 0, characters: 0 };
  if (retentionDays <= 0) return released;
  const cutoff = new Date((options.now ?? new Date()).getTime() - retentionDays * DAY_MS);
  let after: Types.ObjectId | undefined;
  for (;;) {
    const accounts = await Account.find(
      { anonymous: true, createdAt: { $lt: cutoff }, ...(after ? { _id: { $gt: after } } : {}) },
      { _id: 1, lastLoginAt: 1 },
    )
      .sort({ _id: 1 })
      .limit(BATCH)
      .lean();
    if (accounts.length === 0) break;
    after = accounts.at(-1)!._id;
    const candidates = accounts.filter((account) => !account.lastLoginAt || account.lastLoginAt < cutoff).map((account) => account._id);
    if (candidates.length === 0) continue;
    const characters = await Character.find(
      { accountId: { $in: candidates } },
      { _id: 1, accountId: 1, createdAt: 1, lastPlayedAt: 1 },
    ).lean();
    const kept = new Set<string>();
    for (const character of characters) {
      const lastPlayed = character.lastPlayedAt ?? character.createdAt ?? new Date(0);
      if (lastPlayed >= cutoff || (await options.isLive?.(String(character._id)))) kept.add(String(character.accountId));
    }
    const stale = candidates.filter((id) => !kept.has(String(id)));
    if (stale.length === 0) continue;
    // Accounts first: a character created meanwhile belongs to a deleted account and goes with the others.
    released.accounts += (await Account.deleteMany({ _id: { $in: stale }, anonymous: true })).deletedCount;
    released.characters += (await Character.deleteMany({ accountId: { $in: stale } })).deletedCount;
  }
  return released;
}

/** Sweeps guest accounts at start and every GUEST_SWEEP_INTERVAL_MS (see {@link sweepGuests}). */
export class GuestSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<{ accounts: number; characters: number }> | undefined;

  constructor(
    readonly retentionDays: number,
    private readonly options: Omit<GuestSweepOptions, "now"> & { intervalMs?: number } = {},
  ) {}

  /** Sweeps now, then periodically (nothing when retention is 0: guests are kept). */
  start(): void {
    if (this.retentionDays <= 0 || this.timer) return;
    void this.runNow().catch(() => {});
    this.timer = setInterval(() => void this.runNow().catch(() => {}), this.options.intervalMs ?? GUEST_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One sweep (one at a time: a sweep asked for while one runs shares it). */
  runNow(): Promise<{ accounts: number; characters: number }> {
    this.running ??= sweepGuests(this.retentionDays, this.options)
      .then(
        (released) => {
          if (released.accounts > 0) {
            logger.info("guest accounts released", { ...released, retentionDays: this.retentionDays });
          }
          return released;
        },
        (error: Error) => {
          logger.warn("the guest account sweep failed; it runs again later", { error: error.message });
          throw error;
        },
      )
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
