/**
 * End to end, in a real headless Chromium against the built server: sign up, create a
 * character, enter the zone, move with the keyboard, see a second browser's character
 * move smoothly, leave and come back where you left, and after a server restart too.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { PLAYER_SPEED, TICK_SECONDS, useZoneCatalog, validateCharacterName, zoneCatalog } from "@oatnut/shared";
import { loadZonesFromDisk } from "@oatnut/shared/node";
import { Character } from "../server/src/db/models.ts";
import { NAME_TAKEN } from "../server/src/http/characters.ts";
import { startServerProcess } from "../server/test/process.ts";
import {
  createCharacterInBrowser,
  holdKey,
  playInBrowser,
  SCREENSHOT_DIR,
  signInInBrowser,
  signUpInBrowser,
  waitAtRest,
  waitForSnapshot,
  openGame,
  startBrowserWorld,
  stopBrowserWorld,
  type BrowserWorld,
} from "./browser.ts";

useZoneCatalog(loadZonesFromDisk());
const STARTING_ZONE = zoneCatalog().startingZone;
const town = zoneCatalog().get(STARTING_ZONE).map;
const STEP = PLAYER_SPEED * TICK_SECONDS;
const PASSWORD = "a long enough password";

let world: BrowserWorld;
before(async () => {
  world = await startBrowserWorld();
});
after(async () => {
  await stopBrowserWorld(world);
});

const newPage = () => openGame(world.browser, world.server.url);

/** True when x is (within rounding) a position the server can hold after whole steps. */
function onStepGrid(x: number, origin: number): boolean {
  const steps = (x - origin) / STEP;
  return Math.abs(steps - Math.round(steps)) < 0.01;
}

