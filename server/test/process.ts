/**
 * Runs the built production server (`node server/dist/main.js`, as the Docker image does)
 * as a child process, for tests that need a real process: signals, restarts, browsers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../src/config.ts";
import { freePort, TEST_JWT_SECRET, TEST_RATE_LIMIT_MULTIPLIER } from "./helpers.ts";

export const SERVER_BUNDLE = path.join(PROJECT_ROOT, "server", "dist", "main.js");

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  /** Sends a signal and waits for the exit (kills it after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/**
 * Starts the server bundle with the given environment and waits until /health is 200.
 * @throws Error when the bundle is missing (run `npm run build`) or the server does not come up
 */
export async function startServerProcess(env: Record<string, string>, port?: number, nodeArgs: string[] = []): Promise<ServerProcess> {
  if (!fs.existsSync(SERVER_BUNDLE)) {
    throw new Error(`${SERVER_BUNDLE} is missing: run \`npm run build\` first (npm test does)`);
  }
  const serverPort = port ?? (await freePort());
  const ownLogDir = env.LOG_DIR ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-logs-"));
  const child = spawn(process.execPath, [...nodeArgs, SERVER_BUNDLE], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? os.tmpdir(),
      NODE_ENV: "development",
      JWT_SECRET: TEST_JWT_SECRET,
      ...(ownLogDir ? { LOG_DIR: ownLogDir } : {}),
      LOG_LEVEL: "info",
      PORT: String(serverPort),
      RATE_LIMIT_MULTIPLIER: TEST_RATE_LIMIT_MULTIPLIER,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr!.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      if (ownLogDir) fs.rmSync(ownLogDir, { recursive: true, force: true });
      resolve(code);
    }),
  );
  const url = `http://127.0.0.1:${serverPort}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} during start-up:\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not become healthy within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port: serverPort,
    child,
    exited,
    output: () => output,
    async stop(signal = "SIGTERM", timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
