/**
 * Movement system on a stub zone: the input budget (one input per tick, plus up to
 * INPUT_CATCH_UP banked in idle ticks), skill uses riding on inputs, walls.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  Facing,
  INPUT_CATCH_UP,
  PLAYER_HALF_SIZE,
  PLAYER_SPEED,
  Skill,
  stepMovement,
  TICK_SECONDS,
  TILE_SIZE,
  type Position,
} from "@oatnut/shared";
import type { PlayerSession } from "../../src/rooms/context.ts";
import { MovementSystem } from "../../src/rooms/systems/movement.ts";
import { stubZone, type StubZone } from "./stubZone.ts";

/** One full-speed step: what one input moves a character. */
const STEP = PLAYER_SPEED * TICK_SECONDS;

/** A corridor 10 tiles long (spawn at its west end, next to the wall). */
const CORRIDOR = ["############", "#S.........#", "#..........#", "############"];

function setup(inputsPerFrame = 1) {
  const zone = stubZone({ rows: CORRIDOR });
  const skillUses: Array<{ sessionId: string; skill: number; target: number; at: Position }> = [];
  const movement = zone.use(
    new MovementSystem(zone, {
      ...zone.inputFeed(inputsPerFrame),
      useSkill: (session, skill, target) =>
        skillUses.push({ sessionId: session.sessionId, skill, target, at: { x: session.player.x, y: session.player.y } }),
    }),
  );
  return { zone, movement, skillUses };
}

/** Runs `ticks` ticks and returns how many steps east the player moved in each. */
function stepsPerTick(zone: StubZone, session: PlayerSession, ticks: number): number[] {
  const steps: number[] = [];
  for (let i = 0; i < ticks; i++) {
    const before = session.player.x;
    zone.tick();
    steps.push((session.player.x - before) / STEP);
  }
  return steps;
}

const east = { dx: 1, dy: 0 };

