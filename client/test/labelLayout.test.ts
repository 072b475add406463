/**
 * Name tags (client/src/render/labelLayout.ts): two actors side by side get their names
 * stacked instead of drawn over each other, the own character's name keeps its place,
 * and a tag at the screen's edge is moved inside it.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { boxesOverlap, layoutTags, type TagBox, type TagToPlace } from "../src/render/labelLayout.ts";

const VIEW: TagBox = { left: 0, top: 0, width: 400, height: 300 };
/** A tag 60 x 14 over an actor at (x, y). */
const tag = (x: number, y: number, priority = 0): TagToPlace => ({ box: { left: x - 30, top: y - 40, width: 60, height: 14 }, priority });
const placed = (tags: TagToPlace[]) =>
  layoutTags(tags, VIEW).map((s, i) => ({ ...tags[i].box, left: tags[i].box.left + s.dx, top: tags[i].box.top + s.dy }));

describe("name tag layout", () => {
  it("leaves tags that do not touch where they are", () => {
    assert.deepEqual(layoutTags([tag(100, 100), tag(200, 100)], VIEW), [
      { dx: 0, dy: 0 },
      { dx: 0, dy: 0 },
    ]);
  });

  it("stacks the tags of actors side by side, the higher priority one in place", () => {
    const tags = [tag(100, 100), tag(110, 100, 3), tag(105, 104)];
    const boxes = placed(tags);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) assert.ok(!boxesOverlap(boxes[i], boxes[j]), `tags ${i} and ${j} apart`);
    assert.deepEqual(boxes[1], tags[1].box, "the own character's tag keeps its place");
    assert.ok(boxes[0].top < tags[0].box.top && boxes[2].top < tags[2].box.top, "the others climb above it");
    assert.ok(
      boxes.every((b, i) => b.left === tags[i].box.left),
      "stacked straight up",
    );
  });

  it("keeps tags inside the view: sideways at the edges, and below its top", () => {
    const [left, right, top] = placed([tag(10, 100), tag(395, 200), tag(200, 20)]);
    assert.ok(left.left >= 0 && right.left + right.width <= VIEW.width, "inside sideways");
    assert.ok(top.top >= 0, "not above the top edge");
  });
});
