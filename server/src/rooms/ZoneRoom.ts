/**
 * A zone room: one zone of the world — its players in delta-synced state, a fixed tick
 * that runs the zone's systems in order (systems/index.ts), the ways into and out of the
 * world, and saving. The room is the systems' context (context.ts): they see that narrow
 * interface, never the room. Every room type of a zone definition extends it (see
 * rooms/types/ and docs/designing-zones.md).
 *
 * Entry: only through an entry ticket issued by the server (`play`, or a portal), redeemed
 * once on join. The world: a player is in it (`players`) from joining until it leaves,
 * drops past the reconnection window, is taken over or kicked, goes through a portal, or
 * the server shuts down — every way out goes through `leaveWorld`, which every system
 * hears. Saving: the character's record (persistence/characters.ts) on every way out,
 * every AUTOSAVE_SECONDS, and at the end of a tick after progress worth keeping.
 */
import { type Client, type Deferred, matchMaker, Room, ServerError } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import {
  ClientMessage,
  CloseCode,
  getZone,
  INPUT_BUFFER_SIZE,
  MoveInput,
  PATCH_RATE_MS,
  PLAYER_SPEED,
  ServerMessage,
  TICK_RATE,
  ZoneState,
  type Portal,
  type Position,
  type ZoneDefinition,
  type ZoneMap,
} from "@oatnut/shared";
import { Character } from "../db/models.ts";
import { logger } from "../logger.ts";
import { liveRooms, patchDuration, tickDuration, zoneTrafficTally, type TrafficTally } from "../metrics.ts";
import { enterCharacter, recordOf } from "../persistence/characters.ts";
import { noteHandling } from "../watchdog.ts";
import { BROADCAST_CHANNEL } from "../world/channels.ts";
import type { EntryContext } from "../world/entry.ts";
import { clearLive, markLive } from "../world/liveCharacters.ts";
import { gameServices } from "../world/services.ts";
import { redeemTicket } from "../world/tickets.ts";
import { ClientBoundary } from "./boundary/boundary.ts";
import type { MessageParser, PlayerSession, ZoneContext, ZoneSystem } from "./context.ts";
import { CueOutbox } from "./gameplay/events.ts";
import { REWIND_MS } from "./systems/combat.ts";
import { createZoneSystems, type ZoneSystems } from "./systems/index.ts";
import { InterestManager, REFRESH_TICKS } from "./systems/interest.ts";
import { PatchFanOut, serializerOf } from "./patchFanOut.ts";
import { BufferedMoveInput } from "./moveInput.ts";
import { inputsPerFrameFor, patchIntervalFor } from "./patchPace.ts";
import { watchTraffic } from "./traffic.ts";
import { abandonTransfer, beginTransfer, portalTarget, settleTransfer, type TransferState, type TransferTarget } from "./transfer.ts";

export type { PlayerSession, MessageParser } from "./context.ts";