describe("playing in the browser", () => {
  it("signs up, creates a character, walks, sees another player move smoothly, and comes back where it left", async () => {
    const alice = await newPage();
    await signUpInBrowser(alice, "alice.e2e@example.com", PASSWORD);
    await createCharacterInBrowser(alice, "Alice_e2e");
    const entered = await playInBrowser(alice, "Alice_e2e");
    assert.equal(entered.zone, STARTING_ZONE);
    assert.deepEqual({ x: entered.self!.x, y: entered.self!.y }, town.spawn, "a new character starts at the spawn");

    // A second player, as a guest in another browser context (no shared storage).
    const bob = await newPage();
    await bob.click("#guest-btn");
    await bob.locator("#characters-panel").waitFor({ state: "visible" });
    await createCharacterInBrowser(bob, "Bob_e2e");
    await playInBrowser(bob, "Bob_e2e");
    await waitForSnapshot(alice, (s) => s.others.some((o) => o.name === "Bob_e2e"), "Alice sees Bob");
    await waitForSnapshot(bob, (s) => s.others.some((o) => o.name === "Alice_e2e"), "Bob sees Alice");

    // Alice walks right with the keyboard; Bob's screen samples where it draws her on every frame.
    // Bob's clock must have settled: before that, others are drawn from the end of the buffer.
    await waitForSnapshot(bob, (s) => s.clockSettled, "Bob's clock settled", 30_000);
    // Bob samples every frame he draws while Alice walks right and stops, until he draws
    // her where she stopped: the whole walk as his screen shows it, however slowly a busy
    // machine draws. A renderer starved of CPU (a few frames a second, patches handled in
    // bursts between them) draws from the end of its buffer, exactly on a server position:
    // then Alice walks again, at most three more times, until Bob draws a frame between two.
    // (A string: code tsx compiles gets helpers the page does not have.)
    const walkWatched = async (key: "ArrowRight" | "ArrowLeft") => {
      await bob.evaluate(`(() => {
        window.__drawn = [];
        window.__sampling = true;
        requestAnimationFrame(function sample() {
          const alice = window.__oatnut.snapshot().others.find((o) => o.name === "Alice_e2e");
          if (alice) window.__drawn.push(alice.x);
          if (window.__sampling) requestAnimationFrame(sample);
        });
      })()`);
      await holdKey(alice, key, 1600);
      const stopped = await waitAtRest(alice, "Alice stopped");
      await waitForSnapshot(
        bob,
        (s) => s.others.some((o) => o.name === "Alice_e2e" && o.x === stopped.selfServer!.x),
        "Bob draws Alice where she stopped",
      );
      const drawn = await bob.evaluate(() => {
        const page = window as unknown as { __drawn: number[]; __sampling: boolean };
        page.__sampling = false;
        return page.__drawn;
      });
      return { stopped, drawn };
    };
    const first = await walkWatched("ArrowRight");
    const aliceNow = first.stopped;
    assert.ok(aliceNow.self!.x > town.spawn.x + 3 * STEP, "Alice moved right");
    assert.equal(aliceNow.self!.y, town.spawn.y, "moving right does not move vertically");
    const walks = [first.drawn];
    const seenMoving = () => walks.some((drawn) => drawn.filter((x, i) => i > 0 && x !== drawn[i - 1]).length >= 3);
    const seenBetween = () => walks.flat().some((x) => !onStepGrid(x, town.spawn.x));
    // Walks go right, then left, then right…: never into a wall.
    while (!(seenMoving() && seenBetween()) && walks.length < 4) {
      walks.push((await walkWatched(walks.length % 2 === 0 ? "ArrowRight" : "ArrowLeft")).drawn);
    }
    const shown = walks.map((w) => w.join(", ")).join(" / ");
    for (const [walk, drawn] of walks.entries()) {
      const forward = walk % 2 === 0 ? 1 : -1;
      for (let i = 1; i < drawn.length; i++)
        assert.ok(forward * (drawn[i] - drawn[i - 1]) >= 0, `her drawn position never jumps back (${shown})`);
    }
    assert.ok(seenMoving(), `Bob saw Alice move, several frames in one walk (${shown})`);
    const between = walks.flat().filter((x) => !onStepGrid(x, town.spawn.x));
    console.log(`Bob drew ${between.length} frame(s) between server positions in ${walks.length} walk(s)`);
    assert.ok(between.length > 0, `Bob draws Alice between server positions: interpolated, not jumping at patch rate (${shown})`);

    // WASD works too.
    await holdKey(alice, "s", 300);
    const settled = await waitForSnapshot(alice, (s) => s.self!.y > town.spawn.y, "Alice moved down with S");
    const final = await waitAtRest(alice);
    assert.ok(final.selfServer!.y >= settled.selfServer!.y, "she kept going down, or stood");
    const bobSeesAlice = await waitForSnapshot(
      bob,
      (s) => s.others.some((o) => o.name === "Alice_e2e" && o.x === final.selfServer!.x && o.y === final.selfServer!.y),
      "Bob sees Alice where she stopped",
    );
    assert.ok(bobSeesAlice);

    const shot = path.join(SCREENSHOT_DIR, "zone-two-players.png");
    await alice.screenshot({ path: shot });
    console.log(`screenshot of the zone with two players: ${shot}`);

    // Leave and come back: same place.
    await alice.click("#leave-btn");
    await alice.locator("#characters-panel").waitFor({ state: "visible" });
    await waitForSnapshot(bob, (s) => !s.others.some((o) => o.name === "Alice_e2e"), "Alice gone from Bob's screen");
    const back = await playInBrowser(alice, "Alice_e2e");
    const place = (s: typeof back) => s.self && { name: s.self.name, x: s.self.x, y: s.self.y };
    // Where she stopped: the server's position (she is drawn within 0.01 px of it).
    const stopped = { name: final.self!.name, x: final.selfServer!.x, y: final.selfServer!.y };
    assert.deepEqual(place(back), stopped, "re-entered where she left");

    // A reload keeps the sign-in; signing out and in again finds the character.
    await alice.reload();
    await alice.locator("#characters-panel").waitFor({ state: "visible" });
    await alice.click("#signout-btn");
    await alice.locator("#auth-panel").waitFor({ state: "visible" });
    await signInInBrowser(alice, "ALICE.e2e@example.com", PASSWORD);
    const again = await playInBrowser(alice, "Alice_e2e");
    assert.deepEqual(place(again), stopped);
    const saved = await Character.findOne({ nameKey: "alice_e2e" }).lean();
    assert.deepEqual({ x: saved!.x, y: saved!.y }, { x: stopped.x, y: stopped.y });
  });

  it("shows the API's errors to the player", async () => {
    const page = await newPage();
    await page.fill("#email", "nobody.e2e@example.com");
    await page.fill("#password", "wrong password");
    await page.click("#signin-btn");
    await page.locator("#auth-error").filter({ hasText: /./ }).waitFor();
    await page.click("#guest-btn");
    await page.locator("#characters-panel").waitFor({ state: "visible" });
    await page.fill("#new-character-name", "x");
    await page.click("#create-character-btn");
    await page
      .locator("#characters-error")
      .filter({ hasText: validateCharacterName("x")! })
      .waitFor();
    await createCharacterInBrowser(page, "Taken_e2e");
    await page.fill("#new-character-name", "TAKEN_E2E");
    await page.click("#create-character-btn");
    await page.locator("#characters-error").filter({ hasText: NAME_TAKEN }).waitFor();
  });

  it("finds the character where it was left after the server restarts", async () => {
    const page = await newPage();
    await signUpInBrowser(page, "restart.e2e@example.com", PASSWORD);
    await createCharacterInBrowser(page, "Restarter");
    await playInBrowser(page, "Restarter");
    await page.keyboard.down("ArrowUp");
    await waitForSnapshot(page, (s) => s.self!.y < town.spawn.y - 3 * STEP, "walking up");
    // SIGTERM while the key is still held: the server saves, tells the player, exits 0.
    assert.equal(await world.server.stop("SIGTERM"), 0, world.server.output());
    await page.keyboard.up("ArrowUp");
    await page.locator("#characters-panel").waitFor({ state: "visible" });
    const saved = await Character.findOne({ nameKey: "restarter" }).lean();
    assert.ok(saved!.y < town.spawn.y - 3 * STEP, "the walk was saved");

    world.server = await startServerProcess({ MONGODB_URI: world.database.uri }, world.server.port);
    await page.reload();
    await page.locator("#characters-panel").waitFor({ state: "visible" });
    const back = await playInBrowser(page, "Restarter");
    assert.deepEqual({ name: back.self!.name, x: back.self!.x, y: back.self!.y }, { name: "Restarter", x: saved!.x, y: saved!.y });
  });
});
