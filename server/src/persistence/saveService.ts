/**
 * Writes characters' records to the database: one `updateOne` per character, only when
 * the record differs from what this process last wrote (or read) for it — the one record
 * of what the database holds. A failed write is retried with backoff and logged; if every
 * attempt fails the record is kept and written on the next flush (autosave or shutdown),
 * never silently dropped.
 */
import { Character } from "../db/models.ts";
import { logger } from "../logger.ts";
import { saveDuration, saveFailures } from "../metrics.ts";
import { copyRecord, sameRecord, type CharacterRecord } from "./characters.ts";

export interface SaveServiceOptions {
  /** Attempts per save before the record is parked for the next flush. */
  attempts?: number;
  /** Delay before the first retry, doubled after each failure (ms). */
  backoffMs?: number;
  /** The write itself (the database by default; replaceable to inject failures in tests). */
  write?: (characterId: string, record: CharacterRecord) => Promise<void>;
}

async function writeToDatabase(characterId: string, record: CharacterRecord): Promise<void> {
  const result = await Character.updateOne(
    { _id: characterId },
    {
      $set: {
        zone: record.zone,
        x: record.x,
        y: record.y,
        lastPlayedAt: new Date(),
        level: record.level,
        xp: record.xp,
        hp: record.hp,
        inventory: record.inventory,
      },
    },
  );
  if (result.matchedCount === 0) throw new Error(`character ${characterId} no longer exists`);
}

export class SaveService {
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly write: (characterId: string, record: CharacterRecord) => Promise<void>;
  /** What the database holds per character, as far as this process knows (written or read). */
  private readonly stored = new Map<string, CharacterRecord>();
  /** Newest record requested per character and not written yet, and its sequence number. */
  private readonly latest = new Map<string, { seq: number; snapshot: CharacterRecord }>();
  /** Records whose every attempt failed, by character id. */
  private readonly parked = new Map<string, CharacterRecord>();
  /** The save under way per character: saves of one character run one after another. */
  private readonly chains = new Map<string, Promise<boolean>>();
  private seq = 0;
  /** Counters for metrics and tests. */
  readonly stats = { writes: 0, failures: 0 };

  constructor(options: SaveServiceOptions = {}) {
    this.attempts = options.attempts ?? 4;
    this.backoffMs = options.backoffMs ?? 200;
    this.write = options.write ?? writeToDatabase;
  }

  /** Records what the database holds for a character just read from it (the baseline of its saves). */
  loaded(characterId: string, record: CharacterRecord): void {
    if (!this.latest.has(characterId)) this.stored.set(characterId, copyRecord(record));
  }

  /** Forgets a character that left this process (nothing of it is pending). */
  forget(characterId: string): void {
    if (!this.latest.has(characterId)) this.stored.delete(characterId);
  }

  /**
   * Saves a record, unless the database already holds it (or it is already on its way);
   * retries on failure. Saves of one character are written in order; a record superseded
   * by a newer one before its turn is skipped (the newer carries it).
   * @returns true when written, superseded or already there; false when every attempt failed (parked)
   */
  save(characterId: string, record: CharacterRecord): Promise<boolean> {
    const pending = this.latest.get(characterId);
    if (sameRecord(pending?.snapshot ?? this.stored.get(characterId), record)) {
      if (!pending) return Promise.resolve(true);
      if (this.parked.has(characterId)) return Promise.resolve(false);
      return this.chains.get(characterId) ?? Promise.resolve(true);
    }
    const seq = ++this.seq;
    this.latest.set(characterId, { seq, snapshot: copyRecord(record) });
    const previous = this.chains.get(characterId) ?? Promise.resolve(true);
    const task = previous.then(() => this.saveWithRetry(characterId, seq));
    this.chains.set(characterId, task);
    void task.finally(() => {
      if (this.chains.get(characterId) === task) this.chains.delete(characterId);
    });
    return task;
  }

  private async saveWithRetry(characterId: string, seq: number): Promise<boolean> {
    const stopTimer = saveDuration.startTimer();
    try {
      return await this.attemptSave(characterId, seq);
    } finally {
      stopTimer();
    }
  }

  private async attemptSave(characterId: string, seq: number): Promise<boolean> {
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      const latest = this.latest.get(characterId);
      if (!latest || latest.seq !== seq) return true;
      try {
        await this.write(characterId, latest.snapshot);
        this.stats.writes++;
        this.stored.set(characterId, latest.snapshot);
        if (this.latest.get(characterId)?.seq === seq) {
          this.latest.delete(characterId);
          this.parked.delete(characterId);
        }
        return true;
      } catch (error) {
        this.stats.failures++;
        saveFailures.inc();
        const last = attempt === this.attempts;
        logger.log(last ? "error" : "warn", `save of character ${characterId} failed (attempt ${attempt}/${this.attempts})`, {
          characterId,
          error: (error as Error).message,
          ...(last ? { stack: (error as Error).stack } : {}),
        });
        if (!last) await new Promise((resolve) => setTimeout(resolve, this.backoffMs * 2 ** (attempt - 1)));
      }
    }
    if (this.latest.get(characterId)?.seq === seq) this.parked.set(characterId, this.latest.get(characterId)!.snapshot);
    return false;
  }

  /** Characters whose newest record is not written yet (under way, waiting, or parked). */
  unsaved(): string[] {
    return [...this.latest.keys()];
  }

  /** Number of records waiting for a retry. */
  get parkedCount(): number {
    return this.parked.size;
  }

  /** Retries every parked record once more (with the usual attempts). */
  async retryParked(): Promise<boolean> {
    const results = await Promise.all(
      [...this.parked].map(([id, record]) => {
        // Written again even though it is "pending": it is parked because it failed.
        this.latest.delete(id);
        return this.save(id, record);
      }),
    );
    return results.every(Boolean);
  }

  /** Waits for every save under way (used before the process exits). */
  async drain(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
  }
}
