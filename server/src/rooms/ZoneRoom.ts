/**
 * A zone room: runs one zone of the world — its players in delta-synced state, a fixed
 * tick that calls the zone's systems in order, portals to other zones, and saving. Every
 * room type of a zone definition extends it (see rooms/types/ and docs/designing-zones.md).
 *
 * Entry: only through an entry ticket issued by the server (`play`, or a portal), redeemed
 * once on join; client-initiated matchmaking into a zone is refused.
 * Gameplay: monsters (systems/monsters.ts), skill uses judged with lag compensation
 * (systems/combat.ts), loot and inventory (systems/loot.ts, gameplay/inventory.ts), XP and
 * levels (gameplay/progression.ts); combat cues go out once per tick (gameplay/events.ts).
 * Saving: position and progress (level, XP, HP, inventory) together, on leave (after the
 * reconnection window when a connection drops), every AUTOSAVE_SECONDS for everyone, when
 * a session is taken over, at each zone transfer, on graceful shutdown, and promptly (at
 * the end of the tick) after a kill, a level-up, a death, a pick-up or an item use.
 */
import { type Client, type Deferred, Room, ServerError } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import {
  checkItemUse, ClientMessage, CloseCode, Facing, getZone, INPUT_BUFFER_SIZE, isWalkable, ITEM_COOLDOWN_MS, itemRule, maxHpForLevel, MAX_LEVEL,
  MOVE_AXIS_RANGE, MoveInput, PATCH_RATE_MS, Player, PLAYER_SPEED, ServerMessage, TICK_RATE, ZoneState,
  type Portal, type Position, type ZoneDefinition, type ZoneMap,
} from "@oatnut/shared";
import { Character } from "../db/models.ts";
import { logger } from "../logger.ts";
import { copySnapshot, sameSnapshot, type CharacterSnapshot } from "../persistence/saveService.ts";
import type { EntryContext } from "../world/entry.ts";
import { clearLive, markLive } from "../world/liveCharacters.ts";
import { gameServices } from "../world/services.ts";
import { redeemTicket } from "../world/tickets.ts";
import { BROADCAST_CHANNEL } from "../world/channels.ts";
import { liveRooms, tickDuration } from "../metrics.ts";
import { noteHandling } from "../watchdog.ts";
import { ClientBoundary } from "./boundary/boundary.ts";
import { ChatSystem } from "./systems/chat.ts";
import { InterestManager } from "./systems/interest.ts";
import { watchTraffic } from "./traffic.ts";
import { movementSystem } from "./systems/movement.ts";
import { CombatSystem, REWIND_MS, type Combatant } from "./systems/combat.ts";
import { MonsterSystem } from "./systems/monsters.ts";
import { LootSystem } from "./systems/loot.ts";
import { CombatEvents } from "./gameplay/events.ts";
import { inventorySnapshot, loadInventory, removeFromInventory } from "./gameplay/inventory.ts";
import { portalSystem } from "./systems/portals.ts";
import { abandonTransfer, beginTransfer, settleTransfer, type TransferState } from "./transfer.ts";

/** Server-side data of one player's session (never sent to clients). */
export interface PlayerSession {
  sessionId: string;
  accountId: string;
  characterId: string;
  player: Player;
  /** What the database holds for this character, as far as this room knows. */
  saved: CharacterSnapshot | null;
  /** Last position outside every portal: where a failed transfer puts the player back. */
  safe: Position;
  /** Pending reconnection after an unexpected disconnect. */
  reconnection?: Deferred<Client>;
  /** Set while the character is being handed to another zone. */
  transfer?: TransferState;
  /** Room time (ms) from which it may use an item again. */
  itemReadyAt?: number;
  /** Inputs it may still apply this tick (see the movement system's catch-up budget). */
  inputBudget?: number;
}

/** Options a room is created with (from the zone definition). */
export interface ZoneRoomOptions {
  zone: string;
  instance?: string;
}

/** Options a seat reservation carries into `onJoin`. */
export interface ZoneJoinOptions {
  ticket?: string;
}

export type ZoneClient = Client<{ userData: PlayerSession }>;

/**
 * Validates a client message at the boundary: returns the typed message, or a string
 * saying what is wrong (the message is then rejected, counted and logged, never handled).
 */
