/**
 * Zone room state, synchronized by @colyseus/schema delta patches.
 *
 * The one explicit list of what is public and what only the owner sees:
 * - public (everyone near enough — area of interest): a player's `eid`, `name`, `x`, `y`,
 *   `facing`, `hp`, `maxHp`, `level`, `spawnProtected`; every field of monsters and loot;
 * - owner only (fields tagged with {@link OWNER_VIEW}): `characterId`, `speed`, `xp`,
 *   `inventory`.
 * Entities that can be attacked (players, monsters) carry an `eid`: a number unique in
 * the room, which is what `MoveInput.target` names.
 */
import { schema, t, type SchemaType } from "@colyseus/schema";

/** StateView tag for fields only a character's own client receives. */
export const OWNER_VIEW = 1;

/** A stack of one item in an inventory slot. */
export const ItemStack = schema(
  {
    /** Item id (see `ITEMS`). */
    item: t.string(),
    count: t.uint16(),
  },
  "ItemStack",
);
export type ItemStack = SchemaType<typeof ItemStack>;

export const Player = schema(
  {
    /** Entity id in this room (what an attacker's `MoveInput.target` names). */
    eid: t.uint32(),
    name: t.string(),
    x: t.float32(),
    y: t.float32(),
    facing: t.uint8(),
    /** Hit points; 0 while dead (waiting to respawn). */
    hp: t.uint16(),
    maxHp: t.uint16(),
    level: t.uint8(),
    /**
     * True for the first SPAWN_PROTECTION_SECONDS after the player arrived (entered the
     * world, came through a portal, respawned), until it attacks: monsters leave it alone
     * and nobody can hurt it.
     */
    spawnProtected: t.boolean(),
    /** Database id of the character this session plays (owner only). */
    characterId: t.string().view(OWNER_VIEW),
    /** Walking speed in pixels per second (owner only; used by prediction). */
    speed: t.float32().view(OWNER_VIEW),
    /** XP earned within the current level (owner only). */
    xp: t.uint32().view(OWNER_VIEW),
    /** What the character carries, one stack per slot (owner only). */
    inventory: t.array(ItemStack).view(OWNER_VIEW),
  },
  "Player",
);
export type Player = SchemaType<typeof Player>;

/** A monster of the zone (spawned from the map's monsterArea objects). */
export const Monster = schema(
  {
    eid: t.uint32(),
    /** Monster kind (see `MONSTERS`). */
    kind: t.string(),
    x: t.float32(),
    y: t.float32(),
    facing: t.uint8(),
    hp: t.uint16(),
    maxHp: t.uint16(),
  },
  "Monster",
);
export type Monster = SchemaType<typeof Monster>;

/** Items lying on the ground. */
export const LootDrop = schema(
  {
    id: t.uint32(),
    item: t.string(),
    count: t.uint16(),
    x: t.float32(),
    y: t.float32(),
    /** Name of the only character who may pick it up for now; empty: anyone. */
    owner: t.string(),
  },
  "LootDrop",
);
export type LootDrop = SchemaType<typeof LootDrop>;

export const ZoneState = schema(
  {
    /** The zone's id, as in its map definition. */
    zone: t.string(),
    /**
     * Players in the zone, keyed by session id. View-tagged: each client receives only the
     * players in its StateView — itself and those within the zone's view radius.
     */
    players: t.map(Player).view(),
    /** Monsters, keyed by their eid; view-tagged like players. */
    monsters: t.map(Monster).view(),
    /** Loot on the ground, keyed by its id; view-tagged like players. */
    loot: t.map(LootDrop).view(),
    /**
     * The interval between this zone's patches, in ms: PATCH_RATE_MS, or
     * CROWDED_PATCH_RATE_MS while the zone is crowded. Clients draw the others this far
     * behind (twice it), so the interpolation always has two samples.
     */
    patchMs: t.uint8(),
    /**
     * How many inputs a client sends to a WebSocket frame: 1, or 2 while the zone is busy
     * (shared/src/inputBatch.ts; the server's BUSY_ZONE_PLAYERS and CROWDED_ZONE_PLAYERS).
     */
    inputsPerFrame: t.uint8(),
  },
  "ZoneState",
);
export type ZoneState = SchemaType<typeof ZoneState>;
