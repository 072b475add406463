/**
 * Combat system: skill uses judged by the server, damage, deaths and respawns of players.
 *
 * A skill use rides on a movement input (`MoveInput.skill`, `.target`) and is judged while
 * that input is being applied, so `rewind.lastSeenBy(sessionId)` reads the world as this
 * client drew it when it sent the input (its render-time stamp): range and line of sight
 * are measured to where the target was on the attacker's screen, within the rewind window
 * (`REWIND_MS`), not to where it has moved since. Cooldowns run on the room's simulated
 * clock. Whatever the server cannot allow is refused and only the user hears why.
 */
import type { Rewind } from "@colyseus/core";
import {
  distance, lineOfSight, PLAYER_RESPAWN_SECONDS, RESPAWN_HP_SHARE, skillDamage, skillRule, type Player, type SkillRefusal,
} from "@oatnut/shared";
import { skillsRefused, skillsUsed } from "../../metrics.ts";
import { xpAfterDeath } from "../gameplay/progression.ts";
import type { PlayerSession, ZoneRoom } from "../ZoneRoom.ts";
import { monsterKey, type Mob } from "./monsters.ts";

/** How far back lag compensation may look (ms): beyond it, the oldest recorded instant is used. */
export const REWIND_MS = 500;

/** Who can be hit: a player's session or a monster. */
export type Combatant = { kind: "player"; session: PlayerSession } | { kind: "monster"; mob: Mob };

export class CombatSystem {
  /** Per session: skill id → room time (ms) from which it may be used again. */
  private readonly readyAt = new Map<string, Map<number, number>>();
  /** Dead players: session id → room time (ms) of their respawn. */
  private readonly dead = new Map<string, number>();

  constructor(private readonly room: ZoneRoom, private readonly rewind: Rewind) {}

  /** Judges one skill use of `sessionId`'s character on the entity `targetEid`. */
  useSkill(sessionId: string, player: Player, skillId: number, targetEid: number): void {
    const session = this.room.sessions.get(sessionId);
    if (!session) return;
    const skill = skillRule(skillId);
    if (!skill) return this.refuse(session, skillId, "skill");
    if (player.hp <= 0) return this.refuse(session, skillId, "dead");
    const now = this.room.now;
    let cooldowns = this.readyAt.get(sessionId);
    if (!cooldowns) this.readyAt.set(sessionId, (cooldowns = new Map()));
    if (now < (cooldowns.get(skill.id) ?? 0)) return this.refuse(session, skill.id, "cooldown");
    const target = this.room.combatant(targetEid);
    if (!target || !this.canHit(session, target)) return this.refuse(session, skill.id, "target");
    // Lag compensation: where the target was on this attacker's screen.
    const entity = target.kind === "player" ? target.session.player : target.mob.monster;
    const seen = this.rewind.lastSeenBy(sessionId);
    const at = { x: seen.value(entity, "x"), y: seen.value(entity, "y") };
    if (distance(player, at) > skill.range) return this.refuse(session, skill.id, "range");
    if (skill.needsLineOfSight && !lineOfSight(this.room.map, player, at)) return this.refuse(session, skill.id, "sight");

    cooldowns.set(skill.id, now + skill.cooldownMs);
    skillsUsed.inc({ zone: this.room.zone.id, skill: skill.name });
    const amount = skillDamage(skill, player.level);
    const targetKey = target.kind === "player" ? target.session.sessionId : monsterKey(target.mob);
    this.room.events.emit({ type: "hit", source: player.eid, target: targetEid, skill: skill.id, amount }, [sessionId, targetKey]);
    if (target.kind === "monster") this.room.monsters.damage(target.mob, amount, session);
    else this.damagePlayer(target.session, amount, player.eid);
  }

  /** Takes `amount` HP from a player; at zero it dies. `by` is the attacker's eid. */
  damagePlayer(session: PlayerSession, amount: number, by: number): void {
    const { player } = session;
    if (player.hp <= 0) return;
    player.hp = Math.max(0, player.hp - amount);
    if (player.hp === 0) this.killPlayer(session, by);
  }

  /**
   * Every tick: brings back the players whose wait is over, at the zone's spawn with part
   * of their health.
   */
  update(): void {
    const now = this.room.now;
    for (const [sessionId, respawnAt] of this.dead) {
      if (now < respawnAt) continue;
      this.dead.delete(sessionId);
      const session = this.room.sessions.get(sessionId);
      if (!session || session.transfer) continue;
      this.revive(session);
    }
  }

  /** Forgets a session that left the zone. */
  forget(sessionId: string): void {
    this.readyAt.delete(sessionId);
    this.dead.delete(sessionId);
  }

  /** Puts a dead (or saved-while-dead) character back at the zone's spawn. */
  revive(session: PlayerSession): void {
    const { player } = session;
    const spawn = this.room.map.spawn;
    player.hp = Math.max(1, Math.round(player.maxHp * RESPAWN_HP_SHARE));
    this.room.teleport(session, spawn);
    this.room.events.emit({ type: "respawn", eid: player.eid }, [session.sessionId]);
    this.room.saveSoon(session);
  }

  private killPlayer(session: PlayerSession, by: number): void {
    const { player } = session;
    player.xp = xpAfterDeath(player.xp);
    this.dead.set(session.sessionId, this.room.now + PLAYER_RESPAWN_SECONDS * 1000);
    this.room.events.emit({ type: "death", eid: player.eid, by }, [session.sessionId]);
    this.room.saveSoon(session);
  }

  private canHit(attacker: PlayerSession, target: Combatant): boolean {
    if (target.kind === "monster") return target.mob.monster.hp > 0;
    return this.room.map.pvp && target.session !== attacker && target.session.player.hp > 0 && !target.session.transfer;
  }

  private refuse(session: PlayerSession, skill: number, reason: SkillRefusal): void {
    skillsRefused.inc({ zone: this.room.zone.id, reason });
    this.room.events.to(session.sessionId, { type: "refused", skill, reason });
  }
}
