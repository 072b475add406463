/**
 * A zone context for system tests: what a system sees of its room (rooms/context.ts), with
 * no server, socket or database. Real parts where they carry the rules — a zone map read
 * from a text layout by the zone loader, the synchronized ZoneState (with its encoder, so
 * StateViews work), Player schemas built by the character round trip, StateViews, Colyseus'
 * LocalPresence and the real InterestManager (so cues reach whoever sees the entities,
 * as in the room) — and recorders for everything a system asks of the context.
 *
 * Time is explicit: `now` moves only when a test runs ticks (`tick`, `tickUntil`) or sets it.
 *
 * @example
 * const zone = stubZone({ rows: ["#####", "#S..#", "#####"] });
 * const items = zone.use(new ItemSystem(zone));
 * const alice = zone.join({ name: "Alice", hp: 10, inventory: [{ item: "potion", count: 1 }] });
 * zone.receive(alice, ClientMessage.UseItem, { item: "potion" });
 * assert.equal(alice.player.hp, 50);
 */
import fs from "node:fs";
import { LocalPresence } from "@colyseus/core";
import { Encoder, StateView } from "@colyseus/schema";
import {
  PLAYER_SPEED,
  TICK_RATE,
  TICK_SECONDS,
  ZoneState,
  seededRandom,
  type CombatEvent,
  type MoveInput,
  type Position,
  type ZoneDefinition,
  type ZoneMap,
} from "@oatnut/shared";
import { loadZonesFromDisk } from "@oatnut/shared/node";
import { enterCharacter, type CharacterDocument } from "../../src/persistence/characters.ts";
import type { Cues, MessageParser, PlayerSession, ZoneContext, ZoneSystem } from "../../src/rooms/context.ts";
import type { SeenBy } from "../../src/rooms/systems/combat.ts";
import { InterestManager } from "../../src/rooms/systems/interest.ts";
import type { MovementDeps } from "../../src/rooms/systems/movement.ts";
import { writeZones, type FixtureZone } from "../zoneFixtures.ts";

/** Milliseconds of zone time one tick advances. */
export const TICK_MS = 1000 / TICK_RATE;

/** How many ticks cover `seconds` of zone time. */
export function ticksIn(seconds: number): number {
  return Math.ceil((seconds * 1000) / TICK_MS);
}

export interface StubZoneOptions {
  /**
   * The layout, one string per row of tiles: `#` wall, `.` floor, `S` the default spawn
   * (floor; exactly one, unless `spawns` names a `default`).
   */
  rows: string[];
  /** The zone id (default "test"). */
  id?: string;
  /** Other spawn points (tile coordinates). */
  spawns?: Record<string, [number, number]>;
  portals?: FixtureZone["portals"];
  monsterAreas?: FixtureZone["monsterAreas"];
  pvp?: boolean;
  /** The interest radius in pixels (the zone loader's default otherwise). */
  viewRadius?: number;
  /** Every how many ticks the interest system refreshes each view (default 1: every tick). */
  refreshTicks?: number;
  /** The safe circles' radius around spawn points in pixels (the zone loader's default otherwise). */
  safeRadius?: number;
  /** Seed of the zone's random source (default 1). */
  seed?: number;
}

/** What `join` builds a character from: a saved character document, as the room reads it. */
export interface JoinOptions {
  name?: string;
  /** Where it was saved (the spawn when omitted or not walkable, as in the room). */
  at?: Position;
  level?: number;
  xp?: number;
  /** null or omitted: full health. */
  hp?: number | null;
  inventory?: Array<{ item: string; count: number }>;
}

/** One movement input as a client sends it (omitted fields are 0). */
export type InputLike = Partial<Pick<MoveInput, "dx" | "dy" | "skill" | "target">>;
type Input = Pick<MoveInput, "dx" | "dy" | "skill" | "target">;

/** One cue a system emitted: to whom it went, and why. */
export interface CueRecord {
  event: CombatEvent;
  /** The entity keys of `emit`, or null for `to`. */
  keys: readonly string[] | null;
  /** The session ids it reached (for `emit`: whoever is, or sees, one of the keys then). */
  recipients: readonly string[];
  /** Zone time (ms) when it was emitted. */
  at: number;
}

type CueOf<T extends CombatEvent["type"]> = Extract<CombatEvent, { type: T }>;

