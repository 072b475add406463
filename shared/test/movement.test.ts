import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  Facing,
  PLAYER_HALF_SIZE,
  PLAYER_SPEED,
  TICK_SECONDS,
  facingFor,
  parseTextMap,
  stepMovement,
  type Position,
} from "../src/index.ts";

// 10 x 5 tiles of 32 px; a wall column at col 6, rows 1-3, and the map edge all around.
const room = parseTextMap(["..........", "......#...", ".S....#...", "......#...", ".........."]);
const H = PLAYER_HALF_SIZE;

function walk(from: Position, intent: { dx: number; dy: number }, seconds: number, dt: number): Position {
  let p = from;
  const steps = Math.round(seconds / dt);
  for (let i = 0; i < steps; i++) p = stepMovement(p, intent, PLAYER_SPEED, dt, room);
  return p;
}

describe("stepMovement", () => {
  it("moves by speed * dt in open ground (exact values)", () => {
    assert.deepEqual(stepMovement({ x: 48, y: 80 }, { dx: 1, dy: 0 }, 160, 0.05, room), { x: 56, y: 80 });
    assert.deepEqual(stepMovement({ x: 48, y: 80 }, { dx: 0, dy: -1 }, 160, 0.05, room), { x: 48, y: 72 });
    assert.deepEqual(stepMovement({ x: 48, y: 80 }, { dx: 0, dy: 0 }, 160, 0.05, room), { x: 48, y: 80 });
  });

  it("normalizes diagonals so no direction is faster", () => {
    const p = stepMovement({ x: 100, y: 80 }, { dx: 1, dy: 1 }, 160, 0.05, room);
    assert.equal(p.x, Math.fround(100 + 8 * Math.SQRT1_2));
    assert.equal(p.y, Math.fround(80 + 8 * Math.SQRT1_2));
    assert.ok(Math.abs(Math.hypot(p.x - 100, p.y - 80) - 8) < 1e-4);
  });

  it("clamps out-of-range and NaN intents to at most full speed", () => {
    assert.deepEqual(stepMovement({ x: 48, y: 80 }, { dx: 50, dy: 0 }, 160, 0.05, room), { x: 56, y: 80 });
    assert.deepEqual(stepMovement({ x: 48, y: 80 }, { dx: -9, dy: 0 }, 160, 0.05, room), { x: 40, y: 80 });
    assert.deepEqual(stepMovement({ x: 48, y: 80 }, { dx: NaN, dy: NaN }, 160, 0.05, room), { x: 48, y: 80 });
  });

  it("stops flush against a wall", () => {
    // Wall column 6 starts at x = 192: the box's right edge stops there.
    const p = stepMovement({ x: 150, y: 80 }, { dx: 1, dy: 0 }, 160, 1, room);
    assert.deepEqual(p, { x: 192 - H, y: 80 });
    // Pushing again does not move it.
    assert.deepEqual(stepMovement(p, { dx: 1, dy: 0 }, 160, 0.05, room), p);
  });

  it("never tunnels through a wall, whatever the step size", () => {
    for (const dt of [1 / 60, 1 / 20, 0.5, 3]) {
      const p = walk({ x: 100, y: 80 }, { dx: 1, dy: 0 }, 3, dt);
      assert.equal(p.x, 192 - H, `dt=${dt}`);
    }
  });

  it("stops at the map edge", () => {
    assert.deepEqual(stepMovement({ x: 40, y: 40 }, { dx: -1, dy: -1 }, 160, 5, room), { x: H, y: H });
    assert.deepEqual(stepMovement({ x: 40, y: 40 }, { dx: 1, dy: 1 }, 160, 50, room).y, 5 * 32 - H);
  });

  it("slides along a wall when moving diagonally into it", () => {
    const p = stepMovement({ x: 192 - H, y: 80 }, { dx: 1, dy: 1 }, 160, 0.1, room);
    assert.equal(p.x, 192 - H);
    assert.equal(p.y, Math.fround(80 + 16 * Math.SQRT1_2));
  });

  it("gives the same result at different frame rates (open ground)", () => {
    const at20 = walk({ x: 40, y: 144 }, { dx: 1, dy: 0 }, 1, 1 / 20);
    const at60 = walk({ x: 40, y: 144 }, { dx: 1, dy: 0 }, 1, 1 / 60);
    const once = stepMovement({ x: 40, y: 144 }, { dx: 1, dy: 0 }, PLAYER_SPEED, 1, room);
    assert.equal(once.x, 200);
    assert.ok(Math.abs(at20.x - 200) < 1e-3, `20 Hz: ${at20.x}`);
    assert.ok(Math.abs(at60.x - 200) < 1e-3, `60 Hz: ${at60.x}`);
  });

  it("ignores zero and negative dt", () => {
    assert.deepEqual(stepMovement({ x: 48, y: 80 }, { dx: 1, dy: 0 }, 160, 0, room), { x: 48, y: 80 });
    assert.deepEqual(stepMovement({ x: 48, y: 80 }, { dx: 1, dy: 0 }, 160, -1, room), { x: 48, y: 80 });
  });

  it("moves one tick's distance per tick at the game's rate", () => {
    const p = stepMovement(room.spawn, { dx: 1, dy: 0 }, PLAYER_SPEED, TICK_SECONDS, room);
    assert.equal(p.x - room.spawn.x, PLAYER_SPEED * TICK_SECONDS);
  });
});

describe("facingFor", () => {
  it("follows the dominant axis and keeps the facing when idle", () => {
    assert.equal(facingFor({ dx: 1, dy: 0 }, Facing.Down), Facing.Right);
    assert.equal(facingFor({ dx: -1, dy: 0 }, Facing.Down), Facing.Left);
    assert.equal(facingFor({ dx: 0, dy: -1 }, Facing.Down), Facing.Up);
    assert.equal(facingFor({ dx: 1, dy: 1 }, Facing.Left), Facing.Down);
    assert.equal(facingFor({ dx: 0, dy: 0 }, Facing.Left), Facing.Left);
  });
});

describe("text maps", () => {
  it("parse solidity and the spawn point", () => {
    assert.equal(room.width, 10);
    assert.equal(room.height, 5);
    assert.deepEqual(room.spawn, { x: 48, y: 80 });
    assert.equal(room.solid[1 * 10 + 6], 1);
    assert.equal(room.solid[2 * 10 + 1], 0);
  });

  it("reject malformed maps with the place of the problem", () => {
    assert.throws(() => parseTextMap(["..S", ".."]), /row 1 has 2 tiles, expected 3/);
    assert.throws(() => parseTextMap(["..S", ".x."]), /unknown tile 'x' at row 1, column 1/);
    assert.throws(() => parseTextMap(["...", "..."]), /no spawn point/);
  });
});
