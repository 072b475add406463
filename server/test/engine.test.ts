/**
 * The embedded database engine: `auto` gives a mongod where one can be had (a local
 * binary, or a download where there is internet) and otherwise the jongodb engine made
 * durable by its snapshot in DATA_DIR, and says which in one line.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mongoose from "mongoose";
import { connectDatabase, disconnectDatabase } from "../src/db/connection.ts";
import { findLocalMongod, startDatabaseEngine, startJongodb } from "../src/db/engine.ts";
import { Account } from "../src/db/models.ts";

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
    const engine = await startDatabaseEngine({
      mongodbUri: "mongodb://db.example:27017/x",
      mongodbEngine: "auto",
      dataDir: "/nonexistent",
    });
    assert.deepEqual(
      { kind: engine.kind, uri: engine.uri, durable: engine.durable },
      { kind: "external", uri: "mongodb://db.example:27017/x", durable: true },
    );
  });

  it("jongodb alone (the tests' engine) answers the MongoDB wire protocol and is in-memory", async () => {
    const engine = await startJongodb();
    assert.equal(engine.durable, false);
    assert.equal(await writeAndRead(engine.uri, "hello"), "hello");
    await engine.stop();
    const restarted = await startJongodb();
    assert.equal(await writeAndRead(restarted.uri), null, "nothing survives a restart");
    await restarted.stop();
  });

  it("auto picks a mongod where one is on this machine; offline without one, the durable jongodb within seconds", async (t) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-data-"));
    const local = await findLocalMongod();
    // Offline, whatever this machine's network: mongod's download server is unreachable.
    const mirror = process.env.MONGOMS_DOWNLOAD_MIRROR;
    process.env.MONGOMS_DOWNLOAD_MIRROR = "http://127.0.0.1:9";
    const started = performance.now();
    const engine = await startDatabaseEngine({ mongodbUri: undefined, mongodbEngine: "auto", dataDir });
    const ms = performance.now() - started;
    try {
      assert.equal(engine.durable, true);
      assert.equal(engine.kind, local ? "mongod" : "jongodb");
      assert.match(
        engine.description,
        local ? /mongod engine \(embedded\), data in / : /jongodb engine \(embedded, in memory\) with its data in .*snapshot\.bson/,
      );
      t.diagnostic(`auto chose ${engine.kind} in ${Math.round(ms)} ms`);
      // As the server does: the game's client, followed by the engine.
      await connectDatabase(engine.uri, { monitorCommands: true });
      engine.attach?.(mongoose.connection.getClient());
      await Account.create({ email: "kept@example.com", emailKey: "kept@example.com", password: "x" });
      await disconnectDatabase();
      await engine.stop();
      const again = await startDatabaseEngine({ mongodbUri: undefined, mongodbEngine: "auto", dataDir });
      try {
        await connectDatabase(again.uri);
        assert.ok(await Account.exists({ emailKey: "kept@example.com" }), "the account survives a restart, in DATA_DIR");
      } finally {
        await disconnectDatabase();
        await again.stop();
      }
    } finally {
      if (mirror === undefined) delete process.env.MONGOMS_DOWNLOAD_MIRROR;
      else process.env.MONGOMS_DOWNLOAD_MIRROR = mirror;
      await engine.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("MONGODB_ENGINE=mongod without a mongod and offline refuses with what to do, at once", async () => {
    if (await findLocalMongod()) return; // a mongod is here: nothing to refuse
    const mirror = process.env.MONGOMS_DOWNLOAD_MIRROR;
    process.env.MONGOMS_DOWNLOAD_MIRROR = "http://127.0.0.1:9";
    try {
      await assert.rejects(
        startDatabaseEngine({ mongodbUri: undefined, mongodbEngine: "mongod", dataDir: os.tmpdir() }),
        (error: Error) =>
          error.name === "DatabaseUnavailableError" &&
          /no mongod is on this machine and .* cannot be reached.*MONGODB_URI/.test(error.message),
      );
    } finally {
      if (mirror === undefined) delete process.env.MONGOMS_DOWNLOAD_MIRROR;
      else process.env.MONGOMS_DOWNLOAD_MIRROR = mirror;
    }
  });
});
