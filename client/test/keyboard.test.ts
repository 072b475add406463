/**
 * The keyboard's timeline of held directions: what the move pump reads to give each fixed
 * step the direction held at its instant, however far apart the frames are.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeWindow } from "./fakeWindow.ts";

const STILL = { dx: 0, dy: 0 };
const RIGHT = { dx: 1, dy: 0 };

describe("keyboard", () => {
  it("knows the direction held at any time, from the key events' time stamps", () => {
    const page = new FakeWindow();
    const keyboard = page.keyboard();
    page.key("keydown", "ArrowRight", 100);
    page.key("keydown", "KeyS", 250);
    page.key("keyup", "ArrowRight", 400);
    page.key("keyup", "KeyS", 430);
    assert.deepEqual(keyboard.intentAt(99), STILL);
    assert.deepEqual(keyboard.intentAt(100), RIGHT);
    assert.deepEqual(keyboard.intentAt(300), { dx: 1, dy: 1 }, "diagonal");
    assert.deepEqual(keyboard.intentAt(400), { dx: 0, dy: 1 });
    assert.deepEqual(keyboard.intentAt(1000), STILL);
    assert.deepEqual(keyboard.intent(), STILL, "nothing held now");
  });

  it("finds the first time a direction was held, even a tap already over", () => {
    const page = new FakeWindow();
    const keyboard = page.keyboard();
    assert.equal(keyboard.moveFrom(0), null);
    page.key("keydown", "KeyA", 120);
    page.key("keyup", "KeyA", 170);
    assert.deepEqual(keyboard.moveFrom(0), { at: 120, intent: { dx: -1, dy: 0 } }, "the tap between two frames");
    assert.deepEqual(keyboard.moveFrom(150), { at: 150, intent: { dx: -1, dy: 0 } }, "held at that time");
    assert.equal(keyboard.moveFrom(170), null, "nothing held since");
    // Opposite keys cancel out: no direction, no move.
    page.key("keydown", "ArrowLeft", 200);
    page.key("keydown", "ArrowRight", 200);
    assert.deepEqual(keyboard.intentAt(200), STILL);
    page.key("keyup", "ArrowLeft", 260);
    assert.deepEqual(keyboard.moveFrom(200), { at: 260, intent: RIGHT });
    // Pressed and let go in the same instant: a direction held for no time, still found.
    page.key("keyup", "ArrowRight", 280);
    page.key("keydown", "KeyW", 300);
    page.key("keyup", "KeyW", 300);
    assert.deepEqual(keyboard.intentAt(300), STILL);
    assert.deepEqual(keyboard.moveFrom(290), { at: 300, intent: { dx: 0, dy: -1 } });
  });

  it("keeps the changes in order when an event comes stamped before the one handled ahead of it", () => {
    const page = new FakeWindow();
    const keyboard = page.keyboard();
    page.key("keydown", "ArrowRight", 500);
    page.key("keyup", "ArrowRight", 480);
    assert.deepEqual(keyboard.intentAt(499), STILL);
    assert.deepEqual(keyboard.intentAt(500), STILL, "the release counts from the press on, not before it");
  });

  it("releases every key on blur, telling when, and ignores held keys until released when asked", () => {
    const page = new FakeWindow();
    const keyboard = page.keyboard();
    const releases: number[] = [];
    keyboard.onReleaseAll((at) => releases.push(at));
    page.key("keydown", "KeyD", 10);
    page.blur(90);
    assert.deepEqual(releases, [90]);
    assert.deepEqual(keyboard.intentAt(90), STILL);

    page.now = 200;
    page.key("keydown", "KeyD", 200);
    page.now = 300;
    keyboard.ignoreHeldKeys();
    assert.deepEqual(keyboard.intent(), STILL, "the held key no longer counts");
    assert.deepEqual(keyboard.intentAt(299), RIGHT);
    assert.deepEqual(keyboard.intentAt(300), STILL);
    page.key("keydown", "KeyD", 350, { repeat: true });
    assert.deepEqual(keyboard.intent(), STILL, "key repeat of an ignored key still does not count");
    page.key("keydown", "KeyS", 360);
    assert.deepEqual(keyboard.intent(), { dx: 0, dy: 1 }, "another key does");
    page.key("keyup", "KeyD", 400);
    page.key("keydown", "KeyD", 450);
    assert.deepEqual(keyboard.intentAt(450), { dx: 1, dy: 1 }, "once released, the key counts again");
  });

  it("counts movement keys only while enabled", () => {
    const page = new FakeWindow();
    const keyboard = page.keyboard();
    keyboard.setEnabled(false);
    page.key("keydown", "ArrowUp", 10);
    assert.deepEqual(keyboard.intent(), STILL);
    assert.equal(keyboard.moveFrom(0), null);
  });
});
