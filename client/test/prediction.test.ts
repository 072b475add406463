/**
 * Reconciliation of the own character, with real parts: a real zone room (the server of
 * server/test/helpers.ts, in this process), a real @colyseus/sdk client, the SDK's own
 * `Predict`/`Reconciler` bound by the client's `predictSelf`, and the shared step.
 *
 * Determinism: the frame clock is the test's. `predict.tick(now)` — where reconciling,
 * smoothing and step pacing happen — is only ever called with explicit `now` values, and
 * never while the test awaits the network. The server runs on its own clock, but the
 * tests only look at what it acknowledged: they wait until every input sent was
 * processed (or send more inputs without awaiting, so they are surely still in flight)
 * before the next tick, so what a tick reconciles against is known exactly.
 */
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Client, type InputHandle, type Room } from "@colyseus/sdk";
import {
  applyMoveInput,
  getZoneMap,
  PLAYER_HALF_SIZE,
  PLAYER_SPEED,
  TICK_SECONDS,
  TILE_SIZE,
  type MoveIntent,
  type Player,
  type Walker,
  type ZoneMap,
  type ZoneState,
} from "@oatnut/shared";
import type { ZoneRoom } from "../../server/src/rooms/ZoneRoom.ts";
import { api, createCharacter, signUp, startTestGame, waitFor, type TestGame } from "../../server/test/helpers.ts";
import { MovePump, STEP_MS, type MoveInputData } from "../src/game/movePump.ts";
import { createPredict, predictSelf, SELF_SMOOTH_MS, SNAP_DISTANCE, type SelfReconciler } from "../src/game/prediction.ts";
import { FakeWindow } from "./fakeWindow.ts";

/** One step of walking, in px. */
const STEP = PLAYER_SPEED * TICK_SECONDS;
/** One animation frame at 60 Hz, ms. */
const FRAME_MS = 1000 / 60;
const RIGHT: MoveIntent = { dx: 1, dy: 0 };
const LEFT: MoveIntent = { dx: -1, dy: 0 };
const STILL: MoveIntent = { dx: 0, dy: 0 };

let game: TestGame;
let sdk: Client;
const rooms: Room[] = [];
before(async () => {
  game = await startTestGame();
  sdk = new Client(game.baseUrl);
});
afterEach(async () => {
  await Promise.all(rooms.splice(0).map((room) => (room.connection.isOpen ? room.leave().catch(() => {}) : undefined)));
});
after(async () => {
  await game.stop();
});

let characterCount = 0;

/** A character in the starting zone, its prediction bound, and the test's frame clock. */
class Rig {
  now = 1000;

  constructor(
    readonly room: Room<any, ZoneState>,
    readonly predict: ReturnType<typeof createPredict>,
    readonly input: InputHandle<MoveInputData>,
    readonly player: Player,
    readonly map: ZoneMap,
    readonly me: SelfReconciler,
  ) {}

  /** Advances the frame clock by `ms` and ticks the prediction (as a frame does); returns the due steps. */
  frame(ms = FRAME_MS): number {
    this.now += ms;
    return this.predict.tick(this.now);
  }

  /** Sends one input, as the move pump does. */
  send(intent: MoveIntent): void {
    this.input.data.dx = intent.dx;
    this.input.data.dy = intent.dy;
    assert.ok(this.input.send() > 0, "the input was sent");
  }

  /** The zone room on the server (in this process). */
  serverRoom(): ZoneRoom {
    return game.colyseus.getRoomById(this.room.roomId) as unknown as ZoneRoom;
  }

  /** The own character as the server has it (in this process). */
  serverPlayer(): Player {
    return this.serverRoom().state.players.get(this.room.sessionId)!;
  }

  /** Waits (without ticking) until the server processed every input sent and its patch was decoded. */
  async acknowledged(): Promise<void> {
    await waitFor(() => this.input.lastProcessed === this.input.sentCount, "every input acknowledged");
  }

  /** What the shared step makes of `commands` from `from`, with the server's speed and hp. */
  expected(from: { x: number; y: number; facing: number }, commands: MoveIntent[]): { x: number; y: number; facing: number } {
    const walker: Walker = { x: from.x, y: from.y, facing: from.facing, speed: this.player.speed, hp: this.player.hp };
    for (const command of commands) applyMoveInput(walker, command, TICK_SECONDS, this.map);
    return { x: walker.x, y: walker.y, facing: walker.facing };
  }

  rendered(): { x: number; y: number } {
    return { x: this.predict.value(this.player, "x"), y: this.predict.value(this.player, "y") };
  }

  predicted(): { x: number; y: number; facing: number } {
    const { x, y, facing } = this.me.state;
    return { x, y, facing };
  }
}

