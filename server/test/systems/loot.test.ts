/**
 * Loot system on a stub zone: drops rolled from a loot table, owned by the killer for
 * LOOT_OWNER_SECONDS, gone after LOOT_LIFETIME_SECONDS; picked up by walking within
 * PICKUP_RADIUS or by a PickUp message within PICKUP_REACH, with typed refusals; one copy
 * of an item, in exactly one place.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ClientMessage,
  distance,
  INVENTORY_SLOTS,
  ITEMS,
  LOOT_LIFETIME_SECONDS,
  LOOT_OWNER_SECONDS,
  MONSTERS,
  PICKUP_RADIUS,
  PICKUP_REACH,
  type LootDrop,
  type PickUpRefusal,
  type Position,
} from "@oatnut/shared";
import type { PlayerSession } from "../../src/rooms/context.ts";
import { LootSystem, lootKey } from "../../src/rooms/systems/loot.ts";
import { stubZone, ticksIn, tileCentre, type StubZone } from "./stubZone.ts";

const FIELD = [
  "##############",
  "#............#",
  "#.S..........#",
  "#............#",
  "#............#",
  "#............#",
  "##############",
];

function setup() {
  const zone = stubZone({ rows: FIELD });
  const loot = zone.use(new LootSystem(zone));
  return { zone, loot };
}

const eastOf = (at: Position, dx: number): Position => ({ x: at.x + dx, y: at.y });

/** How many of `item` one player carries. */
function carried(session: PlayerSession, item: string): number {
  return session.player.inventory.filter((stack) => stack.item === item).reduce((sum, stack) => sum + stack.count, 0);
}

/** How many of `item` lie on the ground. */
function onGround(zone: StubZone, item: string): number {
  return [...zone.state.loot.values()].filter((drop) => drop.item === item).reduce((sum, drop) => sum + drop.count, 0);
}

function refusalsOf(zone: StubZone, session: PlayerSession): Array<{ id: number; reason: PickUpRefusal }> {
  return zone.cues.receivedBy(session).flatMap((cue) => (cue.type === "pickUpRefused" ? [{ id: cue.id, reason: cue.reason }] : []));
}

/** An inventory with every slot holding a full stack of pelts. */
const fullOfPelts = () => Array.from({ length: INVENTORY_SLOTS }, () => ({ item: "pelt", count: ITEMS.pelt.stack }));

describe("loot system: drops", () => {
  it("rolls a monster's loot table: what comes out lies around the body, owned by the killer", () => {
    const { zone, loot } = setup();
    const body = tileCentre(7, 3);
    zone.random = () => 0; // every entry drops, with its minimum count
    loot.dropFrom(MONSTERS.slime, body, "Alice");
    const drops = [...zone.state.loot.values()];
    assert.deepEqual(
      drops.map((drop) => [drop.item, drop.count, drop.owner]),
      MONSTERS.slime.loot.map((rule) => [rule.item, rule.min, "Alice"]),
    );
    assert.ok(
      drops.every((drop) => distance(drop, body) <= 12 + 1e-3),
      "spread on a small circle around the body",
    );
    assert.notDeepEqual({ x: drops[0].x, y: drops[0].y }, { x: drops[1].x, y: drops[1].y }, "apart, so each can be clicked");

    zone.random = () => 0.999; // above every chance
    loot.dropFrom(MONSTERS.slime, body, "Alice");
    assert.equal(loot.count, 2, "nothing more dropped");
  });

  it("belongs to its owner for LOOT_OWNER_SECONDS: another character standing on it takes it only then", () => {
    const { zone, loot } = setup();
    const spot = tileCentre(7, 3);
    const bob = zone.join({ name: "Bob", at: spot });
    const drop = loot.place("gel", 2, spot, "Alice");
    zone.tick(ticksIn(LOOT_OWNER_SECONDS) - 1);
    assert.equal(zone.state.loot.get(String(drop.id)), drop);
    assert.equal(drop.owner, "Alice");
    assert.equal(carried(bob, "gel"), 0);
    assert.equal(zone.receive(bob, ClientMessage.PickUp, { id: drop.id }), undefined);
    assert.deepEqual(refusalsOf(zone, bob), [{ id: drop.id, reason: "owned" }]);
    zone.tick();
    assert.equal(carried(bob, "gel"), 2, "anyone's now");
    assert.equal(zone.state.loot.has(String(drop.id)), false);
  });

  it("disappears after LOOT_LIFETIME_SECONDS when nobody takes it, from the state and from every view", () => {
    const { zone, loot } = setup();
    const alice = zone.join({ at: tileCentre(2, 2) });
    const drop = loot.place("bone", 1, tileCentre(8, 4), "");
    zone.tick();
    assert.ok(zone.interest.visibleTo(alice.sessionId).includes(lootKey(drop)), "Alice sees it from afar");
    zone.tick(ticksIn(LOOT_LIFETIME_SECONDS) - 2);
    assert.equal(loot.count, 1);
    zone.tick();
    assert.equal(loot.count, 0);
    assert.equal(zone.state.loot.size, 0);
    assert.deepEqual(zone.interest.visibleTo(alice.sessionId), []);
    assert.equal(alice.view.has(drop), false);
  });
});

