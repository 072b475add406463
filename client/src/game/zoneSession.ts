/**
 * One stay in a zone room: binds the synchronized state to the scene, predicts the own
 * character and interpolates everyone else, pumps movement input, relays notices and
 * transfer offers, and reports how the stay ended. Travelling between zones (one stay
 * after another) is `PlaySession`'s.
 *
 * Netcode (settings and the binding itself in prediction.ts):
 * - Remote players: the SDK's `Predict` in "lerp" mode is attached to every player's
 *   x/y. It buffers the samples each patch brings (stamped with the server's patch time
 *   — the room's clock runs because the room declared an input) and each frame renders
 *   every player `INTERPOLATION_DELAY_MS` (+ half the RTT) in the past, between the two
 *   samples around that instant, so motion is continuous instead of stepping at the
 *   patch rate.
 * - The own character: once both it (the `players` entry keyed by this session id) and
 *   the zone's collision map are known, `predict.reconciler` binds it with the server's
 *   own step. Its entry in `predict.value()` is then the predicted position, so the
 *   render code reads every character the same way. Each frame: `predict.tick(now)`
 *   (reconcile with the latest acknowledged patch) → the move pump sends the walk's
 *   steps due by then, one per fixed step of real time however long the frame was, on
 *   `input.send()` (each one predicted at once) → read `predict.value()` and draw. The
 *   own facing comes from the predicted state, so the character turns on the key press too.
 * - The reconciler is disposed whenever its instance stops being the own character: the
 *   player left the state (a transfer under way), was replaced by a new decoded instance,
 *   or the stay ended. It is bound again from the next state that has one. A reconnect
 *   needs nothing here: the SDK resets the input handle and the reconciler follows.
 *
 * Area of interest: the server sends only players near this one, so players appear and
 * disappear while the stay goes on. One that appears is drawn where it is at once (its
 * samples start with the position it arrived with); one that disappears is removed with
 * its listeners; a jump larger than `SNAP_DISTANCE` (the server put someone back) snaps
 * instead of gliding across the map — for the own character too.
 */
import { Callbacks, type InputHandle, type Predict, type SeatReservation } from "@colyseus/sdk";
import { batchRoomInputs, ClientMessage, type ChatLine, ServerMessage, type Player, type ZoneMap, type ZoneState } from "@oatnut/shared";
import type { Keyboard } from "../input/keyboard.ts";
import { leaveMessage, type ZoneRoom } from "../network/zone.ts";
import type { Stage } from "../render/stage.ts";
import { ZoneScene, type RenderedCharacter } from "../render/zoneScene.ts";
import type { NameLabelSnapshot, ZoneFightSnapshot } from "../snapshot.ts";
import { MovePump, type MoveInputData } from "./movePump.ts";
import { createPredict, predictSelf, type SelfReconciler } from "./prediction.ts";
import { CombatCues, type GameplayCue } from "./combatCues.ts";
import { PlayerActions } from "./playerActions.ts";
import { WorldMirror, type WorldSnapshot } from "./worldMirror.ts";
import { zoneDisplayName, zoneMap } from "./zones.ts";

/** How long a requested leave may take before the socket is simply closed. */
const LEAVE_TIMEOUT_MS = 3000;

/** What the server offers when the character walked into a portal. */
export interface TransferOffer {
  zone: string;
  reservation: SeatReservation;
}

export interface ZoneSessionEvents {
  /** The zone is known (first state). */
  zone(map: ZoneMap): void;
  /** The own character's name (from the state). */
  selfName(name: string): void;
  /** A server notice to show the player. */
  notice(text: string): void;
  /** A chat line (zone chat or a whisper). */
  chat(line: ChatLine): void;
  /** The connection dropped; the SDK is trying to reconnect. */
  connectionLost(): void;
  /** The SDK reconnected after a drop. */
  connectionRestored(): void;
  /** The character walked into a portal; input has already stopped. */
  transfer(offer: TransferOffer): void;
  /** Something of the fight to tell the player (level up, pickup, a skill carried out). */
  cue(cue: GameplayCue): void;
  /** The stay is over; `message` says why, or is null when the player chose to leave. */
  ended(message: string | null): void;
}