/** A connected player of this room: in the world, or on its way through a portal. */
export interface ConnectedSession extends PlayerSession {
  /** Pending reconnection after an unexpected disconnect. */
  reconnection?: Deferred<Client>;
  /** Set while the character is being handed to another zone (it is not in the world then). */
  transfer?: TransferState;
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

export type ZoneClient = Client<{ userData: ConnectedSession }>;

export class ZoneRoom extends Room<{ state: ZoneState; client: ZoneClient; input: MoveInput }> implements ZoneContext {
  zone!: ZoneDefinition;
  map!: ZoneMap;
  /** Connected players by session id: in the world, or mid-transfer. */
  readonly sessions = new Map<string, ConnectedSession>();
  /** The players in the world (what systems see). */
  readonly players = new Map<string, PlayerSession>();
  /** The zone's systems (tick order in `systems.all`). */
  systems!: ZoneSystems;
  interest!: InterestManager;
  cues!: CueOutbox;
  /** Checks every client frame before Colyseus decodes it (boundary/boundary.ts). */
  boundary!: ClientBoundary;
  /** Set during shutdown: the world stops so the saved positions are the last ones sent. */
  protected frozen = false;
  /** Simulated time of this room (ms): advanced by each fixed step; cooldowns and timers run on it. */
  now = 0;
  /** Random source of monsters and loot (replaceable, e.g. by tests that need a sure drop). */
  random: () => number = Math.random;
  private lastEid = 0;
  /** Bytes this room sent its clients, by kind (for /metrics). */
  readonly traffic: TrafficTally = { patch: 0, message: 0, other: 0 };
  /** Time the systems took in the last tick, while no patch has followed it (ms). */
  private simulationMs: number | undefined;
  /** Ticks since the last patch: the tick sends one every `patchRate / PATCH_RATE_MS` ticks. */
  private ticksSincePatch = 0;
  /** Set while the room itself sends a patch (Colyseus's own patch timer then does nothing). */
  private patching = false;
  /** A patch is due once this turn's steps have run (see `tick`). */
  private patchQueued = false;
  /** Players whose character changed in a way worth saving now (flushed at the end of the tick). */
  private readonly toSave = new Set<PlayerSession>();
  /** The instance key this room was created for (instanced room types), as matchmaking filters by it. */
  private instance: string | undefined;
  /** The listing's character names are out of date (updated at the end of the tick). */
  private listingStale = false;

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
    throw new ServerError(
      403,
      "Zones are entered with Play on the characters screen (POST /api/characters/:id/play), not by joining a room.",
    );
  }

  // ---------------------------------------------------------------- extension hooks

  /**
   * A room type's own systems: built once, on this zone's context, run every tick after
   * the gameplay systems and before interest, and told of every player entering and
   * leaving the world.
   * @example
   * protected override createSystems(zone: ZoneContext): ZoneSystem[] {
   *   return [new RegenerationSystem(zone, { hpPerSecond: 5 })];
   * }
   */
  protected createSystems(_zone: ZoneContext): ZoneSystem[] {
    return [];
  }

  /**
   * Called once a player joined this zone (its character is in the world). Await-able:
   * joining waits for it.
   * @example
   * protected override onPlayerEnter(session: PlayerSession) {
   *   this.notify(session, `Welcome to ${this.map.displayName}, ${session.player.name}!`);
   * }
   */
  protected onPlayerEnter?(session: PlayerSession, client: ZoneClient): void | Promise<void>;

  /**
   * Called when a player's session here ends — left, dropped past the reconnection window,
   * taken over, kicked, or transferred to another zone — after the character was saved.
   * @example
   * protected override onPlayerLeave(session: PlayerSession) {
   *   this.broadcast(ServerMessage.Notice, { text: `${session.player.name} left.` });
   * }
   */
  protected onPlayerLeave?(session: PlayerSession): void | Promise<void>;

  /**
   * Declares a message players may send, validated at the boundary: a message `parse`
   * refuses never reaches `handler`; it is counted, and logged and told to the sender at
   * most once per window (see ClientBoundary). Only a player in the world is handled. The
   * type's rate limit is its entry in CLIENT_RATE_LIMITS, or DEFAULT_MESSAGE_LIMIT.
   * @example
   * this.defineMessage("emote",
   *   (raw) => (typeof raw === "object" && raw && ["wave", "bow"].includes((raw as any).name)
   *     ? { name: (raw as any).name as "wave" | "bow" } : "unknown emote"),
   *   (session, emote) => this.broadcast("emote", { who: session.player.name, name: emote.name }));
   */
  defineMessage<T>(type: string, parse: MessageParser<T>, handler: (session: PlayerSession, message: T) => void): void {
    this.boundary.allowMessage(type);
    this.onMessage(type, (client: ZoneClient, raw: unknown) => {
      const session = this.players.get(client.sessionId);
      if (!session) return this.boundary.refuse(client, type, "state", "not in the zone");
      const parsed = parse(raw);
      if (typeof parsed === "string") return this.boundary.refuse(client, type, "invalid", parsed);
      handler(session, parsed);
    });
  }

  // ---------------------------------------------------------------- the context systems use

  notify(session: PlayerSession, text: string): void {
    this.clients.get(session.sessionId)?.send(ServerMessage.Notice, { text });
  }

