/**
 * Progression: XP, levels and the death penalty, applied to a live character. Every change
 * asks for a prompt save, so a kill or a level-up survives a crash that comes before the
 * next autosave.
 */
import { addXp, DEATH_XP_PENALTY, maxHpForLevel } from "@oatnut/shared";
import type { PlayerSession, ZoneContext } from "../context.ts";

/** Gives a character XP; levels it up (full health, higher maximum) as often as it earned. */
export function grantXp(zone: Pick<ZoneContext, "cues" | "saveSoon">, session: PlayerSession, amount: number): void {
  const { player } = session;
  const result = addXp(player.level, player.xp, amount);
  player.xp = result.xp;
  if (result.levelsGained > 0) {
    player.level = result.level;
    player.maxHp = maxHpForLevel(result.level);
    if (player.hp > 0) player.hp = player.maxHp;
    zone.cues.emit({ type: "levelUp", eid: player.eid, level: player.level }, [session.sessionId]);
  }
  zone.saveSoon(session);
}

/** XP a character keeps after dying: the penalty takes a share of this level's XP, never a level. */
export function xpAfterDeath(xp: number): number {
  return xp - Math.floor(xp * DEATH_XP_PENALTY);
}
