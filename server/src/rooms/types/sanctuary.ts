/**
 * A sanctuary: a zone where the wounded heal. The example of a room type that adds a
 * system of its own (docs/designing-zones.md): the system is written against the zone's
 * context and registered by `createSystems`; nothing else changes.
 */
import type { PlayerSession, ZoneContext, ZoneSystem } from "../context.ts";
import { ZoneRoom } from "../ZoneRoom.ts";

/** HP a living, wounded player regains per second in a sanctuary. */
export const SANCTUARY_HP_PER_SECOND = 5;

/** Heals every living, wounded player in the zone by `hpPerSecond`. */
export class RegenerationSystem implements ZoneSystem {
  /** The fraction of an HP each player has earned so far. */
  private readonly earned = new Map<string, number>();

  constructor(
    private readonly zone: ZoneContext,
    private readonly hpPerSecond: number,
  ) {}

  update(dt: number): void {
    for (const session of this.zone.players.values()) {
      const { player } = session;
      if (player.hp <= 0 || player.hp >= player.maxHp) {
        this.earned.delete(session.sessionId);
        continue;
      }
      const earned = (this.earned.get(session.sessionId) ?? 0) + this.hpPerSecond * dt;
      const whole = Math.floor(earned);
      this.earned.set(session.sessionId, earned - whole);
      if (whole > 0) player.hp = Math.min(player.maxHp, player.hp + whole);
    }
  }

  onPlayerLeave(session: PlayerSession): void {
    this.earned.delete(session.sessionId);
  }
}

export default class SanctuaryRoom extends ZoneRoom {
  protected override createSystems(zone: ZoneContext): ZoneSystem[] {
    return [new RegenerationSystem(zone, SANCTUARY_HP_PER_SECOND)];
  }
}
