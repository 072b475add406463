/**
 * Progression on a stub zone: XP, level-ups (full health, a higher maximum, a levelUp cue,
 * a prompt save) and the death penalty.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DEATH_XP_PENALTY, MAX_LEVEL, maxHpForLevel, xpToNextLevel } from "@oatnut/shared";
import { grantXp, xpAfterDeath } from "../../src/rooms/gameplay/progression.ts";
import { stubZone } from "./stubZone.ts";

const ROOM = ["#####", "#S..#", "#####"];

describe("progression", () => {
  it("adds XP within a level without a level-up, and asks for a save", () => {
    const zone = stubZone({ rows: ROOM });
    const alice = zone.join({ xp: 3, hp: 50 });
    grantXp(zone, alice, 5);
    assert.deepEqual({ level: alice.player.level, xp: alice.player.xp, hp: alice.player.hp }, { level: 1, xp: 8, hp: 50 });
    assert.deepEqual(zone.cues.of("levelUp"), []);
    assert.deepEqual(zone.saves, [alice.sessionId]);
  });

  it("levels up with enough XP: a higher maximum, full health, a levelUp cue for those who see it, a save", () => {
    const zone = stubZone({ rows: ROOM });
    const alice = zone.join({ xp: xpToNextLevel(1) - 1, hp: 50 });
    const bystander = zone.join();
    grantXp(zone, alice, 12);
    assert.equal(alice.player.level, 2);
    assert.equal(alice.player.xp, 11, "XP counts within the new level");
    assert.equal(alice.player.maxHp, maxHpForLevel(2));
    assert.ok(maxHpForLevel(2) > maxHpForLevel(1));
    assert.equal(alice.player.hp, alice.player.maxHp);
    const [levelUp] = zone.cues.recordsOf("levelUp");
    assert.deepEqual(levelUp.event, { type: "levelUp", eid: alice.player.eid, level: 2 });
    assert.deepEqual(levelUp.keys, [alice.sessionId]);
    assert.deepEqual([...levelUp.recipients].sort(), [alice.sessionId, bystander.sessionId].sort());
    assert.deepEqual(zone.saves, [alice.sessionId]);
  });

  it("levels up as often as the XP allows, with one cue for the level reached", () => {
    const zone = stubZone({ rows: ROOM });
    const alice = zone.join();
    grantXp(zone, alice, xpToNextLevel(1) + xpToNextLevel(2) + 5);
    assert.deepEqual(
      { level: alice.player.level, xp: alice.player.xp, maxHp: alice.player.maxHp },
      { level: 3, xp: 5, maxHp: maxHpForLevel(3) },
    );
    assert.deepEqual(zone.cues.of("levelUp"), [{ type: "levelUp", eid: alice.player.eid, level: 3 }]);
  });

  it("does not bring the dead back by a level-up", () => {
    const zone = stubZone({ rows: ROOM });
    const alice = zone.join();
    alice.player.hp = 0;
    grantXp(zone, alice, xpToNextLevel(1));
    assert.equal(alice.player.level, 2);
    assert.equal(alice.player.maxHp, maxHpForLevel(2));
    assert.equal(alice.player.hp, 0);
  });

  it("stops at MAX_LEVEL", () => {
    const zone = stubZone({ rows: ROOM });
    const alice = zone.join({ level: MAX_LEVEL - 1 });
    grantXp(zone, alice, 1_000_000);
    assert.deepEqual({ level: alice.player.level, xp: alice.player.xp }, { level: MAX_LEVEL, xp: 0 });
  });

  it("takes DEATH_XP_PENALTY of this level's XP at death, rounded in the player's favour, never a level", () => {
    assert.equal(DEATH_XP_PENALTY, 0.25);
    assert.equal(xpAfterDeath(8), 6);
    assert.equal(xpAfterDeath(7), 6);
    assert.equal(xpAfterDeath(3), 3);
    assert.equal(xpAfterDeath(0), 0);
  });
});
