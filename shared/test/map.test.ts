import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TILE_SIZE, parseTextMap, searchTiles, seededRandom, tilePath } from "../src/index.ts";

const centre = (col: number, row: number) => ({ x: (col + 0.5) * TILE_SIZE, y: (row + 0.5) * TILE_SIZE });
const tile = (col: number, row: number) => ({ x: col * TILE_SIZE, y: row * TILE_SIZE, width: TILE_SIZE, height: TILE_SIZE });

describe("tile search", () => {
  // A wall with a gap at the bottom between S and the goal column; a closed pocket at the right.
  const map = parseTextMap([
    ".......###", //
    ".S..#..#.#",
    "....#..###",
    "..........",
  ]);

  it("finds a shortest walk around walls, tile by tile, from where one stands to the area", () => {
    const path = tilePath(map, map.spawn, [tile(6, 1)])!;
    assert.deepEqual(path[0], centre(1, 1), "starts on the tile under the start");
    assert.deepEqual(path.at(-1), centre(6, 1), "ends inside the area");
    assert.equal(path.length, 8, "the shortest way round the wall: over its top end (7 steps, not the 5 of a straight line)");
    for (let i = 1; i < path.length; i++) {
      assert.equal(Math.abs(path[i].x - path[i - 1].x) + Math.abs(path[i].y - path[i - 1].y), TILE_SIZE, "one tile a step");
      const [col, row] = [Math.floor(path[i].x / TILE_SIZE), Math.floor(path[i].y / TILE_SIZE)];
      assert.notEqual(map.solid[row * map.width + col], 1, "never through a wall");
    }
  });

  it("answers null for an area nobody can walk to, and reaches nothing from inside a wall", () => {
    assert.equal(tilePath(map, map.spawn, [tile(8, 1)]), null, "the closed pocket");
    assert.equal(tilePath(map, centre(4, 1), [tile(6, 1)]), null, "starting on a wall tile");
    const { previous } = searchTiles(map, map.spawn);
    assert.equal(previous[1 * map.width + 8], -2, "the pocket is not reached");
    assert.equal(previous[1 * map.width + 1], -1, "the start");
    const reached = previous.filter((p) => p !== -2).length;
    assert.equal(reached, map.solid.filter((s) => s !== 1).length - 1, "every other floor tile is reached");
  });
});

describe("seeded random source", () => {
  it("repeats its sequence for a seed, differs between seeds, and stays in [0, 1)", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(
      first,
      Array.from({ length: 1000 }, () => b()),
    );
    assert.notDeepEqual(
      first.slice(0, 10),
      Array.from({ length: 10 }, () => c()),
    );
    assert.ok(first.every((v) => v >= 0 && v < 1));
    assert.equal(seededRandom(1)(), 0.6270739405881613, "mulberry32's first value for seed 1 (the generated art depends on it)");
  });
});
