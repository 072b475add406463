/**
 * Client-side prediction end to end, under real latency: the pages load the game through
 * a TCP proxy that delays every byte by 75 ms each way (HTTP and the rooms' WebSockets
 * alike), so every round trip to the server takes at least 150 ms. The own character
 * must still answer the key on the next frame — long before the server can have moved
 * it — come to rest exactly where the server puts it, and another player must still see
 * it move smoothly (interpolated), not in patch-rate steps.
 *
 * No assertion is a wall-clock deadline: "soon" is counted in animation frames, and
 * "before the server" is an ordering of events seen in the same frames.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { PLAYER_SPEED, TICK_SECONDS } from "@oatnut/shared";
import {
  createCharacterInBrowser,
  openGame,
  playInBrowser,
  signUpInBrowser,
  snapshot,
  startBrowserWorld,
  stopBrowserWorld,
  waitAtRest,
  waitForSnapshot,
  waitServerTime,
  type BrowserWorld,
  type Snapshot,
} from "./browser.ts";
import { startLatencyProxy, type LatencyProxy } from "./latencyProxy.ts";

const STEP = PLAYER_SPEED * TICK_SECONDS;
/** Added to each direction of every connection. */
const ONE_WAY_DELAY_MS = 75;
const ROUND_TRIP_MS = 2 * ONE_WAY_DELAY_MS;

/** The page's test hook (see client/src/testHook.ts), inside `page.evaluate`. */
type HookedWindow = { __oatnut: { snapshot(): Snapshot } };

let world: BrowserWorld;
let proxy: LatencyProxy;
before(async () => {
  world = await startBrowserWorld();
  proxy = await startLatencyProxy(world.server.port, ONE_WAY_DELAY_MS);
});
after(async () => {
  await proxy?.close();
  await stopBrowserWorld(world);
});

/** One frame of the own character as the page saw it, after the game's own frame. */
interface FrameSample {
  /** The game's frame counter. */
  frame: number;
  /** ms since the key went down. */
  t: number;
  rendered: number;
  predicted: number;
  server: number;
}

/** True when x is (within rounding) a position the server can hold after whole steps. */
function onStepGrid(x: number, origin: number): boolean {
  const steps = (x - origin) / STEP;
  return Math.abs(steps - Math.round(steps)) < 0.01;
}

