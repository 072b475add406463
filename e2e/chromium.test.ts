import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { launchChromium } from "./browser.ts";

describe("end-to-end prerequisites", () => {
  it("fails with the command that installs Chromium when it is missing, never skipping", async () => {
    await assert.rejects(
      launchChromium("/nonexistent/chromium"),
      /Chromium is not installed at \/nonexistent\/chromium\. Install it with: sudo apt-get install -y chromium/,
    );
  });
});
