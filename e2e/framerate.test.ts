/**
 * Walking speed does not depend on the frame rate. The same page walks once drawing as
 * fast as the browser lets it (60 fps headless, less on a busy machine) and once held to
 * about 5 frames a second, as a slow machine would: the page's main thread is kept busy
 * for 200 ms in every animation frame, so requestAnimationFrame itself — and everything
 * else the page runs, timers and socket messages included — comes 5 times a second. The
 * frame rate reached is measured from the game's own frame counter.
 *
 * Each walk holds an arrow key for 1.5 s. What is compared is distance, never the test's
 * own timing: the distance the server moved the character (its position at rest before
 * and after) against how long the page saw the key held (the key events' time stamps).
 * The client walks one fixed step (50 ms, 8 px) per step of time the key was held, so
 * both walks must come to 160 px/s, give or take a step or two at either end.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { INPUT_BUFFER_SIZE, INPUT_CATCH_UP, PLAYER_SPEED, TICK_SECONDS, TILE_SIZE } from "@oatnut/shared";
import {
  createCharacterInBrowser,
  openGame,
  playInBrowser,
  signUpInBrowser,
  startBrowserWorld,
  stopBrowserWorld,
  waitAtRest,
  waitForSnapshot,
  type BrowserWorld,
} from "./browser.ts";

/** One step: 50 ms of walking, 8 px. */
const STEP_MS = TICK_SECONDS * 1000;
const STEP = PLAYER_SPEED * TICK_SECONDS;
const HOLD_MS = 1500;
/**
 * A throttled frame: the page's main thread is busy until this long after the frame began;
 * the game's own work and the next frame's wait come on top — about 200 ms a frame. (At
 * 170 an idle host, with little work on top, drew 6.0 frames a second: no margin below the
 * assertion's 6.)
 */
const SLOW_FRAME_MS = 190;
/** From this y (world px) and for 44 px below, the character is in the town's open rows 15 and 16 only. */
const OPEN_ROW_Y = 15 * TILE_SIZE + 10;
/** The middle of those rows: a walk goes toward it, so it never reaches a wall or the portal. */
const OPEN_ROW_MIDDLE = 20 * TILE_SIZE;

let world: BrowserWorld;
before(async () => {
  world = await startBrowserWorld();
});
after(async () => {
  await stopBrowserWorld(world);
});

/**
 * The longest frame the client catches up in full whatever its round trip: MAX_STEPS_PER_FRAME
 * steps (client/src/game/movePump.ts). A walk with a longer frame (a machine too busy even
 * for 5 fps) is walked again.
 */
const LONGEST_FRAME_MS = (INPUT_BUFFER_SIZE - INPUT_CATCH_UP) * STEP_MS;
/** How many times a walk is tried before the machine is called too busy. */
const ATTEMPTS = 5;

/** What the page saw of one walk. */
interface Walk {
  /** Frame rate while the key was held, from the game's frame counter. */
  fps: number;
  /** The longest time between two animation frames while the key was held, ms. */
  longestFrameMs: number;
  /** How long the page saw the key held: keyup.timeStamp − keydown.timeStamp, ms. */
  heldMs: number;
  /** How far the server moved the character (x), px. */
  distance: number;
}

/**
 * Holds an arrow key for HOLD_MS, toward the middle of the open rows 15 and 16 of the
 * town, and measures the walk. The page records, in capture listeners that run before the
 * game's own, when the key went down and up (event time stamps) and the game's frame
 * count at each, and the time of every animation frame until the one after the release.
 * (Strings: code tsx compiles gets helpers the page does not have.)
 */
async function walk(page: Page): Promise<Walk> {
  const start = await waitAtRest(page, "at rest before the walk");
  const key = start.selfServer!.x > OPEN_ROW_MIDDLE ? "ArrowLeft" : "ArrowRight";
  await page.evaluate(
    `(() => {
    if (!window.__walkWatched) {
      window.__walkWatched = true;
      const note = (name) => (event) => {
        const walk = window.__walk;
        if (!walk || event.code !== walk.key || event.repeat || walk[name]) return;
        walk[name] = { at: event.timeStamp, handled: performance.now(), frame: window.__oatnut.snapshot().frame };
      };
      addEventListener("keydown", note("down"), { capture: true });
      addEventListener("keyup", note("up"), { capture: true });
      const sample = (time) => {
        const walk = window.__walk;
        if (walk && !walk.done) {
          walk.frames.push(time);
          if (walk.up) walk.done = true;
        }
        requestAnimationFrame(sample);
      };
      requestAnimationFrame(sample);
    }
    window.__walk = { key: ${JSON.stringify("KEY")}, frames: [] };
  })()`.replace("KEY", key),
  );
  await page.keyboard.down(key);
  await page.waitForTimeout(HOLD_MS);
  await page.keyboard.up(key);
  const end = await waitAtRest(page, "at rest after the walk", 30_000);
  const seen = (await page.evaluate("window.__walk")) as Record<"down" | "up", { at: number; handled: number; frame: number }> & {
    frames: number[];
  };
  assert.ok(seen.down && seen.up, "the page saw the key go down and up");
  // From the last frame before the key went down to the first one after it came up.
  const during = seen.frames.filter((_time, i, all) => (all[i + 1] ?? Infinity) >= seen.down.at);
  return {
    fps: ((seen.up.frame - seen.down.frame) * 1000) / (seen.up.handled - seen.down.handled),
    longestFrameMs: Math.max(...during.slice(1).map((time, i) => time - during[i])),
    heldMs: seen.up.at - seen.down.at,
    distance: Math.abs(end.selfServer!.x - start.selfServer!.x),
  };
}

