/**
 * The boundary's rules alone, with an explicit clock: the client frame grammar (each
 * hostile frame found in the wild, every frame the real SDK encodes), the token buckets,
 * the refusal windows, and a random sweep showing the reader never throws.
 * What crosses a real socket is in hostile.test.ts.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Protocol } from "@colyseus/core";
import { encode } from "@colyseus/schema";
import { InputEncoder } from "@colyseus/schema/input";
import { pack } from "msgpackr";
import { ClientMessage, MoveInput } from "@oatnut/shared";
import { inputGrammar, readClientFrame, type StampMode } from "../src/rooms/boundary/frames.ts";
import { RefusalCounter, TokenBucket } from "../src/rooms/boundary/limits.ts";

const grammar = inputGrammar(MoveInput);
const NO_STAMPS = (): StampMode => ({ reckon: false, snapshot: false });
const BOTH_STAMPS = (): StampMode => ({ reckon: true, snapshot: true });
const TIMED = 0x80;
const read = (bytes: number[] | Uint8Array, stamps = NO_STAMPS) => readClientFrame(Uint8Array.from(bytes), grammar, stamps);

/** A ROOM_DATA frame as the SDK encodes `room.send(type, payload)`. */
function message(type: string, payload?: unknown): Uint8Array {
  const head = [Protocol.ROOM_DATA, 0xa0 | type.length, ...Buffer.from(type, "ascii")];
  return Uint8Array.from(payload === undefined ? head : [...head, ...pack(payload)]);
}

/** Input frames as the SDK's input handle sends them: optional stamp, then the encoder's body. */
function inputFrames(stamps: "none" | "reckon" | "both"): Uint8Array[] {
  const input = new MoveInput();
  const encoder = new InputEncoder(input);
  const frames: Uint8Array[] = [];
  const changes: Array<Partial<Record<"dx" | "dy" | "skill" | "target", number>>> = [
    {},
    { dx: 1 },
    { dx: -1, dy: 1 },
    { skill: 2, target: 123_456 },
    { skill: 0 },
    { dx: 0, dy: 0, skill: 1, target: 4_294_967_295 },
  ];
  let delta = 0;
  for (const change of changes) {
    Object.assign(input, change);
    const body = encoder.encode();
    const head = new Uint8Array(16);
    const it = { offset: 1 };
    head[0] = Protocol.ROOM_INPUT_RELIABLE | (stamps === "none" ? 0 : TIMED);
    if (stamps !== "none") {
      encode.number(head, delta, it);
      if (stamps === "both") encode.uint16(head, 170, it);
    }
    frames.push(Uint8Array.from([...head.subarray(0, it.offset), ...body]));
    delta = delta === 0 ? 50 : delta === 50 ? 70_000 : -3; // 1-byte, 4-byte and negative deltas
  }
  return frames;
}

