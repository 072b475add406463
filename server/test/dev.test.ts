/**
 * `npm run dev`: the client is served through Vite with hot reload, and the server
 * restarts when its sources (or the shared workspace) change.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../src/config.ts";
import { freePort, TEST_JWT_SECRET, waitFor } from "./helpers.ts";

let child: ChildProcess | undefined;
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-dev-"));
after(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    process.kill(-child.pid!, "SIGKILL");
    await exited;
  }
  fs.rmSync(logDir, { recursive: true, force: true });
});

describe("npm run dev", () => {
  it("serves the client with hot reload and restarts the server when shared code changes", async () => {
    const port = await freePort();
    let output = "";
    child = spawn("npm", ["run", "dev"], {
      cwd: PROJECT_ROOT,
      detached: true,
      env: {
        ...process.env,
        PORT: String(port),
        MONGODB_ENGINE: "jongodb",
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_DIR: logDir,
        NODE_ENV: "development",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr!.on("data", (chunk) => {
      output += chunk;
    });
    const url = `http://127.0.0.1:${port}`;
    const listening = () => (output.match(/OatNut is listening/g) ?? []).length;

    await waitFor(() => listening() === 1, `the dev server to listen:\n${output}`, 60_000);
    const page = await (await fetch(url + "/")).text();
    assert.match(page, /\/@vite\/client/, "the page loads Vite's hot-reload client");
    const module = await (await fetch(url + "/src/main.ts")).text();
    assert.match(module, /installTestHook/, "client sources are compiled on the fly");

    const shared = path.join(PROJECT_ROOT, "shared", "src", "constants.ts");
    const now = new Date();
    fs.utimesSync(shared, now, now);
    await waitFor(() => listening() === 2, `a restart after the change:\n${output}`, 60_000);
    assert.equal((await fetch(url + "/health")).status, 200);
  });
});