export interface ZoneSnapshot {
  zone: string | null;
  self: RenderedCharacter | null;
  /** The own character's last authoritative position (not smoothed). */
  selfServer: { x: number; y: number } | null;
  /** The own character's predicted position (exact, not smoothed); null while not predicted. */
  selfPredicted: { x: number; y: number } | null;
  others: RenderedCharacter[];
  /** Monsters, loot, the own character's numbers, the target and fight cues. */
  gameplay: WorldSnapshot & ZoneFightSnapshot;
  /** The name labels drawn on screen (CSS pixels). */
  nameLabels: NameLabelSnapshot[];
  /** Frames drawn in this stay. */
  frame: number;
  /** The last input round trip (send → acknowledging patch), ms; 0 before the first. */
  rttMs: number;
  /** The render timeline caught up with the estimated server time (see OatnutSnapshot). */
  clockSettled: boolean;
  /** Server time of the last patch (see OatnutSnapshot). */
  serverTimeMs: number;
}

export class ZoneSession {
  /** Monsters, loot and the own character's numbers, followed from the state (worldMirror.ts). */
  readonly world: WorldMirror;
  /** The player's fight actions: target, attack, use an item, pick up (playerActions.ts). */
  readonly actions: PlayerActions;
  /** The server's fight cues turned into effects and HUD cues (combatCues.ts). */
  private readonly cues: CombatCues;
  private readonly predict: Predict<ZoneState>;
  private readonly players = new Map<string, Player>();
  /** Per player: stops listening to its fields when it leaves the view. */
  private readonly playerListeners = new Map<string, () => void>();
  private readonly input: InputHandle<MoveInputData> | null = null;
  private readonly pump: MovePump | null = null;
  /** The own character's prediction, while it is bound (see `bindSelf`). */
  private self: { player: Player; reconciler: SelfReconciler } | null = null;
  private map: ZoneMap | null = null;
  private frames = 0;
  private readonly disposers: Array<() => void> = [];
  private scene: ZoneScene | null = null;
  private zoneId: string | null = null;
  /** Set when the player (or this client) asked to leave: the message to end with. */
  private exitMessage: string | null | undefined = undefined;
  private ended = false;
  /** Handed over to the next zone's session: end quietly, leave the screen alone. */
  private handedOff = false;
  /** No input goes out (a transfer is under way). */
  private inputSuspended = false;

  /**
   * Must be constructed synchronously right after the room was joined: the first
   * state and messages arrive on the next socket events.
   * @param expectedZone the zone this room is for, when known before its state arrives
   */
  constructor(
    private readonly room: ZoneRoom,
    private readonly stage: Stage,
    private readonly keyboard: Keyboard,
    private readonly events: ZoneSessionEvents,
    private readonly expectedZone: string | null = null,
  ) {
    room.onMessage(ServerMessage.Notice, (message: { text?: unknown } | undefined) => {
      if (typeof message?.text === "string" && message.text) events.notice(message.text);
    });
    room.onMessage(ServerMessage.Chat, (line: ChatLine) => {
      if (line && typeof line.text === "string" && typeof line.from === "string") events.chat(line);
    });
    room.onMessage(ServerMessage.Transfer, (message: unknown) => this.onTransfer(message));
    room.onLeave((code: number, reason?: string) => {
      this.finish(this.exitMessage !== undefined ? this.exitMessage : leaveMessage(code, reason));
    });
    room.onDrop(() => {
      if (!this.handedOff) events.connectionLost();
    });
    room.onReconnect(() => {
      this.pump?.warmUp(); // the SDK reset the input round trip: resync the clock
      if (!this.handedOff) events.connectionRestored();
    });
    room.onError((code: number, message?: string) => {
      if (!this.handedOff) events.notice(message ? `Server error: ${message}` : `Server error (code ${code}).`);
    });

    const callbacks = Callbacks.get(room);
    callbacks.listen("zone", (zone) => this.showZone(zone));
    callbacks.onAdd("players", (player, key) => {
      this.playerListeners.get(key)?.();
      this.players.set(key, player);
      // A new decoded instance of the own character: the prediction is bound to it anew.
      if (key === room.sessionId && this.self?.player !== player) this.unbindSelf();
      // The fields of a player arrive in the same patch as the player itself: x/y are current.
      this.scene?.addCharacter(key, player.name, key === room.sessionId, player.x, player.y, player.facing);
      this.playerListeners.set(
        key,
        callbacks.listen(player, "name", (name) => {
          this.scene?.renameCharacter(key, name);
          if (key === room.sessionId && name) events.selfName(name);
        }),
      );
    });
    callbacks.onRemove("players", (_player, key) => {
      if (key === room.sessionId) this.unbindSelf();
      this.playerListeners.get(key)?.();
      this.playerListeners.delete(key);
      this.players.delete(key);
      this.scene?.removeCharacter(key);
    });

    this.predict = createPredict(room);
    this.world = new WorldMirror(room, this.predict);
    this.actions = new PlayerActions({
      world: this.world,
      intents: {
        useSkill: (skill, target) => this.useSkill(skill, target),
        useItem: (item) => room.send(ClientMessage.UseItem, { item }),
        pickUp: (id) => room.send(ClientMessage.PickUp, { id }),
      },
      pvp: () => this.map?.pvp ?? false,
    });
    this.cues = new CombatCues({
      room,
      world: this.world,
      cue: (cue) => events.cue(cue),
      died: (eid) => this.actions.forget(eid),
      bitten: (eid) => this.actions.attackedBy(eid),
    });
    this.disposers.push(
      () => this.cues.dispose(),
      () => this.actions.dispose(),
      () => this.world.dispose(),
    );

    try {
      // Reliable mode: on WebSocket the unreliable mode travels the reliable channel anyway.
      // The input schema (the shared MoveInput) comes from the join handshake.
      const input = room.input<MoveInputData>({ mode: "reliable" });
      this.input = input;
      // Two inputs to a frame while the zone is busy (its state's inputsPerFrame;
      // shared/src/inputBatch.ts): a repeated step waits at most 1.5 steps for the next
      // one, and a step that changes anything goes at once.
      const batcher = batchRoomInputs(room, input.data);
      this.disposers.push(() => batcher.dispose());
      this.pump = new MovePump(input, keyboard);
      this.disposers.push(
        keyboard.onReleaseAll((at) => {
          if (this.inputSuspended) return;
          this.pump?.stopNow(at);
          // A hidden tab's timers are throttled: the stop goes out now, not with the next step.
          batcher.flush();
        }),
      );
    } catch (error) {
      console.error("room.input() failed", error);
      events.notice("Movement is unavailable: this zone did not declare its input.");
    }
  }

