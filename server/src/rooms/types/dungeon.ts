/**
 * An instanced dungeon: each group entering gets its own room, disposed when empty.
 * A group is everyone who comes through a portal from the same room within
 * `GROUP_WINDOW_MS` of each other; a character re-entering the game inside a dungeon gets
 * an instance of its own, at the place it was saved. An instance handed over by a
 * stopping process (a cluster's rolling restart) moves whole to one new room.
 */
import type { EntryContext } from "../../world/entry.ts";
import { ZoneRoom, type PlayerSession } from "../ZoneRoom.ts";

/** Arrivals through the same portal this close together share an instance. */
export const GROUP_WINDOW_MS = 60_000;

export default class DungeonRoom extends ZoneRoom {
  static override instanceFor(context: EntryContext): string {
    // A dungeon handed over by a draining process moves as one instance.
    if (context.via === "handoff" && context.sourceRoomId) return `moved:${context.sourceRoomId}`;
    if (context.via === "portal" && context.sourceRoomId) {
      return `${context.sourceRoomId}:${Math.floor(context.now / GROUP_WINDOW_MS)}`;
    }
    return `solo:${context.characterId}:${context.now}`;
  }

  protected override onPlayerEnter(session: PlayerSession) {
    const others = this.players.size - 1;
    this.notify(
      session,
      others > 0
        ? `You enter ${this.map.displayName} with ${others} other${others === 1 ? "" : "s"}.`
        : `You enter ${this.map.displayName}. It is quiet… too quiet.`,
    );
  }
}
