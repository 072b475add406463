/**
 * The systems wired together (systems/index.ts) on a stub zone: the tick order, a kill
 * through a skill riding on an input (loot for the killer, XP), a bite through combat
 * (death, penalty, respawn).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { distance, MONSTERS, PLAYER_RESPAWN_SECONDS, Skill, SKILLS } from "@oatnut/shared";
import type { ZoneSystem } from "../../src/rooms/context.ts";
import { ArrivalSystem } from "../../src/rooms/systems/arrivals.ts";
import { ChatSystem } from "../../src/rooms/systems/chat.ts";
import { CombatSystem } from "../../src/rooms/systems/combat.ts";
import { createZoneSystems } from "../../src/rooms/systems/index.ts";
import { ItemSystem } from "../../src/rooms/systems/items.ts";
import { LootSystem } from "../../src/rooms/systems/loot.ts";
import { MonsterSystem, type Mob } from "../../src/rooms/systems/monsters.ts";
import { MovementSystem } from "../../src/rooms/systems/movement.ts";
import { PortalSystem } from "../../src/rooms/systems/portals.ts";
import { stubZone, ticksIn, TICK_MS } from "./stubZone.ts";

const ARENA = Array.from({ length: 12 }, (_, r) => (r === 0 || r === 11 ? "#".repeat(24) : `#${r === 2 ? "S" : "."}${".".repeat(21)}#`));

function setup(behaviour: "passive" | "aggressive", extra: ZoneSystem[] = []) {
  const zone = stubZone({
    rows: ARENA,
    monsterAreas: [
      { name: "den", rect: [14, 6, 1, 1], properties: { monster: behaviour === "passive" ? "slime" : "wolf", behaviour, wander: false } },
    ],
  });
  const systems = createZoneSystems(zone, {
    interest: zone.interest,
    seenBy: zone.seenBy,
    ...zone.inputFeed(),
    enterPortal: () => {},
    extra,
  });
  for (const system of systems.all) if (system !== zone.interest) zone.use(system);
  zone.tick(); // the monsters spawn
  return { zone, systems };
}

function mobOf(monsters: MonsterSystem): Mob {
  const mob = monsters.slots[0].mob;
  assert.ok(mob, "a monster in the den");
  return mob;
}

describe("zone systems wired together", () => {
  it("run in the order of the tick: arrivals, movement, monsters, combat, loot, items, chat, portals, the room type's own, interest last", () => {
    const own: ZoneSystem = {};
    const { systems } = setup("passive", [own]);
    const kinds = [ArrivalSystem, MovementSystem, MonsterSystem, CombatSystem, LootSystem, ItemSystem, ChatSystem, PortalSystem];
    assert.equal(systems.all.length, kinds.length + 2);
    kinds.forEach((kind, i) => assert.ok(systems.all[i] instanceof kind, `${kind.name} at ${i}`));
    assert.equal(systems.all.at(-2), own);
    assert.equal(systems.all.at(-1), systems.interest);
  });

  it("a kill by skills riding on inputs drops the monster's loot for its killer and gives it the monster's XP", () => {
    const { zone, systems } = setup("passive");
    zone.random = () => 0; // every drop of the table falls
    const mob = mobOf(systems.monsters);
    const alice = zone.join({ name: "Alice", at: { x: mob.monster.x - 40, y: mob.monster.y } });
    const strikes = Math.ceil(MONSTERS.slime.maxHp / 10);
    for (let i = 0; i < strikes && mob.monster.hp > 0; i++) {
      zone.queueInputs(alice, { skill: Skill.Melee, target: mob.monster.eid });
      zone.tick(SKILLS[Skill.Melee].cooldownMs / TICK_MS);
    }
    assert.equal(mob.monster.hp, 0);
    assert.deepEqual(zone.cues.of("refused"), [], "every strike landed");
    assert.equal(systems.monsters.count, 0);
    const drops = [...zone.state.loot.values()];
    assert.deepEqual(
      drops.map((drop) => [drop.item, drop.owner]),
      MONSTERS.slime.loot.map((rule) => [rule.item, "Alice"]),
    );
    assert.ok(
      drops.every((drop) => distance(drop, mob.monster) < 20),
      "around the body",
    );
    assert.equal(alice.player.xp, MONSTERS.slime.xp);
    assert.ok(zone.saves.includes(alice.sessionId), "the XP is saved promptly");
    assert.deepEqual(zone.cues.of("death"), [{ type: "death", eid: mob.monster.eid, by: alice.player.eid }]);
  });

  it("a monster's bites go through combat: the player dies, pays the penalty, and respawns at the spawn", () => {
    const { zone, systems } = setup("aggressive");
    const wolf = mobOf(systems.monsters);
    const alice = zone.join({ xp: 8, at: { x: wolf.monster.x - 100, y: wolf.monster.y } });
    alice.player.hp = MONSTERS.wolf.damage * 2;
    zone.tickUntil(() => alice.player.hp === 0, "the wolf kills Alice", ticksIn(10));
    assert.equal(zone.cues.of("bite").length, 2);
    assert.deepEqual(zone.cues.of("death"), [{ type: "death", eid: alice.player.eid, by: wolf.monster.eid }]);
    assert.equal(alice.player.xp, 6);
    zone.tickUntil(() => alice.player.hp > 0, "Alice respawns", ticksIn(PLAYER_RESPAWN_SECONDS));
    assert.deepEqual({ x: alice.player.x, y: alice.player.y }, zone.map.spawn);
    assert.equal(zone.cues.of("bite").length, 2, "the wolf let go of the dead");
  });
});
