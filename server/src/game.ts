/**
 * Builds the game server: the zones (discovered from ZONES_DIR) and their room types,
 * Colyseus, the HTTP side, accounts. Used by main.ts and by the tests.
 */
import { defineRoom, defineServer, matchMaker, type MatchMakerDriver, type Presence, type Server } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { checkZoneCatalog, MAX_FRAME_BYTES, useZoneCatalog, ZoneFormatError, type ZoneCatalog } from "@oatnut/shared";
import { loadZonesFromDisk } from "@oatnut/shared/node";
import { configureAuth } from "./auth/accounts.ts";
import type { Config } from "./config.ts";
import type { DatabaseEngine } from "./db/engine.ts";
import { configureHttp } from "./http/app.ts";
import { createGatedServer } from "./http/gate.ts";
import { OriginPolicy } from "./http/origins.ts";
import { colyseusLogger } from "./logger.ts";
import { GuestSweeper } from "./persistence/guests.ts";
import { SaveService } from "./persistence/saveService.ts";
import { liveRooms } from "./metrics.ts";
import { loadRoomTypes } from "./rooms/roomTypes.ts";
import type { ZoneRoom } from "./rooms/ZoneRoom.ts";
import { processSelector, ProcessLease } from "./world/cluster.ts";
import { drainProcess } from "./world/drain.ts";
import { findLive } from "./world/liveCharacters.ts";
import { registerRoomTypes } from "./world/roomRegistry.ts";
import { setGameServices } from "./world/services.ts";
import { installOneWriteFrames } from "./wsFrames.ts";

export interface GameServerDeps {
  config: Config;
  engine: Pick<DatabaseEngine, "kind" | "durable" | "flush">;
  saves?: SaveService;
  /** Redis presence and driver shared with the cluster's other processes (world/cluster.ts connectRedis). */
  cluster?: { presence: Presence; driver: MatchMakerDriver };
}

/**
 * Loads and checks the zones of a folder.
 * @throws ZoneFormatError listing every problem (the same ones `npm run zones:check` prints)
 */
export function loadWorld(zonesDir: string): ZoneCatalog {
  const catalog = loadZonesFromDisk(zonesDir);
  const problems = checkZoneCatalog(catalog);
  if (problems.length > 0) throw new ZoneFormatError(problems);
  return catalog;
}

export async function createGameServer({ config, engine, saves = new SaveService(), cluster }: GameServerDeps): Promise<Server> {
  const catalog = loadWorld(config.zonesDir);
  useZoneCatalog(catalog);
  const unknownZones = config.hostZones.filter((zone) => !catalog.has(zone));
  if (unknownZones.length > 0) {
    throw new Error(
      `HOST_ZONES names zones that do not exist: ${unknownZones.join(", ")} (zones: ${catalog
        .all()
        .map((zone) => zone.id)
        .join(", ")})`,
    );
  }
  const roomTypes = await loadRoomTypes(catalog);
  registerRoomTypes(roomTypes);
  // Guest accounts not played for GUEST_RETENTION_DAYS are released, now and every hour.
  const guests = new GuestSweeper(config.guestRetentionDays, {
    isLive: async (characterId) => (await findLive(matchMaker.presence, characterId)) !== null,
  });
  setGameServices({ config, saves, flushDurable: engine.flush?.bind(engine), guests });
  configureAuth(config.jwtSecret);
  const rooms = Object.fromEntries([...roomTypes].map(([name, roomClass]) => [name, defineRoom(roomClass).filterBy(["zone", "instance"])]));
  // Our own http.Server, so every request meets the body limit and CORS gate before any
  // handler (Colyseus' router included) reads it; WebSocket upgrades from a foreign
  // browser origin are refused by the same origin rule.
  const origins = new OriginPolicy(config.corsOrigins);
  const httpServer = createGatedServer({ origins });
  installOneWriteFrames();
  const game = defineServer({
    rooms,
    ...(cluster
      ? { presence: cluster.presence, driver: cluster.driver, selectProcessIdToCreateRoom: processSelector(cluster.presence) }
      : {}),
    ...(config.publicAddress ? { publicAddress: config.publicAddress } : {}),
    transport: new WebSocketTransport({
      server: httpServer,
      maxPayload: MAX_FRAME_BYTES,
      verifyClient: (info, done) => {
        if (origins.admits(info.req)) done(true);
        else done(false, 403, "this origin may not open game connections");
      },
    }),
    gracefullyShutdown: false,
    greet: false,
    logger: colyseusLogger,
    express: (app) => configureHttp(app, { config, engine }),
  });
  // This process's lease (world/cluster.ts), also alone: live-character entries name it.
  await matchMaker.onReady;
  const lease = new ProcessLease(
    matchMaker.presence,
    { address: config.publicAddress, zones: config.hostZones },
    {
      async reannounce() {
        await matchMaker.restoreMissingRoomCaches();
        await matchMaker.stats.persist(true);
        await Promise.all([...liveRooms].map((room) => (room as unknown as ZoneRoom).reannounce()));
      },
    },
  );
  await lease.start();
  guests.start();
  game.onShutdown(() => guests.stop());
  // A stopping process of a cluster hands its players to the others first (world/drain.ts).
  game.onBeforeShutdown(async () => {
    const withinMs = Math.max(1000, Math.min(config.transferSeconds * 1000 + 2000, config.shutdownSeconds * 1000 - 3000));
    if (cluster) await drainProcess(lease, withinMs);
  });
  game.onShutdown(() => lease.stop().catch(() => {}));
  return game;
}