describe("loot system: picking up", () => {
  it("a living character takes what it walks over within PICKUP_RADIUS: into its bag, a cue to it alone, a prompt save", () => {
    const { zone, loot } = setup();
    const alice = zone.join({ name: "Alice", at: tileCentre(4, 3) });
    const bystander = zone.join({ at: tileCentre(5, 4) });
    const near = loot.place("gel", 2, eastOf(alice.player, PICKUP_RADIUS), "Alice");
    const beyond = loot.place("bone", 1, eastOf(alice.player, -(PICKUP_RADIUS + 1)), "");
    zone.tick();
    assert.equal(carried(alice, "gel"), 2);
    assert.equal(zone.state.loot.has(String(near.id)), false);
    assert.equal(zone.state.loot.has(String(beyond.id)), true, "one pixel beyond the radius stays");
    const [pickup] = zone.cues.recordsOf("pickup");
    assert.deepEqual(pickup.event, { type: "pickup", eid: alice.player.eid, item: "gel", count: 2 });
    assert.deepEqual(pickup.recipients, [alice.sessionId]);
    assert.deepEqual(zone.cues.receivedBy(bystander), []);
    assert.deepEqual(zone.saves, [alice.sessionId]);
  });

  it("the dead pick up nothing by walking", () => {
    const { zone, loot } = setup();
    const alice = zone.join({ name: "Alice" });
    alice.player.hp = 0;
    loot.place("gel", 1, alice.player, "Alice");
    zone.tick(5);
    assert.equal(loot.count, 1);
    assert.equal(carried(alice, "gel"), 0);
  });

  it("takes a drop asked for with PickUp within PICKUP_REACH", () => {
    const { zone, loot } = setup();
    const alice = zone.join({ name: "Alice", at: tileCentre(3, 3) });
    const drop = loot.place("potion", 2, eastOf(alice.player, PICKUP_REACH), "Alice");
    assert.equal(zone.receive(alice, ClientMessage.PickUp, { id: drop.id }), undefined);
    assert.equal(carried(alice, "potion"), 2);
    assert.equal(loot.count, 0);
    assert.deepEqual(zone.cues.of("pickup"), [{ type: "pickup", eid: alice.player.eid, item: "potion", count: 2 }]);
    assert.deepEqual(zone.saves, [alice.sessionId]);
    assert.deepEqual(refusalsOf(zone, alice), []);
  });

  it("refuses a PickUp with typed cues: far, owned, gone, full, dead — and leaves the drop where it was", () => {
    const { zone, loot } = setup();
    const alice = zone.join({ name: "Alice", at: tileCentre(3, 3) });
    const far = loot.place("bone", 1, eastOf(alice.player, PICKUP_REACH + 1), "");
    const owned = loot.place("bone", 1, eastOf(alice.player, 40), "Bob");
    zone.receive(alice, ClientMessage.PickUp, { id: far.id });
    zone.receive(alice, ClientMessage.PickUp, { id: owned.id });
    zone.receive(alice, ClientMessage.PickUp, { id: 999 });
    alice.player.hp = 0;
    zone.receive(alice, ClientMessage.PickUp, { id: far.id });
    assert.deepEqual(refusalsOf(zone, alice), [
      { id: far.id, reason: "far" },
      { id: owned.id, reason: "owned" },
      { id: 999, reason: "gone" },
      { id: far.id, reason: "dead" },
    ]);
    assert.ok(
      zone.cues.recordsOf("pickUpRefused").every((record) => record.keys === null),
      "only the asker hears it",
    );

    const packed = zone.join({ name: "Packed", at: tileCentre(10, 3), inventory: fullOfPelts() });
    const bone = loot.place("bone", 1, eastOf(packed.player, 40), "");
    zone.receive(packed, ClientMessage.PickUp, { id: bone.id });
    assert.deepEqual(refusalsOf(zone, packed), [{ id: bone.id, reason: "full" }]);
    assert.equal(loot.count, 3, "nothing was taken");
    assert.deepEqual(zone.saves, []);
  });

  it("refuses a malformed PickUp at the boundary, before the system sees it", () => {
    const { zone, loot } = setup();
    const alice = zone.join({ name: "Alice" });
    const drop = loot.place("gel", 1, eastOf(alice.player, 30), "");
    for (const raw of [{ id: "1" }, { id: 0 }, { id: 1.5 }, {}, null]) {
      assert.equal(zone.receive(alice, ClientMessage.PickUp, raw), "id must be a positive integer");
    }
    assert.equal(zone.state.loot.get(String(drop.id)), drop);
    assert.deepEqual(zone.cues.log, []);
  });
});

