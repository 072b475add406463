/**
 * One stay in a zone room: binds the synchronized state to the scene, smooths
 * positions, pumps movement input, relays notices, and reports how the stay ended.
 *
 * Remote interpolation: the SDK's `Predict` in "lerp" mode is attached to every
 * player's x/y. It buffers the samples each patch brings (stamped with the server's
 * patch time when the room's clock is running, which it is once the room declared an
 * input) and each frame renders every player `INTERPOLATION_DELAY_MS` (+ half the RTT)
 * in the past, between the two samples around that instant, so motion is continuous
 * instead of stepping at the patch rate. The own character is smoothed the same way
 * for now; client-side prediction will bind it with
 * `predict.reconciler(self, { input, step: stepMovement-based })`, which overlays
 * `predict.value(self, ...)` — the render code below does not change.
 */
import { Callbacks, Predict } from "@colyseus/sdk";
import { getZoneMap, PATCH_RATE_MS, ServerMessage, type Player, type ZoneMap, type ZoneState } from "@oatnut/shared";
import type { Keyboard } from "../input/keyboard.ts";
import { leaveMessage, type ZoneRoom } from "../network/zone.ts";
import type { Stage } from "../render/stage.ts";
import { ZoneScene, type RenderedCharacter } from "../render/zoneScene.ts";
import { MovePump, type MoveInputData } from "./movePump.ts";

/** How far in the past remote characters are drawn: two patch intervals absorb jitter. */
export const INTERPOLATION_DELAY_MS = 2 * PATCH_RATE_MS;

/** How long a requested leave may take before the socket is simply closed. */
const LEAVE_TIMEOUT_MS = 3000;

export interface ZoneSessionEvents {
  /** The zone is known (first state). */
  zone(map: ZoneMap): void;
  /** The own character's name (from the state). */
  selfName(name: string): void;
  /** A server notice to show the player. */
  notice(text: string): void;
  /** The connection dropped; the SDK is trying to reconnect. */
  connectionLost(): void;
  /** The SDK reconnected after a drop. */
  connectionRestored(): void;
  /** The stay is over; `message` says why, or is null when the player chose to leave. */
  ended(message: string | null): void;
}

export interface ZoneSnapshot {
  zone: string | null;
  self: RenderedCharacter | null;
  others: RenderedCharacter[];
}

export class ZoneSession {
  private readonly predict: Predict<ZoneState>;
  private readonly players = new Map<string, Player>();
  private readonly pump: MovePump | null = null;
  private readonly disposers: Array<() => void> = [];
  private scene: ZoneScene | null = null;
  private zoneId: string | null = null;
  /** Set when the player (or this client) asked to leave: the message to end with. */
  private exitMessage: string | null | undefined = undefined;
  private ended = false;

  /**
   * Must be constructed synchronously right after the room was joined: the first
   * state and messages arrive on the next socket events.
   */
  constructor(
    private readonly room: ZoneRoom,
    private readonly stage: Stage,
    keyboard: Keyboard,
    private readonly events: ZoneSessionEvents,
  ) {
    room.onMessage(ServerMessage.Notice, (message: { text?: unknown } | undefined) => {
      if (typeof message?.text === "string" && message.text) events.notice(message.text);
    });
    room.onLeave((code: number, reason?: string) => {
      this.finish(this.exitMessage !== undefined ? this.exitMessage : leaveMessage(code, reason));
    });
    room.onDrop(() => events.connectionLost());
    room.onReconnect(() => events.connectionRestored());
    room.onError((code: number, message?: string) => {
      events.notice(message ? `Server error: ${message}` : `Server error (code ${code}).`);
    });

    const callbacks = Callbacks.get(room);
    callbacks.listen("zone", (zone) => this.showZone(zone));
    callbacks.onAdd("players", (player, key) => {
      this.players.set(key, player);
      this.scene?.addCharacter(key, player.name, key === room.sessionId, player.x, player.y);
      callbacks.listen(player, "name", (name) => {
        this.scene?.renameCharacter(key, name);
        if (key === room.sessionId && name) events.selfName(name);
      });
    });
    callbacks.onRemove("players", (_player, key) => {
      this.players.delete(key);
      this.scene?.removeCharacter(key);
    });

    this.predict = Predict.get(room, { mode: "lerp", delay: INTERPOLATION_DELAY_MS });
    this.predict.attachAll("players", { fields: ["x", "y"] });

    try {
      // Reliable mode: on WebSocket the unreliable mode travels the reliable channel anyway.
      // The input schema (the shared MoveInput) comes from the join handshake.
      const input = room.input<MoveInputData>({ mode: "reliable" });
      this.pump = new MovePump(input, () => keyboard.intent());
      this.disposers.push(keyboard.onReleaseAll(() => this.pump?.stopNow()));
    } catch (error) {
      console.error("room.input() failed", error);
      events.notice("Movement is unavailable: this zone did not declare its input.");
    }
  }

  /** The zone id, once the state said it. */
  get zone(): string | null {
    return this.zoneId;
  }

  /** Leaves the zone on the player's request; `ended(null)` follows. */
  async leave(): Promise<void> {
    await this.exit(null);
  }

  /** Per animation frame: input first, then read the smoothed positions and draw. */
  frame(now: number): void {
    if (this.ended) return;
    // With a reconciler, tick() returns the fixed steps due: feed it to pump.sendSteps().
    this.predict.tick(now);
    this.pump?.update(now);
    const scene = this.scene;
    if (!scene) return;
    for (const [key, player] of this.players) {
      scene.placeCharacter(key, this.predict.value(player, "x"), this.predict.value(player, "y"), player.facing);
    }
    scene.render(now, this.stage.width, this.stage.height);
  }

  /** What is drawn right now, for the test hook. */
  snapshot(): ZoneSnapshot {
    return {
      zone: this.zoneId,
      self: this.scene?.renderedSelf() ?? null,
      others: this.scene?.renderedOthers() ?? [],
    };
  }

  private showZone(zone: string): void {
    if (!zone || zone === this.zoneId || this.ended) return;
    let map: ZoneMap;
    try {
      map = getZoneMap(zone);
    } catch {
      void this.exit(`This client does not know the zone "${zone}". Try reloading the page.`);
      return;
    }
    this.zoneId = zone;
    const scene = new ZoneScene(map, this.stage.textures);
    for (const [key, player] of this.players) {
      scene.addCharacter(key, player.name, key === this.room.sessionId, player.x, player.y);
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
    } finally {
      clearTimeout(timeout);
    }
  }

  private finish(message: string | null): void {
    if (this.ended) return;
    this.ended = true;
    for (const dispose of this.disposers) dispose();
    this.predict.dispose();
    this.stage.clear();
    this.scene = null;
    this.players.clear();
    this.events.ended(message);
  }
}
