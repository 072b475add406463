/**
 * Movement system: applies each player's buffered inputs with the shared step, within a
 * budget: one input per tick, plus up to `INPUT_CATCH_UP` banked in ticks when none
 * arrived (late inputs catch up at once instead of adding latency). So no client moves
 * faster than the speed limit by sending more — at most T + INPUT_CATCH_UP steps in any T
 * ticks — and inputs beyond the buffer's size are dropped by Colyseus.
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
}

export class MovementSystem implements ZoneSystem {
  /** Inputs each player may still apply this tick. */
  private readonly budget = new Map<string, number>();

  constructor(
    private readonly zone: ZoneContext,
    private readonly deps: MovementDeps,
  ) {}

  update(dt: number): void {
    for (const session of this.zone.players.values()) {
      let budget = Math.min(1 + INPUT_CATCH_UP, (this.budget.get(session.sessionId) ?? 0) + 1);
      for (const input of this.deps.inputsOf(session.sessionId)) {
        applyMoveInput(session.player, input, dt, this.zone.map);
        if (input.skill !== 0) this.deps.useSkill(session, input.skill, input.target);
        if (--budget < 1) break;
      }
      this.budget.set(session.sessionId, budget);
    }
  }

  onPlayerLeave(session: PlayerSession): void {
    this.budget.delete(session.sessionId);
  }
}