  sendTo(session: PlayerSession, type: string, message: unknown): void {
    this.clients.get(session.sessionId)?.send(type, message);
  }

  saveSoon(session: PlayerSession): void {
    this.toSave.add(session);
  }

  nextEid(): number {
    return ++this.lastEid;
  }

  teleport(session: PlayerSession, to: Position): void {
    session.player.x = Math.fround(to.x);
    session.player.y = Math.fround(to.y);
    session.safe = { x: session.player.x, y: session.player.y };
    this.inputs!.get(session.sessionId).clear();
  }

  // ---------------------------------------------------------------- lifecycle

  override onCreate(options: ZoneRoomOptions) {
    this.zone = getZone(options.zone);
    this.map = this.zone.map;
    this.maxClients = this.zone.capacity;
    this.state = new ZoneState();
    this.state.zone = this.zone.id;
    this.instance = options.instance;
    // What the monitor lists: the zone and instance (the matchmaking filters, kept as they are), its name, who is in it.
    void this.setMetadata(this.listingMetadata());
    this.patchRate = PATCH_RATE_MS;
    this.state.patchMs = PATCH_RATE_MS;
    this.state.inputsPerFrame = 1;
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
    // The axes are clamped into MOVE_AXIS_RANGE as each input is buffered (BufferedMoveInput.clone).
    this.inputs = this.defineInput(BufferedMoveInput, { bufferMaxSize: INPUT_BUFFER_SIZE });
    this.interest = new InterestManager(this.zone.viewRadius, REFRESH_TICKS);
    // Each changed entity encoded once for all who see it (the same bytes as Colyseus's per-client walk).
    new PatchFanOut(serializerOf(this), this.interest, [this.state.players, this.state.monsters, this.state.loot]).install();
    this.cues = new CueOutbox(
      (keys) => this.interest.watchersOf(keys),
      (sessionId, events) => this.clients.get(sessionId)?.send(ServerMessage.Combat, events),
    );
    const rewind = this.allowRewindState({ maxRewindMs: REWIND_MS });
    rewind.attachAll(this.state.players, { fields: ["x", "y"] });
    rewind.attachAll(this.state.monsters, { fields: ["x", "y"] });
    this.systems = createZoneSystems(this, {
      interest: this.interest,
      seenBy: (sessionId) => rewind.lastSeenBy(sessionId),
      inputsOf: (sessionId) => this.inputs!.get(sessionId),
      waiting: (sessionId) => this.inputs!.get(sessionId).size,
      inputsPerFrame: () => this.state.inputsPerFrame,
      enterPortal: (session, portal) => this.enterPortal(session, portal),
      extra: this.createSystems(this),
    });
    // Sent by a player mid-transfer, who is not in the world: not a defineMessage.
    this.boundary.allowMessage(ClientMessage.TransferFailed);
    this.onMessage(ClientMessage.TransferFailed, (client: ZoneClient, raw: unknown) => {
      const parsed = parseTransferFailed(raw);
      if (typeof parsed === "string") return this.boundary.refuse(client, ClientMessage.TransferFailed, "invalid", parsed);
      const session = this.sessions.get(client.sessionId);
      if (session?.transfer) void abandonTransfer(this, session, `your client could not enter: ${parsed.reason}`);
    });
    this.setFixedTimestep((step) => this.tick(step.dt), TICK_RATE);
    this.clock.setInterval(() => void this.autosave(), gameServices().config.autosaveSeconds * 1000);
    liveRooms.add(this);
    this.presence.subscribe(BROADCAST_CHANNEL, this.onAdminBroadcast);
    logger.info("room created", { zone: this.zone.id, roomId: this.roomId, roomType: this.zone.roomType, instance: options.instance });
  }

