/**
 * Zone room state, synchronized by @colyseus/schema delta patches.
 *
 * The one explicit list of what is public and what only the owner sees:
 * - public (everyone near enough — area of interest): `name`, `x`, `y`, `facing`;
 * - owner only (fields tagged with {@link OWNER_VIEW}): `characterId`, `speed`.
 */
import { schema, t, type SchemaType } from "@colyseus/schema";

/** StateView tag for fields only a character's own client receives. */
export const OWNER_VIEW = 1;

export const Player = schema({
  name: t.string(),
  x: t.float32(),
  y: t.float32(),
  facing: t.uint8(),
  /** Database id of the character this session plays (owner only). */
  characterId: t.string().view(OWNER_VIEW),
  /** Walking speed in pixels per second (owner only; used by prediction). */
  speed: t.float32().view(OWNER_VIEW),
}, "Player");
export type Player = SchemaType<typeof Player>;

export const ZoneState = schema({
  /** The zone's id, as in its map definition. */
  zone: t.string(),
  /**
   * Players in the zone, keyed by session id. View-tagged: each client receives only the
   * players in its StateView — itself and those within the zone's view radius.
   */
  players: t.map(Player).view(),
}, "ZoneState");
export type ZoneState = SchemaType<typeof ZoneState>;
