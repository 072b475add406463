/**
 * Monster system: spawns the monsters of the map's `monsterArea` objects and runs their
 * behaviour inside the zone's one fixed tick — no timer per entity. Each monster is a
 * small state machine:
 *
 *   idle ──(wait over)──▶ wander ──(goal reached / stuck)──▶ idle
 *     │                      │
 *     └──(a living player within noticeRange; or hit)──▶ chase ──(in range)──▶ attack
 *                                                          │
 *        (target dead or gone, or leashRange from home) ──▶ return ──(home)──▶ idle, healed
 *
 * Death removes the monster from the state, drops its loot, gives the killer XP, and
 * frees its slot, which spawns a new one after the kind's `respawnSeconds`.
 *
 * Arrivals are safe: a monster never steps into the safe circle around a spawn point
 * (the zone's `safeRadius`) — it slides along its edge or stops there — never notices a
 * player inside one or under spawn protection, and gives up a chase whose prey is.
 *
 * Area properties (Tiled custom properties on the monsterArea object), read by the shared
 * `readMonsterArea` (the same rule zones:check applies): `monster` (the kind), `count`,
 * `behaviour` ("aggressive" notices players on its own, "defensive" only fights back when
 * hit, "passive" never attacks), `wander`. See docs/designing-zones.md.
 * Monsters move with the same collision step as players, one input-like intent per tick.
 */
import {
  distance,
  facingFor,
  Facing,
  insideRect,
  isWalkable,
  Monster,
  readMonsterArea,
  safeCircleAt,
  safeCircles,
  stepMovement,
  type SafeCircle,
  type MonsterArea,
  type MonsterBehaviour,
  type MonsterRule,
  type MoveIntent,
  type Position,
} from "@oatnut/shared";
import { monstersKilled, monsterSystemDuration } from "../../metrics.ts";
import type { PlayerSession, ZoneContext, ZoneSystem } from "../context.ts";
import type { MonsterTargets } from "./combat.ts";

/** What the monster system asks of the others. */
export interface MonsterDeps {
  /** A monster's bite (the combat system). */
  hurtPlayer(session: PlayerSession, amount: number, by: number): void;
  /** A monster was killed by a player: its loot and the killer's XP. */
  killed(mob: Mob, killer: PlayerSession): void;
  /** Whether a player has spawn protection (the arrival system): monsters leave it alone. */
  isProtected(session: PlayerSession): boolean;
}

/** One place a monster lives: it holds a monster, or waits to respawn one. */
export interface Slot {
  area: MonsterArea;
  rule: MonsterRule;
  behaviour: MonsterBehaviour;
  wander: boolean;
  mob: Mob | null;
  /** Room time (ms) at which an empty slot spawns again. */
  respawnAt: number;
}

export interface Mob {
  slot: Slot;
  monster: Monster;
  rule: MonsterRule;
  state: "idle" | "wander" | "chase" | "return";
  /** Session id of the player chased. */
  target?: string;
  goal?: Position;
  /** Room time (ms) until which an idle monster waits. */
  waitUntil: number;
  /** Room time (ms) of its next allowed attack. */
  nextAttackAt: number;
}

/** The interest key of a monster (unique next to session ids and loot keys). */
export function monsterKey(mob: Mob): string {
  return `m:${mob.monster.eid}`;
}

const IDLE_MS: readonly [number, number] = [1000, 4000];
/** Closer than this to a goal counts as there. */
const ARRIVED = 4;
/** Axis dead zone when turning a direction into an intent, so a chaser does not zig-zag. */
const AXIS_DEAD_ZONE = 3;

export class MonsterSystem implements ZoneSystem, MonsterTargets {
  readonly slots: Slot[] = [];
  /** The circles around the zone's spawn points that monsters never enter. */
  readonly safe: readonly SafeCircle[];
  private readonly byEid = new Map<number, Mob>();
  /** Ticks run and the time they took (for the tick-cost benchmark and metrics). */
  readonly stats = { ticks: 0, totalMs: 0 };

  constructor(
    private readonly zone: ZoneContext,
    private readonly deps: MonsterDeps,
  ) {
    this.safe = safeCircles(zone.map, zone.zone.safeRadius);
    for (const area of zone.map.monsterAreas) {
      const read = readMonsterArea(area.properties);
      if ("problems" in read) continue; // zones:check refuses such a world; a room does not crash on one
      const { rule, count, behaviour, wander } = read.settings;
      for (let i = 0; i < count; i++) this.slots.push({ area, rule, behaviour, wander, mob: null, respawnAt: 0 });
    }
  }

  /** The live monster with entity id `eid`. */
  get(eid: number): Mob | undefined {
    return this.byEid.get(eid);
  }

  find(eid: number): { monster: Monster; key: string } | undefined {
    const mob = this.byEid.get(eid);
    return mob ? { monster: mob.monster, key: monsterKey(mob) } : undefined;
  }

