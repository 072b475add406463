/**
 * Entering a zone room with a seat reservation (on entering the world and on each
 * transfer through a portal), and explaining why a zone room closed.
 */
import { CloseCode as SdkCloseCode, type Room, type SeatReservation } from "@colyseus/sdk";
import { CloseCode, type ZoneState } from "@oatnut/shared";
import { client } from "./client.ts";

export type ZoneRoom = Room<unknown, ZoneState>;

/**
 * Joins the zone room the reservation is for. No root schema is passed: the state's
 * classes come from the server's handshake (which also carries the input schema that
 * `room.input()` needs). Resolves once joined; the first state arrives right after.
 */
export function enterZone(reservation: SeatReservation): Promise<ZoneRoom> {
  return client.consumeSeatReservation<ZoneState>(reservation);
}

/** Text for the player when a zone room closed without them asking to leave. */
export function leaveMessage(code: number, reason?: string): string {
  switch (code) {
    case CloseCode.TakenOver:
      // The server says why (entered elsewhere, deleted...); the default covers a bare close.
      return reason
        ? sentence(reason)
        : "This character was entered from another window. Play it there, or press Play here to take it back.";
    case CloseCode.Transferred:
      return "Your character went on to another zone.";
    case CloseCode.Kicked:
      return `You were removed from the world.${reason ? ` ${sentence(reason)}` : ""} Press Play to go back in.`;
    case CloseCode.ProtocolViolation:
    case 1009: // the transport: a frame over MAX_FRAME_BYTES
      return "The server closed the connection: your client sent data it could not accept. Reload the page to play on.";
    case CloseCode.Flooding:
      return "The server closed the connection: your client sent too many messages too fast. Reload the page to play on.";
    case CloseCode.ServerShutdown:
    case SdkCloseCode.SERVER_SHUTDOWN:
      return "The server is restarting. Press Play again in a moment.";
    case SdkCloseCode.FAILED_TO_RECONNECT:
    case SdkCloseCode.ABNORMAL_CLOSURE:
    case SdkCloseCode.GOING_AWAY:
    case SdkCloseCode.NO_STATUS_RECEIVED:
      return "The connection to the server was lost. Check your connection, then press Play to go back in.";
    case SdkCloseCode.CONSENTED:
    case SdkCloseCode.NORMAL_CLOSURE:
      return `${reason ? `You left the zone. ${sentence(reason)}` : "The server closed your session in this zone."} Press Play to go back in.`;
    default:
      return `${reason ? `You left the zone. ${sentence(reason)}` : `You were disconnected from the zone (code ${code}).`} Press Play to go back in.`;
  }
}

/** "this character was deleted" → "This character was deleted." */
function sentence(text: string): string {
  const trimmed = text.trim();
  const capitalized = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalized) ? capitalized : `${capitalized}.`;
}
