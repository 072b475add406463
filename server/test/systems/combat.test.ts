/**
 * Combat system on a stub zone: damage by level, cooldowns on the zone clock, range and
 * line of sight measured where the attacker saw the target (a stubbed `seenBy`), typed
 * refusals, players as targets only in pvp maps, and players' death and respawn.
 * The monsters a skill hits are a stub behind the system's MonsterTargets interface.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DEATH_XP_PENALTY,
  maxHpForLevel,
  Monster,
  PLAYER_RESPAWN_SECONDS,
  RESPAWN_HP_SHARE,
  Skill,
  SKILLS,
  skillDamage,
  type Position,
} from "@oatnut/shared";
import type { PlayerSession } from "../../src/rooms/context.ts";
import type { Arrivals } from "../../src/rooms/systems/arrivals.ts";
import { CombatSystem, type MonsterTargets } from "../../src/rooms/systems/combat.ts";
import { MovementSystem } from "../../src/rooms/systems/movement.ts";
import { stubZone, ticksIn, tileCentre, TICK_MS, type StubZone } from "./stubZone.ts";

/**
 * Open ground 18 tiles wide with a wall stub at column 8, rows 3 and 4 (for line of sight).
 * The interest radius is small enough that a far player sees nothing of the fight.
 */
const ARENA = [
  "####################",
  "#..................#",
  "#S.................#",
  "#.......#..........#",
  "#.......#..........#",
  "#..................#",
  "####################",
];
const VIEW_RADIUS = 200;

/** Monsters a skill can hit: real Monster schemas in the state and in views, and a record of the damage dealt. */
class TargetDummies implements MonsterTargets {
  readonly damageTaken: Array<{ eid: number; amount: number; by: string }> = [];
  private readonly monsters = new Map<number, Monster>();

  constructor(private readonly zone: StubZone) {}

  place(at: Position, hp = 100): Monster {
    const monster = new Monster();
    monster.eid = this.zone.nextEid();
    monster.kind = "slime";
    monster.x = Math.fround(at.x);
    monster.y = Math.fround(at.y);
    monster.maxHp = hp;
    monster.hp = hp;
    this.monsters.set(monster.eid, monster);
    this.zone.state.monsters.set(String(monster.eid), monster);
    this.zone.interest.add(`m:${monster.eid}`, monster);
    return monster;
  }

  find(eid: number) {
    const monster = this.monsters.get(eid);
    return monster ? { monster, key: `m:${eid}` } : undefined;
  }

  damage(eid: number, amount: number, by: PlayerSession): void {
    this.damageTaken.push({ eid, amount, by: by.sessionId });
    const monster = this.monsters.get(eid)!;
    monster.hp = Math.max(0, monster.hp - amount);
  }
}

/** Arrivals with no spawn protection: a respawn goes to the spawn point itself (arrivals.test.ts has the real ones). */
function plainArrivals(zone: StubZone): Arrivals {
  return { isProtected: () => false, endProtection: () => {}, arrive: (session, spawn) => zone.teleport(session, spawn) };
}

function setup(options: { pvp?: boolean; arrivals?: (zone: StubZone) => Arrivals } = {}) {
  const zone = stubZone({ rows: ARENA, viewRadius: VIEW_RADIUS, pvp: options.pvp });
  const dummies = new TargetDummies(zone);
  const combat = zone.use(new CombatSystem(zone, zone.seenBy, dummies, (options.arrivals ?? plainArrivals)(zone)));
  return { zone, dummies, combat };
}

/** `dx` pixels east of a point. */
const eastOf = (at: Position, dx: number): Position => ({ x: at.x + dx, y: at.y });

