/**
 * Zone transfer: carrying a character through a portal to another zone's room, possibly
 * in another process. Built on the database and seat reservations only, never on memory
 * shared between rooms:
 *
 * 1. The source room takes the character out of its state (no copy stays visible, input
 *    is ignored) and saves it at the target zone's spawn — from now on the database says
 *    it is there, so a crash loses nothing.
 * 2. It reserves a seat in a target room with a one-time entry ticket and sends the
 *    reservation to the client (`ServerMessage.Transfer`).
 * 3. The client joins the target room (which redeems the ticket), then leaves the source.
 * 4. When the client leaves, drops, reports failure, or the ticket's lifetime passes, the
 *    source settles: it cancels the ticket. If the cancel wins, the client never arrived:
 *    the character goes back to its safe spot in the source zone (saved there), with a
 *    notice if it is still connected. If the target redeemed the ticket first, the
 *    character lives on in the target room and the source forgets it.
 *
 * The atomic pop of the ticket decides every race, so there is never a second copy.
 */
import { CloseCode, getZone, ServerMessage, type Portal, type Position } from "@oatnut/shared";
import { matchMaker } from "@colyseus/core";
import { logger } from "../logger.ts";
import { zoneTransfers } from "../metrics.ts";
import { reserveZoneSeat } from "../world/entry.ts";
import { gameServices } from "../world/services.ts";
import { cancelTicket } from "../world/tickets.ts";
import type { ConnectedSession, ZoneRoom } from "./ZoneRoom.ts";

export interface TransferState {
  targetZone: string;
  /** Where the character goes back to if the transfer fails. */
  safe: Position;
  /** The entry ticket of the reservation sent; unset until it is issued. */
  ticket?: string;
  /** Ends the transfer when nothing else did. */
  timer?: { clear(): void };
  /** Set once the outcome is decided. */
  settled?: Promise<"arrived" | "returned">;
}

/** Where a transfer takes a character, and why. */
export interface TransferTarget {
  zone: string;
  at: Position;
  /** Through a portal, or handed to another process's room of the same zone (a draining process). */
  via: "portal" | "handoff";
}

/** The target of a portal: its zone's spawn. */
export function portalTarget(portal: Portal): TransferTarget {
  const spawn = getZone(portal.targetZone).map.spawns.get(portal.targetSpawn);
  if (!spawn) throw new Error(`zone ${portal.targetZone} has no spawn "${portal.targetSpawn}"`);
  return { zone: portal.targetZone, at: { x: spawn.x, y: spawn.y }, via: "portal" };
}

/** Starts carrying a character to another room (through a portal, or handed over). */
export async function beginTransfer(room: ZoneRoom, session: ConnectedSession, target: TransferTarget): Promise<void> {
  const transfer: TransferState = { targetZone: target.zone, safe: { x: session.safe.x, y: session.safe.y } };
  session.transfer = transfer;
  room.leaveWorld(session); // out of every system: whispers, combat, interest… go to the target room from now on
  const log = { zone: room.zone.id, roomId: room.roomId, characterId: session.characterId, to: target.zone, via: target.via };
  try {
    // The database first: from here on the character is in the target zone.
    if (!(await room.saveCharacterAt(session, { zone: target.zone, x: target.at.x, y: target.at.y }))) {
      throw new Error("the character could not be saved");
    }
    if (session.transfer !== transfer) return; // taken over meanwhile
    const seat = await reserveZoneSeat(
      { accountId: session.accountId, characterId: session.characterId, zone: target.zone },
      { via: target.via, characterId: session.characterId, sourceRoomId: room.roomId, now: Date.now() },
    );
    transfer.ticket = seat.ticket;
    if (session.transfer !== transfer) {
      await cancelTicket(matchMaker.presence, seat.ticket);
      return;
    }
    const timer = room.clock.setTimeout(
      () => void abandonTransfer(room, session, "the way took too long"),
      gameServices().config.transferSeconds * 1000,
    );
    transfer.timer = timer;
    const client = room.clients.get(session.sessionId);
    if (!client) {
      // Dropped before the hand-off: there is nobody to send it to.
      await abandonTransfer(room, session, "disconnected");
      return;
    }
    client.send(ServerMessage.Transfer, { zone: target.zone, reservation: seat.reservation });
    logger.info("transfer started", log);
  } catch (error) {
    logger.error("transfer could not start", { ...log, error });
    await abandonTransfer(room, session, "the way is blocked");
  }
}

/**
 * Decides a transfer's outcome once: cancels the ticket; if that wins, the character goes
 * back to its safe spot in the source zone, else it has arrived in the target zone.
 */
export function settleTransfer(room: ZoneRoom, session: ConnectedSession): Promise<"arrived" | "returned"> {
  const transfer = session.transfer!;
  transfer.settled ??= (async () => {
    transfer.timer?.clear();
    const cancelled = transfer.ticket ? await cancelTicket(matchMaker.presence, transfer.ticket) : true;
    zoneTransfers.inc({ from: room.zone.id, to: transfer.targetZone, outcome: cancelled ? "returned" : "arrived" });
    if (!cancelled) {
      logger.info("transfer completed", {
        zone: room.zone.id,
        roomId: room.roomId,
        characterId: session.characterId,
        to: transfer.targetZone,
      });
      return "arrived" as const;
    }
    await room.saveCharacterAt(session, { zone: room.zone.id, x: transfer.safe.x, y: transfer.safe.y });
    return "returned" as const;
  })();
  return transfer.settled;
}

/**
 * Ends a transfer that did not complete (failure reported, timeout, drop): the character
 * is back at its safe spot — in the world again if its client is still here.
 */
export async function abandonTransfer(room: ZoneRoom, session: ConnectedSession, reason: string): Promise<void> {
  const transfer = session.transfer;
  if (!transfer) return;
  const outcome = await settleTransfer(room, session);
  if (session.transfer !== transfer || !room.sessions.has(session.sessionId)) return;
  const client = room.clients.get(session.sessionId);
  if (outcome === "arrived" || !client) {
    // The target room has it (or there is no client to put back): this session is over,
    // through the one way sessions end.
    await room.endSession(session);
    client?.leave(CloseCode.Transferred, `gone to ${transfer.targetZone}`);
    return;
  }
  session.transfer = undefined;
  room.enterWorld(session, transfer.safe);
  room.notify(session, `You could not go on to ${getZone(transfer.targetZone).map.displayName}: ${reason}. Try again in a moment.`);
  logger.warn("transfer failed; player put back", { zone: room.zone.id, roomId: room.roomId, characterId: session.characterId, reason });
}
