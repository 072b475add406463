/**
 * Durability for the embedded jongodb engine, which keeps everything in memory: a snapshot
 * of every collection of the game's models in one file in DATA_DIR, restored at start.
 *
 * - When: shortly after every write (writes are seen through the game's database client,
 *   batched for SNAPSHOT_DELAY_MS), and a last time at shutdown after the final saves. A
 *   crash (kill -9, power loss) loses the writes made since the last snapshot finished:
 *   about SNAPSHOT_DELAY_MS plus the time one snapshot takes (measured in the README).
 * - How: documents are read as raw BSON and written to `snapshot.bson.tmp`, fsynced, then
 *   renamed over `snapshot.bson` (the previous one is kept as `snapshot.prev.bson`) and the
 *   folder fsynced, so the file is always a whole snapshot, old or new.
 * - Format: the magic line, then for each collection a BSON header
 *   `{ collection, count }` and its `count` documents, then a BSON trailer
 *   `{ end: true, documents, sha256 }` whose digest covers every byte before it. A file
 *   that is cut short or does not match its digest is not used: the previous one is, and
 *   if neither is whole, start-up stops and says so (never an empty world over lost data).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import mongoose from "mongoose";
import { logger } from "../logger.ts";

type MongoClient = mongoose.mongo.MongoClient;
const { BSON } = mongoose.mongo;

const MAGIC = Buffer.from("OATNUT-SNAPSHOT 1\n");
/** Writes are batched this long before a snapshot starts. */
export const SNAPSHOT_DELAY_MS = 100;
/** After a failed snapshot, the next try comes this much later (or with the next write). */
const RETRY_MS = 5000;
/** Commands that change data: a snapshot follows them. */
const WRITE_COMMANDS = new Set(["insert", "update", "delete", "findAndModify", "bulkWrite"]);

/** The snapshot files of one data folder. */
export class SnapshotFile {
  readonly current: string;
  readonly previous: string;
  private readonly temporary: string;

  constructor(readonly dir: string) {
    this.current = path.join(dir, "snapshot.bson");
    this.previous = path.join(dir, "snapshot.prev.bson");
    this.temporary = path.join(dir, "snapshot.bson.tmp");
  }

  /**
   * Reads the newest whole snapshot.
   * @returns the documents by collection (null when there is no snapshot yet)
   * @throws Error when snapshots exist but none is whole
   */
  read(): { collections: Map<string, Buffer[]>; file: string } | null {
    const problems: string[] = [];
    for (const file of [this.current, this.previous]) {
      if (!fs.existsSync(file)) continue;
      try {
        return { collections: parseSnapshot(fs.readFileSync(file)), file };
      } catch (error) {
        problems.push(`${file}: ${(error as Error).message}`);
      }
    }
    if (problems.length > 0) {
      throw new Error(
        `no whole snapshot in ${this.dir} (${problems.join("; ")}). Move the damaged files away to start with an empty world.`,
      );
    }
    return null;
  }

  /** Writes a snapshot atomically (temporary file, fsync, rename, folder fsync). */
  write(collections: Map<string, Buffer[]>): number {
    fs.mkdirSync(this.dir, { recursive: true });
    const bytes = encodeSnapshot(collections);
    const handle = fs.openSync(this.temporary, "w");
    try {
      fs.writeSync(handle, bytes);
      fs.fsyncSync(handle);
    } finally {
      fs.closeSync(handle);
    }
    if (fs.existsSync(this.current)) fs.renameSync(this.current, this.previous);
    fs.renameSync(this.temporary, this.current);
    const folder = fs.openSync(this.dir, "r");
    try {
      fs.fsyncSync(folder);
    } finally {
      fs.closeSync(folder);
    }
    return bytes.length;
  }
}

/** Encodes collections of raw BSON documents in the snapshot format. */
export function encodeSnapshot(collections: Map<string, Buffer[]>): Buffer {
  const parts: Buffer[] = [MAGIC];
  let documents = 0;
  for (const [collection, docs] of collections) {
    parts.push(Buffer.from(BSON.serialize({ collection, count: docs.length })), ...docs);
    documents += docs.length;
  }
  const body = Buffer.concat(parts);
  const sha256 = crypto.createHash("sha256").update(body).digest("hex");
  return Buffer.concat([body, Buffer.from(BSON.serialize({ end: true, documents, sha256 }))]);
}

/**
 * Parses a snapshot into raw BSON documents by collection.
 * @throws Error when the bytes are not a whole snapshot
 */
