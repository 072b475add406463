/**
 * Movement system: applies each player's next buffered input with the shared step.
 * Exactly one input per player per tick, so no client can move faster than the speed
 * limit by sending more inputs; inputs beyond the buffer's size are dropped by Colyseus.
 * The same input may carry a skill use: it is handed to the combat system, which judges
 * it this tick against what this client saw when it sent it (the input's stamp).
 */
import { applyMoveInput } from "@oatnut/shared";
import type { ZoneRoom } from "../ZoneRoom.ts";

export function movementSystem(room: ZoneRoom, dt: number): void {
  for (const [sessionId, player] of room.state.players) {
    // Characters mid-transfer are not in the state: their inputs wait, unused.
    const input = room.inputs!.get(sessionId).next();
    if (!input) continue;
    applyMoveInput(player, input, dt, room.map);
    if (input.skill !== 0) room.combat.useSkill(sessionId, player, input.skill, input.target);
  }
}
