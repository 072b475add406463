/**
 * The zones as the browser knows them: the very files the server loads (shared/zones/,
 * Tiled JSON maps and tilesets), bundled by Vite as text and read with the shared loader,
 * so client and server draw and collide against one parse of one set of files.
 */
import { getZoneMap, loadZoneCatalog, useZoneCatalog, zoneCatalog, type ZoneFiles, type ZoneMap } from "@oatnut/shared";

/** Every zone file (zone.json, maps, tilesets) as text, keyed by its path in the bundle. */
const RAW = import.meta.glob<string>(
  ["../../../shared/zones/**/*.json", "../../../shared/zones/**/*.tmj", "../../../shared/zones/**/*.tsj"],
  { eager: true, query: "?raw", import: "default" },
);

const PREFIX = "../../../shared/zones/";

/** The zone files, with paths relative to the zones folder as the shared loader expects. */
function bundledZoneFiles(): ZoneFiles {
  const files = new Map<string, string>();
  for (const [key, text] of Object.entries(RAW)) {
    if (key.startsWith(PREFIX)) files.set(key.slice(PREFIX.length), text);
  }
  return { list: () => [...files.keys()], read: (path) => files.get(path) };
}

let loaded: { ok: true } | { ok: false; error: Error } | undefined;

/** Loads the catalog once; later calls answer from memory. */
function ensureLoaded(): void {
  if (loaded) {
    if (!loaded.ok) throw loaded.error;
    return;
  }
  try {
    useZoneCatalog(loadZoneCatalog(bundledZoneFiles()));
    loaded = { ok: true };
  } catch (error) {
    loaded = { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
    console.error("the bundled zones could not be read", error);
    throw loaded.error;
  }
}

/**
 * The map of a zone.
 * @throws Error when the zone is unknown to this client or the zone files are broken
 */
export function zoneMap(id: string): ZoneMap {
  ensureLoaded();
  return getZoneMap(id);
}

/** A zone's name for people ("Whisperwood"), or its id when this client does not know it. */
export function zoneDisplayName(id: string): string {
  try {
    ensureLoaded();
    return zoneCatalog().has(id) ? getZoneMap(id).displayName : id;
  } catch {
    return id;
  }
}

/**
 * The map of the zone new characters start in.
 * @throws Error when the zone files are broken
 */
export function startingZoneMap(): ZoneMap {
  ensureLoaded();
  return getZoneMap(zoneCatalog().startingZone);
}