export function parseSnapshot(bytes: Buffer): Map<string, Buffer[]> {
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error("not an OatNut snapshot");
  const collections = new Map<string, Buffer[]>();
  let offset = MAGIC.length;
  const next = (): Buffer => {
    if (offset + 4 > bytes.length) throw new Error("cut short");
    const length = bytes.readInt32LE(offset);
    if (length < 5 || offset + length > bytes.length) throw new Error("cut short");
    const doc = bytes.subarray(offset, offset + length);
    offset += length;
    return doc;
  };
  for (;;) {
    const start = offset;
    const header = BSON.deserialize(next()) as { collection?: string; count?: number; end?: boolean; documents?: number; sha256?: string };
    if (header.end) {
      const digest = crypto.createHash("sha256").update(bytes.subarray(0, start)).digest("hex");
      if (digest !== header.sha256) throw new Error("its digest does not match its content");
      if (offset !== bytes.length) throw new Error("bytes after its end");
      return collections;
    }
    if (typeof header.collection !== "string" || !Number.isInteger(header.count)) throw new Error("a malformed collection header");
    const docs: Buffer[] = [];
    for (let i = 0; i < header.count!; i++) docs.push(next());
    collections.set(header.collection, docs);
  }
}

/** The collections of the game's mongoose models (what a snapshot holds). */
export function modelCollections(): string[] {
  return [...new Set(mongoose.modelNames().map((name) => mongoose.model(name).collection.collectionName))].sort();
}

/** Reads every document of `collections` as raw BSON. */
async function readCollections(client: MongoClient, database: string, collections: string[]): Promise<Map<string, Buffer[]>> {
  const db = client.db(database);
  const out = new Map<string, Buffer[]>();
  for (const name of collections) {
    const docs = (await db.collection(name).find({}, { raw: true }).toArray()) as unknown as Buffer[];
    out.set(
      name,
      docs.map((doc) => Buffer.from(doc)),
    );
  }
  return out;
}

/**
 * Loads a snapshot into an empty database (one insertMany per collection).
 * @returns how many documents were restored
 */
export async function restoreCollections(client: MongoClient, database: string, collections: Map<string, Buffer[]>): Promise<number> {
  const db = client.db(database);
  let restored = 0;
  for (const [name, docs] of collections) {
    if (docs.length === 0) continue;
    await db.collection(name).insertMany(
      docs.map((doc) => BSON.deserialize(doc)),
      { ordered: false },
    );
    restored += docs.length;
  }
  return restored;
}

/**
 * Keeps DATA_DIR's snapshot following the database: a snapshot shortly after writes, and
 * a final one on `close()`. Reads through its own client; learns of writes from the game's.
 */
export class SnapshotKeeper {
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  /** Duration of the last snapshot, ms (for the loss window in the log). */
  lastDurationMs = 0;
  /** Completed snapshots (for tests and the log). */
  count = 0;

  constructor(
    private readonly file: SnapshotFile,
    private readonly client: MongoClient,
    private readonly database: string,
    private readonly collections: () => string[] = modelCollections,
  ) {}

  /** Follows the writes made through `client` (the game's database client). */
  watch(client: MongoClient): void {
    client.on("commandSucceeded", (event: { commandName: string }) => {
      if (WRITE_COMMANDS.has(event.commandName)) this.changed();
    });
  }

  /** Something was written: a snapshot follows shortly. */
  changed(): void {
    this.dirty = true;
    this.schedule(SNAPSHOT_DELAY_MS);
  }

  /** Takes a snapshot now if anything changed (waits for one under way first). */
  async flush(): Promise<void> {
    if (this.running) await this.running;
    if (!this.dirty) return;
    this.running = this.snapshot().finally(() => {
      this.running = null;
    });
    await this.running;
  }

  /** The final snapshot; no more after it. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
    this.closed = true;
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch((error) => {
        logger.error("database snapshot failed: retrying", { file: this.file.current, error });
        this.dirty = true;
        this.schedule(RETRY_MS);
      });
    }, delayMs);
  }

  private async snapshot(): Promise<void> {
    // Writes from now on belong to the next snapshot.
    this.dirty = false;
    const started = performance.now();
    try {
      const collections = await readCollections(this.client, this.database, this.collections());
      this.file.write(collections);
    } catch (error) {
      this.dirty = true;
      throw error;
    }
    this.lastDurationMs = performance.now() - started;
    this.count++;
    // Writes made while this one ran: take the next one.
    if (this.dirty) this.schedule(SNAPSHOT_DELAY_MS);
  }
}
