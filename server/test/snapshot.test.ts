/**
 * The embedded engine's snapshots: the file format (whole or refused), the fall-back to
 * the previous file, and the keeper following writes on a real jongodb, restored into a
 * fresh one with every type intact.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mongoose from "mongoose";
import { EMBEDDED_DATABASE, startJongodb, type DatabaseEngine } from "../src/db/engine.ts";
import { encodeSnapshot, parseSnapshot, restoreCollections, SnapshotFile, SnapshotKeeper } from "../src/db/snapshot.ts";
import { waitFor } from "./helpers.ts";

const { BSON, MongoClient, ObjectId } = mongoose.mongo;
const raw = (doc: Record<string, unknown>) => Buffer.from(BSON.serialize(doc));
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-snapshot-"));

describe("snapshot files", () => {
  const sample = new Map([
    ["accounts", [raw({ _id: new ObjectId(), emailKey: "a@b.co", createdAt: new Date(0) })]],
    [
      "characters",
      [raw({ _id: new ObjectId(), name: "Ann", x: 1.5, inventory: [{ item: "potion", count: 2 }] }), raw({ _id: 2, name: "Bo" })],
    ],
    ["empty", []],
  ]);

  it("round-trips collections of raw BSON documents", () => {
    const parsed = parseSnapshot(encodeSnapshot(sample));
    assert.deepEqual([...parsed.keys()], ["accounts", "characters", "empty"]);
    for (const [name, docs] of sample)
      assert.deepEqual(
        parsed.get(name)!.map((d) => d.toString("hex")),
        docs.map((d) => d.toString("hex")),
        name,
      );
  });

  it("refuses a file cut short, one with a changed byte, and one with bytes after its end", () => {
    const bytes = encodeSnapshot(sample);
    for (const cut of [bytes.length - 1, bytes.length - 30, 40, 10]) {
      assert.throws(() => parseSnapshot(bytes.subarray(0, cut)), /cut short|not an OatNut snapshot|malformed/, `cut at ${cut}`);
    }
    const changed = Buffer.from(bytes);
    changed[60] ^= 0x01;
    assert.throws(() => parseSnapshot(changed), /digest|cut short|malformed/);
    assert.throws(() => parseSnapshot(Buffer.concat([bytes, Buffer.from([0])])), /after its end/);
  });

  it("writes atomically, keeps the previous snapshot, falls back to it, and refuses to start on two damaged ones", () => {
    const dir = tempDir();
    const file = new SnapshotFile(dir);
    assert.equal(file.read(), null, "no snapshot yet: a new world");
    file.write(new Map([["characters", [raw({ _id: 1, v: "first" })]]]));
    file.write(new Map([["characters", [raw({ _id: 1, v: "second" })]]]));
    const value = () => BSON.deserialize(file.read()!.collections.get("characters")![0]).v;
    assert.equal(value(), "second");
    fs.writeFileSync(file.current, fs.readFileSync(file.current).subarray(0, 30)); // a torn write
    assert.equal(value(), "first", "the previous snapshot is used");
    assert.equal(file.read()!.file, file.previous);
    fs.writeFileSync(file.previous, "garbage");
    assert.throws(() => file.read(), /no whole snapshot in .*Move the damaged files away/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("the snapshot keeper on a real jongodb", () => {
  let engine: DatabaseEngine;
  let fresh: DatabaseEngine;
  before(async () => {
    [engine, fresh] = await Promise.all([startJongodb(), startJongodb()]);
  });
  after(async () => {
    await Promise.all([engine?.stop(), fresh?.stop()]);
  });

  it("follows the writes made through the game's client, and its snapshot restores every document and type", async () => {
    const dir = tempDir();
    const file = new SnapshotFile(dir);
    const game = await new MongoClient(engine.uri, { monitorCommands: true }).connect();
    const own = await new MongoClient(engine.uri).connect();
    const keeper = new SnapshotKeeper(file, own, EMBEDDED_DATABASE, () => ["accounts", "characters"]);
    keeper.watch(game);
    const db = game.db(EMBEDDED_DATABASE);
    const accountId = new ObjectId();
    await db.collection("accounts").insertOne({ _id: accountId, emailKey: "kept@example.com", createdAt: new Date(1_700_000_000_000) });
    await db
      .collection("characters")
      .insertOne({ _id: new ObjectId(), accountId, name: "Kept", x: 100.25, inventory: [{ item: "potion", count: 3 }] });
    await waitFor(() => keeper.count > 0 && file.read()?.collections.get("characters")?.length === 1, "a snapshot after the writes");
    await db.collection("characters").updateOne({ name: "Kept" }, { $set: { x: 200.5 } });
    const snapshotted = () => {
      const doc = file.read()?.collections.get("characters")?.[0];
      return doc ? BSON.deserialize(doc).x : undefined;
    };
    await waitFor(() => snapshotted() === 200.5, "a snapshot after the update");
    await db.collection("characters").updateOne({ name: "Kept" }, { $set: { x: 300 } });
    await keeper.close(); // the final snapshot, whatever the timer
    assert.equal(snapshotted(), 300, "close() writes the last state");

    const restoredClient = await new MongoClient(fresh.uri).connect();
    const restored = await restoreCollections(restoredClient, EMBEDDED_DATABASE, file.read()!.collections);
    assert.equal(restored, 2);
    const account = await restoredClient.db(EMBEDDED_DATABASE).collection("accounts").findOne({ _id: accountId });
    assert.ok(account?.createdAt instanceof Date && account.createdAt.getTime() === 1_700_000_000_000, "a Date stays a Date");
    const character = await restoredClient.db(EMBEDDED_DATABASE).collection("characters").findOne({ name: "Kept" });
    assert.ok(character?.accountId instanceof ObjectId && character.accountId.equals(accountId), "an ObjectId stays an ObjectId");
    assert.deepEqual(character?.inventory, [{ item: "potion", count: 3 }]);
    await Promise.all([game.close(), own.close(), restoredClient.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