export type MessageParser<T> = (raw: unknown) => T | string;

export class ZoneRoom extends Room<{ state: ZoneState; client: ZoneClient; input: MoveInput }> {
  zone!: ZoneDefinition;
  map!: ZoneMap;
  /** Live sessions by session id (a session mid-transfer is here but not in the state). */
  readonly sessions = new Map<string, PlayerSession>();
  interest!: InterestManager;
  chat!: ChatSystem;
  /** Checks every client frame before Colyseus decodes it (boundary/boundary.ts). */
  boundary!: ClientBoundary;
  /** Set during shutdown: the world stops so the saved positions are the last ones sent. */
  protected frozen = false;
  /** Simulated time of this room (ms): advanced by each fixed step; cooldowns and timers run on it. */
  now = 0;
  /** Random source of monsters and loot (replaceable, e.g. by tests that need a sure drop). */
  random: () => number = Math.random;
  events!: CombatEvents;
  combat!: CombatSystem;
  monsters!: MonsterSystem;
  loot!: LootSystem;
  private lastEid = 0;
  /** Sessions whose character changed in a way worth saving now (flushed at the end of the tick). */
  private readonly toSave = new Set<PlayerSession>();

  /**
   * The systems of one tick, in order. A room type may add its own (or use `onTick`).
   * Each is called with the room and the step in seconds.
   */
  protected readonly systems: Array<(room: this, dt: number) => void> = [
    movementSystem, // inputs: movement, and skill uses judged by combat
    (room, dt) => room.monsters.update(dt),
    (room) => room.combat.update(), // respawns
    (room) => room.loot.update(), // pick-ups, expiry
    portalSystem,
    (room, dt) => room.onTick?.(dt),
    (room) => room.interest.update(),
    (room) => room.events.flush(),
    (room) => room.flushSaves(),
  ];

  /**
   * Which room of this type an arriving character goes to. Plain zones return undefined:
   * one room per zone (more when it is full). Instanced room types return an instance key;
   * arrivals with the same key share a room.
   */
  static instanceFor(_context: EntryContext): string | undefined {
    return undefined;
  }

  /** Zones are entered with a seat reservation from the server, never by client matchmaking. */
  static override async onAuth(): Promise<unknown> {
    throw new ServerError(403, "zones are entered through POST /api/characters/:id/play");
  }

  // ---------------------------------------------------------------- extension hooks

  /**
   * Called once a player is in this zone (the character is in the state and in the
   * interest grid). Await-able: joining waits for it.
   * @example
   * protected override onPlayerEnter(session: PlayerSession) {
   *   this.notify(session, `Welcome to ${this.map.displayName}, ${session.player.name}!`);
   * }
   */
  protected onPlayerEnter?(session: PlayerSession, client: ZoneClient): void | Promise<void>;

  /**
   * Called when a player leaves this zone for good — left, dropped past the reconnection
   * window, taken over, or transferred to another zone — after the character was saved.
   * @example
   * protected override onPlayerLeave(session: PlayerSession) {
   *   this.broadcast(ServerMessage.Notice, { text: `${session.player.name} left.` });
   * }
   */
  protected onPlayerLeave?(session: PlayerSession): void | Promise<void>;

  /**
   * Called every fixed step (1/TICK_RATE s) after movement and portals, before interest.
   * Keep it cheap: it runs 20 times a second for the whole zone.
   * @example
   * protected override onTick(dt: number) {
   *   this.elapsed += dt;
   * }
   */
  protected onTick?(dt: number): void;

