/**
 * A real headless Chromium (Debian's `chromium`, driven by playwright-core), and small
 * helpers to play the game through its UI. No browser is ever downloaded.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { PROJECT_ROOT } from "../server/src/config.ts";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, "test-results", "e2e");

/**
 * Launches headless Chromium.
 * @throws Error with the command that installs Chromium when it is missing
 */
export async function launchChromium(executablePath = CHROMIUM_PATH): Promise<Browser> {
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `Chromium is not installed at ${executablePath}. Install it with: sudo apt-get install -y chromium `
        + "(or set CHROMIUM_PATH to a Chromium binary).",
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
    ],
  });
}

export interface Snapshot {
  screen: "auth" | "characters" | "game";
  zone: string | null;
  self: { name: string; x: number; y: number } | null;
  selfServer: { x: number; y: number } | null;
  others: Array<{ name: string; x: number; y: number }>;
}

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

/** Holds a key for `ms` milliseconds. */
export async function holdKey(page: Page, key: string, ms: number): Promise<void> {
  await page.keyboard.down(key);
  await page.waitForTimeout(ms);
  await page.keyboard.up(key);
}
