/**
 * How production runs the server: the environment variables and Node flags of the
 * `npm run serve` script (package.json), the one place they are written. The Dockerfile's
 * command matches it (server/test/docker.test.ts) and `npm run bench` starts the server
 * with it, so what is measured is what runs.
 */
import fs from "node:fs";
import path from "node:path";

const PROJECT_ROOT = path.resolve(import.meta.dirname, "..", "..", "..");

export interface Runtime {
  /** Variables set before `node` (e.g. MALLOC_ARENA_MAX). */
  env: Record<string, string>;
  /** Flags given to `node` before the bundle (e.g. --max-semi-space-size=8). */
  flags: string[];
}

const SERVE = /^((?:[A-Z_][A-Z0-9_]*=\S+\s+)*)node\s+((?:--\S+\s+)*)server\/dist\/main\.js$/;

/** Parses `npm run serve` ("[KEY=VALUE ...] node [--flag ...] server/dist/main.js"). */
export function productionRuntime(root = PROJECT_ROOT): Runtime {
  const scripts = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts as Record<string, string>;
  const match = SERVE.exec(scripts.serve?.trim() ?? "");
  if (!match)
    throw new Error(`package.json's serve script is not "[KEY=VALUE ...] node [--flag ...] server/dist/main.js": ${scripts.serve}`);
  const env = Object.fromEntries(
    match[1]
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
  );
  return { env, flags: match[2].trim().split(/\s+/).filter(Boolean) };
}