  get count(): number {
    return this.byEid.size;
  }

  /** One tick of every monster (and the respawns that are due). */
  update(dt: number): void {
    const started = performance.now();
    const now = this.zone.now;
    for (const slot of this.slots) {
      if (slot.mob) this.think(slot.mob, dt, now);
      else if (now >= slot.respawnAt) this.spawn(slot);
    }
    const elapsed = performance.now() - started;
    this.stats.ticks++;
    this.stats.totalMs += elapsed;
    monsterSystemDuration.observe({ zone: this.zone.zone.id }, elapsed / 1000);
  }

  /** Takes HP from a monster hit by a player; it turns on its attacker, or dies. */
  damage(eid: number, amount: number, by: PlayerSession): void {
    const mob = this.byEid.get(eid);
    if (!mob) return;
    const { monster } = mob;
    if (monster.hp <= 0) return;
    monster.hp = Math.max(0, monster.hp - amount);
    if (monster.hp === 0) {
      this.kill(mob, by);
      return;
    }
    if (mob.slot.behaviour !== "passive") {
      mob.state = "chase";
      mob.target = by.sessionId;
    }
  }

  private spawn(slot: Slot): void {
    const monster = new Monster();
    monster.eid = this.zone.nextEid();
    monster.kind = slot.rule.kind;
    const at = this.randomPointIn(slot.area);
    monster.x = Math.fround(at.x);
    monster.y = Math.fround(at.y);
    monster.facing = Facing.Down;
    monster.maxHp = slot.rule.maxHp;
    monster.hp = slot.rule.maxHp;
    const mob: Mob = { slot, monster, rule: slot.rule, state: "idle", waitUntil: this.zone.now + this.idleTime(), nextAttackAt: 0 };
    slot.mob = mob;
    this.byEid.set(monster.eid, mob);
    this.zone.state.monsters.set(String(monster.eid), monster);
    this.zone.interest.add(monsterKey(mob), monster);
  }

  private kill(mob: Mob, killer: PlayerSession): void {
    const { monster, slot } = mob;
    this.zone.cues.emit({ type: "death", eid: monster.eid, by: killer.player.eid }, [monsterKey(mob), killer.sessionId]);
    this.zone.interest.remove(monsterKey(mob));
    this.zone.state.monsters.delete(String(monster.eid));
    this.byEid.delete(monster.eid);
    slot.mob = null;
    slot.respawnAt = this.zone.now + mob.rule.respawnSeconds * 1000;
    monstersKilled.inc({ zone: this.zone.zone.id, kind: mob.rule.kind });
    this.deps.killed(mob, killer);
  }

  private think(mob: Mob, dt: number, now: number): void {
    const { monster, rule, slot } = mob;
    if (mob.state === "idle" || mob.state === "wander") {
      const noticed = slot.behaviour === "aggressive" ? this.nearestPlayer(monster, rule.noticeRange) : undefined;
      if (noticed) {
        mob.state = "chase";
        mob.target = noticed.sessionId;
      }
    }
    switch (mob.state) {
      case "idle":
        if (slot.wander && now >= mob.waitUntil) {
          mob.state = "wander";
          mob.goal = this.randomPointIn(slot.area);
        }
        return;
      case "wander":
        if (!mob.goal || this.moveToward(monster, mob.goal, rule.speed / 2, dt)) this.rest(mob);
        return;
      case "chase": {
        const target = mob.target ? this.zone.players.get(mob.target) : undefined;
        const player = target?.player;
        if (!target || !player || !this.fairGame(target) || distance(monster, areaCentre(slot.area)) > rule.leashRange) {
          mob.state = "return";
          mob.target = undefined;
          return;
        }
        if (distance(monster, player) <= rule.attackRange) {
          monster.facing = facingFor(intentToward(monster, player), monster.facing as Facing);
          if (now >= mob.nextAttackAt && slot.behaviour !== "passive") {
            mob.nextAttackAt = now + rule.attackCooldownMs;
            this.zone.cues.emit({ type: "bite", source: monster.eid, target: player.eid, amount: rule.damage }, [
              monsterKey(mob),
              target.sessionId,
            ]);
            this.deps.hurtPlayer(target, rule.damage, monster.eid);
          }
          return;
        }
        this.moveToward(monster, player, rule.speed, dt);
        return;
      }
      case "return":
        if (this.moveToward(monster, areaCentre(slot.area), rule.speed, dt) || insideRect(slot.area, monster.x, monster.y)) {
          monster.hp = monster.maxHp;
          this.rest(mob);
        }
        return;
    }
  }

  private rest(mob: Mob): void {
    mob.state = "idle";
    mob.goal = undefined;
    mob.waitUntil = this.zone.now + this.idleTime();
  }

