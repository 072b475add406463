/**
 * Admin API, behind the admin guard (JSON; errors as `{ "error": "message" }`):
 *   GET  /admin/api/online            → players online, by zone room (every process)
 *   POST /admin/api/kick {name}       → saves and disconnects that character
 *   POST /admin/api/broadcast {text}  → a server message to every player, everywhere
 */
import { matchMaker } from "@colyseus/core";
import express, { Router } from "express";
import { characterNameKey, CloseCode } from "@oatnut/shared";
import { Character } from "../db/models.ts";
import { apiErrorHandler, HttpError, route } from "../http/errors.ts";
import { logger } from "../logger.ts";
import type { ZoneRoom } from "../rooms/ZoneRoom.ts";
import { BROADCAST_CHANNEL } from "../world/channels.ts";
import { findLive } from "../world/liveCharacters.ts";
import { takeOverLiveCharacter } from "../world/entry.ts";

const MAX_BROADCAST_LENGTH = 300;

export function adminRouter(): Router {
  const router = Router();
  router.use(express.json({ limit: "4kb" }));

  router.get(
    "/online",
    route(async (_req, res) => {
      const rooms = await matchMaker.query({});
      const zones = await Promise.all(
        rooms.map(async (room) => {
          try {
            return await matchMaker.remoteRoomCall<ZoneRoom>(room.roomId, "describePlayers");
          } catch {
            return null; // disposed meanwhile
          }
        }),
      );
      const present = zones.filter((zone) => zone !== null);
      res.json({ total: present.reduce((sum, zone) => sum + zone.players.length, 0), rooms: present });
    }),
  );

  router.post(
    "/kick",
    route(async (req, res) => {
      const name = (req.body as { name?: unknown } | undefined)?.name;
      if (typeof name !== "string" || !name) throw new HttpError(400, "name (the character's name) is required");
      const character = await Character.findOne({ nameKey: characterNameKey(name) }).lean();
      if (!character || !(await findLive(matchMaker.presence, String(character._id)))) {
        throw new HttpError(404, `${name} is not online`);
      }
      await takeOverLiveCharacter(String(character._id), "kicked by an admin", CloseCode.Kicked);
      logger.info("player kicked by an admin", { characterId: String(character._id), name: character.name });
      res.json({ kicked: character.name });
    }),
  );

  router.post(
    "/broadcast",
    route(async (req, res) => {
      const text = (req.body as { text?: unknown } | undefined)?.text;
      if (typeof text !== "string" || !text.trim()) throw new HttpError(400, "text is required");
      if (text.length > MAX_BROADCAST_LENGTH) throw new HttpError(400, `text is longer than ${MAX_BROADCAST_LENGTH} characters`);
      await matchMaker.presence.publish(BROADCAST_CHANNEL, text.trim());
      logger.info("admin broadcast", { text: text.trim() });
      res.json({ sent: text.trim() });
    }),
  );

  router.use((req, _res, next) => next(new HttpError(404, `no admin route ${req.method} ${req.originalUrl.split("?")[0]}`)));
  router.use(apiErrorHandler);
  return router;
}
