/**
 * Simulation constants shared by server and client. A rule written once: the server
 * simulates with these values and the client predicts and renders with the same ones.
 */

/** Fixed simulation rate of a zone room, in steps per second. */
export const TICK_RATE = 20;
/** Duration of one fixed step, in seconds. */
export const TICK_SECONDS = 1 / TICK_RATE;
/** How often the server sends state patches, in milliseconds (one per tick). */
export const PATCH_RATE_MS = 1000 / TICK_RATE;
/**
 * The patch interval of a crowded zone (one patch every second tick): the simulation and
 * the inputs stay at TICK_RATE, the patches — encoding and one socket write per client —
 * halve. A zone is crowded above CROWDED_ZONE_PLAYERS players (server configuration).
 */
export const CROWDED_PATCH_RATE_MS = 2 * PATCH_RATE_MS;

/** Side of one map tile, in world pixels. */
export const TILE_SIZE = 32;
/** Walking speed, in world pixels per second. */
export const PLAYER_SPEED = 160;
/** Half the side of a character's square collision box, in world pixels. */
export const PLAYER_HALF_SIZE = 10;

/** Inputs buffered per player before the oldest are dropped (bounds the server's memory and lag). */
export const INPUT_BUFFER_SIZE = 8;

/**
 * Catch-up budget: a player earns one input per tick and may bank up to this many more,
 * so inputs that arrive late in a bunch (network jitter) are applied at once instead of
 * queueing — and adding latency — for as long as the player keeps walking. Over any span
 * of T ticks a player moves at most T + INPUT_CATCH_UP steps, whatever it sends.
 */
export const INPUT_CATCH_UP = 2;

/** Seconds the server keeps a dropped player's character in the world waiting for a reconnection. */
export const RECONNECT_SECONDS = 15;

/** Most characters one account may own. */
export const MAX_CHARACTERS_PER_ACCOUNT = 5;

/** Facing directions, as sent in `Player.facing`. */
export const Facing = { Down: 0, Left: 1, Right: 2, Up: 3 } as const;
export type Facing = (typeof Facing)[keyof typeof Facing];
