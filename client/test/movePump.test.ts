/**
 * The move pump against the server's own movement system, on one explicit clock: the real
 * keyboard (key events stamped when they happen), the real pump sending at animation
 * frames of any rate, and the real server movement system (one input per tick plus the
 * INPUT_CATCH_UP bank) on a stub zone, receiving each input after a network delay. Nothing
 * waits on real time.
 *
 * What must hold at every frame rate: a held key walks one step per fixed step of real
 * time it was held (the same distance at 5 fps as at 60 fps), the server applies every
 * input the client sent (its buffer of INPUT_BUFFER_SIZE never overflows, so none is
 * dropped), the client stays inside its input rate limit, and the server ends where the
 * client's own steps put the character.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { InputHandle } from "@colyseus/sdk";
import {
  applyMoveInput,
  CLIENT_RATE_LIMITS,
  INPUT_BUFFER_SIZE,
  PLAYER_SPEED,
  seededRandom,
  TICK_SECONDS,
  type MoveIntent,
  type Walker,
} from "@oatnut/shared";
import { MovementSystem } from "../../server/src/rooms/systems/movement.ts";
import { stubZone, TICK_MS } from "../../server/test/systems/stubZone.ts";
import { MAX_STEPS_PER_FRAME, MovePump, STEP_MS, stepsAllowed, type MoveInputData } from "../src/game/movePump.ts";
import { FakeWindow } from "./fakeWindow.ts";

/** One step of walking, in px. */
const STEP = PLAYER_SPEED * TICK_SECONDS;

/** A long hall: room to walk 1.5 s either way from the middle. */
const HALL = ["#".repeat(42), `#${".".repeat(20)}S${".".repeat(19)}#`, `#${".".repeat(40)}#`, "#".repeat(42)];

/** An input as the pump sent it. */
interface Sent extends MoveIntent {
  /** Frame time it was sent at. */
  at: number;
  skill: number;
  target: number;
}

/**
 * An input handle that records what is sent (the pump reads `data`, calls `send()` and
 * reads `pendingCount`: the inputs sent the server has not acknowledged yet).
 */
function recordingInput(
  sent: Sent[],
  clock: { now: number },
  { open = () => true, acknowledged = () => sent.length }: { open?: () => boolean; acknowledged?: () => number } = {},
): InputHandle<MoveInputData> {
  const data: MoveInputData = { dx: 0, dy: 0, skill: 0, target: 0 };
  const handle = {
    data,
    get pendingCount() {
      return sent.length - acknowledged();
    },
    send(): number {
      if (!open()) return 0;
      sent.push({ at: clock.now, dx: data.dx, dy: data.dy, skill: data.skill, target: data.target });
      return sent.length;
    },
  };
  return handle as unknown as InputHandle<MoveInputData>;
}

interface Scenario {
  /** Time between two animation frames, ms. */
  frameMs: number;
  /** Each frame comes up to this much later than its slot (seeded), ms. */
  frameJitterMs?: number;
  /** One-way network delay of the inputs, ms. */
  latencyMs?: number;
  /** Extra delay of each input, up to this much (seeded; order is kept, as on a socket), ms. */
  latencyJitterMs?: number;
  /** Key events: [time, type, code]. */
  keys: Array<[number, "keydown" | "keyup", string]>;
  /** When the run ends (the server gets time to apply everything after). */
  until: number;
}

interface Run {
  sent: Sent[];
  /** Inputs sent at each frame. */
  perFrame: number[];
  /** Frame times. */
  frames: number[];
  /** Largest number of inputs the server held unapplied (after each arrival). */
  maxServerBuffer: number;
  /** Fewest tokens left in the boundary's input bucket (CLIENT_RATE_LIMITS.input) at any arrival. */
  minTokens: number;
  /** The character's moves on the server, px. */
  server: { dx: number; dy: number };
  /** What the inputs sent make of the character with the shared step (the prediction), px. */
  predicted: { dx: number; dy: number };
}