describe("combat system: skill uses", () => {
  it("deals the skill's damage for the attacker's level; the attacker and whoever sees the target hear the hit", () => {
    const { zone, dummies, combat } = setup();
    const novice = zone.join({ name: "Novice", at: tileCentre(3, 3) });
    const veteran = zone.join({ name: "Veteran", level: 3, at: tileCentre(4, 4) });
    const farAway = zone.join({ name: "Far", at: tileCentre(17, 5) });
    const target = dummies.place(tileCentre(4, 3));

    combat.useSkill(novice, Skill.Melee, target.eid);
    zone.tick(ticksIn(SKILLS[Skill.Bolt].cooldownMs / 1000));
    combat.useSkill(veteran, Skill.Melee, target.eid);
    combat.useSkill(veteran, Skill.Bolt, target.eid);

    const level1Strike = skillDamage(SKILLS[Skill.Melee], 1);
    const level3Strike = skillDamage(SKILLS[Skill.Melee], 3);
    const level3Bolt = skillDamage(SKILLS[Skill.Bolt], 3);
    assert.ok(level3Strike > level1Strike);
    assert.deepEqual(dummies.damageTaken, [
      { eid: target.eid, amount: level1Strike, by: novice.sessionId },
      { eid: target.eid, amount: level3Strike, by: veteran.sessionId },
      { eid: target.eid, amount: level3Bolt, by: veteran.sessionId },
    ]);
    assert.equal(target.hp, 100 - level1Strike - level3Strike - level3Bolt);
    const [first] = zone.cues.recordsOf("hit");
    assert.deepEqual(first.event, { type: "hit", source: novice.player.eid, target: target.eid, skill: Skill.Melee, amount: level1Strike });
    assert.deepEqual(first.keys, [novice.sessionId, `m:${target.eid}`]);
    assert.deepEqual([...first.recipients].sort(), [novice.sessionId, veteran.sessionId].sort(), "not the player out of view");
    assert.deepEqual(zone.cues.receivedBy(farAway), []);
  });

  it("holds a skill for its cooldown on the zone clock, per skill", () => {
    const { zone, dummies, combat } = setup();
    const alice = zone.join({ at: tileCentre(3, 2) });
    const target = dummies.place(eastOf(alice.player, 30));
    const cooldownTicks = SKILLS[Skill.Melee].cooldownMs / TICK_MS;

    combat.useSkill(alice, Skill.Melee, target.eid);
    zone.tick(cooldownTicks - 1);
    combat.useSkill(alice, Skill.Melee, target.eid);
    assert.deepEqual(zone.cues.of("refused"), [{ type: "refused", skill: Skill.Melee, reason: "cooldown" }]);
    combat.useSkill(alice, Skill.Bolt, target.eid);
    assert.equal(zone.cues.of("hit").length, 2, "another skill is not held by the strike's cooldown");
    zone.tick();
    combat.useSkill(alice, Skill.Melee, target.eid);
    assert.deepEqual(
      zone.cues.of("hit").map((hit) => hit.skill),
      [Skill.Melee, Skill.Bolt, Skill.Melee],
    );
    assert.equal(zone.cues.of("refused").length, 1);
  });

  it("starts no cooldown for a refused use", () => {
    const { zone, dummies, combat } = setup();
    const alice = zone.join({ at: tileCentre(3, 2) });
    const target = dummies.place(eastOf(alice.player, SKILLS[Skill.Melee].range + 10));
    combat.useSkill(alice, Skill.Melee, target.eid);
    assert.deepEqual(zone.cues.of("refused"), [{ type: "refused", skill: Skill.Melee, reason: "range" }]);
    zone.teleport(alice, eastOf(target, -30));
    combat.useSkill(alice, Skill.Melee, target.eid);
    assert.equal(zone.cues.of("hit").length, 1);
  });

  it("measures range to where the attacker saw the target, not to where it is now", () => {
    const { zone, dummies, combat } = setup();
    const alice = zone.join({ at: tileCentre(3, 2) });
    const bob = zone.join({ at: tileCentre(3, 2) });
    const { range } = SKILLS[Skill.Melee];
    const target = dummies.place(eastOf(alice.player, range + 40)); // out of reach now…
    zone.sawAt(alice, target, eastOf(alice.player, range - 4)); // …but within reach on Alice's screen
    combat.useSkill(alice, Skill.Melee, target.eid);
    combat.useSkill(bob, Skill.Melee, target.eid); // Bob's screen shows where it is
    assert.deepEqual(
      zone.cues.of("hit").map((hit) => hit.source),
      [alice.player.eid],
    );
    assert.deepEqual(
      zone.cues.receivedBy(bob).filter((cue) => cue.type === "refused"),
      [{ type: "refused", skill: Skill.Melee, reason: "range" }],
    );

    const near = dummies.place(eastOf(alice.player, 20)); // within reach now…
    zone.sawAt(alice, near, eastOf(alice.player, range + 4)); // …but Alice saw it out of reach
    zone.tick(ticksIn(SKILLS[Skill.Melee].cooldownMs / 1000));
    combat.useSkill(alice, Skill.Melee, near.eid);
    assert.deepEqual(zone.cues.receivedBy(alice).at(-1), { type: "refused", skill: Skill.Melee, reason: "range" });
  });

  it("needs a clear line to where the attacker saw the target for a firebolt", () => {
    const { zone, dummies, combat } = setup();
    const alice = zone.join({ at: tileCentre(6, 3) });
    const target = dummies.place(tileCentre(10, 3)); // the wall at column 8 stands between
    assert.ok(Math.hypot(target.x - alice.player.x, target.y - alice.player.y) < SKILLS[Skill.Bolt].range);
    combat.useSkill(alice, Skill.Bolt, target.eid);
    assert.deepEqual(zone.cues.of("refused"), [{ type: "refused", skill: Skill.Bolt, reason: "sight" }]);

    zone.sawAt(alice, target, tileCentre(10, 1)); // on Alice's screen it was above the wall's end: a clear line
    combat.useSkill(alice, Skill.Bolt, target.eid);
    assert.equal(zone.cues.of("hit").length, 1);

    const open = dummies.place(tileCentre(6, 1)); // in the open now…
    zone.sawAt(alice, open, tileCentre(10, 4)); // …but seen behind the wall
    zone.tick(ticksIn(SKILLS[Skill.Bolt].cooldownMs / 1000));
    combat.useSkill(alice, Skill.Bolt, open.eid);
    assert.deepEqual(zone.cues.of("refused").at(-1), { type: "refused", skill: Skill.Bolt, reason: "sight" });
  });

  it("refuses unknown skills and unknown or dead targets with typed cues the user alone hears", () => {
    const { zone, dummies, combat } = setup();
    const alice = zone.join({ at: tileCentre(3, 2) });
    zone.join({ at: tileCentre(3, 3) }); // a bystander who sees everything
    const dead = dummies.place(eastOf(alice.player, 20));
    dead.hp = 0;
    combat.useSkill(alice, 99, dead.eid);
    combat.useSkill(alice, 0, dead.eid);
    combat.useSkill(alice, Skill.Melee, 4242);
    combat.useSkill(alice, Skill.Melee, dead.eid);
    assert.deepEqual(
      zone.cues.log.map((record) => ({ event: record.event, recipients: record.recipients })),
      [
        { event: { type: "refused", skill: 99, reason: "skill" }, recipients: [alice.sessionId] },
        { event: { type: "refused", skill: 0, reason: "skill" }, recipients: [alice.sessionId] },
        { event: { type: "refused", skill: Skill.Melee, reason: "target" }, recipients: [alice.sessionId] },
        { event: { type: "refused", skill: Skill.Melee, reason: "target" }, recipients: [alice.sessionId] },
      ],
    );
    assert.deepEqual(dummies.damageTaken, []);
  });

  it("refuses players as targets outside pvp maps", () => {
    const { zone, combat } = setup();
    const alice = zone.join({ at: tileCentre(3, 2) });
    const bob = zone.join({ at: eastOf(tileCentre(3, 2), 20) });
    combat.useSkill(alice, Skill.Melee, bob.player.eid);
    assert.deepEqual(zone.cues.of("refused"), [{ type: "refused", skill: Skill.Melee, reason: "target" }]);
    assert.equal(bob.player.hp, bob.player.maxHp);
  });

  it("lets players hit each other in pvp maps, never themselves nor the dead", () => {
    const { zone, combat } = setup({ pvp: true });
    const alice = zone.join({ at: tileCentre(3, 2) });
    const bob = zone.join({ at: eastOf(tileCentre(3, 2), 20) });
    combat.useSkill(alice, Skill.Melee, bob.player.eid);
    const strike = skillDamage(SKILLS[Skill.Melee], 1);
    assert.equal(bob.player.hp, bob.player.maxHp - strike);
    const [hit] = zone.cues.recordsOf("hit");
    assert.deepEqual(hit.event, { type: "hit", source: alice.player.eid, target: bob.player.eid, skill: Skill.Melee, amount: strike });
    assert.deepEqual(hit.keys, [alice.sessionId, bob.sessionId]);

    combat.useSkill(alice, Skill.Bolt, alice.player.eid);
    bob.player.hp = 0;
    combat.useSkill(alice, Skill.Bolt, bob.player.eid);
    assert.deepEqual(
      zone.cues.of("refused").map((refusal) => refusal.reason),
      ["target", "target"],
    );
    assert.equal(alice.player.hp, alice.player.maxHp);
  });
});

