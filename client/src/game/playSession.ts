/**
 * One play of a character, from entering the world to leaving it: a zone session, then
 * the next one each time the character walks through a portal — same page, same login,
 * no reload.
 *
 * A transfer, as the server drives it (the client never claims a portal):
 * 1. The server takes the character out of the zone and sends `ServerMessage.Transfer`
 *    `{ zone, reservation }`. The zone session stops sending input at once; the view
 *    darkens.
 * 2. The client joins the target room with `client.consumeSeatReservation(reservation)`.
 * 3. Joined: a new zone session starts on the new room (synchronously, before its first
 *    state arrives), then the old room is left (consented). The new zone's scene replaces
 *    the old one when its state arrives; the HUD shows the new zone's name.
 * 4. Not joined: the client sends `ClientMessage.TransferFailed` `{ reason }` to the old
 *    room, which puts the character back at a safe spot with a notice; the client shows
 *    the error and sends input again once the movement keys were released.
 */
import type { Keyboard } from "../input/keyboard.ts";
import { errorMessage } from "../network/errors.ts";
import { enterZone, type ZoneRoom } from "../network/zone.ts";
import type { Stage } from "../render/stage.ts";
import type { PlayerActions } from "./playerActions.ts";
import type { WorldMirror } from "./worldMirror.ts";
import { ZoneSession, type TransferOffer, type ZoneSessionEvents, type ZoneSnapshot } from "./zoneSession.ts";
import { zoneDisplayName } from "./zones.ts";

/**
 * What a play reports: the events of its zone sessions, relayed (`zone` fires on entering
 * the world and after each transfer; `ended` when the whole play is over), except the
 * transfers, which the play handles itself.
 */
export type PlaySessionEvents = Omit<ZoneSessionEvents, "transfer">;

export class PlaySession {
  private current: ZoneSession;
  /** A transfer under way: the session it leaves, and how that one ended meanwhile. */
  private transfer: { from: ZoneSession; zone: string; fromEnded?: { message: string | null } } | null = null;
  private leaveRequested = false;
  private over = false;

  /** Must be constructed synchronously right after `room` was joined. */
  constructor(
    room: ZoneRoom,
    private readonly stage: Stage,
    private readonly keyboard: Keyboard,
    private readonly events: PlaySessionEvents,
  ) {
    this.current = this.start(room, null);
  }

  /** The zone shown (or being travelled to), for the test hook and the HUD. */
  snapshot(): ZoneSnapshot {
    return this.current.snapshot();
  }

  /** The world of the zone shown: monsters, loot and the own character's numbers. */
  get world(): WorldMirror {
    return this.current.world;
  }

  /** The player's fight actions in the zone shown. */
  get actions(): PlayerActions {
    return this.current.actions;
  }

  /** Whether a transfer is under way. */
  get travelling(): boolean {
    return this.transfer !== null;
  }

  /** Chat through the zone the character is in. */
  say(text: string, to?: string): void {
    this.current.say(text, to);
  }

  frame(now: number): void {
    this.current.frame(now);
  }

  /** Leaves the world on the player's request (after a transfer under way has settled). */
  async leave(): Promise<void> {
    this.leaveRequested = true;
    if (this.transfer) return; // the transfer's outcome decides which room to leave
    await this.current.leave();
  }

  private start(room: ZoneRoom, expectedZone: string | null): ZoneSession {
    const session: ZoneSession = new ZoneSession(
      room,
      this.stage,
      this.keyboard,
      {
        zone: (map) => {
          if (session === this.current) this.stage.setVeil(false);
          this.events.zone(map);
        },
        selfName: (name) => this.events.selfName(name),
        notice: (text) => this.events.notice(text),
        chat: (line) => this.events.chat(line),
        connectionLost: () => this.events.connectionLost(),
        connectionRestored: () => this.events.connectionRestored(),
        transfer: (offer) => void this.travel(session, offer),
        cue: (cue) => {
          if (session === this.current) this.events.cue(cue);
        },
        ended: (message) => this.sessionEnded(session, message),
      },
      expectedZone,
    );
    return session;
  }

  private async travel(from: ZoneSession, offer: TransferOffer): Promise<void> {
    // Leaving already: the old room settles the transfer when we are gone (the character
    // stays where it was saved), so there is no point joining the next room.
    if (this.over || this.leaveRequested || from !== this.current || this.transfer) return;
    this.transfer = { from, zone: offer.zone };
    this.stage.setVeil(true);
    let room: ZoneRoom;
    try {
      room = await enterZone(offer.reservation);
    } catch (error) {
      this.travelFailed(from, offer.zone, errorMessage(error, "the zone could not be joined"));
      return;
    }
    // Joined: the new session listens before the room's first state arrives.
    const transfer = this.transfer;
    this.transfer = null;
    const next = this.start(room, offer.zone);
    this.current = next;
    from.handOff();
    if (this.over) {
      // The page is going away (or the play ended) meanwhile: do not stay in the new room.
      void next.leave();
    } else if (this.leaveRequested) {
      void next.leave();
    } else if (transfer?.fromEnded && transfer.fromEnded.message !== null) {
      // The old room closed on its own while we travelled (e.g. the hand-off completed there).
      console.info("previous zone closed during the transfer:", transfer.fromEnded.message);
    }
  }

  private travelFailed(from: ZoneSession, zone: string, reason: string): void {
    const transfer = this.transfer;
    this.transfer = null;
    this.stage.setVeil(false);
    const text = `Could not travel to ${zoneDisplayName(zone)}: ${reason}`;
    if (transfer?.fromEnded) {
      // The old room is gone too: nowhere to stay.
      this.end(transfer.fromEnded.message ? `${transfer.fromEnded.message} (${text})` : text);
      return;
    }
    // The server quotes the reason inside its own sentence: no closing punctuation.
    from.reportTransferFailed(reason.replace(/[.!?\s]+$/, ""));
    this.events.notice(text);
    if (this.leaveRequested) {
      void from.leave();
      return;
    }
    from.resumeInput({ holdUntilRelease: true });
  }

  private sessionEnded(session: ZoneSession, message: string | null): void {
    if (this.transfer && session === this.transfer.from) {
      // Wait for the transfer's outcome before deciding whether the play is over.
      this.transfer.fromEnded = { message };
      return;
    }
    if (session !== this.current) return;
    this.end(message);
  }

  private end(message: string | null): void {
    if (this.over) return;
    this.over = true;
    this.stage.setVeil(false);
    this.events.ended(message);
  }
}