/** Walks until a walk's frames all came within LONGEST_FRAME_MS of each other; the walks tried. */
async function walkInRange(page: Page, what: string): Promise<Walk[]> {
  const tried: Walk[] = [];
  while (tried.length < ATTEMPTS) {
    const walked = await walk(page);
    tried.push(walked);
    if (walked.longestFrameMs <= LONGEST_FRAME_MS) return tried;
    console.log(`${what}: a frame took ${walked.longestFrameMs.toFixed(0)} ms (the machine is busy): walking again`);
  }
  assert.fail(
    `${what}: every walk had a frame longer than ${LONGEST_FRAME_MS} ms: ${tried.map((w) => w.longestFrameMs.toFixed(0)).join(", ")}`,
  );
}

/**
 * Keeps the page's main thread busy until SLOW_FRAME_MS after each animation frame began,
 * until `stop` is called: requestAnimationFrame comes about 5 times a second.
 */
async function throttle(page: Page): Promise<() => Promise<void>> {
  await page.evaluate(`(() => {
    window.__throttled = true;
    const busy = (began) => {
      if (!window.__throttled) return;
      while (performance.now() < began + ${SLOW_FRAME_MS}) {}
      requestAnimationFrame(busy);
    };
    requestAnimationFrame(busy);
  })()`);
  return async () => {
    await page.evaluate("window.__throttled = false");
  };
}

describe("walking speed at 60 and at 5 frames a second", () => {
  it("walks the same distance for the same time held, drawing at full speed and at 5 fps", async () => {
    const page = await openGame(world.browser, world.server.url);
    // A small view: the headless browser draws in software, and a busy machine draws a large one slowly.
    await page.setViewportSize({ width: 480, height: 320 });
    await signUpInBrowser(page, "slow.machine@example.com", "a long enough password");
    await createCharacterInBrowser(page, "Slowpoke");
    await playInBrowser(page, "Slowpoke");
    await waitForSnapshot(page, (s) => s.clockSettled && s.selfPredicted !== null, "the clock settled", 30_000);

    // From the spawn (row 14) down into the open rows 15 and 16, wall to wall but for the east portal.
    // A tap at a time (a step or two each), so as not to overshoot into row 17 and its walls.
    while ((await waitAtRest(page, "at rest on the way down")).selfServer!.y < OPEN_ROW_Y) {
      await page.keyboard.down("ArrowDown");
      await page.keyboard.up("ArrowDown");
    }

    const fastWalks = await walkInRange(page, "full speed");
    const stop = await throttle(page);
    let slowWalks: Walk[];
    try {
      slowWalks = await walkInRange(page, "throttled");
    } finally {
      await stop();
    }
    const fast = fastWalks.at(-1)!;
    const slow = slowWalks.at(-1)!;
    const report = (name: string, w: Walk) =>
      `${name}: ${w.fps.toFixed(1)} fps (longest frame ${w.longestFrameMs.toFixed(0)} ms), key held ${w.heldMs.toFixed(0)} ms, ` +
      `walked ${w.distance} px = ${((w.distance / w.heldMs) * 1000).toFixed(1)} px/s (${PLAYER_SPEED} px/s expected)`;
    console.log(report("full speed", fast));
    console.log(report("throttled", slow));

    assert.ok(slow.fps <= 6, `the throttled page drew about 5 frames a second (${slow.fps.toFixed(1)})`);
    // (On an idle machine the other walk draws at 60 fps; a busy one draws it slower, still well above the throttled one.)
    assert.ok(fast.fps > 1.5 * slow.fps, `the other walk drew faster (${fast.fps.toFixed(1)} fps)`);
    for (const [name, w] of [
      ["full speed", fast],
      ["throttled", slow],
    ] as const) {
      const steps = Math.ceil(w.heldMs / STEP_MS);
      assert.ok(
        Math.abs(w.distance - steps * STEP) <= 2 * STEP,
        `${name}: one ${STEP} px step per ${STEP_MS} ms held — ${steps * STEP} px for ${w.heldMs.toFixed(0)} ms, walked ${w.distance} px`,
      );
    }
    const speed = (w: Walk) => (w.distance / w.heldMs) * 1000;
    assert.ok(
      Math.abs(speed(slow) - speed(fast)) <= 0.1 * PLAYER_SPEED,
      `the same speed at both frame rates: ${speed(slow).toFixed(1)} and ${speed(fast).toFixed(1)} px/s`,
    );
  });
});
