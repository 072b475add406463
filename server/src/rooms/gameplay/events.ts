/**
 * Combat cues: what happened this tick, sent once at its end to each client that sees
 * the entities involved (`ServerMessage.Combat`, one message per client per tick). The
 * recipients are decided when the event happens, so a monster that dies this tick still
 * reaches everyone who saw it.
 */
import { ServerMessage, type CombatEvent } from "@oatnut/shared";
import type { ZoneRoom } from "../ZoneRoom.ts";

export class CombatEvents {
  private readonly outbox = new Map<string, CombatEvent[]>();

  constructor(private readonly room: ZoneRoom) {}

  /** Queues `event` for every client that is, or sees, one of the entities `keys` (interest keys). */
  emit(event: CombatEvent, keys: readonly string[]): void {
    for (const sessionId of this.room.interest.watchersOf(keys)) this.to(sessionId, event);
  }

  /** Queues `event` for one client only. */
  to(sessionId: string, event: CombatEvent): void {
    let events = this.outbox.get(sessionId);
    if (!events) this.outbox.set(sessionId, (events = []));
    events.push(event);
  }

  /** Sends the tick's events. */
  flush(): void {
    for (const [sessionId, events] of this.outbox) this.room.clients.get(sessionId)?.send(ServerMessage.Combat, events);
    this.outbox.clear();
  }
}
