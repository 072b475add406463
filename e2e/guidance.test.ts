/**
 * What guides a new player, in a real headless Chromium: the controls hint on a
 * character's first entry (not again once dismissed, for that character only); the
 * pointer to the nearest portal (at the screen's edge on the portal's side, pointing its
 * way, then over the portal once it is on screen, clear of the dungeon's arrival notice);
 * and a target that is dropped when the player walks out of reach of it.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import type { Page } from "playwright-core";
import { distance, isWalkable, SKILLS, Skill, useZoneCatalog, zoneCatalog, type Portal } from "@oatnut/shared";
import { loadZonesFromDisk } from "@oatnut/shared/node";
import { Character } from "../server/src/db/models.ts";
import {
  createCharacterInBrowser,
  holdKey,
  openGame,
  playInBrowser,
  SCREENSHOT_DIR,
  signUpInBrowser,
  snapshot,
  startBrowserWorld,
  stopBrowserWorld,
  waitForSnapshot,
  type BrowserWorld,
  type Snapshot,
} from "./browser.ts";

useZoneCatalog(loadZonesFromDisk());
const PASSWORD = "a long enough password";
const map = (id: string) => zoneCatalog().get(id).map;
const portal = (zone: string, to: string) => map(zone).portals.find((p) => p.targetZone === to)!;
const centre = (p: Portal) => ({ x: p.x + p.width / 2, y: p.y + p.height / 2 });

let world: BrowserWorld;
before(async () => {
  world = await startBrowserWorld();
});
after(async () => {
  await stopBrowserWorld(world);
});

/** A new account with one character, put at `start` (zone and place), playing. */
async function newPlayer(name: string, start?: { zone: string; x: number; y: number }): Promise<Page> {
  const page = await openGame(world.browser, world.server.url);
  await signUpInBrowser(page, `${name.toLowerCase()}@example.com`, PASSWORD);
  await createCharacterInBrowser(page, name);
  if (start) await Character.updateOne({ nameKey: name.toLowerCase() }, { $set: start });
  await playInBrowser(page, name);
  return page;
}

/** Leaves the world, moves the saved character to `start`, and plays it again. */
async function reenter(page: Page, name: string, start?: { zone: string; x: number; y: number }): Promise<Snapshot> {
  await page.click("#leave-btn");
  await page.locator("#characters-panel").waitFor({ state: "visible" });
  if (start) await Character.updateOne({ nameKey: name.toLowerCase() }, { $set: start });
  await playInBrowser(page, name);
  return waitForSnapshot(page, (s) => s.frame > 3 && s.self !== null, `${name} drawn`);
}

const nearestMarker = (s: Snapshot) => s.guidance.portals.find((p) => p.nearest);

