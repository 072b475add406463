/**
 * The embedded database engine: `auto` gives a durable mongod where one can be had (a
 * local binary, or a download where there is internet) and the in-memory jongodb
 * engine otherwise, and says which; what it stores survives a restart only when durable.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mongoose from "mongoose";
import { findLocalMongod, startDatabaseEngine, startJongodb } from "../src/db/engine.ts";

async function writeAndRead(uri: string, value?: string): Promise<string | null> {
  const connection = await mongoose.createConnection(uri, { autoCreate: false }).asPromise();
  try {
    const collection = connection.db!.collection("engine_probe");
    if (value !== undefined) await collection.insertOne({ _id: "probe" as never, value });
    const doc = await collection.findOne({ _id: "probe" as never });
    return (doc?.value as string | undefined) ?? null;
  } finally {
    await connection.close();
  }
}

describe("embedded database engine", () => {
  it("uses MONGODB_URI when set, and treats it as durable", async () => {
    const engine = await startDatabaseEngine({ mongodbUri: "mongodb://db.example:27017/x", mongodbEngine: "auto", dataDir: "/nonexistent" });
    assert.deepEqual({ kind: engine.kind, uri: engine.uri, durable: engine.durable }, { kind: "external", uri: "mongodb://db.example:27017/x", durable: true });
  });

  it("jongodb answers the MongoDB wire protocol and is in-memory", async () => {
    const engine = await startJongodb();
    assert.equal(engine.durable, false);
    assert.equal(await writeAndRead(engine.uri, "hello"), "hello");
    await engine.stop();
    const restarted = await startJongodb();
    assert.equal(await writeAndRead(restarted.uri), null, "nothing survives a restart");
    await restarted.stop();
  });

  it("auto picks a durable mongod where one is on this machine, otherwise jongodb without any download", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-data-"));
    const local = await findLocalMongod();
    const started = Date.now();
    const engine = await startDatabaseEngine({ mongodbUri: undefined, mongodbEngine: "auto", dataDir });
    try {
      if (local) {
        assert.equal(engine.kind, "mongod");
        assert.equal(engine.durable, true);
        await writeAndRead(engine.uri, "kept");
        await engine.stop();
        const again = await startDatabaseEngine({ mongodbUri: undefined, mongodbEngine: "auto", dataDir });
        assert.equal(await writeAndRead(again.uri), "kept", "a durable engine keeps its data in DATA_DIR");
        await again.stop();
      } else {
        assert.equal(engine.kind, "jongodb");
        assert.equal(engine.durable, false);
        console.log(`no local mongod: auto started jongodb in ${Date.now() - started} ms`);
      }
    } finally {
      await engine.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