  /** The zone id, once the state said it (or the one this room was joined for). */
  get zone(): string | null {
    return this.zoneId ?? this.expectedZone;
  }

  /** Leaves the zone on the player's request; `ended(null)` follows. */
  async leave(): Promise<void> {
    await this.exit(null);
  }

  /** Stops sending input at once (nothing at all goes out, not even a stop). */
  suspendInput(): void {
    this.inputSuspended = true;
  }

  /**
   * Sends input again. After a failed transfer the keys held are ignored until released,
   * so a held key does not walk the character straight back into the portal.
   */
  resumeInput({ holdUntilRelease = false } = {}): void {
    this.inputSuspended = false;
    if (holdUntilRelease) this.keyboard.ignoreHeldKeys();
    // What was held while suspended is not walked afterwards.
    this.pump?.restart();
  }

  /** Tells this room the transfer it offered could not be completed. */
  reportTransferFailed(reason: string): void {
    try {
      this.room.send(ClientMessage.TransferFailed, { reason });
    } catch (error) {
      console.error("could not report the failed transfer", error);
    }
  }

  /**
   * The player went on to another zone's session: leave this room (consented) without
   * ending the game or touching what the screen shows — the next scene replaces this one.
   */
  handOff(): void {
    if (this.ended || this.handedOff) return;
    this.handedOff = true;
    this.inputSuspended = true;
    void this.exit(null);
  }

  /** Uses a skill (a `Skill` id) on the entity `target` (an eid) with the next input. */
  useSkill(skill: number, target: number): void {
    if (!this.inputSuspended) this.pump?.queueSkill(skill, target);
  }

  /** Sends a chat line to the zone, or a whisper to one character by name. */
  say(text: string, to?: string): void {
    if (to) this.room.send(ClientMessage.Whisper, { to, text });
    else this.room.send(ClientMessage.Chat, { text });
  }

  /**
   * Per animation frame, in the order prediction needs: reconcile, send the steps due
   * (each predicted at once), then read the positions and draw.
   */
  frame(now: number): void {
    if (this.ended) return;
    this.bindSelf();
    const dueSteps = this.predict.tick(now);
    // Input waits for the prediction: without it there is no own character to move. The
    // pump's clock is the present on the key events' clock, not the frame's timestamp: on a
    // busy page that lags behind keys already handled, which would then wait a frame more.
    if (this.self && !this.inputSuspended) this.pump?.update(Math.max(now, performance.now()), dueSteps);
    this.frames++;
    const scene = this.scene;
    if (!scene) return;
    for (const [key, player] of this.players) {
      const facing = key === this.room.sessionId && this.self ? this.self.reconciler.state.facing : player.facing;
      scene.placeCharacter(key, this.predict.value(player, "x"), this.predict.value(player, "y"), facing);
    }
    this.world.frame(scene);
    this.actions.frame(scene);
    scene.render(now, this.stage.width, this.stage.height);
  }

