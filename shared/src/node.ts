/**
 * Node-only helpers of the shared workspace (never imported by the browser client).
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { loadZoneCatalog, type ZoneCatalog, type ZoneFiles } from "./zones/catalog.ts";

/** The zones folder shipped in this repository. */
export const SHIPPED_ZONES_DIR = path.resolve(import.meta.dirname, "..", "zones");

/** Read access to a zones folder on disk. */
export function zoneFilesFromDisk(dir: string): ZoneFiles {
  const list = (sub = ""): string[] =>
    fs.readdirSync(path.join(dir, sub), { withFileTypes: true }).flatMap((entry) => {
      const relative = sub ? `${sub}/${entry.name}` : entry.name;
      return entry.isDirectory() ? list(relative) : [relative];
    });
  return {
    list: () => (fs.existsSync(dir) ? list() : []),
    read: (relative) => {
      const full = path.join(dir, ...relative.split("/"));
      return fs.existsSync(full) && fs.statSync(full).isFile() ? fs.readFileSync(full, "utf8") : undefined;
    },
  };
}

/** Loads the zone catalog of a folder on disk. */
export function loadZonesFromDisk(dir: string = SHIPPED_ZONES_DIR): ZoneCatalog {
  return loadZoneCatalog(zoneFilesFromDisk(dir));
}

/** A TCP port nothing listens on now on loopback (the system picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
