/**
 * Portal system: finds characters whose centre stands in a portal of the zone and starts
 * their transfer. The server decides this from the positions it computed; a client never
 * claims it. Also remembers each character's last position outside every portal: the
 * safe spot a failed transfer puts it back on.
 */
import { insideRect, type Portal } from "@oatnut/shared";
import type { PlayerSession, ZoneContext, ZoneSystem } from "../context.ts";

export class PortalSystem implements ZoneSystem {
  /** @param enter starts a character's transfer through a portal (it leaves the world) */
  constructor(
    private readonly zone: ZoneContext,
    private readonly enter: (session: PlayerSession, portal: Portal) => void,
  ) {}

  update(): void {
    const portals = this.zone.map.portals;
    if (portals.length === 0) return;
    for (const session of [...this.zone.players.values()]) {
      const { x, y } = session.player;
      const portal = portals.find((p) => insideRect(p, x, y));
      if (portal) this.enter(session, portal);
      else {
        session.safe.x = x;
        session.safe.y = y;
      }
    }
  }
}