  /**
   * Declares a message players may send, validated at the boundary: a message `parse`
   * rejects never reaches `handler`; it is counted, and logged and told to the sender at
   * most once per window (see ClientBoundary). The type's rate limit is its entry in
   * CLIENT_RATE_LIMITS, or DEFAULT_MESSAGE_LIMIT.
   * @example
   * this.defineMessage("emote",
   *   (raw) => (typeof raw === "object" && raw && ["wave", "bow"].includes((raw as any).name)
   *     ? { name: (raw as any).name as "wave" | "bow" } : "unknown emote"),
   *   (session, emote) => this.broadcast("emote", { who: session.player.name, name: emote.name }));
   */
  protected defineMessage<T>(type: string, parse: MessageParser<T>, handler: (session: PlayerSession, message: T, client: ZoneClient) => void): void {
    this.boundary.allowMessage(type);
    this.onMessage(type, (client: ZoneClient, raw: unknown) => {
      const session = this.sessions.get(client.sessionId);
      if (!session) return this.boundary.refuse(client, type, "state", "not in the zone");
      const parsed = parse(raw);
      if (typeof parsed === "string") return this.boundary.refuse(client, type, "invalid", parsed);
      handler(session, parsed, client);
    });
  }

  /** Shows a notice to one player. */
  notify(session: PlayerSession, text: string): void {
    this.clients.get(session.sessionId)?.send(ServerMessage.Notice, { text });
  }

  // ---------------------------------------------------------------- lifecycle

  override onCreate(options: ZoneRoomOptions) {
    this.zone = getZone(options.zone);
    this.map = this.zone.map;
    this.maxClients = this.zone.capacity;
    this.state = new ZoneState();
    this.state.zone = this.zone.id;
    this.patchRate = PATCH_RATE_MS;
    this.boundary = new ClientBoundary(this, {
      zone: this.zone.id,
      inputSchema: MoveInput,
      latestInput: (sessionId) => {
        const latest = this.inputs?.get(sessionId).latest;
        return latest ? { dx: latest.dx, dy: latest.dy, skill: latest.skill, target: latest.target } : undefined;
      },
    });
    this.boundary.install();
    // Colyseus's own per-client ceiling, behind the boundary's finer limits (which admit
    // fewer than this in any second): a backstop should the boundary ever be bypassed.
    this.maxMessagesPerSecond = 200;
    this.interest = new InterestManager(this.zone.viewRadius);
    this.inputs = this.defineInput(MoveInput, {
      bufferMaxSize: INPUT_BUFFER_SIZE,
      sanitize: { dx: MOVE_AXIS_RANGE, dy: MOVE_AXIS_RANGE },
    });
    this.chat = new ChatSystem(this, (type, parse, handler) => this.defineMessage(type, parse, handler));
    this.events = new CombatEvents(this);
    const rewind = this.allowRewindState({ maxRewindMs: REWIND_MS });
    rewind.attachAll(this.state.players, { fields: ["x", "y"] });
    rewind.attachAll(this.state.monsters, { fields: ["x", "y"] });
    this.combat = new CombatSystem(this, rewind);
    this.loot = new LootSystem(this);
    this.monsters = new MonsterSystem(this);
    this.defineMessage(ClientMessage.UseItem, parseUseItem, (session, message) => this.useItem(session, message.item));
    this.defineMessage(ClientMessage.PickUp, parsePickUp, (session, message) => {
      const refused = this.loot.pickUp(session, message.id);
      if (refused) this.events.to(session.sessionId, { type: "pickUpRefused", id: message.id, reason: refused });
    });
    this.defineMessage(ClientMessage.TransferFailed, parseTransferFailed, (session, message) => {
      if (session.transfer) void abandonTransfer(this, session, `your client could not enter: ${message.reason}`);
    });
    this.setFixedTimestep((step) => this.tick(step.dt), TICK_RATE);
    this.clock.setInterval(() => void this.autosave(), gameServices().config.autosaveSeconds * 1000);
    liveRooms.add(this);
    this.presence.subscribe(BROADCAST_CHANNEL, this.onAdminBroadcast);
    logger.info("room created", { zone: this.zone.id, roomId: this.roomId, roomType: this.zone.roomType, instance: options.instance });
  }

  /** One fixed step: every system, in order. */
  protected tick(dt: number): void {
    if (this.frozen) return;
    noteHandling(this.roomId, "tick");
    const started = performance.now();
    this.now += dt * 1000;
    for (const system of this.systems) system(this, dt);
    tickDuration.observe({ zone: this.zone.id }, (performance.now() - started) / 1000);
  }

