/**
 * Chat in real browsers: zone chat both ways, a whisper to a player in another zone,
 * and lines shown as text, never as HTML.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { Character } from "../server/src/db/models.ts";
import {
  createCharacterInBrowser,
  openGame,
  playInBrowser,
  signUpInBrowser,
  startBrowserWorld,
  stopBrowserWorld,
  waitServerTime,
  type BrowserWorld,
} from "./browser.ts";

let world: BrowserWorld;
before(async () => {
  world = await startBrowserWorld();
});
after(async () => {
  await stopBrowserWorld(world);
});

async function player(name: string, zone?: { zone: string; x: number; y: number }): Promise<Page> {
  const page = await openGame(world.browser, world.server.url);
  await signUpInBrowser(page, `${name.toLowerCase()}@example.com`, "a long enough password");
  await createCharacterInBrowser(page, name);
  if (zone) await Character.updateOne({ nameKey: name.toLowerCase() }, { $set: zone });
  await playInBrowser(page, name);
  return page;
}

async function say(page: Page, text: string): Promise<void> {
  await page.keyboard.press("Enter"); // opens the chat line
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
}

const logLine = (page: Page, text: string) => page.locator("#chat-log li", { hasText: text });

describe("chat in the browser", () => {
  it("talks both ways in a zone, whispers to another zone, and shows lines as text", async () => {
    const ann = await player("Ann_Chat");
    const ben = await player("Ben_Chat");
    const cid = await player("Cid_Chat", { zone: "forest", x: 976, y: 720 });

    await say(ann, "hello <b>Ben</b>");
    await logLine(ben, "hello <b>Ben</b>").waitFor();
    assert.equal(await logLine(ben, "hello").locator("b").count(), 0, "shown as text, not HTML");
    assert.match(await logLine(ben, "hello").innerText(), /^Ann_Chat: hello <b>Ben<\/b>$/);
    await say(ben, "hi Ann");
    await logLine(ann, "hi Ann").waitFor();

    await say(ann, "/w Cid_Chat meet me in the woods");
    await logLine(cid, "meet me in the woods").waitFor();
    assert.match(await logLine(cid, "meet me").innerText(), /Ann_Chat → Cid_Chat: meet me in the woods/);
    await logLine(ann, "meet me in the woods").waitFor();
    // A zone line Ann says after it reaches Ben after anything of hers that could have.
    await say(ann, "still here");
    await logLine(ben, "still here").waitFor();
    assert.equal(await logLine(ben, "meet me").count(), 0, "a whisper is for its addressee only");

    // Typing does not walk the character.
    const before = await ann.evaluate(() => (window as any).__oatnut.snapshot().selfServer);
    await say(ann, "wasd wasd wasd");
    await logLine(ann, "wasd wasd wasd").waitFor();
    await waitServerTime(ann, 300, "a few ticks after the line"); // what the keys would have moved is in the state by then
    assert.deepEqual(await ann.evaluate(() => (window as any).__oatnut.snapshot().selfServer), before);
  });
});
