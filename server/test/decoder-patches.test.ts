/**
 * The fixes to Colyseus 0.18's input decoders (patches/, applied by `npm install`; see
 * docs/upstream/colyseus-input-decoding.md), shown on a bare Colyseus room with no OatNut
 * boundary in front: the frames that looped forever and allocated until the process died
 * are refused by the decoders themselves. The room runs in a worker thread with a small
 * heap, so that without the fixes the test fails (no answer, or the worker out of memory)
 * instead of taking the test runner down.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { Protocol } from "@colyseus/core";
import { Client, type Room } from "@colyseus/sdk";
import { PROJECT_ROOT } from "../src/config.ts";
import { freePort, waitFor } from "./helpers.ts";

const TIMED = 0x80;
let worker: Worker;
let url: string;
const errors: string[] = [];
let exited: { code: number; error?: Error } | null = null;

before(async () => {
  const port = await freePort();
  worker = new Worker(path.join(PROJECT_ROOT, "server", "test", "fixtures", "bare-colyseus.mjs"), {
    workerData: { port },
    resourceLimits: { maxOldGenerationSizeMb: 128 },
  });
  worker.on("error", (error) => {
    exited = { code: -1, error };
  });
  worker.on("exit", (code) => {
    exited ??= { code };
  });
  await new Promise<void>((resolve, reject) => {
    worker.on("message", (message: { listening?: number; error?: string }) => {
      if (message.listening) resolve();
      if (message.error) errors.push(message.error);
    });
    worker.once("exit", (code) => reject(new Error(`the bare server exited (${code}) before listening`)));
  });
  url = `http://127.0.0.1:${port}`;
});
after(async () => {
  await worker?.terminate();
});

/** The bare server answers HTTP (its event loop is free), within a bound. */
async function answers(): Promise<boolean> {
  try {
    return (await fetch(`${url}/__healthcheck`, { signal: AbortSignal.timeout(5000) })).ok;
  } catch {
    return false;
  }
}

async function join(): Promise<Room> {
  const room = await new Client(url).joinOrCreate("bare");
  room.reconnection.enabled = false;
  return room;
}

describe("patched Colyseus input decoders", () => {
  it("refuse an unreliable input whose slot length is -1 instead of looping forever", async () => {
    const room = await join();
    const before = errors.length;
    room.connection.send(Uint8Array.from([Protocol.ROOM_INPUT_UNRELIABLE, 0x00, 0xff]));
    await waitFor(
      () => errors.slice(before).some((e) => /decodeAll: malformed packet \(slot 0 has length -1/.test(e)),
      "the decoder's refusal",
      10_000,
    );
    assert.ok(await answers(), "the server still answers");
    assert.equal(exited, null);
    await room.leave();
  });

  it("refuse a timed unreliable input declaring 2^32-1 stamps instead of allocating until out of memory", async () => {
    const room = await join();
    const before = errors.length;
    room.connection.send(Uint8Array.from([Protocol.ROOM_INPUT_UNRELIABLE | TIMED, 0xce, 0xff, 0xff, 0xff, 0xff]));
    await waitFor(
      () => errors.slice(before).some((e) => /malformed unreliable input stamp block \(4294967295 slots declared/.test(e)),
      "the decoder's refusal",
      10_000,
    );
    assert.ok(await answers(), "the server still answers");
    assert.equal(exited, null, "the worker (128 MB heap) is alive");
    await room.leave();
  });

  it("drop a reliable input whose stamp is not a finite number, and keep decoding good ones", async () => {
    const room = await join();
    const before = errors.length;
    // A float64 NaN stamp, then a body setting dx = 1.
    room.connection.send(Uint8Array.from([Protocol.ROOM_INPUT_RELIABLE | TIMED, 0xcb, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f, 0x80, 1]));
    await waitFor(() => errors.slice(before).some((e) => /malformed reliable input stamp/.test(e)), "the decoder's refusal", 10_000);
    const state = room.state as { things: Map<string, { x: number }> };
    const x = state.things.get("a")!.x;
    room.connection.send(Uint8Array.from([Protocol.ROOM_INPUT_RELIABLE, 0x80, 1]));
    await waitFor(() => state.things.get("a")!.x === x + 1, "a good input still applies", 10_000);
    await room.leave();
  });
});