describe("movement system", () => {
  it("applies one input per tick to a player who was not idle, each one exact shared step", () => {
    const { zone } = setup();
    const alice = zone.join();
    const start = alice.player.x;
    zone.queueInputs(alice, east, east, east, east, east);
    assert.deepEqual(stepsPerTick(zone, alice, 6), [1, 1, 1, 1, 1, 0]);
    assert.equal(alice.player.x, start + 5 * STEP);
    assert.equal(alice.player.facing, Facing.Right);
  });

  it("banks one input per idle tick, up to INPUT_CATCH_UP, and spends the bank at once", () => {
    for (let idle = 0; idle <= INPUT_CATCH_UP + 2; idle++) {
      const { zone } = setup();
      const alice = zone.join();
      zone.tick(idle);
      zone.queueInputs(alice, ...Array.from({ length: 8 }, () => east));
      const first = Math.min(1 + INPUT_CATCH_UP, idle + 1);
      assert.deepEqual(stepsPerTick(zone, alice, 3), [first, 1, 1], `after ${idle} idle ticks`);
      assert.equal(zone.pendingInputs(alice), 8 - first - 2, "inputs beyond the budget wait for later ticks");
    }
  });

  it("in a busy zone walks each pair of inputs one step a tick, and still catches up a late pair at once", () => {
    const { zone } = setup(2);
    const alice = zone.join();
    // A walk in a busy zone: its first step goes at once, alone (a change), the repeated
    // steps after it in pairs, one every second tick, the first after a tick with none.
    zone.queueInputs(alice, east);
    const steps = stepsPerTick(zone, alice, 2);
    for (let pair = 0; pair < 4; pair++) {
      zone.queueInputs(alice, east, east);
      steps.push(...stepsPerTick(zone, alice, 2));
    }
    assert.deepEqual(steps, [1, 0, 1, 1, 1, 1, 1, 1, 1, 1], "one step a tick, never two then none");
    // A pair held up two ticks arrives with the next one: what waits beyond one pair catches up.
    zone.tick(2);
    zone.queueInputs(alice, east, east, east, east);
    assert.deepEqual(stepsPerTick(zone, alice, 3), [3, 1, 0]);

    const { zone: quiet } = setup(1);
    const bob = quiet.join();
    quiet.tick();
    quiet.queueInputs(bob, east, east);
    assert.deepEqual(stepsPerTick(quiet, bob, 2), [2, 0], "one input a frame: the bank is spent at once, as before");
  });

  it("never moves a player more than T + INPUT_CATCH_UP steps in T ticks, however many inputs are queued", () => {
    const { zone } = setup();
    const alice = zone.join();
    zone.tick(50); // a long idle spell banks no more than INPUT_CATCH_UP
    zone.queueInputs(alice, ...Array.from({ length: 30 }, () => east));
    const steps = stepsPerTick(zone, alice, 20);
    assert.equal(
      steps.reduce((a, b) => a + b, 0),
      20 + INPUT_CATCH_UP,
    );
    assert.equal(Math.max(...steps), 1 + INPUT_CATCH_UP);
  });

  it("keeps a budget per player", () => {
    const { zone } = setup();
    const rested = zone.join();
    zone.tick(INPUT_CATCH_UP);
    const newcomer = zone.join({ at: { x: rested.player.x, y: rested.player.y + TILE_SIZE } });
    zone.queueInputs(rested, east, east, east);
    zone.queueInputs(newcomer, east, east, east);
    const restedFrom = rested.player.x;
    const newcomerFrom = newcomer.player.x;
    zone.tick();
    assert.equal(rested.player.x, restedFrom + (1 + INPUT_CATCH_UP) * STEP);
    assert.equal(newcomer.player.x, newcomerFrom + STEP);
  });

  it("forgets a player's bank when it leaves the world", () => {
    const { zone } = setup();
    const alice = zone.join();
    zone.tick(INPUT_CATCH_UP + 1);
    zone.leave(alice);
    zone.enter(alice); // back, as after a failed transfer
    zone.queueInputs(alice, east, east, east);
    assert.deepEqual(stepsPerTick(zone, alice, 1), [1]);
  });

  it("stops at walls by the shared step, flush against them", () => {
    const { zone } = setup();
    const alice = zone.join();
    const west = { dx: -1, dy: 0 };
    zone.queueInputs(alice, west, west, west);
    zone.tick(3);
    let expected: Position = zone.map.spawn;
    for (let i = 0; i < 3; i++) expected = stepMovement(expected, west, PLAYER_SPEED, TICK_SECONDS, zone.map);
    assert.deepEqual({ x: alice.player.x, y: alice.player.y }, expected);
    assert.equal(alice.player.x, TILE_SIZE + PLAYER_HALF_SIZE, "flush against the west wall");
    assert.equal(alice.player.facing, Facing.Left);
  });

  it("hands a skill riding on an input to combat, after that input's step and only for it", () => {
    const { zone, skillUses } = setup();
    const alice = zone.join();
    const start = alice.player.x;
    zone.tick(INPUT_CATCH_UP); // all three inputs below apply in one tick
    zone.queueInputs(alice, east, { ...east, skill: Skill.Bolt, target: 42 }, east);
    zone.tick();
    assert.equal(alice.player.x, start + 3 * STEP);
    assert.deepEqual(skillUses, [
      { sessionId: alice.sessionId, skill: Skill.Bolt, target: 42, at: { x: start + 2 * STEP, y: alice.player.y } },
    ]);
  });

  it("judges a skill only in the tick its input is applied", () => {
    const { zone, skillUses } = setup();
    const alice = zone.join();
    zone.queueInputs(alice, east, { dx: 0, dy: 0, skill: Skill.Melee, target: 7 });
    zone.tick();
    assert.equal(skillUses.length, 0, "its input is still queued");
    zone.tick();
    assert.deepEqual(
      skillUses.map((use) => [use.skill, use.target]),
      [[Skill.Melee, 7]],
    );
  });

  it("consumes a dead character's inputs without moving it", () => {
    const { zone } = setup();
    const alice = zone.join();
    alice.player.hp = 0;
    const at = { x: alice.player.x, y: alice.player.y };
    zone.queueInputs(alice, east, east);
    zone.tick(2);
    assert.deepEqual({ x: alice.player.x, y: alice.player.y }, at);
    assert.equal(zone.pendingInputs(alice), 0);
  });
});
