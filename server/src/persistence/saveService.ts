/**
 * Writes characters' progress to the database: one `updateOne` per character, only when
 * something changed since the last successful save. A failed write is retried with
 * backoff and logged; if every attempt fails the snapshot is kept and written on the next
 * flush (autosave or shutdown), never silently dropped.
 */
import { Character } from "../db/models.ts";
import { logger } from "../logger.ts";
import { saveDuration, saveFailures } from "../metrics.ts";

/** A character's progress: what it has earned and carries. */
export interface CharacterProgress {
  level: number;
  xp: number;
  hp: number;
  inventory: Array<{ item: string; count: number }>;
}

/** What is saved of a character: where it is and (from rooms, always) its progress. */
export interface CharacterSnapshot {
  zone: string;
  x: number;
  y: number;
  progress?: CharacterProgress;
}

export interface SaveServiceOptions {
  /** Attempts per save before the snapshot is parked for the next flush. */
  attempts?: number;
  /** Delay before the first retry, doubled after each failure (ms). */
  backoffMs?: number;
  /** The write itself (the database by default; replaceable to inject failures in tests). */
  write?: (characterId: string, snapshot: CharacterSnapshot) => Promise<void>;
}

function sameProgress(a: CharacterProgress | undefined, b: CharacterProgress | undefined): boolean {
  if (!a || !b) return a === b;
  return a.level === b.level && a.xp === b.xp && a.hp === b.hp && a.inventory.length === b.inventory.length
    && a.inventory.every((stack, i) => stack.item === b.inventory[i].item && stack.count === b.inventory[i].count);
}

export function sameSnapshot(a: CharacterSnapshot | null, b: CharacterSnapshot): boolean {
  return a !== null && a.zone === b.zone && a.x === b.x && a.y === b.y && sameProgress(a.progress, b.progress);
}

/** A deep copy (the snapshot may be queued while the live character changes). */
export function copySnapshot(snapshot: CharacterSnapshot): CharacterSnapshot {
  const { progress } = snapshot;
  return {
    zone: snapshot.zone, x: snapshot.x, y: snapshot.y,
    ...(progress ? { progress: { ...progress, inventory: progress.inventory.map((s) => ({ item: s.item, count: s.count })) } } : {}),
  };
}

async function writeToDatabase(characterId: string, snapshot: CharacterSnapshot): Promise<void> {
  const { progress } = snapshot;
  const result = await Character.updateOne(
    { _id: characterId },
    {
      $set: {
        zone: snapshot.zone, x: snapshot.x, y: snapshot.y, lastPlayedAt: new Date(),
        ...(progress ? { level: progress.level, xp: progress.xp, hp: progress.hp, inventory: progress.inventory } : {}),
      },
    },
  );
  if (result.matchedCount === 0) throw new Error(`character ${characterId} no longer exists`);
}

export class SaveService {
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly write: (characterId: string, snapshot: CharacterSnapshot) => Promise<void>;
  /** Newest snapshot requested per character, and its sequence number. */
  private readonly latest = new Map<string, { seq: number; snapshot: CharacterSnapshot }>();
  /** Snapshots whose every attempt failed, by character id. */
  private readonly parked = new Map<string, CharacterSnapshot>();
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

  /**
   * Saves a snapshot, retrying on failure. Saves of one character are written in order;
   * a snapshot superseded by a newer one before its turn is skipped (the newer carries it).
   * @returns true when written or superseded; false when every attempt failed (parked)
   */
  save(characterId: string, snapshot: CharacterSnapshot): Promise<boolean> {
    const seq = ++this.seq;
    this.latest.set(characterId, { seq, snapshot: copySnapshot(snapshot) });
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
          characterId, error: (error as Error).message, ...(last ? { stack: (error as Error).stack } : {}),
        });
        if (!last) await new Promise((resolve) => setTimeout(resolve, this.backoffMs * 2 ** (attempt - 1)));
      }
    }
    if (this.latest.get(characterId)?.seq === seq) this.parked.set(characterId, this.latest.get(characterId)!.snapshot);
    return false;
  }

  /** Characters whose newest progress is not written yet (under way, waiting, or parked). */
  unsaved(): string[] {
    return [...this.latest.keys()];
  }

  /** Number of snapshots waiting for a retry. */
  get parkedCount(): number {
    return this.parked.size;
  }

  /** Retries every parked snapshot once more (with the usual attempts). */
  async retryParked(): Promise<boolean> {
    const results = await Promise.all([...this.parked].map(([id, snapshot]) => this.save(id, snapshot)));
    return results.every(Boolean);
  }

  /** Waits for every save under way (used before the process exits). */
  async drain(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
  }
}
