/**
 * Monster system on a stub zone: slots read from monsterArea properties, spawning, the
 * three behaviours (aggressive notices, defensive fights back, passive never bites), the
 * chase and its leash, death and respawn. Bites go through a recording `hurtPlayer`,
 * kills through a recording `killed`.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_SAFE_RADIUS,
  distance,
  insideRect,
  isWalkable,
  MONSTERS,
  PLAYER_HALF_SIZE,
  TICK_SECONDS,
  TILE_SIZE,
  type Position,
} from "@oatnut/shared";
import type { FixtureZone } from "../zoneFixtures.ts";
import type { PlayerSession } from "../../src/rooms/context.ts";
import { monsterKey, MonsterSystem, type Mob } from "../../src/rooms/systems/monsters.ts";
import { stubZone, ticksIn, tileCentre } from "./stubZone.ts";

/** Open ground, 28 x 12 tiles inside its walls, with its spawn point in tile (`col`, `row`). */
function field(col = 1, row = 6): string[] {
  return Array.from({ length: 14 }, (_, r) => {
    if (r === 0 || r === 13) return "#".repeat(30);
    const inner = ".".repeat(28);
    return `#${r === row ? `${inner.slice(0, col - 1)}S${inner.slice(col)}` : inner}#`;
  });
}
const FIELD = field();

type Areas = NonNullable<FixtureZone["monsterAreas"]>;

function setup(
  monsterAreas: Areas,
  rows = FIELD,
  options: { safeRadius?: number; isProtected?: (session: PlayerSession) => boolean } = {},
) {
  const zone = stubZone({ rows, monsterAreas, safeRadius: options.safeRadius });
  const bites: Array<{ sessionId: string; amount: number; by: number; at: number }> = [];
  const kills: Array<{ mob: Mob; killer: string }> = [];
  const monsters = zone.use(
    new MonsterSystem(zone, {
      hurtPlayer: (session, amount, by) => {
        bites.push({ sessionId: session.sessionId, amount, by, at: zone.now });
        session.player.hp = Math.max(0, session.player.hp - amount);
      },
      killed: (mob, killer) => kills.push({ mob, killer: killer.sessionId }),
      isProtected: options.isProtected ?? (() => false),
    }),
  );
  return { zone, monsters, bites, kills };
}

/** The live monster of an area's first slot. */
function mobOf(monsters: MonsterSystem, area: string): Mob {
  const mob = monsters.slots.find((slot) => slot.area.name === area)?.mob;
  assert.ok(mob, `a monster lives in ${area}`);
  return mob;
}

const at = (mob: Mob): Position => ({ x: mob.monster.x, y: mob.monster.y });
const westOf = (point: Position, dx: number): Position => ({ x: point.x - dx, y: point.y });

/** One wolf that stays home unless it chases (behaviour as given). */
const wolfDen = (behaviour?: string): Areas => [
  { name: "den", rect: [20, 6, 1, 1], properties: { monster: "wolf", wander: false, ...(behaviour ? { behaviour } : {}) } },
];

