/**
 * Cues: what happened this tick (damage, deaths, level-ups, refusals), sent once at its
 * end to each client that sees the entities involved (`ServerMessage.Combat`, one message
 * per client per tick). The recipients are decided when the cue happens, so a monster
 * that dies this tick still reaches everyone who saw it.
 */
import type { CombatEvent } from "@oatnut/shared";
import type { Cues } from "../context.ts";

export class CueOutbox implements Cues {
  /** This tick's cues by recipient (a new map after each tick that had some, young like the cues: clearing a long-lived map allocates its new table in the old generation, see `youngChanges` in systems/interest.ts). */
  private outbox = new Map<string, CombatEvent[]>();

  /**
   * @param watchersOf who is, or sees, one of some entities (the interest system)
   * @param deliver sends one client its cues of the tick
   */
  constructor(
    private readonly watchersOf: (keys: readonly string[]) => string[],
    private readonly deliver: (sessionId: string, events: CombatEvent[]) => void,
  ) {}

  emit(event: CombatEvent, keys: readonly string[]): void {
    for (const sessionId of this.watchersOf(keys)) this.to(sessionId, event);
  }

  to(sessionId: string, event: CombatEvent): void {
    let events = this.outbox.get(sessionId);
    if (!events) this.outbox.set(sessionId, (events = []));
    events.push(event);
  }

  /** Sends the tick's cues. */
  flush(): void {
    if (this.outbox.size === 0) return;
    const outbox = this.outbox;
    this.outbox = new Map();
    for (const [sessionId, events] of outbox) this.deliver(sessionId, events);
  }
}
