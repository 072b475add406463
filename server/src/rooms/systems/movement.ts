/**
 * Movement system: applies each player's buffered inputs with the shared step, within a
 * budget: one input per tick, plus up to `INPUT_CATCH_UP` banked in ticks when none
 * arrived (late inputs catch up at once instead of adding latency). So no client moves
 * faster than the speed limit by sending more — at most T + INPUT_CATCH_UP steps in any T
 * ticks — and inputs beyond the buffer's size are dropped by Colyseus.
 * In a busy zone clients send their inputs in pairs (shared/src/inputBatch.ts): a pair
 * arriving after a tick without input would be spent at once, two steps in one tick and none
 * in the next, a stutter everyone else sees. So the bank is spent only on what waits beyond
 * one frame's worth: a pair is walked one step a tick, and a late pair catches up as before.
 * The same input may carry a skill use: it is handed to the combat system, which judges
 * it this tick against what this client saw when it sent it (the input's stamp).
 */
import { applyMoveInput, INPUT_CATCH_UP } from "@oatnut/shared";
import type { PlayerSession, ZoneContext, ZoneSystem } from "../context.ts";
import type { MoveSnapshot } from "../moveInput.ts";

export interface MovementDeps {
  /**
   * The inputs of a player waiting to be applied, oldest first. Iterated one at a time: the
   * input being applied is "current" for lag compensation while it is (Colyseus' accessor).
   */
  inputsOf(sessionId: string): Iterable<MoveSnapshot>;
  /** A skill use riding on an input, judged while that input is applied. */
  useSkill(session: PlayerSession, skill: number, target: number): void;
  /** How many of a player's inputs wait in its buffer. */
  waiting(sessionId: string): number;
  /** How many inputs the zone's clients send to a frame now (the state's `inputsPerFrame`). */
  inputsPerFrame(): number;
}

export class MovementSystem implements ZoneSystem {
  /** Inputs each player may still apply this tick. */
  private readonly budget = new Map<string, number>();

  constructor(
    private readonly zone: ZoneContext,
    private readonly deps: MovementDeps,
  ) {}

  update(dt: number): void {
    const held = this.deps.inputsPerFrame() - 1;
    for (const session of this.zone.players.values()) {
      const id = session.sessionId;
      let budget = Math.min(1 + INPUT_CATCH_UP, (this.budget.get(id) ?? 0) + 1);
      // Past the first input, the bank goes only to inputs beyond one frame's worth.
      let steps = held > 0 ? Math.max(1, Math.min(budget, this.deps.waiting(id) - held)) : budget;
      for (const input of this.deps.inputsOf(id)) {
        applyMoveInput(session.player, input, dt, this.zone.map);
        if (input.skill !== 0) this.deps.useSkill(session, input.skill, input.target);
        budget--;
        if (--steps < 1) break;
      }
      this.budget.set(id, budget);
    }
  }

  onPlayerLeave(session: PlayerSession): void {
    this.budget.delete(session.sessionId);
  }
}
