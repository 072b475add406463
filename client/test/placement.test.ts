/**
 * Placing the portal markers among the HUD's panels (client/src/ui/placement.ts) and
 * where an off-screen portal's marker goes (`edgePoint`).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Box } from "../src/snapshot.ts";
import { clampInto, edgePoint, overlaps, placeBox } from "../src/ui/placement.ts";

const SCREEN: Box = { x: 0, y: 0, width: 800, height: 600 };

describe("placing a box among panels", () => {
  it("keeps the wanted place when it is free, moved inside the screen", () => {
    assert.deepEqual(placeBox({ x: 100, y: 100, width: 80, height: 20 }, SCREEN, []), { x: 100, y: 100, width: 80, height: 20 });
    assert.deepEqual(placeBox({ x: 780, y: -10, width: 80, height: 20 }, SCREEN, []), { x: 720, y: 0, width: 80, height: 20 });
    assert.deepEqual(clampInto({ x: 0, y: 0, width: 900, height: 10 }, SCREEN), { x: -50, y: 0, width: 900, height: 10 });
  });

  it("slides past a panel by its nearer side, and past a second one if it must", () => {
    const chat: Box = { x: 0, y: 400, width: 420, height: 200 };
    const bar: Box = { x: 500, y: 520, width: 260, height: 80 };
    const wanted: Box = { x: 0, y: 450, width: 100, height: 20 };
    const box = placeBox(wanted, SCREEN, [chat, bar], 6)!;
    assert.ok(box && !overlaps(box, chat, 6) && !overlaps(box, bar, 6), JSON.stringify(box));
    assert.equal(box.x, 0, "straight up, the nearer way out");
    assert.ok(box.y + box.height <= chat.y - 6);
    const boxed = placeBox({ x: 440, y: 540, width: 100, height: 20 }, SCREEN, [chat, bar], 6)!;
    assert.ok(!overlaps(boxed, chat, 6) && !overlaps(boxed, bar, 6), JSON.stringify(boxed));
  });

  it("gives up (null) when no place is free", () => {
    assert.equal(placeBox({ x: 10, y: 10, width: 50, height: 20 }, SCREEN, [SCREEN]), null);
  });
});

describe("an off-screen portal's marker", () => {
  it("sits where the line from the character to the portal leaves the screen, at that edge", () => {
    const from = { x: 400, y: 300 };
    const right = edgePoint(from, { x: 1400, y: 300 }, SCREEN, 100, 20);
    assert.deepEqual(right, { x: 750, y: 300, edge: "right" });
    const left = edgePoint(from, { x: -600, y: 400 }, SCREEN, 100, 20);
    assert.equal(left.edge, "left");
    assert.equal(left.x, 50);
    assert.ok(left.y > 300 && left.y < 400, "along the line toward the portal");
    assert.equal(edgePoint(from, { x: 420, y: -900 }, SCREEN, 100, 20).edge, "top");
    assert.equal(edgePoint(from, { x: 380, y: 2000 }, SCREEN, 100, 20).edge, "bottom");
  });
});