describe("guiding a new player", () => {
  it("shows the controls hint on a character's first entry, and not after it was dismissed (per character)", async () => {
    const page = await newPlayer("Guide_Hint");
    await page.locator("#controls-hint").waitFor({ state: "visible" });
    assert.equal((await snapshot(page)).guidance.controlsHint, true);
    const text = await page.locator("#controls-hint").innerText();
    for (const says of [/W.*A.*S.*D/s, /arrow keys/, /Strike/, /Firebolt/, /Enter/, /Walk over loot/]) assert.match(text, says);
    assert.equal(await page.locator("#touch-stick").isVisible(), false, "no touch controls with a mouse");

    await page.click("#controls-hint-close");
    await page.locator("#controls-hint").waitFor({ state: "hidden" });
    assert.equal((await snapshot(page)).guidance.controlsHint, false);

    // Entering again: not shown; the "?" button still opens and closes it.
    await reenter(page, "Guide_Hint");
    await waitForSnapshot(page, (s) => s.frame > 30, "a few frames drawn");
    assert.equal(await page.locator("#controls-hint").isVisible(), false, "dismissed: not shown on entering again");
    await page.click("#help-btn");
    await page.locator("#controls-hint").waitFor({ state: "visible" });
    await page.click("#help-btn");
    await page.locator("#controls-hint").waitFor({ state: "hidden" });

    // A new character of the same account: its first entry shows it.
    await page.click("#leave-btn");
    await page.locator("#characters-panel").waitFor({ state: "visible" });
    await createCharacterInBrowser(page, "Guide_Hint2");
    await playInBrowser(page, "Guide_Hint2");
    await page.locator("#controls-hint").waitFor({ state: "visible" });
  });

  it("points to the nearest portal: at the screen's edge on its side, then over it once on screen", async () => {
    const town = map("town");
    const toForest = portal("town", "forest");
    const page = await newPlayer("Guide_Way");
    let s = await waitForSnapshot(page, (x) => x.self !== null && nearestMarker(x)?.box != null, "the portal pointer");
    // From the town's spawn the forest portal is off screen to the right (east).
    let marker = nearestMarker(s)!;
    const target = centre(toForest);
    assert.equal(marker.zone, "forest");
    assert.equal(marker.label, "Whisperwood");
    assert.equal(marker.onScreen, false, `off screen from the spawn (${JSON.stringify(marker)})`);
    assert.equal(marker.edge, "right", "at the right edge: the portal lies east of the player");
    const expected = Math.atan2(target.y - s.self!.y, target.x - s.self!.x);
    assert.ok(Math.abs(marker.angle - expected) < 0.05, `pointing the portal's way (${marker.angle} vs ${expected})`);
    assert.ok(Math.cos(marker.angle) > 0.9, "pointing right");
    const viewport = page.viewportSize()!;
    const box = marker.box!;
    assert.ok(
      box.x + box.width <= viewport.width && box.x >= viewport.width * 0.6,
      `near the right edge, on screen: ${JSON.stringify(box)}`,
    );
    const element = page.locator(".portal-marker.nearest");
    assert.match(await element.innerText(), /Whisperwood/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "guidance-pointer.png") });

    // Walking east brings the portal on screen: its label sits over it.
    await page.keyboard.down("ArrowRight");
    try {
      s = await waitForSnapshot(page, (x) => nearestMarker(x)?.onScreen === true, "the portal on screen", 30_000);
    } finally {
      await page.keyboard.up("ArrowRight");
    }
    s = await waitForSnapshot(page, (x) => nearestMarker(x)?.onScreen === true && nearestMarker(x)?.box != null, "its label shown");
    marker = nearestMarker(s)!;
    assert.equal(marker.edge, null);
    const over = marker.box!;
    assert.ok(Math.abs(over.x + over.width / 2 - marker.portal.x) < over.width / 2, `over the portal sideways (${JSON.stringify(marker)})`);
    assert.ok(over.y + over.height <= marker.portal.y, `above its centre (${JSON.stringify(marker)})`);
    assert.ok(town.portals.length === 1 && s.guidance.portals.length === 1);

    // In the west of the forest the nearest portal (back to the town) is to the left.
    const spot = { x: 600, y: 560 };
    assert.ok(isWalkable(spot, map("forest")));
    await reenter(page, "Guide_Way", { zone: "forest", ...spot });
    s = await waitForSnapshot(page, (x) => x.zone === "forest" && nearestMarker(x)?.box != null, "the forest's pointer");
    marker = nearestMarker(s)!;
    assert.equal(marker.zone, "town");
    assert.equal(marker.edge, "left", `at the left edge: the town portal lies west (${JSON.stringify(marker)})`);
    assert.ok(Math.cos(marker.angle) < -0.9, "pointing left");
    assert.ok(marker.box!.x <= viewport.width * 0.4);
    const other = s.guidance.portals.find((p) => p.zone === "dungeon")!;
    assert.equal(other.nearest, false, "the farther portal is marked too, not as the pointer");

    // In the crypt the way out is on screen on arrival: its label over it, clear of the arrival notice.
    const entrance = map("dungeon").spawns.get("entrance")!;
    await reenter(page, "Guide_Way", { zone: "dungeon", ...entrance });
    await page.locator("#notice").filter({ hasText: "You enter" }).waitFor();
    s = await waitForSnapshot(page, (x) => x.zone === "dungeon" && nearestMarker(x)?.box != null, "the crypt's portal label");
    marker = nearestMarker(s)!;
    assert.equal(marker.onScreen, true);
    const notice = (await page.locator("#notice").boundingBox())!;
    const label = marker.box!;
    const apart =
      label.x + label.width <= notice.x ||
      notice.x + notice.width <= label.x ||
      label.y + label.height <= notice.y ||
      notice.y + notice.height <= label.y;
    assert.ok(apart, `the portal label (${JSON.stringify(label)}) is clear of the notice (${JSON.stringify(notice)})`);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "guidance-crypt.png") });
  });

  it("drops the target when the player walks out of reach", { timeout: 180_000 }, async () => {
    const start = { x: 304, y: 560 };
    assert.ok(isWalkable(start, map("forest")));
    const page = await newPlayer("Guide_Aim", { zone: "forest", ...start });
    await page.click("#controls-hint-close");
    // Select a slime: a click on one drawn on the view (or the first to bite selects itself).
    let s = await snapshot(page);
    const deadline = Date.now() + 60_000;
    while (s.target === null) {
      if (Date.now() > deadline) throw new Error(`no slime could be selected: ${JSON.stringify(s.monsters)}`);
      // A slime drawn where a click reaches the game's canvas (not under a HUD panel).
      let clicked = false;
      for (const m of s.monsters) {
        if (m.hp <= 0 || !m.screen) continue;
        const at = { x: m.screen.x, y: m.screen.y - 4 };
        const onCanvas = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.tagName === "CANVAS", at);
        if (!onCanvas) continue;
        await page.mouse.click(at.x, at.y);
        clicked = true;
        break;
      }
      // None there (the slimes keep to their area, north of here): step toward them.
      if (!clicked && s.self && s.self.y > 430) await holdKey(page, "ArrowUp", 150);
      await page.waitForTimeout(200);
      s = await snapshot(page);
    }
    const eid = s.target;
    await page.locator("#target-frame").waitFor({ state: "visible" });

    // Walk east, away from the slimes, until the target is dropped.
    await page.keyboard.down("ArrowRight");
    try {
      s = await waitForSnapshot(page, (x) => x.target === null, "the target dropped", 60_000);
    } finally {
      await page.keyboard.up("ArrowRight");
    }
    const slime = s.monsters.find((m) => m.eid === eid);
    assert.ok(slime, "the slime is still in view of the server (dropped for being out of reach, not for leaving the view)");
    assert.ok(slime.hp > 0, "and alive");
    const self = s.self!;
    assert.ok(distance(self, slime) > SKILLS[Skill.Bolt].range, `out of reach of every skill (${distance(self, slime)} px)`);
    await page.locator("#target-frame").waitFor({ state: "hidden" });
  });
});