/** Records the cues of every tick; recipients resolved like the room's outbox, at emit time. */
export class CueRecorder implements Cues {
  readonly log: CueRecord[] = [];

  constructor(private readonly zone: { readonly now: number; readonly interest: InterestManager }) {}

  emit(event: CombatEvent, keys: readonly string[]): void {
    this.log.push({ event, keys: [...keys], recipients: this.zone.interest.watchersOf(keys), at: this.zone.now });
  }

  to(sessionId: string, event: CombatEvent): void {
    this.log.push({ event, keys: null, recipients: [sessionId], at: this.zone.now });
  }

  /** Every cue of one type, in order. */
  of<T extends CombatEvent["type"]>(type: T): Array<CueOf<T>> {
    return this.log.filter((record) => record.event.type === type).map((record) => record.event as CueOf<T>);
  }

  /** The records of one type, in order. */
  recordsOf(type: CombatEvent["type"]): CueRecord[] {
    return this.log.filter((record) => record.event.type === type);
  }

  /** What one player's client would have received, in order. */
  receivedBy(session: PlayerSession | string): CombatEvent[] {
    const id = typeof session === "string" ? session : session.sessionId;
    return this.log.filter((record) => record.recipients.includes(id)).map((record) => record.event);
  }

  clear(): void {
    this.log.length = 0;
  }
}

/** Zones built from the same options are read once per test process. */
const zoneCache = new Map<string, ZoneDefinition>();