  override async onJoin(client: ZoneClient, options: ZoneJoinOptions) {
    const ticket = await redeemTicket(this.presence, options?.ticket);
    if (!ticket || ticket.zone !== this.zone.id) {
      throw new ServerError(403, "invalid, expired or already used entry ticket");
    }
    // Two entries for one character raced past `play`: the newest session wins here too.
    // The old session is saved before the character is read, so nothing it did is lost.
    await this.evictCharacter(ticket.characterId, "taken over by a newer session");
    const character = await Character.findById(ticket.characterId).lean();
    if (!character || String(character.accountId) !== ticket.accountId) {
      throw new ServerError(404, "character not found");
    }

    const inZone = character.zone === this.zone.id && isWalkable(character, this.map);
    const position = inZone ? { x: character.x, y: character.y } : this.map.spawn;
    const player = new Player();
    player.eid = this.nextEid();
    player.name = character.name;
    player.x = Math.fround(position.x);
    player.y = Math.fround(position.y);
    player.facing = Facing.Down;
    player.characterId = ticket.characterId;
    player.speed = PLAYER_SPEED;
    player.level = Math.min(MAX_LEVEL, Math.max(1, Math.floor(character.level ?? 1)));
    player.xp = Math.max(0, Math.floor(character.xp ?? 0));
    player.maxHp = maxHpForLevel(player.level);
    player.hp = character.hp == null ? player.maxHp : Math.min(player.maxHp, Math.max(0, Math.floor(character.hp)));
    loadInventory(player.inventory, character.inventory);
    this.state.players.set(client.sessionId, player);
    client.view = new StateView();
    this.interest.add(client.sessionId, player, client.view);

    const session: PlayerSession = {
      sessionId: client.sessionId,
      accountId: ticket.accountId,
      characterId: ticket.characterId,
      player,
      saved: inZone ? { zone: this.zone.id, x: character.x, y: character.y } : null,
      safe: { x: player.x, y: player.y },
    };
    client.userData = session;
    this.sessions.set(client.sessionId, session);
    // Saved while dead (left before respawning): back at the spawn, the penalty already paid.
    if (player.hp === 0) this.combat.revive(session);
    this.watchClientTraffic(client);
    this.chat.join(session);
    await markLive(this.presence, session.characterId, { roomId: this.roomId, sessionId: client.sessionId });
    logger.info("player joined", { zone: this.zone.id, roomId: this.roomId, characterId: session.characterId, name: player.name });
    await this.onPlayerEnter?.(session, client);
  }

  override onDrop(client: ZoneClient) {
    const session = this.sessions.get(client.sessionId);
    // No waiting for a reconnection while shutting down or handing over, nor for a client
    // the boundary closed: onLeave settles it.
    if (!session || session.transfer || this.frozen || this.boundary.isExpelled(client.sessionId)) return;
    if (gameServices().config.reconnectSeconds === 0) return;
    logger.info("player dropped; waiting for reconnection", {
      zone: this.zone.id, roomId: this.roomId, characterId: session.characterId, seconds: gameServices().config.reconnectSeconds,
    });
    session.reconnection = this.allowReconnection(client, gameServices().config.reconnectSeconds);
  }

  override onReconnect(client: ZoneClient) {
    const session = this.sessions.get(client.sessionId);
    if (!session) return;
    session.reconnection = undefined;
    this.watchClientTraffic(client);
    logger.info("player reconnected", { zone: this.zone.id, roomId: this.roomId, characterId: session.characterId });
  }

  override async onLeave(client: ZoneClient) {
    this.boundary.forget(client.sessionId);
    const session = this.sessions.get(client.sessionId);
    if (!session) return;
    await this.removeSession(session);
    logger.info("player left", { zone: this.zone.id, roomId: this.roomId, characterId: session.characterId });
  }

  /**
   * Saves a character's session, removes it from the world and disconnects its client.
   * Called by `play` (through `matchMaker.remoteRoomCall`, from any process) when the
   * character is entered again elsewhere: the old session is saved first, then closed.
   * @returns whether the character was live in this room
   */
  async evictCharacter(characterId: string, reason: string, closeCode: number = CloseCode.TakenOver): Promise<boolean> {
    const session = [...this.sessions.values()].find((s) => s.characterId === characterId);
    if (!session) return false;
    await this.removeSession(session);
    const client = this.clients.get(session.sessionId);
    if (client) client.leave(closeCode, reason);
    else session.reconnection?.reject(new Error(reason));
    logger.info("player taken over", { zone: this.zone.id, roomId: this.roomId, characterId, reason });
    return true;
  }

