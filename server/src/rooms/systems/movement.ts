/**
 * Movement system: applies each player's next buffered input with the shared step.
 * Exactly one input per player per tick, so no client can move faster than the speed
 * limit by sending more inputs; inputs beyond the buffer's size are dropped by Colyseus.
 */
import { facingFor, stepMovement } from "@oatnut/shared";
import type { ZoneRoom } from "../ZoneRoom.ts";

export function movementSystem(room: ZoneRoom, dt: number): void {
  for (const [sessionId, player] of room.state.players) {
    // Characters mid-transfer are not in the state: their inputs wait, unused.
    const input = room.inputs!.get(sessionId).next();
    if (!input) continue;
    const next = stepMovement(player, input, player.speed, dt, room.map);
    player.x = next.x;
    player.y = next.y;
    player.facing = facingFor(input, player.facing as never);
  }
}