describe("monster system", () => {
  it("reads its slots from the monsterArea properties, with count 1, aggressive and wandering by default", () => {
    const { monsters } = setup([
      { name: "pack", rect: [3, 2, 3, 3], properties: { monster: "wolf", count: 3, behaviour: "defensive", wander: false } },
      { name: "pond", rect: [10, 2, 2, 2], properties: { monster: "slime" } },
      { name: "broken", rect: [15, 2, 2, 2], properties: { monster: "dragon" } },
    ]);
    assert.deepEqual(
      monsters.slots.map((slot) => [slot.area.name, slot.rule.kind, slot.behaviour, slot.wander]),
      [
        ["pack", "wolf", "defensive", false],
        ["pack", "wolf", "defensive", false],
        ["pack", "wolf", "defensive", false],
        ["pond", "slime", "aggressive", true],
      ],
      "an area the shared rule refuses holds no monster (and does not crash the zone)",
    );
  });

  it("spawns every slot on its first tick: full health, on walkable ground inside its area, in the state and in the views of players near it", () => {
    const { zone, monsters } = setup([
      { name: "pack", rect: [3, 2, 3, 3], properties: { monster: "wolf", count: 3, wander: false, behaviour: "passive" } },
      { name: "pond", rect: [10, 2, 2, 2], properties: { monster: "slime", wander: false, behaviour: "passive" } },
    ]);
    const alice = zone.join();
    zone.tick();
    assert.equal(monsters.count, 4);
    const mobs = monsters.slots.map((slot) => slot.mob!);
    assert.equal(new Set(mobs.map((mob) => mob.monster.eid)).size, 4, "each its own entity id");
    assert.ok(!mobs.some((mob) => mob.monster.eid === alice.player.eid));
    for (const mob of mobs) {
      assert.equal(mob.monster.hp, mob.rule.maxHp);
      assert.equal(mob.monster.maxHp, mob.rule.maxHp);
      assert.equal(mob.monster.kind, mob.rule.kind);
      assert.ok(insideRect(mob.slot.area, mob.monster.x, mob.monster.y), `${mob.slot.area.name}: inside its area`);
      assert.ok(isWalkable(at(mob), zone.map));
      assert.equal(zone.state.monsters.get(String(mob.monster.eid)), mob.monster);
      assert.ok(zone.interest.visibleTo(alice.sessionId).includes(monsterKey(mob)));
      assert.ok(alice.view.has(mob.monster));
    }
  });

  it("an aggressive monster notices a living player within noticeRange, chases and bites through hurtPlayer, once per attackCooldownMs", () => {
    const { zone, monsters, bites } = setup(wolfDen());
    const wolf = MONSTERS.wolf;
    zone.tick();
    const mob = mobOf(monsters, "den");
    const home = at(mob);
    const alice = zone.join({ at: westOf(home, wolf.noticeRange - 40) });
    zone.tick();
    assert.equal(mob.state, "chase");
    assert.equal(mob.target, alice.sessionId);
    zone.tickUntil(() => bites.length === 2, "two bites");
    assert.ok(distance(at(mob), home) > 40, "it came to the player");
    assert.ok(distance(at(mob), alice.player) <= wolf.attackRange);
    assert.deepEqual(
      bites.map(({ sessionId, amount, by }) => ({ sessionId, amount, by })),
      [
        { sessionId: alice.sessionId, amount: wolf.damage, by: mob.monster.eid },
        { sessionId: alice.sessionId, amount: wolf.damage, by: mob.monster.eid },
      ],
    );
    assert.equal(bites[1].at - bites[0].at, wolf.attackCooldownMs);
    const [bite] = zone.cues.recordsOf("bite");
    assert.deepEqual(bite.event, { type: "bite", source: mob.monster.eid, target: alice.player.eid, amount: wolf.damage });
    assert.deepEqual(bite.keys, [monsterKey(mob), alice.sessionId]);
    assert.ok(bite.recipients.includes(alice.sessionId));
  });

  it("an aggressive monster ignores players beyond noticeRange, and the dead", () => {
    const { zone, monsters, bites } = setup(wolfDen());
    zone.tick();
    const mob = mobOf(monsters, "den");
    const home = at(mob);
    zone.join({ at: westOf(home, MONSTERS.wolf.noticeRange + 10) });
    const dead = zone.join({ at: westOf(home, 20) });
    dead.player.hp = 0;
    zone.tick(ticksIn(5));
    assert.equal(mob.state, "idle");
    assert.deepEqual(at(mob), home);
    assert.deepEqual(bites, []);
  });

  it("a defensive monster leaves players alone until one hits it, then fights back", () => {
    const { zone, monsters, bites } = setup(wolfDen("defensive"));
    zone.tick();
    const mob = mobOf(monsters, "den");
    const alice = zone.join({ at: westOf(at(mob), 20) });
    zone.tick(ticksIn(5));
    assert.equal(mob.state, "idle");
    assert.equal(bites.length, 0);
    monsters.damage(mob.monster.eid, 1, alice);
    assert.equal(mob.state, "chase");
    zone.tick();
    assert.deepEqual(
      bites.map((bite) => bite.by),
      [mob.monster.eid],
    );
  });

  it("a passive monster never bites, even when hit", () => {
    const { zone, monsters, bites } = setup(wolfDen("passive"));
    zone.tick();
    const mob = mobOf(monsters, "den");
    const alice = zone.join({ at: westOf(at(mob), 20) });
    monsters.damage(mob.monster.eid, 5, alice);
    zone.tick(ticksIn(5));
    assert.deepEqual(bites, []);
    assert.equal(mob.state, "idle");
    assert.equal(mob.monster.hp, MONSTERS.wolf.maxHp - 5, "and it does not heal while standing there");
  });

  it("gives up the chase when its target dies or leaves, walks home and is healed", () => {
    for (const end of ["dies", "leaves"] as const) {
      const { zone, monsters } = setup(wolfDen());
      zone.tick();
      const mob = mobOf(monsters, "den");
      const alice = zone.join({ at: westOf(at(mob), 100) });
      monsters.damage(mob.monster.eid, 10, alice);
      zone.tickUntil(() => distance(at(mob), alice.player) <= MONSTERS.wolf.attackRange, "the wolf reaches the player");
      if (end === "dies") alice.player.hp = 0;
      else zone.leave(alice);
      zone.tick();
      assert.equal(mob.state, "return", `the target ${end}`);
      zone.tickUntil(() => mob.state === "idle", "the wolf is home");
      assert.ok(insideRect(mob.slot.area, mob.monster.x, mob.monster.y));
      assert.equal(mob.monster.hp, mob.monster.maxHp);
    }
  });

  it("is leashed: beyond leashRange from its area's centre it turns back, walks home and is healed", () => {
    // The spawn point in a corner, its safe circle away from the den and the chase.
    const { zone, monsters, bites } = setup(
      [{ name: "den", rect: [3, 6, 1, 1], properties: { monster: "wolf", wander: false } }],
      field(1, 1),
    );
    const wolf = MONSTERS.wolf;
    zone.tick();
    const mob = mobOf(monsters, "den");
    const centre = { x: 3.5 * TILE_SIZE, y: 6.5 * TILE_SIZE };
    const alice = zone.join({ at: tileCentre(28, 6) }); // far beyond the leash
    monsters.damage(mob.monster.eid, 10, alice); // a long shot: the wolf gives chase
    let farthest = 0;
    zone.tickUntil(() => {
      farthest = Math.max(farthest, distance(at(mob), centre));
      return mob.state === "return";
    }, "the wolf turns back");
    assert.ok(farthest > wolf.leashRange, "it went to the end of its leash");
    assert.ok(farthest <= wolf.leashRange + wolf.speed * TICK_SECONDS, "and no further than one step past it");
    zone.tickUntil(() => mob.state === "idle", "home");
    assert.ok(insideRect(mob.slot.area, mob.monster.x, mob.monster.y));
    assert.equal(mob.monster.hp, wolf.maxHp);
    assert.deepEqual(bites, []);
  });

  it("dies at zero HP: killed gets the killer, the monster leaves the state and the views, and its slot respawns after respawnSeconds", () => {
    const { zone, monsters, kills } = setup(wolfDen("passive"));
    zone.tick();
    const mob = mobOf(monsters, "den");
    const eid = mob.monster.eid;
    const alice = zone.join({ at: westOf(at(mob), 20) });
    assert.ok(alice.view.has(mob.monster));
    monsters.damage(eid, MONSTERS.wolf.maxHp - 1, alice);
    assert.equal(kills.length, 0);
    monsters.damage(eid, 5, alice);
    assert.deepEqual(
      kills.map((kill) => [kill.mob, kill.killer]),
      [[mob, alice.sessionId]],
    );
    const [death] = zone.cues.recordsOf("death");
    assert.deepEqual(death.event, { type: "death", eid, by: alice.player.eid });
    assert.ok(death.recipients.includes(alice.sessionId));
    assert.equal(zone.state.monsters.has(String(eid)), false);
    assert.equal(alice.view.has(mob.monster), false);
    assert.equal(monsters.find(eid), undefined);
    monsters.damage(eid, 5, alice);
    assert.equal(kills.length, 1, "dead once");

    const slot = mob.slot;
    zone.tick(ticksIn(MONSTERS.wolf.respawnSeconds) - 1);
    assert.equal(slot.mob?.monster.eid, undefined, "not yet");
    zone.tick();
    assert.ok(slot.mob);
    assert.notEqual(slot.mob.monster.eid, eid, "a new entity");
    assert.equal(slot.mob.monster.hp, MONSTERS.wolf.maxHp);
    assert.ok(zone.state.monsters.has(String(slot.mob.monster.eid)));
  });

  it("wanders inside its area when it may, and stays put when it may not", () => {
    const { zone, monsters } = setup([
      { name: "roamer", rect: [4, 3, 4, 4], properties: { monster: "wolf", behaviour: "passive" } },
      { name: "sitter", rect: [14, 3, 4, 4], properties: { monster: "wolf", behaviour: "passive", wander: false } },
    ]);
    zone.tick();
    const roamer = mobOf(monsters, "roamer");
    const sitter = mobOf(monsters, "sitter");
    const roamerFrom = at(roamer);
    const sitterFrom = at(sitter);
    const places = new Set<string>();
    for (let i = 0; i < ticksIn(30); i++) {
      zone.tick();
      places.add(`${roamer.monster.x},${roamer.monster.y}`);
      assert.ok(insideRect(roamer.slot.area, roamer.monster.x, roamer.monster.y), "inside its area");
    }
    assert.ok(places.size > 10, "it roamed");
    assert.notDeepEqual(at(roamer), roamerFrom);
    assert.deepEqual(at(sitter), sitterFrom);
  });

  it("walks with the shared collision step: a wall between it and its prey holds it flush", () => {
    // A wall across the whole field at column 8.
    const walled = FIELD.map((row, r) => (r === 0 || r === 13 ? row : `${row.slice(0, 8)}#${row.slice(9)}`));
    const { zone, monsters, bites } = setup([{ name: "den", rect: [5, 6, 1, 1], properties: { monster: "wolf", wander: false } }], walled);
    zone.tick();
    const mob = mobOf(monsters, "den");
    zone.join({ at: { x: tileCentre(9, 6).x, y: mob.monster.y } });
    for (let i = 0; i < ticksIn(3); i++) {
      zone.tick();
      assert.ok(isWalkable(at(mob), zone.map));
    }
    assert.equal(mob.state, "chase");
    assert.equal(mob.monster.x, 8 * TILE_SIZE - PLAYER_HALF_SIZE, "stopped flush against the wall");
    assert.deepEqual(bites, []);
  });
});

