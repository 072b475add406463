/**
 * The Content-Security-Policy in a real headless Chromium against the built server: the
 * game signs up, enters a zone and draws frames under the strict policy without a single
 * violation or console error, and the admin monitor and playground work under their own
 * looser one.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { useZoneCatalog, zoneCatalog } from "@oatnut/shared";
import { loadZonesFromDisk } from "@oatnut/shared/node";
import { waitFor } from "../server/test/helpers.ts";
import {
  createCharacterInBrowser,
  openGame,
  playInBrowser,
  signUpInBrowser,
  snapshot,
  startBrowserWorld,
  stopBrowserWorld,
  waitForSnapshot,
  type BrowserWorld,
} from "./browser.ts";

const ADMIN = { username: "operator", password: "operator-password-123" };
useZoneCatalog(loadZonesFromDisk());

let world: BrowserWorld;
before(async () => {
  world = await startBrowserWorld({ ADMIN_USER: ADMIN.username, ADMIN_PASSWORD: ADMIN.password });
});
after(async () => {
  await stopBrowserWorld(world);
});

interface Watch {
  violations: () => Promise<string[]>;
  consoleErrors: string[];
}

/**
 * Records `securitypolicyviolation` events (from before the page's first script) and
 * console errors of a page.
 */
async function watch(page: Page): Promise<Watch> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push(`${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(`page error: ${error.message}`));
  return {
    violations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
    consoleErrors,
  };
}

describe("Content-Security-Policy in the browser", () => {
  it("lets the game sign up, enter a zone and draw frames with no violation and no console error", async () => {
    const page = await world.browser.newPage({ viewport: { width: 960, height: 640 } });
    const seen = await watch(page);
    const response = await page.goto(world.server.url);
    const policy = response?.headers()["content-security-policy"] ?? "";
    assert.match(policy, /script-src 'self'(;|$)/, `a strict script-src: ${policy}`);
    assert.doesNotMatch(policy, /unsafe-eval|unsafe-inline/, "the game page allows neither eval nor inline code");
    await page.locator("#auth-panel").waitFor({ state: "visible" });

    await signUpInBrowser(page, "csp.e2e@example.com", "a long enough password");
    await createCharacterInBrowser(page, "Csp_Hero");
    const entered = await playInBrowser(page, "Csp_Hero");
    await waitForSnapshot(page, (s) => s.screen === "game" && s.frame > entered.frame + 30, "30 more frames drawn");
    const drawn = await snapshot(page);
    assert.ok(drawn.self, "the own character is on screen");

    assert.deepEqual(await seen.violations(), [], "no securitypolicyviolation");
    assert.deepEqual(seen.consoleErrors, [], "no console error");

    // The watcher does see a violation when there is one: the policy is enforced.
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.__inlineRan = true";
      document.body.append(script);
    });
    const after = await waitFor(async () => {
      const reported = await seen.violations();
      return reported.length > 0 ? reported : null;
    }, "the inline script's violation report");
    assert.equal(after.length, 1, `one violation: ${after.join("; ")}`);
    assert.match(after[0], /^script-src-elem blocked inline/);
    assert.equal(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan), undefined, "and it did not run");
    await page.close();
  });

  it("lets an admin use the monitor and the playground under their own policy with no violation", async () => {
    const context = await world.browser.newContext({ httpCredentials: ADMIN, viewport: { width: 1200, height: 700 } });
    const game = await openGame(world.browser, world.server.url);
    await game.click("#guest-btn");
    await game.locator("#characters-panel").waitFor({ state: "visible" });
    await createCharacterInBrowser(game, "Csp_Watched");
    const { zone } = await playInBrowser(game, "Csp_Watched");
    // The monitor lists rooms by room type: the zone's own (the town is a "sanctuary").
    const roomType = zoneCatalog().get(zone!).roomType;

    const page = await context.newPage();
    const seen = await watch(page);
    const response = await page.goto(`${world.server.url}/admin/monitor/`);
    assert.equal(response?.status(), 200);
    assert.match(response?.headers()["content-security-policy"] ?? "", /frame-ancestors 'none'/);
    await page.locator('[role="row"]', { hasText: roomType }).first().waitFor({ timeout: 15_000 });
    assert.deepEqual(await seen.violations(), [], "no securitypolicyviolation in the monitor");

    // The playground (development only, as this server runs) under the same policy.
    const playground = await context.newPage();
    const seenThere = await watch(playground);
    assert.equal((await playground.goto(`${world.server.url}/admin/playground/`))?.status(), 200);
    await playground.getByText("API Endpoints").first().click({ timeout: 15_000 });
    await playground.getByText("/matchmake/:method/:roomName").first().waitFor({ timeout: 15_000 });
    assert.deepEqual(await seenThere.violations(), [], "no securitypolicyviolation in the playground");
    await context.close();
    await game.context().close();
  });
});