describe("loot system: no duplication", () => {
  it("what does not fit stays on the ground: every item in exactly one place", () => {
    const { zone, loot } = setup();
    const stuffed = [...fullOfPelts().slice(1), { item: "potion", count: ITEMS.potion.stack - 2 }];
    const alice = zone.join({ name: "Alice", inventory: stuffed });
    const drop = loot.place("potion", 5, eastOf(alice.player, 30), "");
    assert.equal(zone.receive(alice, ClientMessage.PickUp, { id: drop.id }), undefined);
    assert.deepEqual(refusalsOf(zone, alice), [], "a partial pick-up is not refused");
    assert.equal(carried(alice, "potion"), ITEMS.potion.stack);
    assert.equal(drop.count, 3);
    assert.equal(onGround(zone, "potion"), 3);
    assert.deepEqual(zone.cues.of("pickup"), [{ type: "pickup", eid: alice.player.eid, item: "potion", count: 2 }]);
    assert.equal(carried(alice, "potion") + onGround(zone, "potion"), ITEMS.potion.stack - 2 + 5);
  });

  it("two characters on one drop: exactly one gets it, and a later click finds it gone", () => {
    const { zone, loot } = setup();
    const spot = tileCentre(6, 3);
    const alice = zone.join({ name: "Alice", at: spot });
    const bob = zone.join({ name: "Bob", at: spot });
    const drop: LootDrop = loot.place("bone", 3, spot, "");
    zone.tick();
    const holders = [alice, bob].filter((session) => carried(session, "bone") > 0);
    assert.equal(holders.length, 1);
    assert.equal(carried(holders[0], "bone"), 3);
    assert.equal(onGround(zone, "bone"), 0);
    assert.equal(loot.count, 0);
    const other = holders[0] === alice ? bob : alice;
    zone.receive(other, ClientMessage.PickUp, { id: drop.id });
    assert.deepEqual(refusalsOf(zone, other), [{ id: drop.id, reason: "gone" }]);
    assert.equal(carried(alice, "bone") + carried(bob, "bone"), 3);
    assert.deepEqual(zone.saves, [holders[0].sessionId]);
  });
});
