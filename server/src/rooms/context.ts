/**
 * What a zone's systems see of it: a narrow context, so a system is written, read and
 * tested without the room (a test builds a stub context: server/test/systems/stubZone.ts).
 * The room implements it and registers each system once (ZoneRoom.ts); a system
 * implements the hooks it needs.
 */
import type { Presence } from "@colyseus/core";
import type { StateView } from "@colyseus/schema";
import type { CombatEvent, Player, Position, ZoneDefinition, ZoneMap, ZoneState } from "@oatnut/shared";

/** A player in the world of a zone: its character is live here (not leaving, not mid-transfer). */
export interface PlayerSession {
  readonly sessionId: string;
  readonly accountId: string;
  readonly characterId: string;
  /** The character, in the zone's synchronized state. */
  readonly player: Player;
  /** What its client receives (the interest system fills it). */
  readonly view: StateView;
  /** Last position outside every portal: where a failed transfer puts it back. */
  safe: Position;
}

/** Anything placed in the world and sent through views: a player, a monster, a drop. */
export type Entity = Parameters<StateView["add"]>[0] & { x: number; y: number };

/** Who sees what (the interest system): entities by unique key (session ids, `m:<eid>`, `l:<id>`). */
export interface Interest {
  add(key: string, entity: Entity): void;
  remove(key: string): void;
  /** The session ids of the players who are, or see, one of the entities `keys`. */
  watchersOf(keys: readonly string[]): string[];
}

/** Cues of the tick (damage, deaths, level-ups, refusals), delivered once at its end. */
export interface Cues {
  /** To every player who is, or sees, one of the entities `keys`. */
  emit(event: CombatEvent, keys: readonly string[]): void;
  /** To one player only. */
  to(sessionId: string, event: CombatEvent): void;
}

/**
 * Validates a client message at the boundary: the typed message, or a string saying what
 * is wrong (the message is then refused and counted, never handled).
 */
export type MessageParser<T> = (raw: unknown) => T | string;

/** The zone, as its systems use it. */
export interface ZoneContext {
  readonly zone: ZoneDefinition;
  readonly map: ZoneMap;
  readonly state: ZoneState;
  /** The players in the world, by session id. A player mid-transfer or leaving is not here. */
  readonly players: ReadonlyMap<string, PlayerSession>;
  /** The zone's simulated time (ms): advanced by each fixed step; cooldowns run on it. */
  readonly now: number;
  /** The zone's random source (tests replace it). */
  random(): number;
  /** A new entity id, unique in this zone (players and monsters). */
  nextEid(): number;
  readonly interest: Interest;
  readonly cues: Cues;
  /** Colyseus presence (shared between processes with Redis): channels and keys. */
  readonly presence: Presence;
  /** Asks for a save of the character at the end of this tick (progress worth keeping changed). */
  saveSoon(session: PlayerSession): void;
  /** Shows a notice to one player. */
  notify(session: PlayerSession, text: string): void;
  /** Sends a message to one player's client. */
  sendTo(session: PlayerSession, type: string, message: unknown): void;
  /** Sends a message to every client in the zone. */
  broadcast(type: string, message: unknown): void;
  /** Moves a character at once (a respawn, a put-back): inputs queued before it do not apply after. */
  teleport(session: PlayerSession, to: Position): void;
  /**
   * Declares a message players may send: validated at the boundary, then handled for a
   * player in the world (from anyone else it is refused). Its rate limit is its entry in
   * CLIENT_RATE_LIMITS (or DEFAULT_MESSAGE_LIMIT).
   */
  defineMessage<T>(type: string, parse: MessageParser<T>, handler: (session: PlayerSession, message: T) => void): void;
}

/**
 * A system of a zone: one concern (movement, combat, loot, …) with the hooks it needs.
 * The room calls `update` every fixed step in the declared order, and the player hooks
 * on every way into and out of the world: joining, arriving through a portal, coming back
 * from a failed transfer; leaving, dropping past the reconnection window, being taken
 * over or kicked, going through a portal, shutdown.
 */
export interface ZoneSystem {
  /** One fixed step (`dt` seconds). */
  update?(dt: number): void;
  /** A player came into the world (its character is in the state). */
  onPlayerEnter?(session: PlayerSession): void;
  /** A player left the world (its character is no longer in the state). */
  onPlayerLeave?(session: PlayerSession): void;
  /** The room is being disposed. */
  dispose?(): void;
}
