/**
 * Arrival system on a stub zone: players arriving at a spawn point are placed on free
 * spots near it (never on top of each other, on walkable ground, in view of the spawn,
 * outside portals), and every arrival — entering, through a portal, a respawn — has spawn
 * protection for SPAWN_PROTECTION_SECONDS of the zone's clock, shown in
 * `Player.spawnProtected`, which spares it monsters and players and ends when it attacks.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ARRIVAL_SPACING,
  distance,
  insideRect,
  isWalkable,
  lineOfSight,
  MONSTERS,
  PLAYER_RESPAWN_SECONDS,
  Skill,
  SKILLS,
  skillDamage,
  SPAWN_PROTECTION_SECONDS,
  type Position,
} from "@oatnut/shared";
import type { PlayerSession } from "../../src/rooms/context.ts";
import { ArrivalSystem } from "../../src/rooms/systems/arrivals.ts";
import { CombatSystem } from "../../src/rooms/systems/combat.ts";
import { createZoneSystems } from "../../src/rooms/systems/index.ts";
import { stubZone, ticksIn, tileCentre, type StubZone } from "./stubZone.ts";

/**
 * A hall with the default spawn in tile (4, 3): a wall west and north of it, a portal in
 * the tile east of it; a second spawn point, "fromPortal", in tile (12, 3).
 */
const HALL = [
  "################",
  "#..............#",
  "#...#..........#",
  "#..#S..........#",
  "#..............#",
  "#..............#",
  "################",
];
const PORTAL = { name: "east", rect: [5, 3, 1, 1] as [number, number, number, number], targetZone: "test", targetSpawn: "fromPortal" };

function hall(options: { pvp?: boolean } = {}) {
  const zone = stubZone({ rows: HALL, spawns: { fromPortal: [12, 3] }, portals: [PORTAL], pvp: options.pvp });
  const arrivals = zone.use(new ArrivalSystem(zone));
  return { zone, arrivals };
}

const where = (session: PlayerSession): Position => ({ x: session.player.x, y: session.player.y });

/** Every arrival's spot is a proper one: free, walkable, in view of the spawn, outside portals, near it. */
function assertSpread(zone: StubZone, spawn: Position, sessions: PlayerSession[]): void {
  sessions.forEach((session, i) => {
    const spot = where(session);
    assert.ok(isWalkable(spot, zone.map), `arrival ${i} stands on walkable ground`);
    assert.ok(lineOfSight(zone.map, spawn, spot), `arrival ${i} is in view of the spawn point, no wall between`);
    assert.ok(!zone.map.portals.some((portal) => insideRect(portal, spot.x, spot.y)), `arrival ${i} is outside every portal`);
    assert.ok(distance(spot, spawn) <= 3 * Math.SQRT2 * zone.map.tileSize + 0.01, `arrival ${i} is near the spawn point`);
    sessions.slice(0, i).forEach((other, j) => {
      assert.ok(distance(spot, where(other)) >= ARRIVAL_SPACING, `arrivals ${j} and ${i} are ${ARRIVAL_SPACING} px apart or more`);
    });
  });
}

describe("arrival system: where arrivals stand", () => {
  it("places players arriving at the spawn point on free spots near it: the first on the point, the next ones a tile away, never on a wall, across one or in a portal", () => {
    const { zone } = hall();
    const spawn = zone.map.spawn;
    const arrivals = Array.from({ length: 6 }, (_, i) => zone.join({ name: `Arrival_${i}` }));
    assert.deepEqual(where(arrivals[0]), spawn, "the first arrival stands on the spawn point");
    assert.deepEqual(
      where(arrivals[1]),
      { x: spawn.x, y: spawn.y + 32 },
      "the next one a tile south (east is the portal, west and north are walls)",
    );
    assertSpread(zone, spawn, arrivals);

    // The same arrivals in the same order get the same spots.
    const again = hall().zone;
    const replayed = Array.from({ length: 6 }, (_, i) => again.join({ name: `Arrival_${i}` }));
    assert.deepEqual(replayed.map(where), arrivals.map(where));
  });

  it("spreads arrivals at any spawn point (a portal's arrival), and a spot freed by a player who left is used again", () => {
    const { zone } = hall();
    const arrival = zone.map.spawns.get("fromPortal")!;
    const first = zone.join({ at: arrival });
    const second = zone.join({ at: arrival });
    const third = zone.join({ at: arrival });
    assert.deepEqual(where(first), arrival);
    assertSpread(zone, arrival, [first, second, third]);
    zone.leave(first);
    const fourth = zone.join({ at: arrival });
    assert.deepEqual(where(fourth), arrival, "the spawn point is free again");
  });

  it("leaves a character saved anywhere else where it was saved, even next to another", () => {
    const { zone } = hall();
    const place = tileCentre(10, 5);
    const alice = zone.join({ at: place });
    const bob = zone.join({ at: place });
    assert.deepEqual([where(alice), where(bob)], [place, place]);
  });

  it("places a respawning player on a free spot near the spawn, protected again", () => {
    const { zone, arrivals } = hall();
    const combat = zone.use(new CombatSystem(zone, zone.seenBy, { find: () => undefined, damage: () => {} }, arrivals));
    const alice = zone.join({ name: "Alice" }); // on the spawn point
    const bob = zone.join({ name: "Bob", at: tileCentre(10, 5) });
    zone.tickUntil(() => !arrivals.isProtected(bob), "Bob's protection runs out");
    combat.damagePlayer(bob, 1000, 0);
    zone.tickUntil(() => bob.player.hp > 0, "Bob respawns", ticksIn(PLAYER_RESPAWN_SECONDS) + 1);
    assert.notDeepEqual(where(bob), where(alice), "not on top of Alice");
    assertSpread(zone, zone.map.spawn, [alice, bob]);
    assert.equal(bob.player.spawnProtected, true);
    assert.ok(arrivals.isProtected(bob));
  });
});

