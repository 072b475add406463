/**
 * Which Chromium the end-to-end tests drive: the one CHROMIUM_PATH names; else a system
 * Chromium on PATH (`chromium`, `chromium-browser`, `google-chrome`, …); else the headless
 * Chromium shipped inside the npm package @sparticuz/chromium (a devDependency, so
 * `npm install` brings it: nothing to install by hand, nothing downloaded at run time).
 *
 * @sparticuz/chromium is built for Amazon Linux: it needs NSS (libnss3 and friends), which a
 * bare Debian or Ubuntu lacks. The package carries them (al2023.tar.br) but unpacks them only
 * on Amazon Linux, so they are unpacked here and put first on the browser's library path.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { onPath } from "../server/test/prerequisites.ts";

export interface ChromiumBinary {
  executablePath: string;
  /** Where it comes from, for the one log line. */
  source: string;
  /** Extra environment the browser needs (the npm-shipped one: its libraries). */
  env: Record<string, string>;
}

const SYSTEM_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/** Unpacks the NSS libraries @sparticuz/chromium carries, once per machine. */
function npmChromiumLibraries(packageDir: string): string {
  const dir = path.join(os.tmpdir(), "oatnut-chromium-libs");
  const lib = path.join(dir, "lib");
  if (fs.existsSync(path.join(lib, "libnss3.so"))) return lib;
  fs.mkdirSync(dir, { recursive: true });
  const tar = zlib.brotliDecompressSync(fs.readFileSync(path.join(packageDir, "bin", "al2023.tar.br")));
  execFileSync("tar", ["-x", "-C", dir], { input: tar });
  return lib;
}

/**
 * Finds (or, the first time, unpacks) the Chromium to drive.
 * @throws Error when CHROMIUM_PATH names a file that does not exist
 */
export async function findChromium(): Promise<ChromiumBinary> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!fs.existsSync(configured))
      throw new Error(`CHROMIUM_PATH is ${configured}, which does not exist (unset it to use a system Chromium or the npm-shipped one)`);
    return { executablePath: configured, source: "CHROMIUM_PATH", env: {} };
  }
  for (const name of SYSTEM_NAMES) {
    const found = onPath(name);
    if (found) return { executablePath: found, source: `the system's ${name}`, env: {} };
  }
  const require = createRequire(import.meta.url);
  // (its package.json is not exported: the package's folder is above its entry's build/ folder)
  const packageDir = path.resolve(path.dirname(require.resolve("@sparticuz/chromium")), "..");
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version: string };
  const { default: sparticuz } = await import("@sparticuz/chromium");
  const executablePath = await sparticuz.executablePath();
  const libraries = npmChromiumLibraries(packageDir);
  return {
    executablePath,
    source: `@sparticuz/chromium ${version} from npm (no system Chromium on PATH)`,
    env: { LD_LIBRARY_PATH: [libraries, process.env.LD_LIBRARY_PATH].filter(Boolean).join(path.delimiter) },
  };
}
