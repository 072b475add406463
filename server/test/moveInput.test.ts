/**
 * The input class of zone rooms: it decodes exactly as MoveInput does, and what Colyseus
 * buffers of each input (its clone) is a plain record of the four fields, not a schema
 * object with a change tree.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InputBufferImpl } from "@colyseus/core";
import { $changes } from "@colyseus/schema";
import { InputDecoder, InputEncoder } from "@colyseus/schema/input";
import { INPUT_BUFFER_SIZE, MOVE_AXIS_RANGE, MoveInput, seededRandom } from "@oatnut/shared";
import { BufferedMoveInput, INPUT_RING_SIZE, type MoveSnapshot } from "../src/rooms/moveInput.ts";

describe("zone input class", () => {
  it("decodes the client's MoveInput frames, and buffers plain copies of the fields", () => {
    const sent = new MoveInput();
    const encoder = new InputEncoder(sent);
    const received = new BufferedMoveInput();
    const decoder = new InputDecoder(received);
    const copies: unknown[] = [];
    for (const [dx, dy, skill, target] of [
      [1, -1, 0, 0],
      [0, 1, 2, 4_000_000_000],
      [-1, 0, 1, 7],
    ]) {
      Object.assign(sent, { dx, dy, skill, target });
      decoder.decode(encoder.encode());
      assert.deepEqual({ dx: received.dx, dy: received.dy, skill: received.skill, target: received.target }, { dx, dy, skill, target });
      copies.push(received.clone());
    }
    assert.deepEqual(copies, [
      { dx: 1, dy: -1, skill: 0, target: 0 },
      { dx: 0, dy: 1, skill: 2, target: 4_000_000_000 },
      { dx: -1, dy: 0, skill: 1, target: 7 },
    ]);
    for (const copy of copies) {
      assert.equal(Object.getPrototypeOf(copy), Object.prototype, "a plain record");
      assert.equal((copy as Record<symbol, unknown>)[$changes], undefined, "no change tree");
    }
  });

  it("clamps the axes into MOVE_AXIS_RANGE as it copies, whatever the frame said", () => {
    // What a hostile client can put in an int8 axis: anything from -128 to 127.
    const sent = new MoveInput();
    const encoder = new InputEncoder(sent);
    const received = new BufferedMoveInput();
    const decoder = new InputDecoder(received);
    const [min, max] = MOVE_AXIS_RANGE;
    for (const [dx, dy, want] of [
      [127, -128, [max, min]],
      [2, -2, [max, min]],
      [-1, 1, [-1, 1]],
      [0, 0, [0, 0]],
    ] as const) {
      Object.assign(sent, { dx, dy, skill: 3, target: 9 });
      decoder.decode(encoder.encode());
      assert.equal(received.dx, dx, "decoded as sent");
      assert.deepEqual(received.clone(), { dx: want[0], dy: want[1], skill: 3, target: 9 }, `${dx},${dy} buffered clamped`);
    }
  });

  it("reuses a small ring of records, and never rewrites one Colyseus's buffer still holds", () => {
    // Colyseus's own input buffer, sized as the zone rooms size it, fed in bursts that
    // overflow it (a client's frames held up, then arriving together) and read the way the
    // movement system reads it: a few inputs a tick through the pooled iterator.
    const received = new BufferedMoveInput();
    const buffer = new InputBufferImpl<MoveSnapshot>(INPUT_BUFFER_SIZE, undefined);
    const random = seededRandom(12);
    const records = new Set<unknown>();
    let sent = 0;
    let applied = 0;
    let last = 0;
    for (let tick = 0; tick < 2000; tick++) {
      const arriving = random() < 0.1 ? Math.floor(random() * 3 * INPUT_BUFFER_SIZE) : Math.floor(random() * 3);
      for (let i = 0; i < arriving; i++) {
        sent++;
        // Each input says which it is: its target, and its direction derived from it.
        Object.assign(received, { dx: (sent % 3) - 1, dy: ((sent >> 2) % 3) - 1, skill: sent % 5, target: sent });
        const copy = received.clone();
        records.add(copy);
        buffer.push(copy);
      }
      let budget = 1 + Math.floor(random() * 3);
      for (const input of buffer.consume()) {
        // Oldest first, each one as it was sent: a rewritten record would show another input.
        assert.ok(input.target > last, `input ${input.target} after ${last}`);
        assert.deepEqual(
          { dx: input.dx, dy: input.dy, skill: input.skill },
          { dx: (input.target % 3) - 1, dy: ((input.target >> 2) % 3) - 1, skill: input.target % 5 },
          `input ${input.target} as sent`,
        );
        last = input.target;
        applied++;
        if (--budget < 1) break;
      }
    }
    assert.ok(applied > 1000 && sent - applied > 100, `bursts overflowed the buffer (${sent} sent, ${applied} applied)`);
    assert.equal(records.size, INPUT_RING_SIZE, "the same few records, over and over");
  });
});
