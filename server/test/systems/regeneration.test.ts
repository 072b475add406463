/**
 * The sanctuary's RegenerationSystem (rooms/types/sanctuary.ts) on a stub zone: the
 * living wounded heal SANCTUARY_HP_PER_SECOND, whole HP at a time, up to their maximum.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TICK_RATE } from "@oatnut/shared";
import { RegenerationSystem, SANCTUARY_HP_PER_SECOND } from "../../src/rooms/types/sanctuary.ts";
import { stubZone } from "./stubZone.ts";

const ROOM = ["#####", "#S..#", "#####"];

function setup() {
  const zone = stubZone({ rows: ROOM });
  zone.use(new RegenerationSystem(zone, SANCTUARY_HP_PER_SECOND));
  return { zone };
}

describe("regeneration system (sanctuary)", () => {
  it("heals a wounded player SANCTUARY_HP_PER_SECOND, one whole HP as soon as it is earned", () => {
    const { zone } = setup();
    const alice = zone.join({ hp: 50 });
    const ticksPerHp = TICK_RATE / SANCTUARY_HP_PER_SECOND;
    zone.tick(ticksPerHp - 1);
    assert.equal(alice.player.hp, 50);
    zone.tick();
    assert.equal(alice.player.hp, 51);
    zone.tick(TICK_RATE * 2 - ticksPerHp);
    assert.equal(alice.player.hp, 50 + 2 * SANCTUARY_HP_PER_SECOND);
  });

  it("stops at the maximum and never heals the dead", () => {
    const { zone } = setup();
    const alice = zone.join();
    alice.player.hp = alice.player.maxHp - 1;
    const dead = zone.join({ hp: 0 });
    zone.tick(TICK_RATE * 10);
    assert.equal(alice.player.hp, alice.player.maxHp);
    assert.equal(dead.player.hp, 0);
  });

  it("forgets what a player had earned toward its next HP when it leaves the world", () => {
    const { zone } = setup();
    const alice = zone.join({ hp: 50 });
    const ticksPerHp = TICK_RATE / SANCTUARY_HP_PER_SECOND;
    zone.tick(ticksPerHp - 1);
    zone.leave(alice);
    zone.enter(alice);
    zone.tick(ticksPerHp - 1);
    assert.equal(alice.player.hp, 50, "it starts from nothing again");
    zone.tick();
    assert.equal(alice.player.hp, 51);
  });
});