  /** One fixed step: every system in order, then the tick's cues and prompt saves. */
  protected tick(dt: number): void {
    if (this.frozen) return;
    noteHandling(this.roomId, "tick");
    const started = performance.now();
    // The tick before had no patch after it (a crowded zone patches every second tick): it stands alone.
    if (this.simulationMs !== undefined) tickDuration.observe({ zone: this.zone.id }, this.simulationMs / 1000);
    this.now += dt * 1000;
    // The patch follows the step it carries, in the same turn: every tick, or every second
    // one in a crowded zone. The interest system then refreshes views on the other ticks.
    const ticksPerPatch = this.ticksPerPatch();
    const patchFollows = ++this.ticksSincePatch >= ticksPerPatch;
    this.interest.quiet = patchFollows && ticksPerPatch > 1;
    for (const system of this.systems.all) system.update?.(dt);
    this.cues.flush();
    this.flushSaves();
    if (this.listingStale) this.updateListing();
    this.simulationMs = performance.now() - started;
    // Sent once this turn's steps have all run: a turn that runs catch-up steps (the room
    // fell behind) sends one patch after the last of them, not one after each.
    if (patchFollows && !this.patchQueued) {
      this.patchQueued = true;
      queueMicrotask(this.sendQueuedPatch);
    }
  }

  private readonly sendQueuedPatch = (): void => {
    this.patchQueued = false;
    try {
      this.sendPatch();
    } catch (error) {
      this.onUncaughtException(error as Error, "sendPatch");
    }
  };

  /** How many ticks go by between two patches (1, or 2 in a crowded zone). */
  private ticksPerPatch(): number {
    return Math.max(1, Math.round((this.patchRate ?? PATCH_RATE_MS) / PATCH_RATE_MS));
  }

  /**
   * Colyseus calls this every patchRate ms from its own timer. Here the tick sends the
   * patches instead (sendPatch), right after the step they carry, so this does nothing
   * unless the room is the caller. `patchRate` stays set: Colyseus tells it to clients as
   * they join and records lag-compensation history at that cadence.
   */
  override broadcastPatch(): boolean {
    return this.patching ? super.broadcastPatch() : false;
  }

  /**
   * Encodes and sends the patch, timed: in `oatnut_tick_duration_seconds` a step's cost is
   * its systems' time plus, when a patch follows it, this.
   */
  protected sendPatch(): boolean {
    this.ticksSincePatch = 0;
    const started = performance.now();
    this.patching = true;
    let changed: boolean;
    try {
      changed = this.broadcastPatch();
    } finally {
      this.patching = false;
    }
    const patchMs = performance.now() - started;
    patchDuration.observe({ zone: this.zone.id }, patchMs / 1000);
    tickDuration.observe({ zone: this.zone.id }, ((this.simulationMs ?? 0) + patchMs) / 1000);
    this.simulationMs = undefined;
    return changed;
  }

