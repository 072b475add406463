/**
 * The sign-in and character screens in a real browser, under the production CSP: the
 * sign-in screen shows the game's world and hero; the character list shows each
 * character's level; Create is disabled at the account's limit, saying why; deleting asks
 * for the character's name first; and every error the player reads on these screens is a
 * sentence — the server's own text as it sent it, or the client's.
 */
import path from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { MAX_CHARACTERS_PER_ACCOUNT } from "@oatnut/shared";
import { Character } from "../server/src/db/models.ts";
import {
  createCharacterInBrowser,
  openGame,
  SCREENSHOT_DIR,
  signUpInBrowser,
  startBrowserWorld,
  stopBrowserWorld,
  type BrowserWorld,
} from "./browser.ts";

let world: BrowserWorld;
before(async () => {
  world = await startBrowserWorld();
});
after(async () => {
  await stopBrowserWorld(world);
});

const PASSWORD = "a long enough password";

/** A complete sentence: a capital first, a full stop (or ! ?) last. */
const SENTENCE = /^[A-Z].*[.!?]$/s;

/** What the server answers a request, as `{ error }` says it (fetched by the page itself). */
async function serverError(page: Page, method: string, url: string, body: unknown, token?: string | null): Promise<string> {
  return page.evaluate(
    async ({ method, url, body, token }) => {
      const response = await fetch(url, {
        method,
        headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      return ((await response.json()) as { error: string }).error;
    },
    { method, url, body, token },
  );
}

/** Records CSP violations from before the page's first script. */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener("securitypolicyviolation", (event) => seen.push(`${event.effectiveDirective} blocked ${event.blockedURI}`));
  });
  return () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}

const item = (page: Page, name: string) => page.locator(`#character-list li[data-character-name="${name}"]`);

