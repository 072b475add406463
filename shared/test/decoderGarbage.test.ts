/**
 * OatNut's patch to @colyseus/schema's decoder (patches/, applied by `npm install`; see
 * docs/upstream/colyseus-old-generation-tables.md): a decode that deleted no reference
 * leaves the decoder's set of deleted references alone. Clearing it, as every decode did,
 * allocates a new table, and in the old generation once the set is old: the server
 * decodes every input of every client that way, into a decoder that lives as long as the
 * client.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { $refId, Decoder, Encoder, MapSchema, schema, t } from "@colyseus/schema";
import { MoveInput } from "../src/protocol.ts";

/** Counts the `clear()` calls of a decoder's set of deleted references. */
function countClears(decoder: Decoder): { clears: number; refs: Map<number, unknown> } {
  const root = (decoder as unknown as { root: { deletedRefs: Set<number>; refs: Map<number, unknown> } }).root;
  const counted = { clears: 0, refs: root.refs };
  const clear = root.deletedRefs.clear.bind(root.deletedRefs);
  root.deletedRefs.clear = () => {
    counted.clears++;
    clear();
  };
  return counted;
}

const Thing = schema({ x: t.number() }, "GarbageThing");
const World = schema({ things: t.map(Thing) }, "GarbageWorld");

describe("patched Colyseus decoder: deleted references", () => {
  it("decoding inputs clears nothing: no reference was deleted", () => {
    const sent = new MoveInput();
    const encoder = new Encoder(sent);
    const received = new MoveInput();
    const decoder = new Decoder(received);
    const counted = countClears(decoder);
    for (let i = 0; i < 100; i++) {
      sent.dx = (i % 3) - 1;
      sent.target = i;
      decoder.decode(encoder.encode().slice());
      encoder.discardChanges();
    }
    assert.equal(received.target, 99, "every input was decoded");
    assert.equal(received.dx, (99 % 3) - 1);
    assert.equal(counted.clears, 0);
  });

  it("still collects the references a patch deletes", () => {
    const world = new World();
    world.things.set("a", new Thing().assign({ x: 1 }));
    world.things.set("b", new Thing().assign({ x: 2 }));
    const encoder = new Encoder(world);
    const mirror = new World();
    const decoder = new Decoder(mirror);
    const counted = countClears(decoder);
    decoder.decode(encoder.encodeAll().slice());
    encoder.discardChanges();
    const gone = (mirror.things as MapSchema).get("a") as object;
    const refId = (gone as Record<symbol, number>)[$refId];
    assert.ok(counted.refs.has(refId));
    world.things.delete("a");
    decoder.decode(encoder.encode().slice());
    assert.equal(mirror.things.has("a"), false);
    assert.equal(counted.refs.has(refId), false, "the deleted thing's reference is collected");
    assert.equal(counted.clears, 1);
  });
});