  /** What is drawn right now, for the test hook. */
  snapshot(): ZoneSnapshot {
    const own = this.players.get(this.room.sessionId);
    const predicted = this.self?.reconciler.state;
    return {
      zone: this.zone,
      self: this.scene?.renderedSelf() ?? null,
      selfServer: own ? { x: own.x, y: own.y } : null,
      selfPredicted: predicted ? { x: predicted.x, y: predicted.y } : null,
      others: this.scene?.renderedOthers() ?? [],
      gameplay: { ...this.world.snapshot(), target: this.actions.selected, ...this.cues.snapshot() },
      nameLabels: this.scene?.renderedLabels() ?? [],
      frame: this.frames,
      rttMs: this.room.clock.rtt(),
      clockSettled: clockSettled(this.room.clock),
      serverTimeMs: this.room.clock.lastServerTime(),
    };
  }

  /** Binds the own character's prediction once it and the zone's map are known. */
  private bindSelf(): void {
    if (this.self || !this.map || !this.input) return;
    const player = this.players.get(this.room.sessionId);
    if (!player) return;
    this.self = { player, reconciler: predictSelf(this.predict, player, this.input, this.map) };
  }

  private unbindSelf(): void {
    this.self?.reconciler.dispose();
    this.self = null;
  }

  private onTransfer(message: unknown): void {
    if (this.ended || this.handedOff) return;
    // Stop walking at once: the server has taken the character out of this zone.
    this.suspendInput();
    const offer = message as Partial<TransferOffer> | null;
    const reservation = offer?.reservation as Partial<SeatReservation> | undefined;
    if (
      !offer ||
      typeof offer.zone !== "string" ||
      !reservation ||
      typeof reservation.roomId !== "string" ||
      typeof reservation.sessionId !== "string"
    ) {
      console.error("unexpected transfer message", message);
      this.reportTransferFailed("the client received an unreadable transfer");
      this.resumeInput({ holdUntilRelease: true });
      return;
    }
    this.events.transfer({ zone: offer.zone, reservation: offer.reservation as SeatReservation });
  }

  private showZone(zone: string): void {
    if (!zone || zone === this.zoneId || this.ended) return;
    let map: ZoneMap;
    try {
      map = zoneMap(zone);
    } catch (error) {
      console.error(error);
      void this.exit(`This client does not know the zone "${zone}". Try reloading the page.`);
      return;
    }
    this.zoneId = zone;
    this.map = map;
    let scene: ZoneScene;
    try {
      scene = new ZoneScene(map, this.stage.art, zoneDisplayName);
    } catch (error) {
      console.error(error);
      const detail = error instanceof Error ? error.message : String(error);
      void this.exit(`The zone "${map.displayName}" cannot be drawn (${detail}). Reload the page to try again.`);
      return;
    }
    for (const [key, player] of this.players) {
      scene.addCharacter(key, player.name, key === this.room.sessionId, player.x, player.y, player.facing);
    }
    this.scene = scene;
    this.stage.show(scene);
    this.events.zone(map);
  }

  private async exit(message: string | null): Promise<void> {
    if (this.ended || this.exitMessage !== undefined) return;
    this.exitMessage = message;
    const timeout = setTimeout(() => {
      this.room.connection?.close();
      this.finish(message);
    }, LEAVE_TIMEOUT_MS);
    try {
      await this.room.leave(true);
    } catch (error) {
      console.error("leaving the zone failed", error);
      this.finish(message);
    } finally {
      clearTimeout(timeout);
    }
  }

  private finish(message: string | null): void {
    if (this.ended) return;
    this.ended = true;
    for (const dispose of this.disposers) dispose();
    for (const dispose of this.playerListeners.values()) dispose();
    this.playerListeners.clear();
    this.unbindSelf();
    this.predict.dispose();
    this.players.clear();
    if (this.handedOff) {
      // The next zone's scene replaces this one on the stage (or already did).
      this.scene = null;
      return;
    }
    this.stage.clear();
    this.scene = null;
    this.events.ended(message);
  }
}

/** Lag of the render timeline behind the estimated server time below which the clock counts as settled (ms). */
const SETTLED_LAG_MS = 15;

/** Whether a room clock has measured round trips and its render timeline caught up (for tests). */
function clockSettled(clock: { smoothedRtt(): number; serverNow(): number; renderNow?(): number }): boolean {
  if (!(clock.smoothedRtt() > 0) || !clock.renderNow) return false;
  return Math.abs(clock.serverNow() - clock.renderNow()) < SETTLED_LAG_MS;
}