describe("client-side prediction under 150 ms of latency", () => {
  it("moves the own character on the next frame, converges to the server, and others see it interpolated", async () => {
    const alice = await openGame(world.browser, proxy.url);
    // The SDK warns about misuse it can see (a render read before the frame's inputs, a
    // field bound twice, a step touching unmirrored fields): there must be none.
    const predictionWarnings: string[] = [];
    alice.on("console", (message) => {
      if (/@colyseus\/sdk (predict|reconciler)/i.test(message.text())) predictionWarnings.push(message.text());
    });
    await signUpInBrowser(alice, "seer.e2e@example.com", "a long enough password");
    await createCharacterInBrowser(alice, "Seer_e2e");
    await playInBrowser(alice, "Seer_e2e");
    const bob = await openGame(world.browser, proxy.url);
    await bob.click("#guest-btn");
    await bob.locator("#characters-panel").waitFor({ state: "visible" });
    await createCharacterInBrowser(bob, "Watcher_e2e");
    await playInBrowser(bob, "Watcher_e2e");
    await waitForSnapshot(bob, (s) => s.others.some((o) => o.name === "Seer_e2e"), "Bob sees Alice", 30_000);
    await waitForSnapshot(alice, (s) => s.rttMs > 0 && s.selfPredicted !== null, "Alice predicted, with a measured round trip", 30_000);
    await waitForSnapshot(alice, (s) => s.clockSettled, "Alice's clock settled", 30_000);
    await waitForSnapshot(bob, (s) => s.clockSettled, "Bob's clock settled", 30_000);

    // The latency is real, on the rooms' WebSockets too.
    const inputRoundTrip = (await snapshot(alice)).rttMs;
    const httpRoundTrip = await alice.evaluate(async () => {
      const started = performance.now();
      await fetch("/health", { cache: "no-store" });
      return performance.now() - started;
    });
    console.log(
      `round trip through the proxy: input → acknowledgement ${inputRoundTrip.toFixed(1)} ms, HTTP ${httpRoundTrip.toFixed(1)} ms`,
    );
    assert.ok(inputRoundTrip >= ROUND_TRIP_MS, `inputs take at least ${ROUND_TRIP_MS} ms to be acknowledged (${inputRoundTrip} ms)`);
    assert.ok(httpRoundTrip >= ROUND_TRIP_MS, `HTTP takes at least ${ROUND_TRIP_MS} ms (${httpRoundTrip} ms)`);
    assert.ok(proxy.webSockets.length >= 2, `both players' room connections went through the proxy (${proxy.webSockets.join(", ")})`);

    const before = await snapshot(alice);
    const start = before.selfServer!;
    assert.deepEqual(before.selfPredicted, start, "at rest, the prediction is the server's position");
    assert.deepEqual({ x: before.self!.x, y: before.self!.y }, start, "and it is drawn there");

    // Bob records where he draws Alice, every frame, while she walks.
    const bobSaw = bob.evaluate(async () => {
      const seen: number[] = [];
      const until = performance.now() + 3500;
      while (performance.now() < until) {
        await new Promise(requestAnimationFrame);
        const seer = (window as unknown as HookedWindow).__oatnut.snapshot().others.find((o) => o.name === "Seer_e2e");
        if (seer) seen.push(seer.x);
      }
      return seen;
    });

    // Alice: the key goes down inside a frame (after the game's own callback, which was
    // requested first), then every following frame is sampled until the key has been
    // held for a second and the server's position has moved.
    const pressed = await alice.evaluate(async () => {
      const hook = (window as unknown as HookedWindow).__oatnut;
      await new Promise(requestAnimationFrame);
      const pressFrame = hook.snapshot().frame;
      window.dispatchEvent(new KeyboardEvent("keydown", { code: "ArrowRight", key: "ArrowRight" }));
      const pressedAt = performance.now();
      const frames: Array<{ frame: number; t: number; rendered: number; predicted: number; server: number }> = [];
      for (;;) {
        await new Promise(requestAnimationFrame);
        const s = hook.snapshot();
        const t = performance.now() - pressedAt;
        frames.push({ frame: s.frame, t, rendered: s.self!.x, predicted: s.selfPredicted!.x, server: s.selfServer!.x });
        if ((t > 1000 && frames.some((f) => f.server !== frames[0].server)) || t > 10_000) break;
      }
      window.dispatchEvent(new KeyboardEvent("keyup", { code: "ArrowRight", key: "ArrowRight" }));
      return { pressFrame, frames };
    });
    const frames: FrameSample[] = pressed.frames;
    const firstWhere = (moved: (f: FrameSample) => boolean) => frames.findIndex(moved);
    const predictedAt = firstWhere((f) => f.predicted > start.x);
    const renderedAt = firstWhere((f) => f.rendered > start.x);
    const serverAt = firstWhere((f) => f.server > start.x);
    assert.ok(predictedAt >= 0 && renderedAt >= 0 && serverAt >= 0, `everything moved: ${JSON.stringify(frames.slice(0, 20))}`);
    const framesAfterPress = (i: number) => frames[i].frame - pressed.pressFrame;
    console.log(
      `after the key press: predicted ${framesAfterPress(predictedAt)} frame(s) / ${frames[predictedAt].t.toFixed(1)} ms, ` +
        `drawn ${framesAfterPress(renderedAt)} frame(s) / ${frames[renderedAt].t.toFixed(1)} ms, ` +
        `server ${framesAfterPress(serverAt)} frames / ${frames[serverAt].t.toFixed(1)} ms`,
    );
    assert.equal(framesAfterPress(predictedAt), 1, "the first game frame that sees the key predicts the step");
    assert.ok(framesAfterPress(renderedAt) <= 2, "and the character is drawn moving by the frame after at the latest");
    assert.ok(renderedAt < serverAt, "drawn moving before the server's position changed");
    assert.ok(frames[serverAt].t >= ROUND_TRIP_MS, "the server's position could only change after a round trip");
    for (let i = 1; i < frames.length; i++) {
      assert.ok(frames[i].rendered >= frames[i - 1].rendered, `the own character never rubber-bands back (frame ${i})`);
      assert.ok(frames[i].rendered <= frames[i].predicted, "it is drawn at most where it is predicted");
    }

    // Released: it comes to rest exactly where the server has it, and stays there.
    const rest = await waitForSnapshot(
      alice,
      (s) =>
        Math.abs(s.self!.x - s.selfServer!.x) <= 0.5 &&
        Math.abs(s.self!.y - s.selfServer!.y) <= 0.5 &&
        s.selfServer!.x === s.selfPredicted!.x &&
        s.selfServer!.y === s.selfPredicted!.y,
      "Alice drawn at the server's position",
      15_000,
    );
    assert.ok(rest.selfServer!.x >= start.x + 3 * STEP, "she walked to the right");
    const resting = await alice.evaluate(async () => {
      const seen: Snapshot[] = [];
      const until = performance.now() + 1000;
      while (performance.now() < until) {
        await new Promise(requestAnimationFrame);
        seen.push((window as unknown as HookedWindow).__oatnut.snapshot());
      }
      return seen;
    });
    for (const s of resting) {
      assert.ok(
        Math.abs(s.self!.x - rest.selfServer!.x) <= 0.5 && Math.abs(s.self!.y - rest.selfServer!.y) <= 0.5,
        `stays drawn where the server has her: ${JSON.stringify(s.self)} vs ${JSON.stringify(rest.selfServer)}`,
      );
      assert.deepEqual(s.selfServer, rest.selfServer, "and the server does not move her any more");
    }

    assert.deepEqual(predictionWarnings, [], "the SDK saw nothing wrong with how prediction is driven");

    // Bob saw her walk smoothly: interpolated between the server's positions, never back.
    // A renderer starved of CPU (a few frames a second, patches handled in bursts between
    // them) may draw only a couple of frames of the walk, each from the end of its buffer,
    // exactly on a server position: then Alice walks again (left, right, …: never into a
    // wall), at most three more times, until Bob has drawn a walk of several frames and a
    // frame between two server positions. Every walk he draws must go one way only.
    const walks = [await bobSaw];
    let stopped = rest.selfServer!;
    const seenMoving = () => walks.some((drawn) => drawn.filter((x, i) => i > 0 && x !== drawn[i - 1]).length >= 3);
    const seenBetween = () => walks.flat().some((x) => !onStepGrid(x, start.x));
    while (!(seenMoving() && seenBetween()) && walks.length < 4) {
      const key = walks.length % 2 === 1 ? "ArrowLeft" : "ArrowRight";
      const again = bob.evaluate(async () => {
        const seen: number[] = [];
        const until = performance.now() + 2500;
        while (performance.now() < until) {
          await new Promise(requestAnimationFrame);
          const seer = (window as unknown as HookedWindow).__oatnut.snapshot().others.find((o) => o.name === "Seer_e2e");
          if (seer) seen.push(seer.x);
        }
        return seen;
      });
      await alice.keyboard.down(key);
      await waitServerTime(alice, 1000, "a second of walking");
      await alice.keyboard.up(key);
      walks.push(await again);
      stopped = (await waitAtRest(alice, "Alice stopped again")).selfServer!;
    }
    const shown = walks.map((w) => w.join(", ")).join(" / ");
    for (const [walk, drawn] of walks.entries()) {
      const forward = walk % 2 === 0 ? 1 : -1;
      for (let i = 1; i < drawn.length; i++) assert.ok(forward * (drawn[i] - drawn[i - 1]) >= 0, `Bob never sees her jump back (${shown})`);
    }
    assert.ok(seenMoving(), `Bob saw Alice move, several frames in one walk (${shown})`);
    const between = walks.flat().filter((x) => !onStepGrid(x, start.x));
    console.log(`Bob drew ${between.length} frame(s) between server positions in ${walks.length} walk(s)`);
    assert.ok(between.length > 0, `Bob draws Alice between server positions (${shown})`);
    await waitForSnapshot(bob, (s) => s.others.some((o) => o.name === "Seer_e2e" && o.x === stopped.x), "Bob sees Alice where she stopped");
  });
});
