/**
 * The services a zone room needs from the process it runs in, set once at start-up
 * (see game.ts). Rooms are created by Colyseus, not by us, so they find them here.
 */
import type { Config } from "../config.ts";
import type { GuestSweeper } from "../persistence/guests.ts";
import type { SaveService } from "../persistence/saveService.ts";

export interface GameServices {
  config: Pick<Config, "autosaveSeconds" | "reconnectSeconds" | "transferSeconds" | "crowdedZonePlayers" | "busyZonePlayers">;
  saves: SaveService;
  /** Makes every acknowledged write durable now, where the engine needs that (a snapshot). */
  flushDurable?: () => Promise<void>;
  /** Releases guest accounts not played for GUEST_RETENTION_DAYS (persistence/guests.ts). */
  guests?: GuestSweeper;
}

let current: GameServices | undefined;

export function setGameServices(services: GameServices): void {
  current = services;
}

export function gameServices(): GameServices {
  if (!current) throw new Error("game services are not set: build the server with createGameServer()");
  return current;
}
