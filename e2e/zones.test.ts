/**
 * A world of zones in a real browser: walk from the town to the forest to the dungeon and
 * back through portals (no reload, no sign-in), a second player in the forest sees the
 * arrival, and after signing in again the character is in the zone and place it left.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { useZoneCatalog, zoneCatalog } from "@oatnut/shared";
import { loadZonesFromDisk } from "@oatnut/shared/node";
import { Character } from "../server/src/db/models.ts";
import {
  createCharacterInBrowser,
  playInBrowser,
  SCREENSHOT_DIR,
  signInInBrowser,
  signUpInBrowser,
  snapshot,
  waitAtRest,
  waitForSnapshot,
  openGame,
  startBrowserWorld,
  stopBrowserWorld,
  type BrowserWorld,
} from "./browser.ts";
import { walkThrough } from "./walker.ts";

useZoneCatalog(loadZonesFromDisk());
const PASSWORD = "a long enough password";
const map = (id: string) => zoneCatalog().get(id).map;
const portal = (zone: string, to: string) => map(zone).portals.find((p) => p.targetZone === to)!;

let world: BrowserWorld;
before(async () => {
  world = await startBrowserWorld();
});
after(async () => {
  await stopBrowserWorld(world);
});

const newPage = () => openGame(world.browser, world.server.url);

describe("travelling the world in the browser", () => {
  // Four walks through portals: on a loaded machine this takes longer than one test's default bound.
  it("walks town → forest → dungeon → forest → town, is seen arriving, and comes back where it left", { timeout: 360_000 }, async () => {
    // Bob waits in the forest, near where travellers from the town arrive.
    const bob = await newPage();
    await signUpInBrowser(bob, "bob.zones@example.com", PASSWORD);
    await createCharacterInBrowser(bob, "Bob_Zones");
    const arrival = map("forest").spawns.get(portal("town", "forest").targetSpawn)!;
    await Character.updateOne({ nameKey: "bob_zones" }, { $set: { zone: "forest", x: arrival.x + 96, y: arrival.y } });
    const bobIn = await playInBrowser(bob, "Bob_Zones");
    assert.equal(bobIn.zone, "forest");

    const alice = await newPage();
    await signUpInBrowser(alice, "alice.zones@example.com", PASSWORD);
    await createCharacterInBrowser(alice, "Alice_Zones");
    const start = await playInBrowser(alice, "Alice_Zones");
    assert.equal(start.zone, "town");
    const pageUrl = alice.url();

    await walkThrough(alice, map("town"), portal("town", "forest"), "forest");
    const inForest = await snapshot(alice);
    assert.deepEqual(inForest.selfServer, arrival, "arrived on the forest's spawn for travellers from the town");
    assert.match(await alice.locator("#hud-zone").innerText(), /Whisperwood/);
    await waitForSnapshot(bob, (s) => s.others.some((o) => o.name === "Alice_Zones"), "Bob sees Alice arrive");
    await alice.screenshot({ path: path.join(SCREENSHOT_DIR, "forest-arrival.png") });

    await walkThrough(alice, map("forest"), portal("forest", "dungeon"), "dungeon");
    assert.match(await alice.locator("#hud-zone").innerText(), /Sunken Crypt/);
    await alice.screenshot({ path: path.join(SCREENSHOT_DIR, "dungeon.png") });
    await walkThrough(alice, map("dungeon"), portal("dungeon", "forest"), "forest");
    await walkThrough(alice, map("forest"), portal("forest", "town"), "town");
    assert.equal(alice.url(), pageUrl, "the same page all along: no reload");
    assert.equal(await alice.locator("#auth-panel").isVisible(), false, "and no sign-in prompt");

    // A few steps into the town, then sign out and in again.
    await alice.keyboard.down("ArrowLeft");
    await alice.waitForTimeout(300);
    await alice.keyboard.up("ArrowLeft");
    const left = (await waitAtRest(alice)).selfServer!;
    await alice.click("#leave-btn");
    await alice.locator("#characters-panel").waitFor({ state: "visible" });
    await alice.click("#signout-btn");
    await alice.locator("#auth-panel").waitFor({ state: "visible" });
    await signInInBrowser(alice, "alice.zones@example.com", PASSWORD);
    const back = await playInBrowser(alice, "Alice_Zones");
    assert.equal(back.zone, "town");
    assert.deepEqual(back.selfServer, left, "in the zone and at the place it left");
    const saved = await Character.findOne({ nameKey: "alice_zones" }).lean();
    assert.deepEqual({ zone: saved!.zone, x: saved!.x, y: saved!.y }, { zone: "town", ...left });
  });
});
