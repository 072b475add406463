/**
 * Portal system: finds characters whose centre stands in a portal of the zone and starts
 * their transfer. The server decides this from the positions it computed; a client never
 * claims it. Also remembers each character's last position outside every portal: the
 * safe spot a failed transfer puts it back on.
 */
import { insideRect } from "@oatnut/shared";
import type { ZoneRoom } from "../ZoneRoom.ts";

export function portalSystem(room: ZoneRoom): void {
  const portals = room.map.portals;
  if (portals.length === 0) return;
  for (const session of room.sessions.values()) {
    if (session.transfer) continue;
    const { x, y } = session.player;
    const portal = portals.find((p) => insideRect(p, x, y));
    if (portal) room.enterPortal(session, portal);
    else {
      session.safe.x = x;
      session.safe.y = y;
    }
  }
}
