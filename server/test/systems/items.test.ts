/**
 * Item system on a stub zone: a potion heals and is used up, on a cooldown of the zone
 * clock; refused uses are typed cues to the user alone, and change nothing.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ClientMessage, ITEM_COOLDOWN_MS, ITEMS, type ItemRefusal } from "@oatnut/shared";
import type { PlayerSession } from "../../src/rooms/context.ts";
import { ItemSystem } from "../../src/rooms/systems/items.ts";
import { stubZone, TICK_MS, type StubZone } from "./stubZone.ts";

const ROOM = ["#####", "#S..#", "#...#", "#####"];
const HEAL = ITEMS.potion.heal!;

function setup() {
  const zone = stubZone({ rows: ROOM });
  const items = zone.use(new ItemSystem(zone));
  return { zone, items };
}

function potions(session: PlayerSession): number {
  return session.player.inventory.filter((stack) => stack.item === "potion").reduce((sum, stack) => sum + stack.count, 0);
}

function refusalsOf(zone: StubZone, session: PlayerSession): Array<{ item: string; reason: ItemRefusal }> {
  return zone.cues.receivedBy(session).flatMap((cue) => (cue.type === "itemRefused" ? [{ item: cue.item, reason: cue.reason }] : []));
}

const drink = (zone: StubZone, session: PlayerSession) => zone.receive(session, ClientMessage.UseItem, { item: "potion" });

describe("item system", () => {
  it("a potion heals its amount and is used up: a heal cue, a prompt save", () => {
    const { zone } = setup();
    const alice = zone.join({ hp: 10, inventory: [{ item: "potion", count: 2 }] });
    zone.join(); // a bystander
    assert.equal(drink(zone, alice), undefined);
    assert.equal(alice.player.hp, 10 + HEAL);
    assert.equal(potions(alice), 1);
    const [heal] = zone.cues.recordsOf("heal");
    assert.deepEqual(heal.event, { type: "heal", eid: alice.player.eid, amount: HEAL });
    assert.deepEqual(heal.keys, [alice.sessionId]);
    assert.deepEqual(zone.saves, [alice.sessionId]);
  });

  it("heals no higher than the maximum, and the last potion leaves the inventory", () => {
    const { zone } = setup();
    const alice = zone.join({ inventory: [{ item: "potion", count: 1 }] });
    alice.player.hp = alice.player.maxHp - 5;
    drink(zone, alice);
    assert.equal(alice.player.hp, alice.player.maxHp);
    assert.deepEqual(zone.cues.of("heal"), [{ type: "heal", eid: alice.player.eid, amount: 5 }]);
    assert.equal(alice.player.inventory.length, 0);
  });

  it("holds item uses for ITEM_COOLDOWN_MS of the zone clock", () => {
    const { zone } = setup();
    const alice = zone.join({ hp: 10, inventory: [{ item: "potion", count: 3 }] });
    drink(zone, alice);
    zone.tick(ITEM_COOLDOWN_MS / TICK_MS - 1);
    drink(zone, alice);
    assert.deepEqual(refusalsOf(zone, alice), [{ item: "potion", reason: "cooldown" }]);
    assert.equal(potions(alice), 2);
    zone.tick();
    drink(zone, alice);
    assert.equal(potions(alice), 1);
    assert.equal(alice.player.hp, 10 + 2 * HEAL);
  });

  it("refuses with typed cues to the user alone, using nothing and saving nothing: full health, none, unusable, dead, unknown", () => {
    const { zone, items } = setup();
    const alice = zone.join({
      inventory: [
        { item: "potion", count: 1 },
        { item: "pelt", count: 1 },
      ],
    });
    const empty = zone.join({ hp: 10 });
    drink(zone, alice); // at full health
    drink(zone, empty);
    zone.receive(alice, ClientMessage.UseItem, { item: "pelt" });
    items.use(alice, "dragonscale"); // the boundary refuses such a message; the rule still does
    alice.player.hp = 0;
    drink(zone, alice);
    assert.deepEqual(refusalsOf(zone, alice), [
      { item: "potion", reason: "fullHealth" },
      { item: "pelt", reason: "unusable" },
      { item: "dragonscale", reason: "unknown" },
      { item: "potion", reason: "dead" },
    ]);
    assert.deepEqual(refusalsOf(zone, empty), [{ item: "potion", reason: "none" }]);
    assert.ok(zone.cues.recordsOf("itemRefused").every((record) => record.keys === null && record.recipients.length === 1));
    assert.equal(potions(alice), 1);
    assert.deepEqual(zone.saves, []);
    assert.deepEqual(zone.cues.of("heal"), []);
  });

  it("a refused use starts no cooldown", () => {
    const { zone } = setup();
    const alice = zone.join({ inventory: [{ item: "potion", count: 1 }] });
    drink(zone, alice); // full health: refused
    alice.player.hp = 50;
    drink(zone, alice);
    assert.equal(alice.player.hp, 50 + HEAL);
  });

  it("refuses a UseItem naming no known item at the boundary", () => {
    const { zone } = setup();
    const alice = zone.join({ hp: 10, inventory: [{ item: "potion", count: 1 }] });
    for (const raw of [{ item: "<script>" }, { item: 7 }, {}, null]) {
      assert.equal(zone.receive(alice, ClientMessage.UseItem, raw), "item must be the id of a known item");
    }
    assert.deepEqual(zone.cues.log, []);
    assert.equal(potions(alice), 1);
  });
});
