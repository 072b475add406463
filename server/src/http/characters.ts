/**
 * Characters API, JSON over HTTP, behind the auth middleware:
 *   GET    /api/characters            → 200 the caller's characters
 *   POST   /api/characters {name}     → 201 the new character (its name NFC-normalized); 400 bad name;
 *                                       409 name taken (whatever its case) or too many
 *   DELETE /api/characters/:id        → 204; 404 when not the caller's; 400 malformed id
 *   POST   /api/characters/:id/play   → 200 a seat reservation for the character's zone;
 *                                       404 when not the caller's; 400 malformed id; 429
 * Every route: 401 account_not_found when the token's account is gone (http/app.ts);
 * 503 { error } when the database does not answer (errors.ts `route()`). Every `error` a
 * player may read is a sentence that says what to do.
 */
import { Router, type Request, type RequestHandler } from "express";
import {
  characterNameKey,
  MAX_CHARACTERS_PER_ACCOUNT,
  normalizeCharacterName,
  validateCharacterName,
  zoneCatalog,
  type CharacterSummary,
} from "@oatnut/shared";
import { isObjectIdHex, requestAccount } from "../auth/accounts.ts";
import { Character, isDuplicateKeyError } from "../db/models.ts";
import { logger } from "../logger.ts";
import { enterWorld, takeOverLiveCharacter } from "../world/entry.ts";
import { HttpError, route } from "./errors.ts";

interface CharacterRecord {
  _id: unknown;
  name: string;
  zone: string;
  x: number;
  y: number;
  level?: number | null;
  createdAt?: Date | null;
  lastPlayedAt?: Date | null;
}

export function toSummary(character: CharacterRecord): CharacterSummary {
  return {
    id: String(character._id),
    name: character.name,
    zone: character.zone,
    x: character.x,
    y: character.y,
    level: character.level ?? 1,
    createdAt: (character.createdAt ?? new Date(0)).toISOString(),
    lastPlayedAt: character.lastPlayedAt ? character.lastPlayedAt.toISOString() : null,
  };
}

/** The answers a player may read, each a sentence saying what to do. */
export const NAME_TAKEN = "That name is taken. Choose another one.";
export const TOO_MANY_CHARACTERS = `You already have ${MAX_CHARACTERS_PER_ACCOUNT} characters, the most an account may have. Delete one to create another.`;
export const CHARACTER_NOT_FOUND = "That character does not exist, or is not yours. Reload your characters and choose one of them.";
export const MALFORMED_CHARACTER_ID = "That is not a character id (24 hexadecimal digits). Reload your characters and choose one of them.";

/** The `:id` of the URL, if it is a character id at all. @throws HttpError 400 */
function characterIdParam(req: Request): string {
  const id = req.params.id;
  if (!isObjectIdHex(id)) throw new HttpError(400, MALFORMED_CHARACTER_ID);
  return id;
}

/**
 * The characters routes (mount behind the auth middleware).
 * @param limits the rate limit of entering the world
 */
export function charactersRouter(limits: { play: RequestHandler }): Router {
  const router = Router();

  router.get(
    "/",
    route(async (req, res) => {
      const { id } = requestAccount(req);
      const characters = await Character.find({ accountId: id }).sort({ createdAt: 1 }).lean();
      res.json(characters.map(toSummary));
    }),
  );

  router.post(
    "/",
    route(async (req, res, _next, answered) => {
      const { id: accountId } = requestAccount(req);
      const typed = (req.body as { name?: unknown } | undefined)?.name;
      const problem = validateCharacterName(typed);
      if (problem !== null || typeof typed !== "string") throw new HttpError(400, problem ?? validateCharacterName(undefined)!);
      const name = normalizeCharacterName(typed);
      if ((await Character.countDocuments({ accountId })) >= MAX_CHARACTERS_PER_ACCOUNT) throw new HttpError(409, TOO_MANY_CHARACTERS);
      const { startingZone } = zoneCatalog();
      const spawn = zoneCatalog().get(startingZone).map.spawn;
      // Answered 503 while the count waited on a stalled database: the player was told the
      // character was not created, so it is not.
      answered.throwIfAborted();
      let character;
      try {
        character = await Character.create({
          accountId,
          name,
          nameKey: characterNameKey(name),
          zone: startingZone,
          x: spawn.x,
          y: spawn.y,
        });
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new HttpError(409, NAME_TAKEN);
        throw error;
      }
      // Two creations racing past the count: the one that went over the limit is undone.
      if ((await Character.countDocuments({ accountId })) > MAX_CHARACTERS_PER_ACCOUNT) {
        await Character.deleteOne({ _id: character._id });
        throw new HttpError(409, TOO_MANY_CHARACTERS);
      }
      logger.info("character created", { accountId, characterId: String(character._id), name });
      res.status(201).json(toSummary(character.toObject()));
    }),
  );

  router.delete(
    "/:id",
    route(async (req, res, _next, answered) => {
      const { id: accountId } = requestAccount(req);
      const characterId = characterIdParam(req);
      if (!(await Character.exists({ _id: characterId, accountId }))) throw new HttpError(404, CHARACTER_NOT_FOUND);
      answered.throwIfAborted();
      await takeOverLiveCharacter(characterId, "this character was deleted");
      await Character.deleteOne({ _id: characterId, accountId });
      logger.info("character deleted", { accountId, characterId });
      res.status(204).end();
    }),
  );

  router.post(
    "/:id/play",
    limits.play,
    route(async (req, res) => {
      const { id: accountId } = requestAccount(req);
      const reservation = await enterWorld(accountId, characterIdParam(req));
      if (!reservation) throw new HttpError(404, CHARACTER_NOT_FOUND);
      res.json(reservation);
    }),
  );

  return router;
}