/** Writes the layout as a zone folder (as the end-to-end fixtures do) and reads it with the zone loader. */
function buildZone(options: StubZoneOptions): ZoneDefinition {
  const id = options.id ?? "test";
  const cacheKey = JSON.stringify({ ...options, seed: undefined });
  const cached = zoneCache.get(cacheKey);
  if (cached) return cached;
  const spawns: Record<string, [number, number]> = { ...options.spawns };
  options.rows.forEach((row, r) => {
    const c = row.indexOf("S");
    if (c < 0) return;
    if (spawns.default) throw new Error(`layout row ${r}: a second default spawn`);
    spawns.default = [c, r];
  });
  if (!spawns.default) throw new Error("the layout has no spawn: put an S on a floor tile");
  const dir = writeZones({
    [id]: {
      rows: options.rows.map((row) => row.replaceAll("S", ".")),
      starting: true,
      spawns,
      portals: options.portals,
      monsterAreas: options.monsterAreas,
      pvp: options.pvp,
      viewRadius: options.viewRadius,
      safeRadius: options.safeRadius,
    },
  });
  try {
    const zone = loadZonesFromDisk(dir).get(id);
    zoneCache.set(cacheKey, zone);
    return zone;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export class StubZone implements ZoneContext {
  readonly zone: ZoneDefinition;
  readonly map: ZoneMap;
  readonly state = new ZoneState();
  readonly players = new Map<string, PlayerSession>();
  /** The zone's simulated time (ms): moved by `tick`, or set by a test. */
  now = 0;
  /** The zone's random source: seeded; a test may replace it (`zone.random = () => 0`). */
  random: () => number;
  readonly interest: InterestManager;
  readonly cues: CueRecorder;
  readonly presence = new LocalPresence();

  /** Session ids passed to `saveSoon`, in call order. */
  readonly saves: string[] = [];
  readonly notices: Array<{ sessionId: string; text: string }> = [];
  readonly sent: Array<{ sessionId: string; type: string; message: unknown }> = [];
  readonly broadcasts: Array<{ type: string; message: unknown }> = [];
  readonly teleports: Array<{ sessionId: string; to: Position }> = [];
  /** Client messages the boundary refused (not in the world, or the parse said no). */
  readonly refusals: Array<{ sessionId: string; type: string; reason: string }> = [];
  /** Message handlers declared with `defineMessage`, by type. */
  readonly messages = new Map<string, { parse: MessageParser<unknown>; handler: (session: PlayerSession, message: unknown) => void }>();
  /** The systems `use` registered: ticked in this order, told of every player entering and leaving. */
  readonly systems: ZoneSystem[] = [];

  private readonly inputs = new Map<string, Input[]>();
  /** Where an attacker's client drew an entity (lag compensation), when a test says so. */
  private readonly sightings = new Map<string, Map<object, Position>>();
  private lastEid = 0;
  private joined = 0;

  constructor(options: StubZoneOptions) {
    this.zone = buildZone(options);
    this.map = this.zone.map;
    this.state.zone = this.zone.id;
    new Encoder(this.state); // as a room's setState: StateViews need the state's root
    this.random = seededRandom(options.seed ?? 1);
    this.interest = new InterestManager(this.zone.viewRadius, options.refreshTicks);
    this.cues = new CueRecorder(this);
  }

  // ---------------------------------------------------------------- the context

  nextEid(): number {
    return ++this.lastEid;
  }

  saveSoon(session: PlayerSession): void {
    this.saves.push(session.sessionId);
  }

  notify(session: PlayerSession, text: string): void {
    this.notices.push({ sessionId: session.sessionId, text });
  }

  sendTo(session: PlayerSession, type: string, message: unknown): void {
    this.sent.push({ sessionId: session.sessionId, type, message });
  }

  broadcast(type: string, message: unknown): void {
    this.broadcasts.push({ type, message });
  }

  /** As the room: placed at once, the safe spot with it, queued inputs dropped. */
  teleport(session: PlayerSession, to: Position): void {
    this.teleports.push({ sessionId: session.sessionId, to: { x: to.x, y: to.y } });
    session.player.x = Math.fround(to.x);
    session.player.y = Math.fround(to.y);
    session.safe = { x: session.player.x, y: session.player.y };
    this.inputs.get(session.sessionId)?.splice(0);
  }

  defineMessage<T>(type: string, parse: MessageParser<T>, handler: (session: PlayerSession, message: T) => void): void {
    if (this.messages.has(type)) throw new Error(`message "${type}" is defined twice`);
    this.messages.set(type, { parse, handler: handler as (session: PlayerSession, message: unknown) => void });
  }

  // ---------------------------------------------------------------- what a test does

  /** Registers a system: ticked in the order registered, told of players entering and leaving. */
  use<T extends ZoneSystem>(system: T): T {
    this.systems.push(system);
    return system;
  }

  /**
   * A player enters the world, as the room's join does: its character built from a saved
   * document by the real round trip (persistence/characters.ts), put in the state, then
   * every registered system hears it, and the interest system last.
   */
  join(options: JoinOptions = {}): PlayerSession {
    const n = ++this.joined;
    const doc: CharacterDocument = {
      name: options.name ?? `Player_${n}`,
      zone: this.zone.id,
      x: options.at?.x ?? this.map.spawn.x,
      y: options.at?.y ?? this.map.spawn.y,
      level: options.level ?? 1,
      xp: options.xp ?? 0,
      hp: options.hp ?? null,
      inventory: options.inventory ?? [],
    };
    const { player } = enterCharacter(doc, this.zone, this.nextEid(), `character_${n}`, PLAYER_SPEED);
    const session: PlayerSession = {
      sessionId: `session_${n}`,
      accountId: `account_${n}`,
      characterId: `character_${n}`,
      player,
      view: new StateView(),
      safe: { x: player.x, y: player.y },
    };
    this.enter(session);
    return session;
  }

  /**
   * Puts a session's character into the world, as the room's enterWorld does (a join, or
   * a player coming back from a failed transfer): every registered system hears it, and
   * the interest system last.
   */
  enter(session: PlayerSession): void {
    if (this.players.has(session.sessionId)) return;
    this.players.set(session.sessionId, session);
    this.state.players.set(session.sessionId, session.player);
    this.inputs.set(session.sessionId, []);
    for (const system of this.systems) system.onPlayerEnter?.(session);
    this.interest.onPlayerEnter(session);
  }

  /** A player leaves the world, as the room's leaveWorld does: every system hears it. */
  leave(session: PlayerSession): void {
    if (!this.players.delete(session.sessionId)) return;
    this.inputs.delete(session.sessionId);
    for (const system of this.systems) system.onPlayerLeave?.(session);
    this.interest.onPlayerLeave(session);
    this.state.players.delete(session.sessionId);
  }

  /**
   * Runs `count` fixed steps: `now` advances by one tick's time, then each system's update
   * in order, then interest (last, as in the room).
   */
  tick(count = 1, systems: readonly ZoneSystem[] = this.systems): void {
    for (let i = 0; i < count; i++) {
      this.now += TICK_MS;
      for (const system of systems) system.update?.(TICK_SECONDS);
      this.interest.update();
    }
  }

  /**
   * Ticks until `condition` holds (checked after each tick).
   * @returns how many ticks it took
   * @throws Error naming `what` when it does not hold within `maxTicks`
   */
  tickUntil(condition: () => boolean, what: string, maxTicks = 2000, systems: readonly ZoneSystem[] = this.systems): number {
    for (let ticks = 1; ticks <= maxTicks; ticks++) {
      this.tick(1, systems);
      if (condition()) return ticks;
    }
    throw new Error(`${what}: not within ${maxTicks} ticks (${(maxTicks * TICK_MS) / 1000} s of zone time)`);
  }

  /** Queues movement inputs of a player, as if its client sent them (oldest first). */
  queueInputs(session: PlayerSession, ...inputs: InputLike[]): void {
    const queue = this.inputs.get(session.sessionId);
    if (!queue) throw new Error(`${session.sessionId} is not in the world`);
    for (const input of inputs) queue.push({ dx: input.dx ?? 0, dy: input.dy ?? 0, skill: input.skill ?? 0, target: input.target ?? 0 });
  }

  /** Inputs of a player not applied yet. */
  pendingInputs(session: PlayerSession): number {
    return this.inputs.get(session.sessionId)?.length ?? 0;
  }

  /**
   * A player's buffered inputs, consumed as they are iterated (like Colyseus' input
   * accessor): what a loop breaks out of stays queued for the next tick.
   */
  readonly inputsOf = (sessionId: string): Iterable<MoveInput> => {
    const queue = this.inputs.get(sessionId) ?? [];
    return (function* () {
      while (queue.length > 0) yield queue.shift() as MoveInput;
    })();
  };

  /** The players' inputs as the movement system reads them, the zone's clients sending `perFrame` to a frame. */
  inputFeed(perFrame = 1): Omit<MovementDeps, "useSkill"> {
    return {
      inputsOf: this.inputsOf,
      waiting: (sessionId) => this.inputs.get(sessionId)?.length ?? 0,
      inputsPerFrame: () => perFrame,
    };
  }

  /** Lag compensation, stubbed: where an attacker saw an entity (`sawAt`), else where it is. */
  readonly seenBy: SeenBy = (sessionId) => ({
    value: (entity, field) => this.sightings.get(sessionId)?.get(entity)?.[field] ?? (entity as Position)[field],
  });

  /** Says where `attacker`'s client drew `entity` (its screen lags the server). */
  sawAt(attacker: PlayerSession, entity: object, at: Position): void {
    let seen = this.sightings.get(attacker.sessionId);
    if (!seen) this.sightings.set(attacker.sessionId, (seen = new Map()));
    seen.set(entity, { x: at.x, y: at.y });
  }

  /**
   * A client message, as the room handles it: only from a player in the world, parsed at
   * the boundary (a refusal is recorded, never handled), then handled.
   * @returns the boundary's refusal, or undefined when the message was handled
   */
  receive(from: PlayerSession | string, type: string, raw: unknown): string | undefined {
    const sessionId = typeof from === "string" ? from : from.sessionId;
    const entry = this.messages.get(type);
    if (!entry) throw new Error(`no system defined the message "${type}"`);
    const session = this.players.get(sessionId);
    const parsed = session ? entry.parse(raw) : "not in the zone";
    if (typeof parsed === "string") {
      this.refusals.push({ sessionId, type, reason: parsed });
      return parsed;
    }
    entry.handler(session!, parsed);
    return undefined;
  }

  /** How many prompt saves were asked for this player. */
  savesOf(session: PlayerSession): number {
    return this.saves.filter((id) => id === session.sessionId).length;
  }

  /** The notices one player was shown. */
  noticesOf(session: PlayerSession): string[] {
    return this.notices.filter((notice) => notice.sessionId === session.sessionId).map((notice) => notice.text);
  }
}

/** A stub zone on a text layout (see `StubZoneOptions`). */
export function stubZone(options: StubZoneOptions): StubZone {
  return new StubZone(options);
}

/** Centre of a tile, in world pixels. */
export { tileCentre } from "../zoneFixtures.ts";
