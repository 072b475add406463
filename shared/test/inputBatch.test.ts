import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  INPUT_BATCH,
  InputBatcher,
  MAX_INPUT_BATCH,
  changedInput,
  encodeInputBatch,
  inputsPerFrame,
  readInputBatch,
} from "../src/index.ts";

const INPUT = 19; // Colyseus's ROOM_INPUT_RELIABLE
const TIMED = 0x80;
const input = (...body: number[]) => Uint8Array.from([INPUT, ...body]);

/** A batcher on a manual clock: `sent` is what reached the connection. */
function batcher(perFrame: () => number, urgent?: () => boolean) {
  const sent: number[][] = [];
  const timers: Array<{ at: number; run: () => void } | null> = [];
  let now = 0;
  const b = new InputBatcher({
    send: (frame) => sent.push([...frame]),
    perFrame,
    urgent,
    holdMs: 75,
    setTimer: (run, ms) => timers.push({ at: now + ms, run }) - 1,
    clearTimer: (id) => (timers[id as number] = null),
  });
  const advance = (ms: number) => {
    now += ms;
    for (const [id, timer] of timers.entries())
      if (timer && timer.at <= now) {
        timers[id] = null;
        timer.run();
      }
  };
  return { b, sent, advance, pending: () => timers.filter(Boolean).length };
}

