import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LocalPresence } from "@colyseus/core";
import { SaveService, type CharacterSnapshot } from "../src/persistence/saveService.ts";
import { issueTicket, redeemTicket, TICKET_TTL_SECONDS } from "../src/world/tickets.ts";
import { redact } from "../src/logger.ts";

function recordingWriter(failures: number) {
  const written: Array<[string, CharacterSnapshot]> = [];
  let remaining = failures;
  return {
    written,
    write: async (id: string, snapshot: CharacterSnapshot) => {
      if (remaining-- > 0) throw new Error("database unavailable");
      written.push([id, snapshot]);
    },
  };
}

describe("save service", () => {
  it("retries a failed save until it is written", async () => {
    const writer = recordingWriter(2);
    const saves = new SaveService({ attempts: 4, backoffMs: 1, write: writer.write });
    assert.equal(await saves.save("c1", { zone: "town", x: 1, y: 2 }), true);
    assert.deepEqual(writer.written, [["c1", { zone: "town", x: 1, y: 2 }]]);
    assert.deepEqual(saves.stats, { writes: 1, failures: 2 });
  });

  it("never drops a save: after every attempt fails it is parked and written on the next retry", async () => {
    const writer = recordingWriter(3);
    const saves = new SaveService({ attempts: 3, backoffMs: 1, write: writer.write });
    assert.equal(await saves.save("c1", { zone: "town", x: 5, y: 6 }), false);
    assert.equal(saves.parkedCount, 1);
    assert.equal(await saves.retryParked(), true);
    assert.equal(saves.parkedCount, 0);
    assert.deepEqual(writer.written, [["c1", { zone: "town", x: 5, y: 6 }]]);
  });

  it("writes one character's saves in order, skipping snapshots a newer one superseded", async () => {
    const order: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const saves = new SaveService({
      backoffMs: 1,
      write: async (_id, snapshot) => {
        if (snapshot.x === 1) await gate;
        order.push(snapshot.x);
      },
    });
    const first = saves.save("c1", { zone: "town", x: 1, y: 0 });
    await new Promise((resolve) => setImmediate(resolve)); // the first write is under way
    const second = saves.save("c1", { zone: "town", x: 2, y: 0 });
    const third = saves.save("c1", { zone: "town", x: 3, y: 0 });
    release();
    assert.deepEqual(await Promise.all([first, second, third]), [true, true, true]);
    assert.deepEqual(order, [1, 3], "the write under way finishes, then only the newest; the stale middle one is skipped");
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
      user: "u", password: "[redacted]", nested: { token: "[redacted]", list: [{ authorization: "[redacted]" }] },
    });
    // A transfer's seat reservation admits its holder for a few seconds: never in a log.
    assert.deepEqual(redact({ zone: "forest", reservation: { sessionId: "s", roomId: "r" } }), { zone: "forest", reservation: "[redacted]" });
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
