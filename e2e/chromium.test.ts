/**
 * Where the end-to-end tests' Chromium comes from: CHROMIUM_PATH, a system Chromium on
 * PATH, or the one shipped in the npm package @sparticuz/chromium — so `npm install` is
 * all a bare machine needs.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { findChromium } from "./chromiumBinary.ts";

/** Runs `body` with these environment variables (restored after). */
async function withEnv<T>(env: Record<string, string | undefined>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return await body();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

describe("the end-to-end tests' Chromium", () => {
  it("without a system Chromium, is the npm-shipped one, and it renders a page with WebGL", async () => {
    // A PATH with node, tar and nothing else: no chromium on it.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-bare-path-"));
    for (const tool of ["tar"]) {
      const found = ["/usr/bin", "/bin"].map((dir) => path.join(dir, tool)).find((file) => fs.existsSync(file));
      if (found) fs.symlinkSync(found, path.join(bin, tool));
    }
    const binary = await withEnv({ PATH: bin, CHROMIUM_PATH: undefined }, () => findChromium());
    assert.match(binary.source, /^@sparticuz\/chromium \d+/);
    assert.ok(fs.existsSync(binary.executablePath));
    const browser = await chromium.launch({
      executablePath: binary.executablePath,
      headless: true,
      env: { ...process.env, ...binary.env, PATH: bin },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
    try {
      const page = await browser.newPage();
      await page.setContent("<canvas id=c></canvas><p id=t>hello</p>");
      assert.equal(await page.textContent("#t"), "hello");
      const webgl = await page.evaluate(() => Boolean((document.getElementById("c") as HTMLCanvasElement).getContext("webgl")));
      assert.equal(webgl, true, "WebGL works (SwiftShader): PixiJS needs it");
    } finally {
      await browser.close();
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  it("prefers CHROMIUM_PATH, and says clearly when it names nothing", async () => {
    await assert.rejects(
      withEnv({ CHROMIUM_PATH: "/nonexistent/chromium" }, () => findChromium()),
      /CHROMIUM_PATH is \/nonexistent\/chromium, which does not exist/,
    );
    const self = process.execPath; // any existing file will do to show the preference
    assert.deepEqual(await withEnv({ CHROMIUM_PATH: self }, () => findChromium()), {
      executablePath: self,
      source: "CHROMIUM_PATH",
      env: {},
    });
  });
});
