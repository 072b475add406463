/**
 * A zone room: one instance per zone, holding the zone's players in delta-synced state.
 * It wires the lifecycle and delegates the simulation to systems run by one fixed tick.
 *
 * Entry: only through an entry ticket issued by the server (POST /api/characters/:id/play),
 * redeemed once on join. Client-initiated matchmaking into a zone is refused.
 * Saving: on leave (after the reconnection window when a connection drops), every
 * AUTOSAVE_SECONDS for everyone, when a session is taken over, and on graceful shutdown.
 */
import { type Client, type Deferred, Room, ServerError } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import {
  CloseCode, Facing, getZoneMap, INPUT_BUFFER_SIZE, isWalkable, MOVE_AXIS_RANGE, MoveInput, OWNER_VIEW,
  PATCH_RATE_MS, Player, PLAYER_SPEED, ServerMessage, TICK_RATE, ZoneState, type ZoneMap,
} from "@oatnut/shared";
import { Character } from "../db/models.ts";
import { logger } from "../logger.ts";
import { sameSnapshot, type CharacterSnapshot } from "../persistence/saveService.ts";
import { clearLive, markLive } from "../world/liveCharacters.ts";
import { gameServices } from "../world/services.ts";
import { redeemTicket } from "../world/tickets.ts";
import { movementSystem } from "./systems/movement.ts";

/** Server-side data of one player's session (never sent to clients). */
export interface PlayerSession {
  sessionId: string;
  accountId: string;
  characterId: string;
  player: Player;
  /** What the database holds for this character, as far as this room knows. */
  saved: CharacterSnapshot | null;
  /** Pending reconnection after an unexpected disconnect. */
  reconnection?: Deferred<Client>;
}

export interface ZoneRoomOptions {
  zone: string;
}

/** Options a seat reservation carries into `onJoin`. */
export interface ZoneJoinOptions {
  ticket?: string;
}

export type ZoneClient = Client<{ userData: PlayerSession }>;

export class ZoneRoom extends Room<{ state: ZoneState; client: ZoneClient; input: MoveInput }> {
  map!: ZoneMap;
  /** Live sessions by session id. */
  readonly sessions = new Map<string, PlayerSession>();
  /** Set during shutdown: the world stops moving so the saved position is the last one sent. */
  private frozen = false;

  /** Zones are entered with a seat reservation from the server, never by client matchmaking. */
  static override async onAuth(): Promise<unknown> {
    throw new ServerError(403, "zones are entered through POST /api/characters/:id/play");
  }

  override onCreate(options: ZoneRoomOptions) {
    this.map = getZoneMap(options.zone);
    this.state = new ZoneState();
    this.state.zone = this.map.id;
    this.patchRate = PATCH_RATE_MS;
    this.inputs = this.defineInput(MoveInput, {
      bufferMaxSize: INPUT_BUFFER_SIZE,
      sanitize: { dx: MOVE_AXIS_RANGE, dy: MOVE_AXIS_RANGE },
    });
    this.setFixedTimestep((step) => this.tick(step.dt), TICK_RATE);
    this.clock.setInterval(() => void this.autosave(), gameServices().config.autosaveSeconds * 1000);
    logger.info("room created", { zone: this.map.id, roomId: this.roomId });
  }

  /** One fixed step: every system, in order. */
  protected tick(dt: number): void {
    if (this.frozen) return;
    movementSystem(this, dt);
  }

  override async onJoin(client: ZoneClient, options: ZoneJoinOptions) {
    const ticket = await redeemTicket(this.presence, options?.ticket);
    if (!ticket || ticket.zone !== this.map.id) {
      throw new ServerError(403, "invalid, expired or already used entry ticket");
    }
    const character = await Character.findById(ticket.characterId).lean();
    if (!character || String(character.accountId) !== ticket.accountId) {
      throw new ServerError(404, "character not found");
    }
    // Two entries for one character raced past `play`: the newest session wins here too.
    await this.evictCharacter(ticket.characterId, "taken over by a newer session");

    const inZone = character.zone === this.map.id && isWalkable(character, this.map);
    const position = inZone ? { x: character.x, y: character.y } : this.map.spawn;
    const player = new Player();
    player.name = character.name;
    player.x = Math.fround(position.x);
    player.y = Math.fround(position.y);
    player.facing = Facing.Down;
    player.characterId = ticket.characterId;
    player.speed = PLAYER_SPEED;
    this.state.players.set(client.sessionId, player);
    client.view = new StateView();
    client.view.add(player, OWNER_VIEW);

    const session: PlayerSession = {
      sessionId: client.sessionId,
      accountId: ticket.accountId,
      characterId: ticket.characterId,
      player,
      saved: inZone ? { zone: this.map.id, x: character.x, y: character.y } : null,
    };
    client.userData = session;
    this.sessions.set(client.sessionId, session);
    await markLive(this.presence, session.characterId, { roomId: this.roomId, sessionId: client.sessionId });
    logger.info("player joined", { zone: this.map.id, roomId: this.roomId, characterId: session.characterId, name: player.name });
  }

