/**
 * Entering the world: turns "play this character" into a seat reservation for the zone
 * room the character is saved in. The zone is the server's decision, never the client's.
 *
 * A character is live in at most one room: if it is already in the world (another tab,
 * a dropped connection waiting to reconnect), the old session is taken over — saved,
 * then disconnected with CloseCode.TakenOver — before the new seat is reserved.
 */
import { matchMaker } from "@colyseus/core";
import { STARTING_ZONE, ZONE_MAPS } from "@oatnut/shared";
import { Character } from "../db/models.ts";
import { logger } from "../logger.ts";
import type { ZoneRoom } from "../rooms/ZoneRoom.ts";
import { findLive, forgetLive } from "./liveCharacters.ts";
import { issueTicket } from "./tickets.ts";

/** Name the zone room type is registered under. */
export const ZONE_ROOM = "zone";

/** Takes the character out of the world if it is live anywhere; resolves once it is saved. */
export async function takeOverLiveCharacter(characterId: string, reason: string): Promise<void> {
  const live = await findLive(matchMaker.presence, characterId);
  if (!live) return;
  try {
    await matchMaker.remoteRoomCall<ZoneRoom>(live.roomId, "evictCharacter", [characterId, reason]);
  } catch (error) {
    // The room is gone (disposed, or its process died): the entry is stale.
    logger.warn("live character's room did not answer; clearing the stale entry", {
      characterId, roomId: live.roomId, error: (error as Error).message,
    });
  }
  await forgetLive(matchMaker.presence, characterId);
}

/**
 * Reserves a seat for the character in its zone, creating the zone room if needed.
 * @returns the seat reservation, for the client's `consumeSeatReservation`; null when
 * the account owns no such character
 */
export async function enterWorld(accountId: string, characterId: string): Promise<matchMaker.ISeatReservation | null> {
  if (!(await Character.exists({ _id: characterId, accountId }))) return null;
  await takeOverLiveCharacter(characterId, "this character was entered from another session");
  const character = await Character.findOne({ _id: characterId, accountId }).lean();
  if (!character) return null;
  const zone = ZONE_MAPS.has(character.zone) ? character.zone : STARTING_ZONE;
  const ticket = await issueTicket(matchMaker.presence, { accountId, characterId, zone });
  return matchMaker.joinOrCreate(ZONE_ROOM, { zone, ticket });
}
