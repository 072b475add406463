/**
 * The input class of zone rooms: it decodes exactly as MoveInput does, and what Colyseus
 * buffers of each input (its clone) is a plain record of the four fields, not a schema
 * object with a change tree.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { $changes } from "@colyseus/schema";
import { InputDecoder, InputEncoder } from "@colyseus/schema/input";
import { MoveInput } from "@oatnut/shared";
import { BufferedMoveInput } from "../src/rooms/moveInput.ts";

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
});