  /**
   * Takes a player out of this zone for good: settles a transfer under way, or saves the
   * character where it stands; then clears it from state, interest and the live registry.
   */
  protected async removeSession(session: PlayerSession): Promise<void> {
    if (!this.sessions.delete(session.sessionId)) return;
    this.toSave.delete(session);
    this.combat.forget(session.sessionId);
    this.detachPlayer(session);
    this.chat.leave(session);
    try {
      if (session.transfer) await settleTransfer(this, session);
      else await this.savePlayer(session);
    } finally {
      await clearLive(this.presence, session.characterId, session.sessionId);
    }
    await this.onPlayerLeave?.(session);
  }

  /** Removes the character from state and interest (the session itself stays). */
  detachPlayer(session: PlayerSession): void {
    this.interest.remove(session.sessionId);
    this.state.players.delete(session.sessionId);
  }

  /** Puts a detached character back into state and interest at `position`. */
  reattachPlayer(session: PlayerSession, position: Position): void {
    session.player.x = Math.fround(position.x);
    session.player.y = Math.fround(position.y);
    this.inputs!.get(session.sessionId).clear();
    this.state.players.set(session.sessionId, session.player);
    const client = this.clients.get(session.sessionId);
    this.interest.add(session.sessionId, session.player, client?.view);
    this.chat.join(session);
  }

  /** Called by the portal system when a player's character walks into a portal. */
  enterPortal(session: PlayerSession, portal: Portal): void {
    if (session.transfer) return;
    void beginTransfer(this, session, portal);
  }

  /** Writes the character if its saved data differs from the live one. */
  protected async savePlayer(session: PlayerSession): Promise<boolean> {
    if (session.transfer) return true; // the transfer owns the character's saved place
    return this.saveSnapshot(session, { zone: this.zone.id, x: session.player.x, y: session.player.y });
  }

  /**
   * Writes the character at `place` with its progress as it is now (level, XP, HP,
   * inventory), unless the database already holds exactly that.
   */
  async saveSnapshot(session: PlayerSession, place: { zone: string; x: number; y: number }): Promise<boolean> {
    const { player } = session;
    const snapshot: CharacterSnapshot = {
      zone: place.zone, x: place.x, y: place.y,
      progress: { level: player.level, xp: player.xp, hp: player.hp, inventory: inventorySnapshot(player.inventory) },
    };
    if (sameSnapshot(session.saved, snapshot)) return true;
    const written = await gameServices().saves.save(session.characterId, snapshot);
    if (written) session.saved = copySnapshot(snapshot);
    return written;
  }

  /** Asks for a save of the character at the end of this tick (progress worth keeping changed). */
  saveSoon(session: PlayerSession): void {
    this.toSave.add(session);
  }

  private flushSaves(): void {
    if (this.toSave.size === 0) return;
    for (const session of this.toSave) {
      this.savePlayer(session).catch((error) => logger.error("prompt save failed", { zone: this.zone.id, characterId: session.characterId, error }));
    }
    this.toSave.clear();
  }

  /** A new entity id, unique in this room (players and monsters). */
  nextEid(): number {
    return ++this.lastEid;
  }

  /** The player or monster with entity id `eid`, if it is in the world. */
  combatant(eid: number): Combatant | undefined {
    const mob = this.monsters.get(eid);
    if (mob) return { kind: "monster", mob };
    for (const session of this.sessions.values()) {
      if (session.player.eid === eid && !session.transfer) return { kind: "player", session };
    }
    return undefined;
  }

  /** Moves a character at once (respawn, put-back): no input queued before it applies after. */
  teleport(session: PlayerSession, to: Position): void {
    session.player.x = Math.fround(to.x);
    session.player.y = Math.fround(to.y);
    session.safe = { x: session.player.x, y: session.player.y };
    this.inputs!.get(session.sessionId).clear();
  }

