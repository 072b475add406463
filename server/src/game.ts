/**
 * Builds the game server: Colyseus with the zone room type, the HTTP side, accounts.
 * Used by main.ts and by the tests (through @colyseus/testing's `boot`).
 */
import { defineRoom, defineServer, type Server } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { configureAuth } from "./auth/accounts.ts";
import type { Config } from "./config.ts";
import type { DatabaseEngine } from "./db/engine.ts";
import { configureHttp } from "./http/app.ts";
import { colyseusLogger } from "./logger.ts";
import { SaveService } from "./persistence/saveService.ts";
import { ZoneRoom } from "./rooms/ZoneRoom.ts";
import { ZONE_ROOM } from "./world/entry.ts";
import { setGameServices } from "./world/services.ts";

export interface GameServerDeps {
  config: Config;
  engine: Pick<DatabaseEngine, "kind" | "durable">;
  saves?: SaveService;
}

export function createGameServer({ config, engine, saves = new SaveService() }: GameServerDeps): Server {
  setGameServices({ config, saves });
  configureAuth(config.jwtSecret);
  return defineServer({
    rooms: {
      [ZONE_ROOM]: defineRoom(ZoneRoom).filterBy(["zone"]),
    },
    transport: new WebSocketTransport({ maxPayload: 64 * 1024 }),
    gracefullyShutdown: false,
    greet: false,
    logger: colyseusLogger,
    express: (app) => configureHttp(app, { config, engine }),
  });
}