describe("arrival system: spawn protection", () => {
  it("protects every arrival for SPAWN_PROTECTION_SECONDS of the zone's clock, shown to clients in spawnProtected; coming back protects again", () => {
    const { zone, arrivals } = hall();
    const alice = zone.join();
    assert.equal(alice.player.spawnProtected, true);
    assert.ok(arrivals.isProtected(alice));
    zone.tick(ticksIn(SPAWN_PROTECTION_SECONDS) - 1);
    assert.equal(alice.player.spawnProtected, true, "still protected one tick before the end");
    zone.tick();
    assert.equal(alice.player.spawnProtected, false);
    assert.equal(arrivals.isProtected(alice), false);

    // Leaving and entering again (through a portal, after a failed transfer…) is a new arrival.
    zone.leave(alice);
    zone.enter(alice);
    assert.equal(alice.player.spawnProtected, true);
  });

  it("in a pvp zone a protected player cannot be hurt; attacking ends the attacker's own protection", () => {
    const { zone, arrivals } = hall({ pvp: true });
    const combat = zone.use(new CombatSystem(zone, zone.seenBy, { find: () => undefined, damage: () => {} }, arrivals));
    const bob = zone.join({ name: "Bob", at: tileCentre(9, 4) });
    zone.tick(ticksIn(SPAWN_PROTECTION_SECONDS / 2));
    const alice = zone.join({ name: "Alice", at: { x: bob.player.x + 24, y: bob.player.y } });

    combat.useSkill(alice, Skill.Melee, bob.player.eid);
    assert.deepEqual(zone.cues.of("refused"), [{ type: "refused", skill: Skill.Melee, reason: "target" }], "Bob is protected");
    assert.equal(bob.player.hp, bob.player.maxHp);
    assert.equal(alice.player.spawnProtected, true, "a refused attack ends nothing");

    zone.tickUntil(() => !bob.player.spawnProtected, "Bob's protection runs out");
    assert.equal(alice.player.spawnProtected, true, "Alice arrived later");
    combat.useSkill(bob, Skill.Melee, alice.player.eid);
    assert.equal(alice.player.hp, alice.player.maxHp, "Alice is still protected");
    combat.useSkill(alice, Skill.Melee, bob.player.eid);
    const strike = skillDamage(SKILLS[Skill.Melee], 1);
    assert.equal(bob.player.hp, bob.player.maxHp - strike, "Bob can be hurt now");
    assert.equal(alice.player.spawnProtected, false, "attacking ended Alice's protection");
    zone.tick(ticksIn(SKILLS[Skill.Melee].cooldownMs / 1000));
    combat.useSkill(bob, Skill.Melee, alice.player.eid);
    assert.equal(alice.player.hp, alice.player.maxHp - strike, "so Bob can hit back");
  });

  it("wired with the other systems: monsters neither chase nor bite a protected arrival, and a respawn is protected again", () => {
    const zone = stubZone({
      rows: HALL,
      safeRadius: 64,
      monsterAreas: [{ name: "den", rect: [12, 4, 1, 1], properties: { monster: "wolf", wander: false } }],
    });
    const systems = createZoneSystems(zone, {
      interest: zone.interest,
      seenBy: zone.seenBy,
      ...zone.inputFeed(),
      enterPortal: () => {},
      extra: [],
    });
    for (const system of systems.all) if (system !== zone.interest) zone.use(system);
    zone.tick();
    const wolf = systems.monsters.slots[0].mob!;
    const alice = zone.join({ name: "Alice", at: { x: wolf.monster.x - 80, y: wolf.monster.y } });
    alice.player.hp = MONSTERS.wolf.damage * 2;
    const arrivedAt = zone.now;
    zone.tickUntil(
      () => alice.player.hp === 0,
      "the wolf kills Alice once she is no longer protected",
      ticksIn(SPAWN_PROTECTION_SECONDS + 10),
    );
    const bites = zone.cues.recordsOf("bite");
    assert.equal(bites.length, 2);
    assert.ok(
      bites.every((bite) => bite.at >= arrivedAt + SPAWN_PROTECTION_SECONDS * 1000),
      "no bite while she was protected",
    );
    zone.tickUntil(() => alice.player.hp > 0, "Alice respawns", ticksIn(PLAYER_RESPAWN_SECONDS) + 1);
    assert.equal(alice.player.spawnProtected, true);
  });
});