  override async onJoin(client: ZoneClient, options: ZoneJoinOptions) {
    const ticket = await redeemTicket(this.presence, options?.ticket);
    if (!ticket || ticket.zone !== this.zone.id) {
      throw new ServerError(403, "This entry ticket is invalid, expired or already used: press Play again.");
    }
    // Two entries for one character raced past `play`: the newest session wins here too.
    // The old session is saved before the character is read, so nothing it did is lost.
    await this.evictCharacter(ticket.characterId, "taken over by a newer session");
    const document = await Character.findById(ticket.characterId).lean();
    if (!document || String(document.accountId) !== ticket.accountId) {
      throw new ServerError(404, "That character no longer exists: choose another one.");
    }
    const { player, saved } = enterCharacter(document, this.zone, this.nextEid(), ticket.characterId, PLAYER_SPEED);
    gameServices().saves.loaded(ticket.characterId, saved);
    client.view = new StateView();
    const session: ConnectedSession = {
      sessionId: client.sessionId,
      accountId: ticket.accountId,
      characterId: ticket.characterId,
      player,
      view: client.view,
      safe: { x: player.x, y: player.y },
    };
    client.userData = session;
    this.sessions.set(client.sessionId, session);
    this.enterWorld(session);
    this.watchClientTraffic(client);
    await markLive(this.presence, session.characterId, {
      roomId: this.roomId,
      sessionId: client.sessionId,
      processId: matchMaker.processId,
    });
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
      zone: this.zone.id,
      roomId: this.roomId,
      characterId: session.characterId,
      seconds: gameServices().config.reconnectSeconds,
    });
    const reconnection = this.allowReconnection(client, gameServices().config.reconnectSeconds);
    // Colyseus refuses at once a client that dropped before it acknowledged its join ("not
    // joined"): nothing to wait for, and onLeave settles the session. A refusal or the
    // window's end is expected, not an unhandled rejection; Colyseus calls onLeave for both.
    reconnection.catch(() => undefined);
    session.reconnection = reconnection;
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
    await this.endSession(session);
    logger.info("player left", { zone: this.zone.id, roomId: this.roomId, characterId: session.characterId });
  }

  /**
   * Saves a character's session, removes it from the world and disconnects its client.
   * Called by `play` (through `matchMaker.remoteRoomCall`, from any process) when the
   * character is entered again elsewhere, and by the admin API's kick: the old session is
   * saved first, then closed.
   * @returns whether the character was live in this room
   */
  async evictCharacter(characterId: string, reason: string, closeCode: number = CloseCode.TakenOver): Promise<boolean> {
    const session = [...this.sessions.values()].find((s) => s.characterId === characterId);
    if (!session) return false;
    await this.endSession(session);
    const client = this.clients.get(session.sessionId);
    if (client) client.leave(closeCode, reason);
    else session.reconnection?.reject?.(new Error(reason)); // (a refused one has no reject)
    logger.info("player taken over", { zone: this.zone.id, roomId: this.roomId, characterId, reason });
    return true;
  }

  // ---------------------------------------------------------------- the world

  /** Puts a session's character into the world (at `at`, when given): every system hears it. */
  enterWorld(session: ConnectedSession, at?: Position): void {
    if (this.players.has(session.sessionId)) return;
    if (at) this.teleport(session, at);
    this.players.set(session.sessionId, session);
    this.state.players.set(session.sessionId, session.player);
    for (const system of this.systems.all) system.onPlayerEnter?.(session);
    this.listingStale = true;
    this.pacePatches();
  }

  /** Takes a session's character out of the world (its session may go on): every system hears it. */
  leaveWorld(session: ConnectedSession): void {
    if (!this.players.delete(session.sessionId)) return;
    this.toSave.delete(session);
    this.inputs?.get(session.sessionId).clear();
    for (const system of this.systems.all) system.onPlayerLeave?.(session);
    this.state.players.delete(session.sessionId);
    this.listingStale = true;
    this.pacePatches();
  }

  /**
   * The zone's pace by its players (patchPace.ts): its clients' inputs two to a frame while
   * it is busy; patches every second tick while it is crowded, the interest system then
   * refreshing views on the ticks without a patch.
   */
  private pacePatches(): void {
    const { busyZonePlayers, crowdedZonePlayers } = gameServices().config;
    const perFrame = inputsPerFrameFor(this.players.size, this.state.inputsPerFrame, busyZonePlayers, crowdedZonePlayers);
    if (perFrame !== this.state.inputsPerFrame) {
      this.state.inputsPerFrame = perFrame;
      logger.info("inputs per frame changed", {
        zone: this.zone.id,
        roomId: this.roomId,
        players: this.players.size,
        inputsPerFrame: perFrame,
      });
    }
    const interval = patchIntervalFor(this.players.size, this.patchRate ?? PATCH_RATE_MS, crowdedZonePlayers);
    if (interval === this.patchRate) return;
    this.patchRate = interval;
    this.state.patchMs = interval;
    this.interest.pace(this.ticksPerPatch());
    logger.info("patch rate changed", { zone: this.zone.id, roomId: this.roomId, players: this.players.size, patchMs: interval });
  }

  /**
   * The one way a session ends, whatever ended it (leave, drop past the reconnection
   * window, take-over, kick, transfer, shutdown): out of the world, a transfer under way
   * settled or the character saved where it stands, out of the live registry.
   */
  async endSession(session: ConnectedSession): Promise<void> {
    if (!this.sessions.delete(session.sessionId)) return;
    this.leaveWorld(session);
    try {
      if (session.transfer) await settleTransfer(this, session);
      else await this.saveCharacter(session);
    } finally {
      await clearLive(this.presence, session.characterId, session.sessionId);
      gameServices().saves.forget(session.characterId);
    }
    await this.onPlayerLeave?.(session);
  }

  /** Starts carrying a character through a portal (the portal system calls it). */
  enterPortal(session: PlayerSession, portal: Portal): void {
    const connected = this.sessions.get(session.sessionId);
    if (!connected || connected.transfer) return;
    let target: TransferTarget;
    try {
      target = portalTarget(portal);
    } catch (error) {
      logger.error("portal leads nowhere", { zone: this.zone.id, error });
      return;
    }
    void beginTransfer(this, connected, target);
  }

  // ---------------------------------------------------------------- saving

  /** Saves the character where it stands (a character mid-transfer is saved by the transfer). */
  protected async saveCharacter(session: ConnectedSession): Promise<boolean> {
    if (session.transfer) return true;
    return this.saveCharacterAt(session, { zone: this.zone.id, x: session.player.x, y: session.player.y });
  }

  /** Saves the character's record as it is now, placed at `place` (the save service skips it when unchanged). */
  saveCharacterAt(session: PlayerSession, place: { zone: string; x: number; y: number }): Promise<boolean> {
    return gameServices().saves.save(session.characterId, recordOf(session.player, place));
  }

  private flushSaves(): void {
    if (this.toSave.size === 0) return;
    for (const session of this.toSave) {
      this.saveCharacter(session as ConnectedSession).catch((error) =>
        logger.error("prompt save failed", { zone: this.zone.id, characterId: session.characterId, error }),
      );
    }
    this.toSave.clear();
  }

  /** Saves every live character that changed since its last save. */
  async autosave(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => this.saveCharacter(session)));
    if (gameServices().saves.parkedCount > 0) await gameServices().saves.retryParked();
  }

  /**
   * Graceful shutdown: freeze the world, tell players, save everyone and make it durable,
   * tell each player whether its progress was saved (only once it was), then disconnect.
   */
  override onBeforeShutdown() {
    this.frozen = true;
    this.broadcast(ServerMessage.Notice, { text: "The server is restarting: saving your progress…" });
    this.sendPatch();
    void this.saveBeforeShutdown().finally(() => this.disconnect(CloseCode.ServerShutdown));
  }

  private async saveBeforeShutdown(): Promise<void> {
    const sessions = [...this.sessions.values()];
    const saved = await Promise.all(
      sessions.map((session) =>
        this.saveCharacter(session).catch((error) => {
          logger.error("saving before shutdown failed", { zone: this.zone.id, characterId: session.characterId, error });
          return false;
        }),
      ),
    );
    let durable = true;
    try {
      await gameServices().flushDurable?.();
    } catch (error) {
      durable = false;
      logger.error("making the last saves durable failed", { zone: this.zone.id, error });
    }
    sessions.forEach((session, i) =>
      this.notify(
        session,
        saved[i] && durable
          ? "Your progress is saved."
          : "Your progress since your last save could not be written: the database did not answer. Play again once the server is back.",
      ),
    );
  }

  // ---------------------------------------------------------------- clusters

  /**
   * Hands every player in the world to a room of this zone on another process (this
   * process is draining: a rolling restart). Each is saved where it stands and carried
   * like a portal transfer, so its client switches rooms without signing in again; one
   * whose hand-over fails is put back here and saved by the shutdown that follows.
   * @returns how many hand-overs started
   */
  handOverPlayers(): number {
    const moving = [...this.players.values()].map((player) => this.sessions.get(player.sessionId)).filter((s) => s && !s.transfer);
    for (const session of moving) {
      this.notify(session!, "This server is restarting: moving you to another one…");
      void beginTransfer(this, session!, { zone: this.zone.id, at: { x: session!.player.x, y: session!.player.y }, via: "handoff" });
    }
    return moving.length;
  }

  /** Writes this room's live characters again (the cluster's Redis lost them). */
  async reannounce(): Promise<void> {
    await Promise.all(
      [...this.players.values()].map((session) =>
        markLive(this.presence, session.characterId, {
          roomId: this.roomId,
          sessionId: session.sessionId,
          processId: matchMaker.processId,
        }),
      ),
    );
  }

  // ---------------------------------------------------------------- operations

  /** Players of this room, for the admin API (works across processes via remoteRoomCall). */
  describePlayers(): { zone: string; roomId: string; players: Array<{ characterId: string; name: string; x: number; y: number }> } {
    return {
      zone: this.zone.id,
      roomId: this.roomId,
      players: [...this.players.values()].map((s) => ({
        characterId: s.characterId,
        name: s.player.name,
        x: s.player.x,
        y: s.player.y,
      })),
    };
  }

  /**
   * The room's listing metadata (what matchmaking and the monitor see): `zone` and
   * `instance` — the `filterBy` fields matchmaking finds the room by, unchanged —, the
   * zone's `displayName`, and `characters`, the names of the characters in it.
   */
  private listingMetadata(): { zone: string; instance?: string; displayName: string; characters: string } {
    return {
      zone: this.zone.id,
      ...(this.instance !== undefined ? { instance: this.instance } : {}),
      displayName: this.map.displayName,
      characters: [...this.players.values()].map((session) => session.player.name).join(", "),
    };
  }

  private updateListing(): void {
    this.listingStale = false;
    this.setMetadata(this.listingMetadata()).catch((error) =>
      logger.debug("the room's listing could not be updated", { zone: this.zone.id, roomId: this.roomId, error: (error as Error).message }),
    );
  }

  /**
   * What the monitor shows of this room (@colyseus/monitor's `getInspectData`), each client
   * with the character it plays: `name` and `characterId` next to its `sessionId`.
   */
  async getInspectData(): Promise<Record<string, unknown>> {
    const inspect = (Room.prototype as unknown as { getInspectData?: () => Promise<Record<string, unknown>> }).getInspectData;
    const data = inspect ? await inspect.call(this) : {};
    const clients = (data.clients ?? []) as Array<{ sessionId: string }>;
    data.clients = clients.map((client) => {
      const session = this.sessions.get(client.sessionId);
      return { ...client, name: session?.player.name ?? null, characterId: session?.characterId ?? null };
    });
    return data;
  }

  private readonly onAdminBroadcast = (text: string) => {
    this.broadcast(ServerMessage.Notice, { text: `[Server] ${text}` });
  };

  override onDispose() {
    for (const system of this.systems?.all ?? []) system.dispose?.();
    liveRooms.delete(this);
    this.presence.unsubscribe(BROADCAST_CHANNEL, this.onAdminBroadcast);
    logger.info("room disposed", { zone: this.zone.id, roomId: this.roomId });
  }

  /**
   * Errors thrown inside this room's handlers, timers and ticks: logged with their stacks.
   * A join this room refused on purpose (a bad ticket: a ServerError with a 4xx code) is
   * the client's doing: one warning, no stack.
   */
  override onUncaughtException(error: Error, methodName: string) {
    const cause = (error as { cause?: Error }).cause ?? error;
    if (cause instanceof ServerError && cause.code >= 400 && cause.code < 500) {
      logger.warn(`${methodName} refused: ${cause.message}`, { zone: this.zone?.id, roomId: this.roomId, code: cause.code });
      return;
    }
    logger.error(`uncaught exception in ${methodName}`, { zone: this.zone?.id, roomId: this.roomId, error: cause });
  }

  private watchClientTraffic(client: ZoneClient): void {
    watchTraffic(
      (client as unknown as { ref?: Parameters<typeof watchTraffic>[0] }).ref,
      {
        zone: this.zone.id,
        roomId: this.roomId,
        sessionId: client.sessionId,
      },
      [this.traffic, zoneTrafficTally(this.zone.id)],
    );
  }
}

function parseTransferFailed(raw: unknown): { reason: string } | string {
  const reason = (raw as { reason?: unknown } | null)?.reason;
  if (typeof reason !== "string") return "reason must be a string";
  return { reason: reason.slice(0, 200) };
}