/** Plays a scenario on one clock: key events, frames (the pump), arrivals and server ticks. */
function run(scenario: Scenario): Run {
  const random = seededRandom(7);
  const zone = stubZone({ rows: HALL });
  zone.use(new MovementSystem(zone, { ...zone.inputFeed(), useSkill: () => undefined }));
  const alice = zone.join();
  const start = { x: alice.player.x, y: alice.player.y };
  const page = new FakeWindow();
  const keyboard = page.keyboard();
  const sent: Sent[] = [];
  // What the client has heard the server applied: each tick's count reaches it after the delay.
  let acknowledged = 0;
  let received = 0;
  const pump = new MovePump(recordingInput(sent, page, { acknowledged: () => acknowledged }), keyboard);

  type Event = { at: number; order: number; run: () => void };
  const events: Event[] = [];
  let order = 0;
  const at = (time: number, action: () => void) => events.push({ at: time, order: order++, run: action });

  // Key events are handled between frames, stamped when they happened.
  for (const [time, type, code] of scenario.keys) at(time, () => page.key(type, code, time));
  // Animation frames: the pump sends; each input reaches the server after the delay (in order).
  const frames: number[] = [];
  const perFrame: number[] = [];
  let lastArrival = 0;
  const bucket = { tokens: CLIENT_RATE_LIMITS.input.burst, at: 0 };
  let minTokens: number = CLIENT_RATE_LIMITS.input.burst;
  let maxServerBuffer = 0;
  const arrive = (input: Sent) => {
    const { perSecond, burst } = CLIENT_RATE_LIMITS.input;
    bucket.tokens = Math.min(burst, bucket.tokens + ((zone.now - bucket.at) / 1000) * perSecond) - 1;
    bucket.at = zone.now;
    minTokens = Math.min(minTokens, bucket.tokens);
    zone.queueInputs(alice, input);
    received++;
    maxServerBuffer = Math.max(maxServerBuffer, zone.pendingInputs(alice));
  };
  for (let slot = 0; slot * scenario.frameMs < scenario.until; slot++) {
    const time = slot * scenario.frameMs + random() * (scenario.frameJitterMs ?? 0);
    at(time, () => {
      page.now = time;
      const before = sent.length;
      pump.update(time, 0);
      frames.push(time);
      perFrame.push(sent.length - before);
      for (const input of sent.slice(before)) {
        const arrival = Math.max(lastArrival, time + (scenario.latencyMs ?? 0) + random() * (scenario.latencyJitterMs ?? 0));
        lastArrival = arrival;
        at(arrival, () => arrive(input));
      }
    });
  }
  // The server's ticks, at a phase of their own, until well after the last arrival.
  let tick = 17;
  const runUntil = (end: number) => {
    for (;;) {
      events.sort((a, b) => a.at - b.at || a.order - b.order);
      const next = events[0];
      if (next && next.at <= Math.min(tick, end)) {
        events.shift();
        zone.now = next.at;
        next.run();
        continue;
      }
      if (tick > end) return;
      zone.now = tick - TICK_MS; // `tick()` advances it by one tick
      zone.tick();
      const applied = received - zone.pendingInputs(alice);
      at(tick + (scenario.latencyMs ?? 0), () => (acknowledged = Math.max(acknowledged, applied)));
      tick += TICK_MS;
    }
  };
  runUntil(scenario.until);
  runUntil(scenario.until + 2000);
  assert.equal(zone.pendingInputs(alice), 0, "the server applied every input in the end");

  const walker: Walker = { x: start.x, y: start.y, facing: 0, speed: alice.player.speed, hp: alice.player.hp };
  for (const input of sent) applyMoveInput(walker, input, TICK_SECONDS, zone.map);
  return {
    sent,
    perFrame,
    frames,
    maxServerBuffer,
    minTokens,
    server: { dx: alice.player.x - start.x, dy: alice.player.y - start.y },
    predicted: { dx: walker.x - start.x, dy: walker.y - start.y },
  };
}

const moving = (input: MoveIntent) => input.dx !== 0 || input.dy !== 0;

