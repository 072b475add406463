import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LocalPresence } from "@colyseus/core";
import type { CharacterRecord } from "../src/persistence/characters.ts";
import { SaveService } from "../src/persistence/saveService.ts";
import { issueTicket, redeemTicket, TICKET_TTL_SECONDS } from "../src/world/tickets.ts";
import { redact } from "../src/logger.ts";

/** A character's record at (x, y) in the town, level 1 with nothing carried. */
const at = (x: number, y: number): CharacterRecord => ({ zone: "town", x, y, level: 1, xp: 0, hp: 100, inventory: [] });

function recordingWriter(failures: number) {
  const written: Array<[string, CharacterRecord]> = [];
  let remaining = failures;
  return {
    written,
    write: async (id: string, snapshot: CharacterRecord) => {
      if (remaining-- > 0) throw new Error("database unavailable");
      written.push([id, snapshot]);
    },
  };
}

describe("save service", () => {
  it("retries a failed save until it is written", async () => {
    const writer = recordingWriter(2);
    const saves = new SaveService({ attempts: 4, backoffMs: 1, write: writer.write });
    assert.equal(await saves.save("c1", at(1, 2)), true);
    assert.deepEqual(writer.written, [["c1", at(1, 2)]]);
    assert.deepEqual(saves.stats, { writes: 1, failures: 2 });
  });

  it("never drops a save: after every attempt fails it is parked and written on the next retry", async () => {
    const writer = recordingWriter(3);
    const saves = new SaveService({ attempts: 3, backoffMs: 1, write: writer.write });
    assert.equal(await saves.save("c1", at(5, 6)), false);
    assert.equal(saves.parkedCount, 1);
    assert.equal(await saves.retryParked(), true);
    assert.equal(saves.parkedCount, 0);
    assert.deepEqual(writer.written, [["c1", at(5, 6)]]);
  });

  it("writes one character's saves in order, skipping snapshots a newer one superseded", async () => {
    const order: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const saves = new SaveService({
      backoffMs: 1,
      write: async (_id, snapshot) => {
        if (snapshot.x === 1) await gate;
        order.push(snapshot.x);
      },
    });
    const first = saves.save("c1", at(1, 0));
    await new Promise((resolve) => setImmediate(resolve)); // the first write is under way
    const second = saves.save("c1", at(2, 0));
    const third = saves.save("c1", at(3, 0));
    release();
    assert.deepEqual(await Promise.all([first, second, third]), [true, true, true]);
    assert.deepEqual(order, [1, 3], "the write under way finishes, then only the newest; the stale middle one is skipped");
  });
});

describe("the record of what the database holds", () => {
  it("writes only what differs from what it last wrote or read, and writes again after forgetting", async () => {
    const writer = recordingWriter(0);
    const saves = new SaveService({ backoffMs: 1, write: writer.write });
    saves.loaded("c1", at(1, 1)); // read from the database as the character entered a zone
    assert.equal(await saves.save("c1", at(1, 1)), true);
    assert.equal(writer.written.length, 0, "unchanged since it was read: nothing written");
    assert.equal(await saves.save("c1", { ...at(1, 1), inventory: [{ item: "potion", count: 1 }] }), true);
    assert.equal(await saves.save("c1", { ...at(1, 1), inventory: [{ item: "potion", count: 1 }] }), true);
    assert.equal(writer.written.length, 1, "the change once, not twice");
    saves.forget("c1");
    await saves.save("c1", { ...at(1, 1), inventory: [{ item: "potion", count: 1 }] });
    assert.equal(writer.written.length, 2, "forgotten: written again");
  });
});

describe("entry tickets", () => {
  it("admit one join only", async () => {
    const presence = new LocalPresence();
    const id = await issueTicket(presence, { accountId: "a", characterId: "c", zone: "town" });
    assert.deepEqual(await redeemTicket(presence, id), { accountId: "a", characterId: "c", zone: "town" });
    assert.equal(await redeemTicket(presence, id), null);
  });

  it("expire, and reject junk ids", async () => {
    const presence = new LocalPresence();
    const issued = Date.now();
    const id = await issueTicket(presence, { accountId: "a", characterId: "c", zone: "town" }, issued);
    assert.equal(await redeemTicket(presence, id, issued + TICKET_TTL_SECONDS * 1000 + 1), null);
    for (const junk of [undefined, 42, "", "x".repeat(500), { $ne: null }]) assert.equal(await redeemTicket(presence, junk), null);
  });
});

describe("log redaction", () => {
  it("replaces secrets at any depth", () => {
    assert.deepEqual(redact({ user: "u", password: "p", nested: { token: "t", list: [{ authorization: "Bearer x" }] } }), {
      user: "u",
      password: "[redacted]",
      nested: { token: "[redacted]", list: [{ authorization: "[redacted]" }] },
    });
    // A transfer's seat reservation admits its holder for a few seconds: never in a log.
    assert.deepEqual(redact({ zone: "forest", reservation: { sessionId: "s", roomId: "r" } }), {
      zone: "forest",
      reservation: "[redacted]",
    });
  });
});

describe("entry ticket storage", () => {
  it("drops a ticket nobody redeemed once its lifetime is over", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const presence = new LocalPresence();
    const id = await issueTicket(presence, { accountId: "a", characterId: "c", zone: "town" });
    assert.equal(await presence.llen(`oatnut:ticket:${id}`), 1);
    t.mock.timers.tick(TICKET_TTL_SECONDS * 1000);
    assert.equal(await presence.llen(`oatnut:ticket:${id}`), 0, "gone from memory");
  });
});