describe("the client frame grammar", () => {
  it("accepts every frame the real client sends", () => {
    for (const frame of inputFrames("none")) assert.deepEqual(read(frame), { ok: true, kind: "input" }, Buffer.from(frame).toString("hex"));
    for (const frame of inputFrames("reckon"))
      assert.deepEqual(
        read(frame, () => ({ reckon: true, snapshot: false })),
        { ok: true, kind: "input" },
      );
    for (const frame of inputFrames("both")) assert.deepEqual(read(frame, BOTH_STAMPS), { ok: true, kind: "input" });
    assert.deepEqual(read([Protocol.JOIN_ROOM]), { ok: true, kind: "join" });
    assert.deepEqual(read([Protocol.LEAVE_ROOM]), { ok: true, kind: "leave" });
    assert.deepEqual(read([Protocol.PING]), { ok: true, kind: "ping" });
    assert.deepEqual(read(message(ClientMessage.Chat, { text: "héllo" })), {
      ok: true,
      kind: "message",
      type: "chat",
      payload: { text: "héllo" },
    });
    assert.deepEqual(read(message(ClientMessage.PickUp, { id: 7 })), { ok: true, kind: "message", type: "pickUp", payload: { id: 7 } });
    assert.deepEqual(read(message("anything")), { ok: true, kind: "message", type: "anything", payload: undefined });
  });

  it("refuses the frames that hung and killed Colyseus 0.18, and the other kinds the client never sends", () => {
    // An unreliable input with a slot length of −1: an endless loop in InputDecoder.decodeAll.
    assert.equal(read([Protocol.ROOM_INPUT_UNRELIABLE, 0x00, 0xff]).ok, false);
    assert.equal((read([Protocol.ROOM_INPUT_UNRELIABLE, 0x00, 0xff]) as { problem: string }).problem, "protocol");
    // A timed unreliable input declaring 2³²−1 stamps: allocation until out of memory.
    assert.equal((read([Protocol.ROOM_INPUT_UNRELIABLE | TIMED, 0xce, 0xff, 0xff, 0xff, 0xff]) as { problem: string }).problem, "protocol");
    for (const code of [Protocol.ROOM_REQUEST, Protocol.ROOM_DATA_BYTES, Protocol.ROOM_STATE, 0, 31]) {
      assert.equal((read([code, 1, 2, 3]) as { problem: string }).problem, "protocol", `code ${code}`);
    }
  });

  it("refuses malformed input frames: bad stamps, unknown fields or operations, repeats, cut or padded bodies", () => {
    const malformed = (bytes: number[], stamps = NO_STAMPS) => {
      const reading = read(bytes, stamps);
      assert.equal(reading.ok, false, Buffer.from(bytes).toString("hex"));
      assert.equal((reading as { problem: string }).problem, "malformed", Buffer.from(bytes).toString("hex"));
    };
    const I = Protocol.ROOM_INPUT_RELIABLE;
    malformed([I | TIMED, 0xcb, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f]); // a float64 (NaN) stamp
    malformed([I | TIMED, 0xcf, 1, 2, 3, 4, 5, 6, 7, 8]); // a 64-bit stamp
    malformed([I | TIMED, 0xce, 1, 2]); // a stamp cut short
    malformed([I | TIMED, 0x05, 0xaa], BOTH_STAMPS); // render delta cut short
    malformed([I | 0x40, 0x80, 1]); // unknown modifier bit
    malformed([I, 0x84, 1]); // field 4 does not exist
    malformed([I, 0x40, 1]); // DELETE operation
    malformed([I, 0x80, 1, 0x80, 1]); // dx twice
    malformed([I, 0x83, 1, 2]); // uint32 cut short
    malformed([I, 0x80, 1, 0]); // a stray byte after the body
    malformed([I, ...new Array(grammar.maxBytes).fill(0x80)]); // longer than any valid input
    malformed([Protocol.JOIN_ROOM, 0]);
    malformed([Protocol.PING, 1, 2]);
  });

  it("refuses malformed messages: types that are not short strings, payloads that are not plain data", () => {
    const problem = (bytes: number[] | Uint8Array) => (read(bytes) as { problem?: string }).problem;
    assert.equal(problem([Protocol.ROOM_DATA]), "malformed");
    assert.equal(problem([Protocol.ROOM_DATA, 0x05]), "malformed", "numeric type");
    assert.equal(problem([Protocol.ROOM_DATA, 0xdb, 0xff, 0xff, 0xff, 0xff]), "malformed", "str32 declaring 4 GB");
    assert.equal(problem([Protocol.ROOM_DATA, 0xa4, 0x63, 0x68]), "malformed", "type cut short");
    assert.equal(problem([Protocol.ROOM_DATA, 0xa2, 0x0a, 0x00]), "malformed", "control characters in the type");
    assert.equal(problem([...message("chat"), 0xdd, 0xff, 0xff, 0xff, 0xff]), "malformed", "array declaring 2³²−1 items");
    assert.equal(problem([...message("chat"), 0xc1]), "malformed", "never-used msgpack byte");
    assert.equal(problem([...message("chat"), 0x01, 0x02]), "malformed", "two values");
    assert.equal(problem(message("chat", new Date(0))), "malformed", "an extension type");
    assert.equal(problem(message("chat", { a: { b: { c: { d: { e: 1 } } } } })), "malformed", "nested too deeply");
    assert.equal(problem(message("chat", { n: Number.NaN })), "malformed", "NaN");
  });

  it("reads any bytes without throwing (a random sweep of 100,000 frames)", () => {
    let seed = 0x9e3779b9;
    const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const prefixes = [
      [Protocol.ROOM_INPUT_RELIABLE],
      [Protocol.ROOM_INPUT_RELIABLE | TIMED],
      [Protocol.ROOM_DATA, 0xa4, 0x63, 0x68, 0x61, 0x74],
      [Protocol.ROOM_DATA],
      [Protocol.ROOM_INPUT_UNRELIABLE],
      [Protocol.JOIN_ROOM],
      [],
    ];
    const kinds = new Map<string, number>();
    for (let i = 0; i < 100_000; i++) {
      const prefix = prefixes[i % prefixes.length];
      const tail = Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256));
      const reading = read([...prefix, ...tail], i % 2 ? BOTH_STAMPS : NO_STAMPS);
      const kind = reading.ok ? reading.kind : reading.problem;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    // The sweep reached valid frames as well as both kinds of refusal.
    for (const kind of ["input", "message", "malformed", "protocol"]) assert.ok((kinds.get(kind) ?? 0) > 0, `${kind}: ${[...kinds]}`);
  });
});

describe("rate limits and refusal windows", () => {
  it("a token bucket allows its burst at once, then its rate", () => {
    const bucket = new TokenBucket({ perSecond: 10, burst: 5 }, 0);
    let allowed = 0;
    for (let i = 0; i < 20; i++) if (bucket.take(0)) allowed++;
    assert.equal(allowed, 5, "the burst");
    assert.equal(bucket.take(50), false, "half a token after 50 ms");
    assert.equal(bucket.take(100), true, "one token after 100 ms");
    allowed = 0;
    for (let t = 100; t <= 10_100; t += 10) if (bucket.take(t)) allowed++;
    assert.ok(allowed >= 99 && allowed <= 101, `10 a second over 10 s: ${allowed}`);
    assert.equal(new TokenBucket({ perSecond: 1, burst: 3 }, 0).take(1e9), true, "refills up to the burst only");
  });

  it("reports the first refusal at once, then at most once per window with what was refused meanwhile", () => {
    const counter = new RefusalCounter(100, 10_000);
    assert.deepEqual(counter.refuse("invalid", 0).report, { invalid: 1 });
    for (let t = 1; t < 50; t++) assert.equal(counter.refuse(t % 2 ? "rate" : "unknown", t * 100).report, null, `t=${t}`);
    const next = counter.refuse("rate", 10_000);
    assert.deepEqual(next.report, { rate: 26, unknown: 24 });
    counter.refuse("state", 10_500);
    assert.deepEqual(counter.takePending(), { state: 1 }, "left for the leave report");
    assert.equal(counter.takePending(), null);
  });

  it("calls more than the strike limit within one window flooding, and forgets old windows", () => {
    const counter = new RefusalCounter(60, 10_000);
    for (let i = 0; i < 60; i++) assert.equal(counter.refuse("rate", 9_000).flooding, false);
    assert.equal(counter.refuse("rate", 9_999).flooding, true, "the 61st in the window");
    const slow = new RefusalCounter(60, 10_000);
    for (let i = 0; i < 600; i++) assert.equal(slow.refuse("rate", i * 200).flooding, false, "50 per window for a minute");
  });
});
