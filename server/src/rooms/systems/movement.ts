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
import type { ZoneRoom } from "../ZoneRoom.ts";

export function movementSystem(room: ZoneRoom, dt: number): void {
  for (const [sessionId, player] of room.state.players) {
    // Characters mid-transfer are not in the state: their inputs wait, unused.
    const session = room.sessions.get(sessionId);
    if (!session) continue;
    session.inputBudget = Math.min(1 + INPUT_CATCH_UP, (session.inputBudget ?? 0) + 1);
    // One at a time (the accessor's per-entity loop): each input's render-time stamp is
    // current while it is applied, so a skill use it carries is judged at its own instant.
    for (const input of room.inputs!.get(sessionId)) {
      applyMoveInput(player, input, dt, room.map);
      if (input.skill !== 0) room.combat.useSkill(sessionId, player, input.skill, input.target);
      if (--session.inputBudget < 1) break;
    }
  }
}