  /**
   * Moves one step toward `goal` with the shared collision step, never into a safe
   * circle: a step that would enter one goes around it instead, along its edge on the side
   * of the goal (the nearest of the eight directions to the circle's tangent that stays
   * out), or does not happen.
   * @returns true when there (or stuck against a wall or a safe circle, so the caller picks something else)
   */
  private moveToward(monster: Monster, goal: Position, speed: number, dt: number): boolean {
    if (distance(monster, goal) <= ARRIVED) return true;
    const intent = intentToward(monster, goal);
    monster.facing = facingFor(intent, monster.facing as Facing);
    const next = stepMovement(monster, intent, speed, dt, this.zone.map);
    if (next.x === monster.x && next.y === monster.y) return true; // against a wall
    const circle = this.safeCircleEntered(monster, next);
    if (!circle) return this.place(monster, next, intent);
    if (safeCircleAt([circle], goal)) return true; // the goal is inside (a home in a world zones:check refuses): no way there
    // Around the circle: its tangent at the monster, the way that leads toward the goal.
    const radial = { x: monster.x - circle.x, y: monster.y - circle.y };
    const toGoal = { x: goal.x - monster.x, y: goal.y - monster.y };
    const sense = -radial.y * toGoal.x + radial.x * toGoal.y >= 0 ? 1 : -1;
    const tangent = { x: -radial.y * sense, y: radial.x * sense };
    const ways = DIRECTIONS.filter((way) => way.dx * tangent.x + way.dy * tangent.y > 0).sort(
      (a, b) => cosine(b, tangent) - cosine(a, tangent),
    );
    for (const way of ways) {
      const around = stepMovement(monster, way, speed, dt, this.zone.map);
      if ((around.x === monster.x && around.y === monster.y) || this.safeCircleEntered(monster, around)) continue;
      return this.place(monster, around, way);
    }
    return true;
  }

  private place(monster: Monster, at: Position, way: MoveIntent): false {
    monster.x = at.x;
    monster.y = at.y;
    monster.facing = facingFor(way, monster.facing as Facing);
    return false;
  }

  /**
   * The safe circle a step from `from` to `to` goes into, if any. A monster already inside
   * one (only in a world zones:check refuses) may step out, never deeper.
   */
  private safeCircleEntered(from: Position, to: Position): SafeCircle | undefined {
    const circle = safeCircleAt(this.safe, to);
    if (!circle) return undefined;
    const deeper = (to.x - circle.x) ** 2 + (to.y - circle.y) ** 2 < (from.x - circle.x) ** 2 + (from.y - circle.y) ** 2;
    return deeper ? circle : undefined;
  }

  /** Whether a monster may go after this player: alive, not protected, not in a safe circle. */
  private fairGame(session: PlayerSession): boolean {
    const { player } = session;
    return player.hp > 0 && !this.deps.isProtected(session) && !safeCircleAt(this.safe, player);
  }

  private nearestPlayer(monster: Monster, range: number): PlayerSession | undefined {
    let best: PlayerSession | undefined;
    let bestDistance = range;
    for (const session of this.zone.players.values()) {
      // Distance first: the safe-circle and protection tests only for players in range.
      const d = distance(monster, session.player);
      if (d <= bestDistance && this.fairGame(session)) {
        best = session;
        bestDistance = d;
      }
    }
    return best;
  }

  private idleTime(): number {
    return IDLE_MS[0] + this.zone.random() * (IDLE_MS[1] - IDLE_MS[0]);
  }

  /** A random walkable point of the area outside every safe circle (its centre when none is found quickly). */
  private randomPointIn(area: MonsterArea): Position {
    for (let attempt = 0; attempt < 20; attempt++) {
      const point = { x: area.x + this.zone.random() * area.width, y: area.y + this.zone.random() * area.height };
      if (isWalkable(point, this.zone.map) && !safeCircleAt(this.safe, point)) return point;
    }
    return areaCentre(area);
  }
}

function areaCentre(area: MonsterArea): Position {
  return { x: area.x + area.width / 2, y: area.y + area.height / 2 };
}

/** The eight directions a monster can step in, like a player's keys. */
const DIRECTIONS: readonly MoveIntent[] = [-1, 0, 1]
  .flatMap((dx) => [-1, 0, 1].map((dy) => ({ dx, dy })))
  .filter((way) => way.dx || way.dy);

/** Cosine of the angle between a direction and a vector. */
function cosine(way: MoveIntent, vector: Position): number {
  return (way.dx * vector.x + way.dy * vector.y) / (Math.hypot(way.dx, way.dy) * Math.hypot(vector.x, vector.y) || 1);
}

/** An 8-direction intent from `from` toward `to`, like a player's keys. */
function intentToward(from: Position, to: Position): MoveIntent {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  return { dx: Math.abs(dx) > AXIS_DEAD_ZONE ? Math.sign(dx) : 0, dy: Math.abs(dy) > AXIS_DEAD_ZONE ? Math.sign(dy) : 0 };
}
