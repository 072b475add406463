/**
 * Interest system on a stub zone, with real StateViews: each player's view holds itself
 * and the entities within the view radius; cues go to whoever is, or sees, an entity.
 * (The grid and the hysteresis are unit-tested in server/test/interest.test.ts.)
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { $refId } from "@colyseus/schema";
import { LootDrop } from "@oatnut/shared";
import { LEAVE_FACTOR } from "../../src/rooms/systems/interest.ts";
import { stubZone, tileCentre } from "./stubZone.ts";

const RADIUS = 160;
const STRIP = ["#".repeat(40), `#S${".".repeat(37)}#`, `#${".".repeat(38)}#`, "#".repeat(40)];

function setup() {
  const zone = stubZone({ rows: STRIP, viewRadius: RADIUS });
  return { zone };
}

describe("interest system", () => {
  it("puts a player in its own view, and others in it only within the view radius", () => {
    const { zone } = setup();
    const alice = zone.join({ at: tileCentre(2, 1) });
    const near = zone.join({ at: tileCentre(6, 1) });
    const far = zone.join({ at: tileCentre(30, 1) });
    assert.ok(alice.view.has(alice.player));
    assert.ok(alice.view.has(near.player));
    assert.equal(alice.view.has(far.player), false);
    assert.deepEqual(zone.interest.visibleTo(alice.sessionId), [near.sessionId]);
  });

  it("a newcomer touches only the views near it (a join or a respawn costs its neighbourhood, not the zone)", () => {
    const { zone } = setup();
    const alice = zone.join({ at: tileCentre(2, 1) });
    const bob = zone.join({ at: tileCentre(30, 1) });
    // Bob walks up to Alice; their views are brought up to date by the next tick's refresh.
    bob.player.x = alice.player.x + 32;
    const carol = zone.join({ at: tileCentre(36, 1) });
    assert.equal(bob.view.has(carol.player), false, "Carol is beyond Bob's radius now");
    assert.equal(alice.view.has(bob.player), false, "Carol's arrival far away did not refresh Alice's view");
    assert.ok(carol.view.has(carol.player));
    zone.tick();
    zone.tick();
    zone.tick();
    assert.ok(alice.view.has(bob.player), "the ticks' refresh did");
  });

  it("in a zone patching every second tick, refreshes views only on the ticks without a patch, each view every fourth tick", () => {
    const zone = stubZone({ rows: STRIP, viewRadius: RADIUS, refreshTicks: 3 });
    const watchers = [2, 3, 4, 5].map((column) => zone.join({ at: tileCentre(column, 1) }));
    const walker = zone.join({ at: tileCentre(37, 2) });
    const seeing = () => watchers.filter((watcher) => watcher.view.has(walker.player)).length;
    zone.interest.pace(2);
    walker.player.x = tileCentre(3, 2).x; // next to all four, seen once their views are refreshed
    const tick = (quiet: boolean) => {
      zone.interest.quiet = quiet;
      zone.tick();
    };
    tick(true);
    assert.equal(seeing(), 0, "a tick a patch follows refreshes no view");
    tick(false);
    assert.equal(seeing(), 2, "a tick without a patch refreshes one share of the views");
    tick(true);
    assert.equal(seeing(), 2);
    tick(false);
    assert.equal(seeing(), 4, "two shares (not three): every view within four ticks");
    // Back to a patch every tick: three shares, every tick.
    zone.interest.pace(1);
    walker.player.x = tileCentre(37, 2).x;
    tick(false);
    tick(false);
    tick(false);
    assert.equal(seeing(), 0);
  });

  it("records a patch's view changes in a map of their own, not in the one the last patch drained", () => {
    // V8 gives a long-lived map's new tables (on clear and growth) to the old generation:
    // a view's reused map made every view change old-generation garbage (levers.md round 6).
    const { zone } = setup();
    const alice = zone.join({ at: tileCentre(2, 1) });
    const bob = zone.join({ at: tileCentre(30, 1) });
    const carol = zone.join({ at: tileCentre(34, 1) });
    const drained = alice.view.changes;
    drained.clear(); // what Colyseus's encodeView does once the patch carries them
    bob.player.x = alice.player.x + 32;
    zone.tick();
    zone.tick();
    zone.tick();
    const recorded = alice.view.changes;
    assert.ok(alice.view.has(bob.player));
    assert.notEqual(recorded, drained, "Bob's arrival is recorded in a new map");
    const players = () => recorded.get(zone.state.players[$refId]!)?.size ?? 0;
    assert.equal(players(), 1, "with Bob's entry under the players");
    // Changes not sent yet stay where they are: a second arrival joins the first.
    carol.player.x = alice.player.x + 48;
    zone.tick();
    zone.tick();
    zone.tick();
    assert.equal(alice.view.changes, recorded);
    assert.equal(players(), 2, "Bob's and Carol's");
  });

  it("shows a player coming near, and hides it once beyond radius × LEAVE_FACTOR", () => {
    const { zone } = setup();
    const alice = zone.join({ at: tileCentre(2, 1) });
    const bob = zone.join({ at: tileCentre(30, 1) });
    bob.player.x = alice.player.x + RADIUS;
    zone.tick();
    assert.ok(alice.view.has(bob.player));
    bob.player.x = alice.player.x + RADIUS * LEAVE_FACTOR - 1;
    zone.tick();
    assert.ok(alice.view.has(bob.player), "inside the leave distance it stays");
    bob.player.x = alice.player.x + RADIUS * LEAVE_FACTOR + 1;
    zone.tick();
    assert.equal(alice.view.has(bob.player), false);
  });

  it("drops a player who left the world from every view, and its own view is emptied", () => {
    const { zone } = setup();
    const alice = zone.join({ at: tileCentre(2, 1) });
    const bob = zone.join({ at: tileCentre(4, 1) });
    zone.leave(bob);
    assert.equal(alice.view.has(bob.player), false);
    assert.equal(bob.view.has(alice.player), false);
    assert.deepEqual(zone.interest.watchersOf([bob.sessionId]), []);
  });

  it("names as watchers of entities the players who are or see them", () => {
    const { zone } = setup();
    const alice = zone.join({ at: tileCentre(2, 1) });
    const bob = zone.join({ at: tileCentre(6, 1) });
    const far = zone.join({ at: tileCentre(30, 1) });
    const drop = new LootDrop();
    drop.id = 1;
    Object.assign(drop, { item: "gel", count: 1, ...tileCentre(3, 2), owner: "" });
    zone.state.loot.set("1", drop);
    zone.interest.add("l:1", drop);
    assert.ok(alice.view.has(drop));
    assert.deepEqual(zone.interest.watchersOf(["l:1"]).sort(), [alice.sessionId, bob.sessionId].sort());
    assert.deepEqual(zone.interest.watchersOf([far.sessionId]), [far.sessionId]);
    zone.interest.remove("l:1");
    assert.equal(alice.view.has(drop), false);
    assert.deepEqual(zone.interest.watchersOf(["l:1"]), []);
  });
});
