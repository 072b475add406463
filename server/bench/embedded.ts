/**
 * The embedded engine (jongodb with its snapshot in DATA_DIR) at a given world size:
 * how long a start takes (restoring the snapshot, then the indexes), how long one
 * character save takes, and how long one snapshot takes (its file size too) — the loss
 * window of a crash is about SNAPSHOT_DELAY_MS plus that.
 *
 *   npm run bench:embedded -- [characters=1000,10000] [saves=20]
 *
 * Each size: N accounts and N characters (up to 16 inventory stacks each) written through
 * the game's models, the same code path as the server (startDatabaseEngine,
 * connectDatabase, the snapshot keeper following the writes).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mongoose from "mongoose";
import { connectDatabase, disconnectDatabase } from "../src/db/connection.ts";
import { startDatabaseEngine, type DatabaseEngine } from "../src/db/engine.ts";
import { Account, Character } from "../src/db/models.ts";

const sizes = (process.argv[2] ?? "1000,10000").split(",").map(Number);
const saves = Number(process.argv[3] ?? 20);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function start(dataDir: string): Promise<{ engine: DatabaseEngine; ms: number; restored: string }> {
  const started = performance.now();
  const engine = await startDatabaseEngine({ mongodbUri: undefined, mongodbEngine: "jongodb", dataDir });
  await connectDatabase(engine.uri, { monitorCommands: true });
  engine.attach?.(mongoose.connection.getClient());
  return {
    engine,
    ms: performance.now() - started,
    restored: /restored \d+ documents in \d+ ms/.exec(engine.description)?.[0] ?? "a new world",
  };
}

async function measure(count: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-bench-embedded-"));
  let { engine } = await start(dataDir);
  // The world, written in batches (one insertMany per 1,000 documents).
  for (let from = 0; from < count; from += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - from) }, (_, i) => from + i);
    const accounts = await Account.insertMany(
      batch.map((i) => ({ email: `p${i}@example.com`, emailKey: `p${i}@example.com`, password: "x".repeat(100) })),
    );
    await Character.insertMany(
      batch.map((i, k) => ({
        accountId: accounts[k]._id,
        name: `Hero${i}`,
        nameKey: `hero${i}`,
        zone: "forest",
        x: 100 + (i % 500),
        y: 200,
        level: 1 + (i % 20),
        xp: i % 97,
        hp: 100,
        inventory: Array.from({ length: i % 17 }, (_, s) => ({ item: s % 2 ? "potion" : "pelt", count: 1 + s })),
      })),
    );
  }
  await engine.flush!();
  // One character save, as the save service writes it.
  const ids = (await Character.find({}, { _id: 1 }).limit(saves).lean()).map((c) => c._id);
  const saveMs: number[] = [];
  for (const [i, id] of ids.entries()) {
    const started = performance.now();
    await Character.updateOne({ _id: id }, { $set: { x: 300 + i, y: 400, lastPlayedAt: new Date() } });
    saveMs.push(performance.now() - started);
  }
  // One snapshot of the whole world.
  const snapshotMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    await Character.updateOne({ _id: ids[0] }, { $set: { x: 500 + i } });
    const started = performance.now();
    await engine.flush!();
    snapshotMs.push(performance.now() - started);
  }
  const bytes = fs.statSync(path.join(dataDir, "embedded", "snapshot.bson")).size;
  await disconnectDatabase();
  await engine.stop();
  // A start on that snapshot.
  const second = await start(dataDir);
  engine = second.engine;
  const { ms: startMs, restored } = second;
  const back = await Character.countDocuments();
  await disconnectDatabase();
  await engine.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (back !== count) throw new Error(`restored ${back} characters of ${count}`);
  return { count, startMs, restored, saveMs: median(saveMs), snapshotMs: median(snapshotMs), mb: bytes / 1048576 };
}

console.log("characters | start (restore + indexes) | one save (median) | one snapshot (median) | snapshot file");
for (const count of sizes) {
  const r = await measure(count);
  console.log(
    `${r.count} | ${Math.round(r.startMs)} ms (${r.restored}) | ${r.saveMs.toFixed(1)} ms | ${Math.round(r.snapshotMs)} ms | ${r.mb.toFixed(1)} MB`,
  );
}
process.exit(0);