  override onDrop(client: ZoneClient) {
    const session = this.sessions.get(client.sessionId);
    // No waiting for a reconnection while the room is shutting down: onLeave saves at once.
    if (!session || this.frozen || gameServices().config.reconnectSeconds === 0) return;
    logger.info("player dropped; waiting for reconnection", {
      zone: this.map.id, roomId: this.roomId, characterId: session.characterId, seconds: gameServices().config.reconnectSeconds,
    });
    session.reconnection = this.allowReconnection(client, gameServices().config.reconnectSeconds);
  }

  override onReconnect(client: ZoneClient) {
    const session = this.sessions.get(client.sessionId);
    if (!session) return;
    session.reconnection = undefined;
    logger.info("player reconnected", { zone: this.map.id, roomId: this.roomId, characterId: session.characterId });
  }

  override async onLeave(client: ZoneClient) {
    const session = this.sessions.get(client.sessionId);
    if (!session) return;
    await this.removeSession(session);
    logger.info("player left", { zone: this.map.id, roomId: this.roomId, characterId: session.characterId });
  }

  /**
   * Saves a character's session, removes it from the world and disconnects its client.
   * Called by `play` (through `matchMaker.remoteRoomCall`, from any process) when the
   * character is entered again elsewhere: the old session is saved first, then closed.
   * @returns whether the character was live in this room
   */
  async evictCharacter(characterId: string, reason: string): Promise<boolean> {
    const session = [...this.sessions.values()].find((s) => s.characterId === characterId);
    if (!session) return false;
    await this.removeSession(session);
    const client = this.clients.get(session.sessionId);
    if (client) client.leave(CloseCode.TakenOver, reason);
    else session.reconnection?.reject(new Error(reason));
    logger.info("player taken over", { zone: this.map.id, roomId: this.roomId, characterId, reason });
    return true;
  }

  /** Saves if changed, then removes the player from state and from the live registry. */
  private async removeSession(session: PlayerSession): Promise<void> {
    this.sessions.delete(session.sessionId);
    this.state.players.delete(session.sessionId);
    try {
      await this.savePlayer(session);
    } finally {
      await clearLive(this.presence, session.characterId, session.sessionId);
    }
  }

  /** Writes the character if its saved data differs from the live one. */
  protected async savePlayer(session: PlayerSession): Promise<boolean> {
    const snapshot: CharacterSnapshot = { zone: this.map.id, x: session.player.x, y: session.player.y };
    if (sameSnapshot(session.saved, snapshot)) return true;
    const written = await gameServices().saves.save(session.characterId, snapshot);
    if (written) session.saved = snapshot;
    return written;
  }

  /** Saves every live character that changed since its last save. */
  async autosave(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => this.savePlayer(session)));
    if (gameServices().saves.parkedCount > 0) await gameServices().saves.retryParked();
  }

  /** Graceful shutdown: freeze the world, tell players, save everyone, then disconnect. */
  override onBeforeShutdown() {
    this.frozen = true;
    this.broadcast(ServerMessage.Notice, { text: "The server is restarting. Your progress is saved." });
    this.broadcastPatch();
    void this.autosave()
      .catch((error) => logger.error("saving before shutdown failed", { zone: this.map.id, error }))
      .finally(() => this.disconnect(CloseCode.ServerShutdown));
  }

  override onDispose() {
    logger.info("room disposed", { zone: this.map.id, roomId: this.roomId });
  }
}