describe("move pump: walking speed whatever the frame rate", () => {
  const HOLD_MS = 1500;
  // A key held 1.5 s, pressed and released between frames (never on one).
  const hold = (from: number): Scenario["keys"] => [
    [from, "keydown", "ArrowRight"],
    [from + HOLD_MS, "keyup", "ArrowRight"],
  ];
  const stepsHeld = Math.ceil(HOLD_MS / STEP_MS);

  // [frames a second, one-way delay ms]: 2.5 fps catches up fully when the server acknowledges quickly.
  for (const [fps, latencyMs] of [
    [60, 40],
    [30, 40],
    [10, 40],
    [5, 40],
    [5, 150],
    [4, 40],
    [3, 5],
    [2.5, 5],
  ]) {
    it(`walks one step per ${STEP_MS} ms held at ${fps} fps (${latencyMs} ms away), every input applied by the server`, () => {
      const frameMs = 1000 / fps;
      const result = run({ frameMs, keys: hold(1000 + 0.37 * frameMs), until: 4000, latencyMs, latencyJitterMs: 30 });
      const walking = result.sent.filter(moving);
      assert.equal(walking.length, stepsHeld, `${stepsHeld} steps for ${HOLD_MS} ms held (${walking.length})`);
      assert.ok(
        walking.every((input) => input.dx === 1 && input.dy === 0),
        "every step to the right",
      );
      const first = result.sent.findIndex(moving);
      const walk = result.sent.slice(first, first + stepsHeld + 1);
      assert.ok(walk.slice(0, stepsHeld).every(moving), "the steps follow each other");
      assert.deepEqual({ dx: walk[stepsHeld].dx, dy: walk[stepsHeld].dy }, { dx: 0, dy: 0 }, "then one zero input stops it");
      const after = result.sent.slice(first + stepsHeld + 1);
      assert.ok(
        after.every((input, i) => !moving(input) && input.at - (i === 0 ? walk[stepsHeld].at : after[i - 1].at) >= 1000),
        "and after it only the idle clock beacon, a second apart",
      );
      assert.deepEqual(result.server, { dx: stepsHeld * STEP, dy: 0 }, `the server walked ${stepsHeld * STEP} px`);
      assert.deepEqual(result.predicted, result.server, "where the client's own steps put it");
      assert.ok(
        Math.max(...result.perFrame) <= INPUT_BUFFER_SIZE,
        `at most ${INPUT_BUFFER_SIZE} inputs a frame (${Math.max(...result.perFrame)})`,
      );
      assert.ok(
        result.maxServerBuffer <= INPUT_BUFFER_SIZE,
        `the server's buffer never overflows (${result.maxServerBuffer} of ${INPUT_BUFFER_SIZE}): no input dropped`,
      );
      assert.ok(result.minTokens >= 0, `inside the input rate limit (${result.minTokens.toFixed(1)} tokens left at worst)`);
      console.log(
        `${fps} fps, ${latencyMs} ms away: ${walking.length} steps, ${result.server.dx} px in ${HOLD_MS} ms (${((result.server.dx / HOLD_MS) * 1000).toFixed(0)} px/s), ` +
          `up to ${Math.max(...result.perFrame)} inputs a frame, server buffer up to ${result.maxServerBuffer}`,
      );
    });
  }

  it("stays inside the server's budget with frames that come unevenly, over a jittery network", () => {
    const result = run({
      frameMs: 200,
      frameJitterMs: 90,
      latencyMs: 75,
      latencyJitterMs: 120,
      keys: [
        [1010, "keydown", "KeyD"],
        [2300, "keydown", "KeyS"],
        [2600, "keyup", "KeyD"],
        [3900, "keyup", "KeyS"],
      ],
      until: 6000,
    });
    assert.equal(result.sent.filter(moving).length, Math.ceil((3900 - 1010) / STEP_MS));
    assert.ok(result.maxServerBuffer <= INPUT_BUFFER_SIZE, `the server's buffer never overflows (${result.maxServerBuffer})`);
    assert.ok(result.minTokens >= 0, "inside the input rate limit");
    assert.deepEqual(result.predicted, result.server, "the server agrees with the client's steps");
  });

  it("below 2.5 fps walks less than held, but still never overflows the server's buffer", () => {
    const result = run({ frameMs: 1000, keys: hold(1000 + 370), until: 5000, latencyMs: 5 });
    const walking = result.sent.filter(moving).length;
    assert.ok(walking < stepsHeld && walking >= INPUT_BUFFER_SIZE, `${walking} steps of ${stepsHeld}: at most 8 a frame`);
    assert.ok(result.maxServerBuffer <= INPUT_BUFFER_SIZE, `the server's buffer never overflows (${result.maxServerBuffer})`);
    assert.deepEqual(result.predicted, result.server, "the server agrees with the client's steps");
  });

  it("gives each step the direction held at its instant, and takes a tap made between two slow frames", () => {
    // 5 fps: frames at 1000, 1200, 1400...; the keys change between them.
    const result = run({
      frameMs: 200,
      keys: [
        [1010, "keydown", "ArrowRight"],
        [1110, "keydown", "ArrowDown"],
        [1160, "keyup", "ArrowRight"],
        [1190, "keyup", "ArrowDown"],
        // A tap of 60 ms, between the frames at 1600 and 1800.
        [1620, "keydown", "ArrowLeft"],
        [1680, "keyup", "ArrowLeft"],
      ],
      until: 2500,
    });
    const walk = result.sent.filter((input) => input.at >= 1000).map(({ at, dx, dy }) => ({ at, dx, dy }));
    assert.deepEqual(walk, [
      // The walk starts at 1010: steps at 1010, 1060 → right; 1110 → right and down; 1160 → down; 1210 → none.
      { at: 1200, dx: 1, dy: 0 },
      { at: 1200, dx: 1, dy: 0 },
      { at: 1200, dx: 1, dy: 1 },
      { at: 1200, dx: 0, dy: 1 },
      { at: 1400, dx: 0, dy: 0 },
      // The tap (1620 to 1680): steps at 1620 and 1670 to the left, the zero at 1720 — all sent at the next frame.
      { at: 1800, dx: -1, dy: 0 },
      { at: 1800, dx: -1, dy: 0 },
      { at: 1800, dx: 0, dy: 0 },
    ]);
    assert.deepEqual(result.predicted, result.server);
  });

  it("takes one step for a tap however short, at 60 fps and at 5 fps", () => {
    for (const frameMs of [1000 / 60, 200]) {
      const result = run({
        frameMs,
        keys: [
          [1010, "keydown", "KeyD"],
          [1010, "keyup", "KeyD"],
          [1500, "keydown", "KeyA"],
          [1549, "keyup", "KeyA"],
        ],
        until: 2500,
      });
      const moves = result.sent.filter(moving).map(({ dx, dy }) => ({ dx, dy }));
      assert.deepEqual(
        moves,
        [
          { dx: 1, dy: 0 },
          { dx: -1, dy: 0 },
        ],
        `one step a tap (a frame every ${frameMs.toFixed(1)} ms)`,
      );
      assert.deepEqual(result.server, { dx: 0, dy: 0 });
    }
  });

  it("sends the first step of a key press on the next frame, and one step per 50 ms after, at 60 fps", () => {
    const result = run({ frameMs: 1000 / 60, keys: [[1005, "keydown", "KeyD"]], until: 1400 });
    const walk = result.sent.filter((input) => input.at >= 1000);
    assert.equal(
      walk[0].at,
      result.frames.find((frame) => frame >= 1005),
      "the press goes out on the next frame",
    );
    assert.equal(walk.length, Math.floor((result.frames.at(-1)! - 1005) / STEP_MS) + 1);
  });

  it("skips the steps of a frame too long to catch up within the server's buffer", () => {
    // Frames at 60 fps, then hitches of 1.2 s while the key is held.
    const page = new FakeWindow();
    const keyboard = page.keyboard();
    const sent: Sent[] = [];
    let acknowledged = 0;
    const pump = new MovePump(recordingInput(sent, page, { acknowledged: () => acknowledged }), keyboard);
    const frame = (time: number) => {
      page.now = time;
      const before = sent.length;
      pump.update(time, 0);
      return sent.length - before;
    };
    frame(1000);
    page.key("keydown", "KeyD", 1001);
    assert.equal(frame(1016), 1);
    assert.equal(frame(1216), 4, "steps at 1051, 1101, 1151, 1201");
    acknowledged = sent.length;
    assert.equal(stepsAllowed(0), INPUT_BUFFER_SIZE);
    assert.equal(frame(2416), INPUT_BUFFER_SIZE, "1.2 s later, every input acknowledged: what the server's buffer holds");
    assert.equal(frame(2432), 0, "the next step is due 50 ms after the last one sent, not before");
    assert.equal(frame(2451), 1);
    // Not acknowledged yet (a long round trip): what the buffer holds next to the server's catch-up bank.
    acknowledged = sent.length - 5;
    assert.equal(stepsAllowed(5), MAX_STEPS_PER_FRAME);
    assert.equal(frame(3651), MAX_STEPS_PER_FRAME, "1.2 s later, 5 inputs in flight");
  });

  it("sends the zero input at once when every key is dropped, and walks nothing held while input was suspended", () => {
    const page = new FakeWindow();
    const keyboard = page.keyboard();
    const sent: Sent[] = [];
    const pump = new MovePump(recordingInput(sent, page), keyboard);
    const update = (time: number) => {
      page.now = time;
      pump.update(time, 0);
    };
    keyboard.onReleaseAll((at) => pump.stopNow(at));
    update(1000);
    page.key("keydown", "ArrowUp", 1010);
    update(1016);
    assert.deepEqual(sent.at(-1), { at: 1016, dx: 0, dy: -1, skill: 0, target: 0 });
    page.now = 1030;
    page.blur(1030);
    assert.deepEqual(
      sent.at(-1),
      { at: 1030, dx: 0, dy: 0, skill: 0, target: 0 },
      "the zero input at the blur, without waiting for a frame",
    );
    const count = sent.length;
    update(1100);
    update(1200);
    assert.equal(sent.length, count, "then nothing");

    // Input suspended (a transfer) while a key is held: not walked when input resumes.
    page.key("keydown", "ArrowUp", 1210);
    update(1216);
    assert.equal(sent.at(-1)!.dy, -1);
    page.key("keydown", "ArrowLeft", 1300); // held through the suspension
    keyboard.ignoreHeldKeys(); // as the zone session does after a failed transfer
    pump.restart();
    update(1900);
    assert.deepEqual(
      sent.slice(-1).map(({ dx, dy }) => ({ dx, dy })),
      [{ dx: 0, dy: 0 }],
      "the zero input still owed, and no step of the keys held meanwhile",
    );
    update(2000);
    assert.equal(sent.at(-1)!.at, 1900, "nothing more while the held keys are ignored");
  });

  it("starts over when the socket was closed, and carries a queued skill on the next input exactly once", () => {
    const page = new FakeWindow();
    const keyboard = page.keyboard();
    const sent: Sent[] = [];
    let open = true;
    const pump = new MovePump(recordingInput(sent, page, { open: () => open }), keyboard);
    const update = (time: number) => {
      page.now = time;
      pump.update(time, 0);
    };
    update(1000);
    pump.queueSkill(2, 42);
    update(1016);
    assert.deepEqual(sent.at(-1), { at: 1016, dx: 0, dy: 0, skill: 2, target: 42 }, "idle: the skill goes out at once");
    page.key("keydown", "KeyD", 1020);
    update(1033);
    pump.queueSkill(1, 7);
    update(1200);
    assert.deepEqual(
      sent.filter((input) => input.at === 1200).map((input) => input.skill),
      [1, 0, 0],
      "walking: on the first step sent, once",
    );
    open = false; // reconnecting
    update(1500);
    update(1700);
    open = true;
    const count = sent.length;
    update(1716);
    assert.equal(sent.length - count, 1, "back: the walk goes on from now, without the steps missed while closed");
  });
});
