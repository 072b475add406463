/**
 * Client-side cooldown timing for the action bar. The server is the judge of cooldowns;
 * the client only mirrors the shared numbers (`SKILLS[...].cooldownMs`,
 * `ITEM_COOLDOWN_MS`) to show them and to avoid asking for what the server would refuse.
 *
 * A cooldown starts when the player presses (the intent goes out). One that waits for
 * the server's confirmation (a skill: its hit cue) is dropped when the server refuses
 * it (its "refused" cue: out of range, no line of sight, its own cooldown), or when no
 * answer came within `CONFIRM_WAIT_MS`, so the bar never shows a cooldown for something
 * that did not happen. An item use, which needs no confirmation, is dropped the same way
 * when the server refuses it (its "itemRefused" cue).
 */

/** How long a cooldown waits for the server's confirmation before it is dropped. */
export const CONFIRM_WAIT_MS = 1000;

interface Running {
  startedAt: number;
  durationMs: number;
  confirmed: boolean;
}

export class Cooldowns {
  private readonly running = new Map<string, Running>();

  /** Starts `key`'s cooldown at `now`; `needsConfirmation` drops it unless `confirm(key)` follows. */
  start(key: string, durationMs: number, now: number, needsConfirmation = false): void {
    this.running.set(key, { startedAt: now, durationMs, confirmed: !needsConfirmation });
  }

  /** The server carried out the action `key` started. */
  confirm(key: string): void {
    const running = this.running.get(key);
    if (running) running.confirmed = true;
  }

  /** Drops `key`'s cooldown (the server refused the action). */
  cancel(key: string): void {
    this.running.delete(key);
  }

  /** Milliseconds left on `key`'s cooldown at `now` (0: ready). */
  remaining(key: string, now: number): number {
    const running = this.running.get(key);
    if (!running) return 0;
    const elapsed = now - running.startedAt;
    if (elapsed >= running.durationMs || (!running.confirmed && elapsed >= CONFIRM_WAIT_MS)) {
      this.running.delete(key);
      return 0;
    }
    return running.durationMs - elapsed;
  }

  /** Share of `key`'s cooldown still to run at `now`, 0..1. */
  share(key: string, now: number): number {
    const left = this.remaining(key, now);
    const running = this.running.get(key);
    return running && left > 0 ? left / running.durationMs : 0;
  }

  ready(key: string, now: number): boolean {
    return this.remaining(key, now) === 0;
  }

  /** Forgets every cooldown (a new play). */
  clear(): void {
    this.running.clear();
  }
}
