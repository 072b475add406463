/**
 * A saved sign-in whose account the server no longer has, in a real headless Chromium
 * against the built server: a player signs up, the account disappears from the database
 * (deleted, or lost with it), and on the next visit the sign-in screen says exactly that —
 * not "wrong password", not "session expired" — and the stale token is forgotten. The
 * sign-in form itself still gives one answer for an unknown email and a wrong password,
 * and signing up again works.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ACCOUNT_GONE_MESSAGE } from "../client/src/network/errors.ts";
import { AUTH_ERRORS } from "../server/src/auth/routes.ts";
import { Account } from "../server/src/db/models.ts";
import { createCharacterInBrowser, openGame, signUpInBrowser, startBrowserWorld, stopBrowserWorld, type BrowserWorld } from "./browser.ts";

const EMAIL = "gone.e2e@example.com";
const PASSWORD = "a long enough password";
/** Where the SDK keeps the sign-in token (see client/src/network/auth.ts). */
const TOKEN_KEY = "colyseus-auth-token";

let world: BrowserWorld;
before(async () => {
  world = await startBrowserWorld();
});
after(async () => {
  await stopBrowserWorld(world);
});

describe("a saved sign-in whose account is gone", () => {
  it("is told on the sign-in screen that the account no longer exists, and its token is forgotten", async () => {
    const page = await openGame(world.browser, world.server.url);
    await signUpInBrowser(page, EMAIL, PASSWORD);
    await createCharacterInBrowser(page, "Gone_e2e");
    const token = await page.evaluate((key) => localStorage.getItem(key), TOKEN_KEY);
    assert.ok(token, "the sign-in is saved in the browser");

    // The server loses the account (its database was wiped, or an operator removed it).
    const { deletedCount } = await Account.deleteOne({ emailKey: EMAIL });
    assert.equal(deletedCount, 1);

    await page.reload();
    await page.locator("#auth-panel").waitFor({ state: "visible" });
    const error = page.locator("#auth-error");
    await error.filter({ hasText: /./ }).waitFor();
    assert.equal(await error.textContent(), ACCOUNT_GONE_MESSAGE);
    assert.equal(await page.locator("#characters-panel").isVisible(), false);
    assert.equal(await page.evaluate((key) => localStorage.getItem(key), TOKEN_KEY), null, "the stale token is gone");

    // The form keeps one answer for an email without an account and a wrong password: the server's, as it words it.
    await page.fill("#email", EMAIL);
    await page.fill("#password", PASSWORD);
    await page.click("#signin-btn");
    await error.filter({ hasText: AUTH_ERRORS.invalidCredentials }).waitFor();

    // As the message says: signing up again lets the player play.
    await signUpInBrowser(page, EMAIL, PASSWORD);
    assert.equal(await page.locator("#character-list li").count(), 0, "a new account, with no characters");
  });
});
