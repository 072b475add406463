/**
 * Combat system: skill uses judged by the server, damage, deaths and respawns of players.
 *
 * A skill use rides on a movement input (`MoveInput.skill`, `.target`) and is judged while
 * that input is being applied, so `rewind.lastSeenBy(sessionId)` reads the world as this
 * client drew it when it sent the input (its render-time stamp): range and line of sight
 * are measured to where the target was on the attacker's screen, within the rewind window
 * (`REWIND_MS`), not to where it has moved since. Cooldowns run on the zone's simulated
 * clock. Whatever the server cannot allow is refused and only the user hears why.
 * A player under spawn protection (the arrival system) cannot be hurt, and loses the
 * protection when it uses a skill; a dead player respawns through the arrival system, on a
 * free spot near the zone's spawn, protected.
 */
import {
  distance,
  lineOfSight,
  PLAYER_RESPAWN_SECONDS,
  RESPAWN_HP_SHARE,
  skillDamage,
  skillRule,
  type Monster,
  type SkillRefusal,
} from "@oatnut/shared";
import { skillsRefused, skillsUsed } from "../../metrics.ts";
import type { PlayerSession, ZoneContext, ZoneSystem } from "../context.ts";
import { xpAfterDeath } from "../gameplay/progression.ts";
import type { Arrivals } from "./arrivals.ts";

/** How far back lag compensation may look (ms): beyond it, the oldest recorded instant is used. */
export const REWIND_MS = 500;

/** Where an attacker saw an entity (lag compensation): Colyseus' `rewind.lastSeenBy(sessionId)`. */
export type SeenBy = (sessionId: string) => { value(entity: object, field: "x" | "y"): number };

/** The monsters a skill can hit (the monster system). */
export interface MonsterTargets {
  /** The live monster with entity id `eid`, and its interest key. */
  find(eid: number): { monster: Monster; key: string } | undefined;
  /** Takes HP from a monster hit by a player. */
  damage(eid: number, amount: number, by: PlayerSession): void;
}

export class CombatSystem implements ZoneSystem {
  /** Per player: skill id → zone time (ms) from which it may be used again. */
  private readonly readyAt = new Map<string, Map<number, number>>();
  /** Dead players: session id → zone time (ms) of their respawn. */
  private readonly dead = new Map<string, number>();

  constructor(
    private readonly zone: ZoneContext,
    private readonly seenBy: SeenBy,
    private readonly monsters: MonsterTargets,
    private readonly arrivals: Arrivals,
  ) {}

  /** Judges one skill use of a player on the entity `targetEid`. */
  useSkill(session: PlayerSession, skillId: number, targetEid: number): void {
    const { player, sessionId } = session;
    const skill = skillRule(skillId);
    if (!skill) return this.refuse(session, skillId, "skill");
    if (player.hp <= 0) return this.refuse(session, skillId, "dead");
    const now = this.zone.now;
    let cooldowns = this.readyAt.get(sessionId);
    if (!cooldowns) this.readyAt.set(sessionId, (cooldowns = new Map()));
    if (now < (cooldowns.get(skill.id) ?? 0)) return this.refuse(session, skill.id, "cooldown");
    const monster = this.monsters.find(targetEid);
    const victim = monster ? undefined : this.playerByEid(targetEid);
    const target = monster?.monster ?? victim?.player;
    if (!target || !this.canHit(session, monster?.monster, victim)) return this.refuse(session, skill.id, "target");
    // Lag compensation: where the target was on this attacker's screen.
    const seen = this.seenBy(sessionId);
    const at = { x: seen.value(target, "x"), y: seen.value(target, "y") };
    if (distance(player, at) > skill.range) return this.refuse(session, skill.id, "range");
    if (skill.needsLineOfSight && !lineOfSight(this.zone.map, player, at)) return this.refuse(session, skill.id, "sight");

    cooldowns.set(skill.id, now + skill.cooldownMs);
    this.arrivals.endProtection(session); // attacking ends the attacker's spawn protection
    skillsUsed.inc({ zone: this.zone.zone.id, skill: skill.name });
    const amount = skillDamage(skill, player.level);
    this.zone.cues.emit({ type: "hit", source: player.eid, target: targetEid, skill: skill.id, amount }, [
      sessionId,
      monster?.key ?? victim!.sessionId,
    ]);
    if (monster) this.monsters.damage(targetEid, amount, session);
    else this.damagePlayer(victim!, amount, player.eid);
  }

  /** Takes `amount` HP from a player (none while it has spawn protection); at zero it dies. `by` is the attacker's eid. */
  damagePlayer(session: PlayerSession, amount: number, by: number): void {
    const { player } = session;
    if (player.hp <= 0 || this.arrivals.isProtected(session)) return;
    player.hp = Math.max(0, player.hp - amount);
    if (player.hp === 0) this.killPlayer(session, by);
  }

  /** Every tick: brings back the players whose wait is over, near the zone's spawn with part of their health. */
  update(): void {
    const now = this.zone.now;
    for (const [sessionId, respawnAt] of this.dead) {
      if (now < respawnAt) continue;
      this.dead.delete(sessionId);
      const session = this.zone.players.get(sessionId);
      if (session) this.revive(session);
    }
  }

  /** A character saved while dead (left before respawning) comes back at the spawn; the penalty was paid. */
  onPlayerEnter(session: PlayerSession): void {
    if (session.player.hp === 0 && !this.dead.has(session.sessionId)) this.revive(session);
  }

  onPlayerLeave(session: PlayerSession): void {
    this.readyAt.delete(session.sessionId);
    this.dead.delete(session.sessionId);
  }

  private revive(session: PlayerSession): void {
    const { player } = session;
    player.hp = Math.max(1, Math.round(player.maxHp * RESPAWN_HP_SHARE));
    this.arrivals.arrive(session, this.zone.map.spawn);
    this.zone.cues.emit({ type: "respawn", eid: player.eid }, [session.sessionId]);
    this.zone.saveSoon(session);
  }

  private killPlayer(session: PlayerSession, by: number): void {
    const { player } = session;
    player.xp = xpAfterDeath(player.xp);
    this.dead.set(session.sessionId, this.zone.now + PLAYER_RESPAWN_SECONDS * 1000);
    this.zone.cues.emit({ type: "death", eid: player.eid, by }, [session.sessionId]);
    this.zone.saveSoon(session);
  }

  private playerByEid(eid: number): PlayerSession | undefined {
    for (const session of this.zone.players.values()) if (session.player.eid === eid) return session;
    return undefined;
  }

  private canHit(attacker: PlayerSession, monster: Monster | undefined, victim: PlayerSession | undefined): boolean {
    if (monster) return monster.hp > 0;
    return this.zone.map.pvp && victim !== attacker && victim!.player.hp > 0 && !this.arrivals.isProtected(victim!);
  }

  private refuse(session: PlayerSession, skill: number, reason: SkillRefusal): void {
    skillsRefused.inc({ zone: this.zone.zone.id, reason });
    this.zone.cues.to(session.sessionId, { type: "refused", skill, reason });
  }
}
