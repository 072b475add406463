/**
 * A real headless Chromium (a system one, or the one shipped in the npm package
 * @sparticuz/chromium: see chromiumBinary.ts), driven by playwright-core, and small helpers
 * to play the game through its UI. No browser is ever downloaded.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import type { OatnutSnapshot } from "../client/src/snapshot.ts";
import { PROJECT_ROOT } from "../server/src/config.ts";
import { connectDatabase, disconnectDatabase } from "../server/src/db/connection.ts";
import type { DatabaseEngine } from "../server/src/db/engine.ts";
import { startTestDatabase } from "../server/test/helpers.ts";
import { startServerProcess, type ServerProcess } from "../server/test/process.ts";
import { findChromium, type ChromiumBinary } from "./chromiumBinary.ts";

export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, "test-results", "e2e");

let chosen: Promise<ChromiumBinary> | undefined;

/** Launches headless Chromium (saying once, per test process, which one). */
export async function launchChromium(): Promise<Browser> {
  if (!chosen) {
    chosen = findChromium();
    const binary = await chosen;
    console.log(`e2e: Chromium from ${binary.source}: ${binary.executablePath}`);
  }
  const binary = await chosen;
  return chromium.launch({
    executablePath: binary.executablePath,
    headless: true,
    env: { ...process.env, ...binary.env },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-dev-shm-usage",
    ],
  });
}

/** What the game's test hook returns: the client's own type (client/src/snapshot.ts), not a copy. */
export type Snapshot = OatnutSnapshot;

export function snapshot(page: Page): Promise<Snapshot> {
  return page.evaluate(() => (window as unknown as { __oatnut: { snapshot(): Snapshot } }).__oatnut.snapshot());
}

/** Polls the page's snapshot until `check` accepts it. */
export async function waitForSnapshot(page: Page, check: (s: Snapshot) => boolean, what: string, timeoutMs = 15_000): Promise<Snapshot> {
  const deadline = Date.now() + timeoutMs;
  let last: Snapshot | undefined;
  for (;;) {
    last = await snapshot(page);
    if (check(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last snapshot: ${JSON.stringify(last)}`);
    await page.waitForTimeout(50);
  }
}

export async function signUpInBrowser(page: Page, email: string, password: string): Promise<void> {
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("#signup-btn");
  await page.locator("#characters-panel").waitFor({ state: "visible" });
}

export async function signInInBrowser(page: Page, email: string, password: string): Promise<void> {
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("#signin-btn");
  await page.locator("#characters-panel").waitFor({ state: "visible" });
}

export async function createCharacterInBrowser(page: Page, name: string): Promise<void> {
  await page.fill("#new-character-name", name);
  await page.click("#create-character-btn");
  await page.locator(`#character-list li[data-character-name="${name}"]`).waitFor();
}

export async function playInBrowser(page: Page, name: string): Promise<Snapshot> {
  await page.click(`#character-list li[data-character-name="${name}"] .play-btn`);
  return waitForSnapshot(page, (s) => s.screen === "game" && s.self?.name === name, `${name} in the zone`);
}

/**
 * Waits until the own character is at rest: every input it sent was applied by the server
 * and acknowledged (the prediction and the server's position agree), and it is drawn there
 * (no correction still gliding out).
 */
export function waitAtRest(page: Page, what = "the character at rest", timeoutMs = 15_000): Promise<Snapshot> {
  return waitForSnapshot(
    page,
    (s) =>
      s.selfServer !== null &&
      s.selfPredicted !== null &&
      s.self !== null &&
      s.selfServer.x === s.selfPredicted.x &&
      s.selfServer.y === s.selfPredicted.y &&
      // Drawn there too, to a hundredth of a pixel: the correction glide decays toward
      // the prediction and may keep a residue of 1e-8 px for as long as frames are slow.
      Math.abs(s.self.x - s.selfServer.x) < 0.01 &&
      Math.abs(s.self.y - s.selfServer.y) < 0.01,
    what,
    timeoutMs,
  );
}

/** Waits until the server's clock, as the page last heard it, is `ms` past what it was: that many ms of ticks were seen. */
export async function waitServerTime(page: Page, ms: number, what = "the server's ticks"): Promise<Snapshot> {
  const from = (await snapshot(page)).serverTimeMs;
  return waitForSnapshot(page, (s) => s.serverTimeMs >= from + ms, what, 30_000);
}

/** Holds a key for `ms` milliseconds. */
export async function holdKey(page: Page, key: string, ms: number): Promise<void> {
  await page.keyboard.down(key);
  await page.waitForTimeout(ms);
  await page.keyboard.up(key);
}

/** A fresh browser context (no shared storage) on the game's page, at the sign-in panel. */
export async function openGame(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 960, height: 640 } });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  await page.goto(url);
  await page.locator("#auth-panel").waitFor({ state: "visible" });
  return page;
}

/** Chromium, a database of its own and the production server on it, for one e2e file. */
export interface BrowserWorld {
  browser: Browser;
  database: DatabaseEngine;
  server: ServerProcess;
}

export async function startBrowserWorld(env: Record<string, string> = {}): Promise<BrowserWorld> {
  const browser = await launchChromium();
  let database: DatabaseEngine | undefined;
  try {
    database = await startTestDatabase();
    await connectDatabase(database.uri);
    const server = await startServerProcess({ MONGODB_URI: database.uri, ...env });
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    return { browser, database, server };
  } catch (error) {
    // The file's `after` gets no world to stop: without this, the browser and the
    // database started so far keep the test process alive after the failure is reported.
    await browser.close();
    await disconnectDatabase();
    await database?.stop();
    throw error;
  }
}

export async function stopBrowserWorld(world: BrowserWorld | undefined): Promise<void> {
  await world?.browser.close();
  await world?.server.stop("SIGKILL");
  await disconnectDatabase();
  await world?.database.stop();
}
