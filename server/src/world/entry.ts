/**
 * Entering the world and moving through it: turns "this character goes to that zone"
 * into a seat reservation for a room of the zone, guarded by a one-time entry ticket.
 * The zone is always the server's decision, never the client's.
 *
 * A character is live in at most one room: if it is already in the world (another tab,
 * a dropped connection waiting to reconnect), the old session is taken over — saved,
 * then disconnected with CloseCode.TakenOver — before the new seat is reserved.
 */
import { matchMaker } from "@colyseus/core";
import { CloseCode, getZone, zoneCatalog } from "@oatnut/shared";
import { Character } from "../db/models.ts";
import { logger } from "../logger.ts";
import type { ZoneRoom } from "../rooms/ZoneRoom.ts";
import { findLive, forgetLive } from "./liveCharacters.ts";
import { cancelTicket, issueTicket, type EntryTicket } from "./tickets.ts";
import { roomTypeClass } from "./roomRegistry.ts";

/** How a character is entering a zone (room types may place it by this, e.g. instances). */
export interface EntryContext {
  /** Entering the game, through a portal, or handed over by a draining process (same zone). */
  via: "play" | "portal" | "handoff";
  characterId: string;
  /** The room it comes from, for portals and hand-overs. */
  sourceRoomId?: string;
  now: number;
}

/** Takes the character out of the world if it is live anywhere; resolves once it is saved. */
export async function takeOverLiveCharacter(characterId: string, reason: string, closeCode: number = CloseCode.TakenOver): Promise<void> {
  // A character may be mid-transfer between two rooms: repeat until no room holds it.
  for (let attempt = 0; attempt < 3; attempt++) {
    const live = await findLive(matchMaker.presence, characterId);
    if (!live) return;
    try {
      await matchMaker.remoteRoomCall<ZoneRoom>(live.roomId, "evictCharacter", [characterId, reason, closeCode]);
    } catch (error) {
      // The room is gone (disposed, or its process died): the entry is stale.
      logger.warn("live character's room did not answer; clearing the stale entry", {
        characterId,
        roomId: live.roomId,
        error: (error as Error).message,
      });
      // A process that does not answer loses its rooms now (Colyseus's own health check),
      // so the seat reserved next is not offered in one of them.
      if (live.processId) await matchMaker.healthCheckProcessId(live.processId);
    }
    const after = await findLive(matchMaker.presence, characterId);
    if (after && after.sessionId === live.sessionId) await forgetLive(matchMaker.presence, characterId);
  }
}

export interface ZoneSeat {
  reservation: matchMaker.ISeatReservation;
  /** The entry ticket inside the reservation (cancel it to make the seat useless). */
  ticket: string;
}

/**
 * Reserves a seat in a room of the zone (creating the room if needed) for the character.
 * Only the holder of the returned reservation can join, once, as that character.
 */
export async function reserveZoneSeat(grant: EntryTicket, context: EntryContext): Promise<ZoneSeat> {
  const zone = getZone(grant.zone);
  const instance = roomTypeClass(zone.roomType).instanceFor(context);
  const ticket = await issueTicket(matchMaker.presence, grant);
  try {
    const options = { zone: zone.id, ticket, ...(instance ? { instance } : {}) };
    return { reservation: await matchMaker.joinOrCreate(zone.roomType, options), ticket };
  } catch (error) {
    await cancelTicket(matchMaker.presence, ticket);
    throw error;
  }
}

/**
 * Reserves a seat for the character in its saved zone.
 * @returns the seat reservation, for the client's `consumeSeatReservation`; null when
 * the account owns no such character
 */
export async function enterWorld(accountId: string, characterId: string): Promise<matchMaker.ISeatReservation | null> {
  if (!(await Character.exists({ _id: characterId, accountId }))) return null;
  await takeOverLiveCharacter(characterId, "this character was entered from another session");
  const character = await Character.findOne({ _id: characterId, accountId }).lean();
  if (!character) return null;
  const catalog = zoneCatalog();
  const zone = catalog.has(character.zone) ? character.zone : catalog.startingZone;
  const seat = await reserveZoneSeat({ accountId, characterId, zone }, { via: "play", characterId, now: Date.now() });
  return seat.reservation;
}