async function enterZone(): Promise<Rig> {
  const { token } = await signUp(game.baseUrl);
  const character = await createCharacter(game.baseUrl, token, `Seer_${++characterCount}`);
  const play = await api(game.baseUrl, "POST", `/api/characters/${character.id}/play`, { token });
  assert.equal(play.status, 200, JSON.stringify(play.body));
  const room = await sdk.consumeSeatReservation<ZoneState>(play.body);
  rooms.push(room);
  // As the zone session does: the driver and the input handle right after joining.
  const predict = createPredict(room);
  const input = room.input<MoveInputData>({ mode: "reliable" });
  const player = await waitFor(() => room.state.players?.get(room.sessionId), "the own character in the state");
  assert.ok(player.speed > 0 && player.hp > 0, "the owner sees its speed and hp");
  const map = getZoneMap(room.state.zone);
  const me = predictSelf(predict, player, input, map);
  const rig = new Rig(room, predict, input, player, map, me);
  rig.frame();
  return rig;
}

describe("own character prediction (real room, SDK reconciler, shared step)", () => {
  it("applies an input to the predicted state the moment it is sent, and renders it within a frame", async () => {
    const rig = await enterZone();
    const start = rig.predicted();
    assert.deepEqual({ x: start.x, y: start.y }, { x: rig.player.x, y: rig.player.y }, "the prediction starts from the server's state");
    for (let i = 0; i < 3; i++) rig.frame();

    rig.send(RIGHT);
    // No round trip yet: only the prediction knows.
    assert.equal(rig.player.x, start.x, "the server's state has not changed yet");
    assert.deepEqual(rig.predicted(), rig.expected(start, [RIGHT]), "predicted with the server's step");
    assert.equal(rig.me.state.x, start.x + STEP);

    rig.frame();
    const drawn = rig.rendered().x;
    assert.ok(drawn > start.x && drawn < start.x + STEP, `the next frame draws it on its way (${drawn})`);
    rig.frame(50);
    assert.equal(rig.rendered().x, start.x + STEP, "one step later it is drawn where it is predicted");

    await rig.acknowledged();
    assert.equal(rig.player.x, start.x + STEP, "the server came to the same position");
    rig.frame();
    assert.equal(rig.rendered().x, start.x + STEP, "and nothing was corrected");

    // Disposed: sends are no longer predicted, and rendering falls back to interpolation.
    rig.me.dispose();
    rig.send(RIGHT);
    assert.equal(rig.me.state.x, start.x + STEP, "a disposed reconciler predicts nothing");
    await rig.acknowledged();
    // (Interpolation renders on the room's real clock, a patch interval or two behind.)
    await waitFor(() => {
      rig.frame();
      return rig.rendered().x === rig.player.x;
    }, "the interpolated server position drawn after disposal");
  });

  it("agrees with the server along a walk into a wall: nothing is corrected", async () => {
    const rig = await enterZone();
    const start = rig.predicted();
    const wall = TILE_SIZE + PLAYER_HALF_SIZE; // the plaza's west wall is column 0
    const commands: MoveIntent[] = [];
    // Two more steps than the way to the wall, one per 50 ms frame like the pump, with
    // a reconcile every frame against whatever the server acknowledged meanwhile.
    const steps = Math.ceil((start.x - wall) / STEP) + 2;
    const reconciles = rig.me.reconcileSeq;
    for (let i = 0; i < steps; i++) {
      rig.send(LEFT);
      commands.push(LEFT);
      assert.deepEqual(rig.predicted(), rig.expected(start, commands), `step ${i + 1} predicted with the shared step`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      rig.frame(50);
      assert.deepEqual(rig.predicted(), rig.expected(start, commands), `step ${i + 1} still predicted after the reconcile`);
    }
    assert.equal(rig.me.state.x, wall, "stopped flush against the wall");
    await rig.acknowledged();
    rig.frame(50);
    assert.ok(rig.me.reconcileSeq > reconciles, "the prediction was checked against the server");
    assert.deepEqual({ x: rig.player.x, y: rig.player.y }, { x: wall, y: start.y }, "the server stopped at the same place");
    assert.deepEqual(rig.predicted(), { x: wall, y: start.y, facing: rig.player.facing });
    assert.deepEqual(rig.rendered(), { x: wall, y: start.y }, "drawn exactly there: no correction offset");
  });

  it("rebases on a server correction, replays the inputs in flight, and glides to it", async () => {
    const rig = await enterZone();
    await rig.acknowledged();
    rig.frame(50);

    // The server overrules the prediction (as a put-back or a knock-back would): 20 px down.
    const correction = 20;
    const server = rig.serverPlayer();
    server.y = Math.fround(server.y + correction);
    rig.send(STILL); // an input whose acknowledgement carries the corrected state
    await rig.acknowledged();
    assert.equal(rig.player.y, server.y, "the client decoded the corrected state");
    const truth = { x: rig.player.x, y: rig.player.y, facing: rig.player.facing };

    // Three more inputs, surely in flight (no await since): predicted from the stale state.
    const inFlight = [RIGHT, RIGHT, RIGHT];
    for (const command of inFlight) rig.send(command);
    const stale = rig.predicted();
    assert.equal(stale.y, truth.y - correction, "not corrected before the reconcile");
    const drawnBefore = rig.rendered();

    // The reconcile (a frame of 0 ms, so nothing else moves).
    rig.frame(0);
    assert.deepEqual(rig.predicted(), rig.expected(truth, inFlight), "rebased on the server's state plus the replayed inputs");
    const drawnAfter = rig.rendered();
    assert.ok(
      Math.abs(drawnAfter.x - drawnBefore.x) < 1e-9 && Math.abs(drawnAfter.y - drawnBefore.y) < 1e-9,
      "the drawn position does not jump at the reconcile",
    );

    // Then it glides: the remaining error only shrinks, by less than the correction per frame.
    const target = rig.me.state.y;
    let previous = Math.abs(target - drawnAfter.y);
    let elapsed = 0;
    let atSmoothMs = NaN;
    while (elapsed < 10 * SELF_SMOOTH_MS) {
      rig.frame();
      elapsed += FRAME_MS;
      const remaining = Math.abs(target - rig.rendered().y);
      assert.ok(remaining <= previous + 1e-9, `the error never grows (${remaining} after ${previous})`);
      assert.ok(previous - remaining < correction / 2, "no frame pops across the correction");
      if (Number.isNaN(atSmoothMs) && elapsed >= SELF_SMOOTH_MS + 50) atSmoothMs = remaining;
      previous = remaining;
    }
    assert.ok(
      atSmoothMs > 0.1 * correction && atSmoothMs < 0.6 * correction,
      `a glide, not a snap: ${atSmoothMs} px left one smoothing time after the step ended`,
    );
    assert.ok(previous < 0.01, `converged to the predicted position (${previous} px left)`);
    assert.equal(rig.rendered().x, rig.me.state.x);

    // Once the server has processed those inputs, it agrees with the prediction.
    await rig.acknowledged();
    rig.frame();
    assert.deepEqual({ x: rig.player.x, y: rig.player.y }, { x: rig.me.state.x, y: rig.me.state.y });
  });

  it("jumps at once to a server teleport farther than the snap distance", async () => {
    const rig = await enterZone();
    await rig.acknowledged();
    rig.frame(50);

    const server = rig.serverPlayer();
    const to = { x: Math.fround(server.x + 8 * TILE_SIZE), y: Math.fround(server.y + 3 * TILE_SIZE) };
    assert.ok(Math.hypot(to.x - server.x, to.y - server.y) > SNAP_DISTANCE);
    server.x = to.x;
    server.y = to.y;
    rig.send(STILL);
    await rig.acknowledged();
    rig.send(RIGHT); // in flight
    rig.frame(0);
    const expected = rig.expected({ ...to, facing: rig.player.facing }, [RIGHT]);
    assert.deepEqual({ x: rig.me.state.x, y: rig.me.state.y }, { x: expected.x, y: expected.y }, "rebased on the teleport");
    assert.deepEqual(rig.rendered(), { x: expected.x, y: expected.y }, "drawn there on the same frame: no glide across the map");
  });

  it("is not disturbed by hp changes, and stops predicting movement when the server says the character died", async () => {
    const rig = await enterZone();
    await rig.acknowledged();
    rig.frame(50);
    const server = rig.serverPlayer();

    // A hit while walking: hp changes, the prediction stays exact.
    const start = rig.predicted();
    rig.send(RIGHT);
    server.hp -= 30;
    rig.send(RIGHT);
    await rig.acknowledged();
    assert.equal(rig.player.hp, server.hp, "the client decoded the hit");
    rig.send(RIGHT);
    rig.frame(50);
    assert.deepEqual(rig.predicted(), rig.expected(start, [RIGHT, RIGHT, RIGHT]), "the prediction went on undisturbed");
    assert.deepEqual(rig.rendered(), { x: rig.me.state.x, y: rig.me.state.y }, "no correction was needed");
    await rig.acknowledged();
    rig.frame(50);

    // Death with inputs in flight: the server does not move a dead character, so the
    // two steps predicted before the client knew are taken back, smoothly.
    const beforeDeath = rig.predicted();
    rig.send(RIGHT);
    rig.send(RIGHT);
    server.hp = 0; // before the server has received those two inputs
    assert.equal(rig.me.state.x, beforeDeath.x + 2 * STEP, "predicted while the client thought it alive");
    await rig.acknowledged();
    assert.equal(rig.player.hp, 0);
    const drawnBefore = rig.rendered();
    rig.frame(0);
    assert.equal(rig.me.state.x, beforeDeath.x, "rebased where the server froze it");
    assert.ok(Math.abs(rig.rendered().x - drawnBefore.x) < 1e-9, "no pop at the reconcile");
    for (let t = 0; t < 10 * SELF_SMOOTH_MS; t += FRAME_MS) rig.frame();
    assert.ok(Math.abs(rig.rendered().x - beforeDeath.x) < 0.01, "glided back to where it died");

    // While dead, inputs predict no movement at all (the shared step reads the server's hp).
    rig.send(RIGHT);
    assert.equal(rig.me.state.x, beforeDeath.x, "a dead character is not predicted to move");
    await rig.acknowledged();
    assert.equal(rig.player.x, beforeDeath.x);
  });

  it("paces the move pump on real time: a key press at once, then one input per step held, each predicted once", async () => {
    const rig = await enterZone();
    // This test's clock runs seconds of frames in milliseconds: the inputs of those seconds
    // reach the server at once, far over a client's real-time rate limit. Lift its room's.
    rig.serverRoom().boundary.setFrameLimit("input", { perSecond: 1000, burst: 1000 });
    const page = new FakeWindow();
    const keyboard = page.keyboard();
    const pump = new MovePump(rig.input, keyboard);
    const frame = (ms = FRAME_MS) => {
      const due = rig.frame(ms);
      page.now = rig.now;
      pump.update(rig.now, due);
      return due;
    };
    // Idle: zero inputs keep the clock warm, one per due step, then only a beacon now and then.
    let sent = rig.input.sentCount;
    let due = 0;
    for (let t = 0; t < 1000; t += FRAME_MS) due += frame();
    assert.ok(
      due >= 19 && rig.input.sentCount - sent === due,
      `warm-up: one zero input per due step (${rig.input.sentCount - sent} for ${due})`,
    );
    for (let t = 0; t < 1500; t += FRAME_MS) frame();
    sent = rig.input.sentCount;
    for (let t = 0; t < 2000; t += FRAME_MS) frame();
    assert.ok(rig.input.sentCount - sent <= 2, "idle after the warm-up: a beacon a second");
    const start = rig.predicted();

    // The key goes down between two frames: the next frame sends (and predicts) its first step.
    const pressedAt = rig.now + 5;
    page.key("keydown", "ArrowRight", pressedAt);
    sent = rig.input.sentCount;
    frame();
    assert.equal(rig.input.sentCount - sent, 1, "the key press is sent on its frame");
    assert.equal(rig.me.state.x, start.x + STEP, "and predicted on its frame");
    // Held through a second at 60 fps, then a second at 5 fps: one step per 50 ms either way.
    for (let t = 0; t < 1000; t += FRAME_MS) frame();
    const at60 = rig.input.sentCount - sent;
    for (let t = 0; t < 1000; t += 200) frame(200);
    const at5 = rig.input.sentCount - sent - at60;
    assert.equal(at60, Math.floor((rig.now - 1000 - pressedAt) / STEP_MS) + 1, "60 fps: one input per 50 ms held");
    assert.equal(at5, 20, "5 fps: four inputs a frame, twenty a second");

    // Released between frames: the steps due before the release go right, then one zero input.
    const releasedAt = rig.now + 130;
    page.key("keyup", "ArrowRight", releasedAt);
    frame(200);
    const steps = Math.ceil((releasedAt - pressedAt) / STEP_MS);
    assert.equal(rig.input.sentCount - sent, steps + 1, `${steps} steps for ${releasedAt - pressedAt} ms held, and the zero input`);
    assert.equal(rig.me.state.x, start.x + steps * STEP, "each of them predicted once");
    for (let t = 0; t < 500; t += FRAME_MS) frame();
    assert.equal(rig.input.sentCount - sent, steps + 1, "then nothing");

    // A one-frame tap at 60 fps is exactly one step.
    const beforeTap = rig.me.state.x;
    page.key("keydown", "ArrowLeft", rig.now + 2);
    page.key("keyup", "ArrowLeft", rig.now + 14);
    for (let t = 0; t < 200; t += FRAME_MS) frame();
    assert.equal(rig.me.state.x, beforeTap - STEP, "a tap moves one step");

    await rig.acknowledged();
    rig.frame(50);
    assert.deepEqual({ x: rig.player.x, y: rig.player.y }, { x: rig.me.state.x, y: rig.me.state.y }, "the server agrees");
  });
});