  /** Uses one item of the inventory (a potion heals), by the shared rule (checkItemUse). */
  useItem(session: PlayerSession, item: string): void {
    const { player } = session;
    if (session.transfer) return;
    const check = checkItemUse(player, item, this.now, session.itemReadyAt ?? 0);
    if ("refused" in check) return this.events.to(session.sessionId, { type: "itemRefused", item, reason: check.refused });
    const { rule } = check;
    removeFromInventory(player.inventory, item, 1);
    session.itemReadyAt = this.now + ITEM_COOLDOWN_MS;
    const healed = Math.min(rule.heal!, player.maxHp - player.hp);
    player.hp += healed;
    this.events.emit({ type: "heal", eid: player.eid, amount: healed }, [session.sessionId]);
    this.saveSoon(session);
  }

  /** Saves every live character that changed since its last save. */
  async autosave(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => this.savePlayer(session)));
    if (gameServices().saves.parkedCount > 0) await gameServices().saves.retryParked();
  }

  /**
   * Graceful shutdown: freeze the world, tell players, save everyone and make it durable,
   * tell each player whether its progress was saved (only once it was), then disconnect.
   */
  override onBeforeShutdown() {
    this.frozen = true;
    this.broadcast(ServerMessage.Notice, { text: "The server is restarting: saving your progress…" });
    this.broadcastPatch();
    void this.saveBeforeShutdown().finally(() => this.disconnect(CloseCode.ServerShutdown));
  }

  private async saveBeforeShutdown(): Promise<void> {
    const sessions = [...this.sessions.values()];
    const saved = await Promise.all(sessions.map((session) => this.savePlayer(session).catch((error) => {
      logger.error("saving before shutdown failed", { zone: this.zone.id, characterId: session.characterId, error });
      return false;
    })));
    let durable = true;
    try {
      await gameServices().flushDurable?.();
    } catch (error) {
      durable = false;
      logger.error("making the last saves durable failed", { zone: this.zone.id, error });
    }
    sessions.forEach((session, i) => this.notify(session, saved[i] && durable
      ? "Your progress is saved."
      : "Your progress since your last save could not be written: the database did not answer."));
  }

  /** Players of this room, for the admin API (works across processes via remoteRoomCall). */
  describePlayers(): { zone: string; roomId: string; players: Array<{ characterId: string; name: string; x: number; y: number }> } {
    return {
      zone: this.zone.id,
      roomId: this.roomId,
      players: [...this.sessions.values()].filter((s) => !s.transfer).map((s) => ({
        characterId: s.characterId, name: s.player.name, x: s.player.x, y: s.player.y,
      })),
    };
  }

  private readonly onAdminBroadcast = (text: string) => {
    this.broadcast(ServerMessage.Notice, { text: `[Server] ${text}` });
  };

  override onDispose() {
    liveRooms.delete(this);
    this.presence.unsubscribe(BROADCAST_CHANNEL, this.onAdminBroadcast);
    logger.info("room disposed", { zone: this.zone.id, roomId: this.roomId });
  }

  /** Errors thrown inside this room's handlers, timers and ticks: logged with their stacks. */
  override onUncaughtException(error: Error, methodName: string) {
    logger.error(`uncaught exception in ${methodName}`, { zone: this.zone?.id, roomId: this.roomId, error: (error as { cause?: Error }).cause ?? error });
  }

  private watchClientTraffic(client: ZoneClient): void {
    watchTraffic((client as unknown as { ref?: Parameters<typeof watchTraffic>[0] }).ref, {
      zone: this.zone.id, roomId: this.roomId, sessionId: client.sessionId,
    });
  }
}

function parseUseItem(raw: unknown): { item: string } | string {
  const item = (raw as { item?: unknown } | null)?.item;
  if (typeof item !== "string" || !itemRule(item)) return "item must be the id of a known item";
  return { item };
}

function parsePickUp(raw: unknown): { id: number } | string {
  const id = (raw as { id?: unknown } | null)?.id;
  if (typeof id !== "number" || !Number.isInteger(id) || id <= 0) return "id must be a positive integer";
  return { id };
}

function parseTransferFailed(raw: unknown): { reason: string } | string {
  const reason = (raw as { reason?: unknown } | null)?.reason;
  if (typeof reason !== "string") return "reason must be a string";
  return { reason: reason.slice(0, 200) };
}