describe("inputs batched on the wire", () => {
  it("sends as many inputs to a frame as the zone's state says, 1 to MAX_INPUT_BATCH, 1 for anything else", () => {
    assert.equal(inputsPerFrame(1), 1);
    assert.equal(inputsPerFrame(2), 2);
    assert.equal(inputsPerFrame(undefined), 1, "before the first state");
    assert.equal(inputsPerFrame(0), 1);
    assert.equal(inputsPerFrame(1.5), 1);
    assert.equal(inputsPerFrame(Number.NaN), 1);
    assert.equal(inputsPerFrame(255), MAX_INPUT_BATCH);
  });

  it("takes a field the input never set for 0, as the server does: an unset input repeated is no change", () => {
    const unset = {} as { dx: number; dy: number; skill: number; target: number };
    const urgent = changedInput(unset);
    assert.deepEqual([urgent(), urgent(), urgent()], [true, false, false]);
    unset.dx = 0;
    assert.equal(urgent(), false, "0 set is the 0 it was read as");
    unset.dx = 1;
    assert.equal(urgent(), true);
  });

  it("sends an input that changes anything at once, with the one waiting before it", () => {
    const data = { dx: 1, dy: 0, skill: 0, target: 0 };
    const { b, sent, pending } = batcher(() => 2, changedInput(data));
    b.send(input(0x80, 1));
    assert.deepEqual(sent, [[INPUT, 0x80, 1]], "the first input of a walk goes at once, alone");
    b.send(input());
    assert.equal(sent.length, 1, "a repeated step waits for its pair");
    b.send(input());
    assert.equal(sent.length, 2);
    assert.equal(sent[1][0], INPUT_BATCH, "two repeated steps, one frame");
    b.send(input());
    assert.equal(pending(), 1, "the next repeat waits");
    data.dx = 0;
    data.dy = 1;
    b.send(input(0x81, 1));
    assert.equal(pending(), 0);
    assert.equal(sent.length, 3);
    const read = readInputBatch(Uint8Array.from(sent[2]));
    assert.ok(read.ok);
    assert.deepEqual(
      read.frames.map((frame) => [...frame]),
      [[INPUT], [INPUT, 0x81, 1]],
      "the turn goes at once, after the repeat that waited",
    );
    data.skill = 1;
    data.target = 7;
    b.send(input(0x82, 1, 7));
    data.target = 0;
    data.skill = 0;
    b.send(input(0x82, 0));
    b.send(input());
    data.skill = 1;
    b.send(input(0x82, 1));
    b.send(input(0x82, 1));
    assert.equal(pending(), 0, "a skill use never waits, not even the same one again");
    assert.deepEqual(
      sent.slice(3).map((frame) => frame[0]),
      [INPUT, INPUT, INPUT_BATCH, INPUT],
      "skill, its end (a change), then the repeat waited for the next skill use",
    );
  });

  it("reads back the input frames it encodes, in order", () => {
    const frames = [input(0x80, 1), Uint8Array.from([INPUT | TIMED, 50, 0x81, 0xff]), input()];
    const batch = encodeInputBatch(frames);
    assert.deepEqual([...batch.subarray(0, 3)], [INPUT_BATCH, 3, 3]);
    const read = readInputBatch(batch);
    assert.ok(read.ok);
    assert.deepEqual(
      read.frames.map((frame) => [...frame]),
      frames.map((frame) => [...frame]),
    );
    assert.throws(() => encodeInputBatch([]), RangeError);
    assert.throws(() => encodeInputBatch(Array.from({ length: MAX_INPUT_BATCH + 1 }, () => input())), RangeError);
    assert.throws(() => encodeInputBatch([Uint8Array.from([13, 0xa1, 0x61])]), RangeError, "a message is not an input");
  });

  it("refuses batches that are broken: count, lengths, what they carry, bytes after them", () => {
    const refused: Array<[string, number[], RegExp]> = [
      ["no count", [INPUT_BATCH], /count missing/],
      ["a count of 0", [INPUT_BATCH, 0], /count 0/],
      ["a count over the most", [INPUT_BATCH, MAX_INPUT_BATCH + 1, 1, INPUT], /count 5/],
      ["a count of 255", [INPUT_BATCH, 255, 1, INPUT], /count 255/],
      ["fewer frames than counted", [INPUT_BATCH, 2, 1, INPUT], /cut short/],
      ["a length past the end", [INPUT_BATCH, 1, 9, INPUT, 0x80, 1], /cut short/],
      ["an empty frame", [INPUT_BATCH, 1, 0], /empty frame/],
      ["a message inside", [INPUT_BATCH, 1, 3, 13, 0xa1, 0x61], /frame 1 .* not an input/],
      ["an unreliable input inside", [INPUT_BATCH, 2, 1, INPUT, 3, 20, 0x00, 0xff], /frame 2 .* not an input/],
      ["a batch inside a batch", [INPUT_BATCH, 1, 3, INPUT_BATCH, 1, 1], /not an input/],
      ["bytes after the last frame", [INPUT_BATCH, 1, 1, INPUT, 0], /bytes after/],
      ["another code", [INPUT, 1, 1, INPUT], /not an input batch/],
    ];
    for (const [what, bytes, detail] of refused) {
      const read = readInputBatch(Uint8Array.from(bytes));
      assert.equal(read.ok, false, what);
      if (!read.ok) assert.match(read.detail, detail, what);
    }
  });

  it("reads any bytes after the batch code without throwing", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    let accepted = 0;
    for (let i = 0; i < 50_000; i++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 12) }, () => Math.floor(random() * 256));
      bytes[0] = INPUT_BATCH;
      if (random() < 0.5) bytes[1] = 1 + Math.floor(random() * 2);
      const read = readInputBatch(bytes);
      if (read.ok) {
        accepted++;
        for (const frame of read.frames) assert.equal(frame[0] & 0x1f, INPUT);
      }
    }
    assert.ok(accepted < 50_000);
  });

  it("passes every frame straight through while one input a frame is asked", () => {
    const { b, sent, pending } = batcher(() => 1);
    b.send(input(0x80, 1));
    b.send(input(0x81, 1));
    assert.deepEqual(sent, [
      [INPUT, 0x80, 1],
      [INPUT, 0x81, 1],
    ]);
    assert.equal(pending(), 0);
    assert.deepEqual([b.framesSent, b.inputsSent], [2, 2]);
  });

  it("in a busy zone, sends inputs in pairs, each kept as it was when sent", () => {
    const { b, sent } = batcher(() => 2);
    const reused = input(0x80, 1); // the SDK reuses its frame buffer
    b.send(reused);
    assert.deepEqual(sent, [], "the first input waits for the second");
    reused[2] = 0xff;
    b.send(reused);
    assert.equal(sent.length, 1);
    const read = readInputBatch(Uint8Array.from(sent[0]));
    assert.ok(read.ok);
    assert.deepEqual(
      read.frames.map((frame) => [...frame]),
      [
        [INPUT, 0x80, 1],
        [INPUT, 0x80, 0xff],
      ],
    );
    assert.deepEqual([b.framesSent, b.inputsSent], [1, 2]);
  });

  it("sends a lone input once it waited holdMs, and never holds one longer", () => {
    const { b, sent, advance, pending } = batcher(() => 2);
    b.send(input(0x80, 1));
    advance(74);
    assert.deepEqual(sent, []);
    advance(1);
    assert.deepEqual(sent, [[INPUT, 0x80, 1]], "alone, as a plain input frame");
    assert.equal(pending(), 0);
    b.send(input(0x80, 0));
    b.send(input(0x80, 1));
    assert.equal(pending(), 0, "a pair cancels the wait");
  });

  it("sends waiting inputs before any other frame, so the server reads them in order", () => {
    const { b, sent, pending } = batcher(() => 2);
    b.send(input(0x80, 1));
    const chat = Uint8Array.from([13, 0xa4, 0x63, 0x68, 0x61, 0x74]);
    b.send(chat);
    assert.deepEqual(sent, [[INPUT, 0x80, 1], [...chat]]);
    assert.equal(pending(), 0);
    b.send(input(0x80, 0));
    b.dispose();
    assert.equal(sent.length, 2, "dispose drops what waits");
    assert.equal(pending(), 0);
  });

  it("follows the zone: a batch goes out when the zone stops being busy", () => {
    let perFrame = 2;
    const { b, sent } = batcher(() => perFrame);
    b.send(input(0x80, 1));
    perFrame = 1;
    b.send(input(0x80, 0));
    assert.equal(sent.length, 1);
    assert.equal(sent[0][0], INPUT_BATCH, "the waiting input and the new one, together");
    b.send(input(0x80, 1));
    assert.deepEqual(sent[1], [INPUT, 0x80, 1]);
  });
});