describe("combat system: death and respawn", () => {
  it("a player at zero HP dies: the XP penalty, a death cue, a prompt save; no further damage, no second penalty", () => {
    const { zone, combat } = setup();
    const bob = zone.join({ xp: 8 });
    combat.damagePlayer(bob, bob.player.hp - 1, 77);
    assert.equal(bob.player.hp, 1);
    assert.deepEqual(zone.saves, [], "a wound is not worth a save");
    combat.damagePlayer(bob, 50, 77);
    assert.equal(bob.player.hp, 0);
    assert.equal(bob.player.xp, 8 - Math.floor(8 * DEATH_XP_PENALTY));
    assert.equal(bob.player.xp, 6);
    assert.deepEqual(zone.cues.of("death"), [{ type: "death", eid: bob.player.eid, by: 77 }]);
    assert.deepEqual(zone.saves, [bob.sessionId]);

    combat.damagePlayer(bob, 50, 78);
    assert.equal(bob.player.xp, 6);
    assert.equal(zone.cues.of("death").length, 1);
    assert.deepEqual(zone.saves, [bob.sessionId]);
  });

  it("the dead neither move nor use skills", () => {
    const { zone, dummies, combat } = setup();
    zone.use(
      new MovementSystem(zone, {
        ...zone.inputFeed(),
        useSkill: (session, skill, target) => combat.useSkill(session, skill, target),
      }),
    );
    const bob = zone.join({ at: tileCentre(3, 2) });
    const target = dummies.place(eastOf(bob.player, 20));
    combat.damagePlayer(bob, 1000, 1);
    const deadAt = { x: bob.player.x, y: bob.player.y };
    zone.queueInputs(bob, { dx: 1 }, { dx: 1, skill: Skill.Melee, target: target.eid });
    zone.tick(2);
    assert.deepEqual({ x: bob.player.x, y: bob.player.y }, deadAt);
    assert.deepEqual(zone.cues.of("refused"), [{ type: "refused", skill: Skill.Melee, reason: "dead" }]);
    assert.deepEqual(dummies.damageTaken, []);
  });

  it("respawns at the zone's spawn after PLAYER_RESPAWN_SECONDS with RESPAWN_HP_SHARE of its maximum, and saves", () => {
    const { zone, combat } = setup();
    const bob = zone.join({ level: 3, at: tileCentre(15, 5) });
    combat.damagePlayer(bob, 1000, 1);
    zone.tick(ticksIn(PLAYER_RESPAWN_SECONDS) - 1);
    assert.equal(bob.player.hp, 0, "still dead one tick before");
    assert.deepEqual({ x: bob.player.x, y: bob.player.y }, tileCentre(15, 5));
    assert.deepEqual(zone.cues.of("respawn"), []);
    zone.tick();
    assert.equal(bob.player.hp, Math.round(maxHpForLevel(3) * RESPAWN_HP_SHARE));
    assert.equal(bob.player.hp, 70);
    assert.deepEqual({ x: bob.player.x, y: bob.player.y }, zone.map.spawn);
    assert.deepEqual(zone.teleports, [{ sessionId: bob.sessionId, to: zone.map.spawn }]);
    assert.deepEqual(zone.cues.of("respawn"), [{ type: "respawn", eid: bob.player.eid }]);
    assert.deepEqual(zone.saves, [bob.sessionId, bob.sessionId], "saved at death and at respawn");
    zone.tick(ticksIn(PLAYER_RESPAWN_SECONDS) * 2);
    assert.equal(zone.cues.of("respawn").length, 1, "once");
  });

  it("a character saved while dead is revived on entering, at the spawn, without paying the penalty again", () => {
    const { zone } = setup();
    const bob = zone.join({ hp: 0, level: 2, xp: 6, at: tileCentre(15, 5) });
    assert.equal(bob.player.hp, Math.round(maxHpForLevel(2) * RESPAWN_HP_SHARE));
    assert.deepEqual({ x: bob.player.x, y: bob.player.y }, zone.map.spawn);
    assert.deepEqual({ level: bob.player.level, xp: bob.player.xp }, { level: 2, xp: 6 });
    assert.deepEqual(zone.cues.of("respawn"), [{ type: "respawn", eid: bob.player.eid }]);
    assert.deepEqual(zone.saves, [bob.sessionId]);
    zone.tick(ticksIn(PLAYER_RESPAWN_SECONDS) + 1);
    assert.equal(zone.cues.of("respawn").length, 1, "no second revival");
    assert.equal(bob.player.xp, 6);
  });

  it("a player who leaves while dead is not revived while away, and comes back revived once", () => {
    const { zone, combat } = setup();
    const bob = zone.join({ xp: 8, at: tileCentre(15, 5) });
    combat.damagePlayer(bob, 1000, 1);
    zone.leave(bob);
    zone.tick(ticksIn(PLAYER_RESPAWN_SECONDS) + 1);
    assert.equal(bob.player.hp, 0);
    assert.deepEqual(zone.cues.of("respawn"), []);
    zone.enter(bob);
    assert.equal(bob.player.hp, Math.round(bob.player.maxHp * RESPAWN_HP_SHARE));
    assert.equal(bob.player.xp, 6, "the penalty was paid once, at death");
    zone.tick(ticksIn(PLAYER_RESPAWN_SECONDS) + 1);
    assert.equal(zone.cues.of("respawn").length, 1);
  });
});