describe("sign-in and character screens", () => {
  it("shows the world and the hero behind the sign-in form, under the CSP, and says every error in sentences", async () => {
    const context = await world.browser.newContext({ viewport: { width: 960, height: 640 } });
    const page = await context.newPage();
    const violations = await watchCsp(page);
    await page.goto(world.server.url);
    await page.locator("#auth-panel").waitFor({ state: "visible" });

    // The backdrop: the starting zone drawn from its map with the tileset — many colours, not a flat fill.
    const colours = await page.waitForFunction(() => {
      const canvas = document.getElementById("title-backdrop") as HTMLCanvasElement | null;
      if (!canvas || canvas.width === 0) return 0;
      const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 97) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      return seen.size > 50 ? seen.size : 0;
    });
    assert.ok((await colours.jsonValue()) > 50, "the backdrop is drawn");
    // The hero: the game's own sprite sheet, loaded.
    const hero = await page.evaluate(async () => {
      const sprite = document.querySelector(".hero-sprite")!;
      const url = getComputedStyle(sprite).backgroundImage.replace(/^url\("?|"?\)$/g, "");
      const image = new Image();
      image.src = url;
      await image.decode();
      return { url: new URL(url).pathname, width: image.naturalWidth, shown: sprite.getBoundingClientRect().width };
    });
    assert.deepEqual(hero, { url: "/sprites/hero.png", width: 96, shown: 64 }, "the hero sprite, drawn at twice its size");
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "sign-in.png") });

    // The client's own words: nothing typed.
    const authError = page.locator("#auth-error");
    await page.click("#signin-btn");
    await authError.filter({ hasText: /./ }).waitFor();
    assert.match((await authError.textContent())!, SENTENCE);

    // The server's words, shown as it sent them: a wrong password, a short one.
    const wrong = await serverError(page, "POST", "/auth/login", { email: "nobody.words@example.com", password: "not the password" });
    await page.fill("#email", "nobody.words@example.com");
    await page.fill("#password", "not the password");
    await page.click("#signin-btn");
    await authError.filter({ hasText: wrong }).waitFor();
    assert.equal(await authError.textContent(), wrong);
    assert.match(wrong, SENTENCE, "the server words it as a sentence");
    const short = await serverError(page, "POST", "/auth/register", { email: "short.words@example.com", password: "abc" });
    await page.fill("#email", "short.words@example.com");
    await page.fill("#password", "abc");
    await page.click("#signup-btn");
    await authError.filter({ hasText: short }).waitFor();
    assert.match(short, SENTENCE);

    // The character screen's errors: a bad name and a taken one, as the server says them.
    await signUpInBrowser(page, "words.e2e@example.com", PASSWORD);
    await page.locator("#character-list").waitFor({ state: "attached" });
    assert.equal(await page.locator("#characters-empty").textContent(), "You have no characters yet. Create one below to start playing.");
    const token = await page.evaluate(() => localStorage.getItem("colyseus-auth-token"));
    const charactersError = page.locator("#characters-error");
    const badName = await serverError(page, "POST", "/api/characters", { name: "x" }, token);
    await page.fill("#new-character-name", "x");
    await page.click("#create-character-btn");
    await charactersError.filter({ hasText: badName }).waitFor();
    assert.match(badName, SENTENCE);
    await createCharacterInBrowser(page, "Wordsmith");
    const taken = await serverError(page, "POST", "/api/characters", { name: "WORDSMITH" }, token);
    await page.fill("#new-character-name", "WORDSMITH");
    await page.click("#create-character-btn");
    await charactersError.filter({ hasText: taken }).waitFor();
    assert.match(taken, SENTENCE);

    assert.deepEqual(await violations(), [], "no CSP violation");
    await context.close();
  });

  it("lists each character's level, disables Create at the limit saying why, and deletes only once the name is typed", async () => {
    const page = await openGame(world.browser, world.server.url);
    await signUpInBrowser(page, "roster.e2e@example.com", PASSWORD);
    const names = Array.from({ length: MAX_CHARACTERS_PER_ACCOUNT }, (_, i) => `Roster_${i + 1}`);
    const create = page.locator("#create-character-btn");
    const limit = page.locator("#characters-limit");
    for (const name of names) {
      assert.equal(await create.isDisabled(), false, `Create works below the limit (before ${name})`);
      assert.equal(await limit.isVisible(), false);
      await createCharacterInBrowser(page, name);
    }

    // Levels: as the API says, 1 for new characters; a character that levelled up shows it.
    assert.equal(await item(page, "Roster_1").locator(".character-level").textContent(), "Level 1");
    await Character.updateOne({ nameKey: "roster_2" }, { $set: { level: 7 } });
    await page.reload();
    await item(page, "Roster_2").waitFor();
    assert.equal(await item(page, "Roster_2").locator(".character-level").textContent(), "Level 7");
    assert.match((await item(page, "Roster_2").locator(".character-details").textContent())!, /^Level 7 · \S/, "and where it is");

    // At the limit: Create and the name field are disabled, and the screen says why.
    await limit.waitFor({ state: "visible" });
    assert.equal(await create.isDisabled(), true, "Create is disabled at the limit");
    assert.equal(await page.locator("#new-character-name").isDisabled(), true);
    const why = (await limit.textContent())!;
    assert.match(why, new RegExp(`^You have ${MAX_CHARACTERS_PER_ACCOUNT} characters, the most an account can have\\. Delete one`));
    assert.match(why, SENTENCE);

    // Delete asks first: the button stays disabled until the name is typed exactly.
    const dialog = page.locator("#delete-dialog");
    const confirm = page.locator("#delete-confirm-btn");
    await item(page, "Roster_3").locator(".delete-btn").click();
    await dialog.waitFor({ state: "visible" });
    assert.equal(await page.locator("#delete-title").textContent(), "Delete Roster_3?");
    assert.equal(await confirm.isDisabled(), true, "nothing typed: disabled");
    await page.fill("#delete-confirm-name", "Roster_");
    assert.equal(await confirm.isDisabled(), true, "part of the name: disabled");
    await page.fill("#delete-confirm-name", "roster_3");
    assert.equal(await confirm.isDisabled(), true, "another case: disabled");
    await page.fill("#delete-confirm-name", "Roster_3");
    assert.equal(await confirm.isDisabled(), false, "the name: enabled");
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "characters-delete.png") });
    // Cancel keeps the character; Escape too.
    await page.click("#delete-cancel-btn");
    await dialog.waitFor({ state: "hidden" });
    await item(page, "Roster_3").locator(".delete-btn").click();
    await dialog.waitFor({ state: "visible" });
    assert.equal(await page.inputValue("#delete-confirm-name"), "", "the dialog starts empty again");
    assert.equal(await confirm.isDisabled(), true);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    assert.equal(await Character.countDocuments({ name: "Roster_3" }), 1, "still there");

    // Typed and confirmed (Enter submits): gone, and there is room for one more.
    await item(page, "Roster_3").locator(".delete-btn").click();
    await page.fill("#delete-confirm-name", "Roster_3");
    await page.press("#delete-confirm-name", "Enter");
    await item(page, "Roster_3").waitFor({ state: "detached" });
    assert.equal(await Character.countDocuments({ name: "Roster_3" }), 0, "deleted");
    assert.equal(await page.locator("#character-list li").count(), MAX_CHARACTERS_PER_ACCOUNT - 1);
    await limit.waitFor({ state: "hidden" });
    assert.equal(await create.isDisabled(), false, "Create works again");
    await createCharacterInBrowser(page, "Roster_6");
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "characters.png") });
  });
});