describe("monster system: safe circles and spawn protection", () => {
  /** Whether a point lies inside the safe circle (of the default radius) around the zone's spawn. */
  function insideCircleOf(zone: { map: { spawn: Position }; zone: { safeRadius: number } }, point: Position): boolean {
    return distance(point, zone.map.spawn) < zone.zone.safeRadius;
  }

  it("never spawns, wanders or walks home into the safe circle around a spawn point, even from an area reaching into it", () => {
    // The area covers the spawn point itself (a world zones:check refuses; the room still keeps its monsters out).
    const { zone, monsters } = setup([
      { name: "meadow", rect: [1, 3, 8, 7], properties: { monster: "wolf", count: 4, behaviour: "passive" } },
    ]);
    assert.equal(zone.zone.safeRadius, DEFAULT_SAFE_RADIUS);
    const places = new Set<string>();
    for (let i = 0; i < ticksIn(60); i++) {
      zone.tick();
      for (const slot of monsters.slots) {
        const mob = slot.mob!;
        assert.ok(!insideCircleOf(zone, at(mob)), `a wolf at (${mob.monster.x}, ${mob.monster.y}) is outside the safe circle`);
        places.add(`${mob.monster.x},${mob.monster.y}`);
      }
    }
    assert.ok(places.size > 40, "they roamed the rest of their area");
  });

  it("does not notice a player inside a safe circle, gives up the chase when its prey steps into one, and keeps out of it", () => {
    const { zone, monsters, bites } = setup([{ name: "den", rect: [8, 6, 1, 1], properties: { monster: "wolf", wander: false } }]);
    const spawn = zone.map.spawn;
    zone.tick();
    const mob = mobOf(monsters, "den");
    const alice = zone.join({ at: { x: spawn.x + zone.zone.safeRadius - 16, y: spawn.y } });
    assert.ok(distance(alice.player, at(mob)) < MONSTERS.wolf.noticeRange, "within the wolf's notice");
    zone.tick(ticksIn(5));
    assert.equal(mob.state, "idle", "a player inside the circle is not noticed");

    zone.teleport(alice, { x: spawn.x + zone.zone.safeRadius + 8, y: spawn.y }); // just outside
    zone.tickUntil(() => bites.length > 0, "the wolf reaches Alice outside the circle and bites");
    zone.teleport(alice, { x: spawn.x + zone.zone.safeRadius - 24, y: spawn.y }); // back inside, within the wolf's reach
    zone.tick();
    assert.equal(mob.state, "return", "the chase is over");
    const bitten = bites.length;
    let closest = Infinity;
    zone.tickUntil(() => {
      closest = Math.min(closest, distance(at(mob), spawn));
      return mob.state === "idle";
    }, "the wolf walks home");
    assert.equal(bites.length, bitten, "no bite inside the circle");
    assert.ok(closest >= zone.zone.safeRadius, `it stayed out of the circle (closest ${closest.toFixed(1)} px from the spawn)`);
  });

  it("walks around a safe circle to reach its prey on the other side, never through it", () => {
    // The spawn point in the middle of the field, the den west of its circle, Alice east of it.
    const { zone, monsters, bites } = setup(
      [{ name: "den", rect: [8, 6, 1, 1], properties: { monster: "wolf", wander: false } }],
      field(14, 6),
    );
    const spawn = zone.map.spawn;
    zone.tick();
    const mob = mobOf(monsters, "den");
    assert.ok(Math.abs(mob.monster.y - spawn.y) < TILE_SIZE, "the circle stands right between them");
    const alice = zone.join({ at: tileCentre(20, 6) });
    monsters.damage(mob.monster.eid, 1, alice); // a long shot: the wolf gives chase
    let closest = Infinity;
    zone.tickUntil(
      () => {
        closest = Math.min(closest, distance(at(mob), spawn));
        return bites.length > 0;
      },
      "the wolf goes around and bites",
      ticksIn(20),
    );
    assert.ok(closest >= zone.zone.safeRadius, `it never entered the circle (closest ${closest.toFixed(1)} px from the spawn)`);
  });

  it("leaves a protected player alone: no notice, no chase; once the protection is over it attacks", () => {
    const shielded = new Set<string>();
    const { zone, monsters, bites } = setup(wolfDen(), FIELD, { isProtected: (session) => shielded.has(session.sessionId) });
    zone.tick();
    const mob = mobOf(monsters, "den");
    const alice = zone.join({ at: westOf(at(mob), 60) });
    shielded.add(alice.sessionId);
    zone.tick(ticksIn(5));
    assert.equal(mob.state, "idle");
    assert.deepEqual(bites, []);
    shielded.delete(alice.sessionId);
    zone.tickUntil(() => bites.length > 0, "a bite once the protection is over");
    // Protected again (a respawn, say): the chase ends at once.
    shielded.add(alice.sessionId);
    zone.tick();
    assert.equal(mob.state, "return");
  });
});
