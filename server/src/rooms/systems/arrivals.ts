/**
 * Arrival system: where a player coming into the zone stands, and its spawn protection.
 *
 * - A player entering the world on a spawn point (a new character, an arrival through a
 *   portal, a character saved where it cannot stand) or respawning after death is placed
 *   on a free spot near the spawn point (the shared `arrivalSpot`): never on top of
 *   another player, so nobody's name is drawn over another's.
 * - Every arrival — entering the world, through a portal, a respawn — is protected for
 *   SPAWN_PROTECTION_SECONDS of the zone's clock: monsters neither notice nor bite it, no
 *   player can hurt it (`Player.spawnProtected` tells every client). Using a skill ends it
 *   early.
 */
import { arrivalSpot, SPAWN_PROTECTION_SECONDS, type Position } from "@oatnut/shared";
import type { PlayerSession, ZoneContext, ZoneSystem } from "../context.ts";

/** What other systems ask of arrivals: who is protected, and a player placed as it arrives. */
export interface Arrivals {
  /** Whether monsters and other players must leave this player alone for now. */
  isProtected(session: PlayerSession): boolean;
  /** Ends a player's protection (it attacked). */
  endProtection(session: PlayerSession): void;
  /** Places a player arriving at `spawn` (a respawn) on a free spot near it, protected. */
  arrive(session: PlayerSession, spawn: Position): void;
}

export class ArrivalSystem implements ZoneSystem, Arrivals {
  /** Protected players: session id → zone time (ms) when the protection ends. */
  private readonly protectedUntil = new Map<string, number>();

  constructor(private readonly zone: ZoneContext) {}

  onPlayerEnter(session: PlayerSession): void {
    const { player } = session;
    const spawn = [...this.zone.map.spawns.values()].find(
      (point) => Math.fround(point.x) === player.x && Math.fround(point.y) === player.y,
    );
    if (spawn) this.arrive(session, spawn);
    else this.protect(session);
  }

  onPlayerLeave(session: PlayerSession): void {
    this.protectedUntil.delete(session.sessionId);
    session.player.spawnProtected = false;
  }

  /** Ends the protections whose time is up. */
  update(): void {
    if (this.protectedUntil.size === 0) return;
    const now = this.zone.now;
    for (const [sessionId, until] of this.protectedUntil) {
      if (now < until) continue;
      const session = this.zone.players.get(sessionId);
      if (session) this.endProtection(session);
      else this.protectedUntil.delete(sessionId);
    }
  }

  arrive(session: PlayerSession, spawn: Position): void {
    const others: Position[] = [];
    for (const other of this.zone.players.values()) if (other !== session) others.push(other.player);
    this.zone.teleport(session, arrivalSpot(this.zone.map, spawn, others));
    this.protect(session);
  }

  isProtected(session: PlayerSession): boolean {
    return this.protectedUntil.has(session.sessionId);
  }

  endProtection(session: PlayerSession): void {
    this.protectedUntil.delete(session.sessionId);
    session.player.spawnProtected = false;
  }

  private protect(session: PlayerSession): void {
    this.protectedUntil.set(session.sessionId, this.zone.now + SPAWN_PROTECTION_SECONDS * 1000);
    session.player.spawnProtected = true;
  }
}
