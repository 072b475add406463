/**
 * `npm run zones:check [-- <zones folder>]` — validates every zone of a folder (default:
 * ZONES_DIR, or shared/zones): each map parses and follows the conventions, its tileset
 * and image are found, its room type exists, every portal leads to an existing zone and
 * spawn, spawns are walkable and outside portals, no monster area reaches into the safe
 * circle around a spawn point (the zone's `safeRadius`, within its allowed range), and
 * every zone can be reached from the starting zone. Prints each problem with the file and
 * object it is in; exits 1 if any.
 */
import fs from "node:fs";
import path from "node:path";
import { checkZoneCatalog, ZoneFormatError, type ZoneCatalog, type ZoneProblem } from "@oatnut/shared";
import { loadZonesFromDisk } from "@oatnut/shared/node";
import { PROJECT_ROOT } from "../config.ts";
import { loadRoomType } from "../rooms/roomTypes.ts";

export interface ZonesCheckResult {
  zones: string[];
  problems: ZoneProblem[];
}

export async function checkZonesFolder(dir: string): Promise<ZonesCheckResult> {
  let catalog: ZoneCatalog;
  try {
    catalog = loadZonesFromDisk(dir);
  } catch (error) {
    if (error instanceof ZoneFormatError) return { zones: [], problems: error.problems };
    throw error;
  }
  const problems: ZoneProblem[] = [];
  for (const zone of catalog.all()) {
    for (const tileset of zone.map.tilesets) {
      if (!fs.existsSync(path.join(dir, ...tileset.image.split("/")))) {
        problems.push({ where: `${zone.mapPath} tileset "${tileset.name}"`, message: `image ${tileset.image} not found` });
      }
    }
    try {
      await loadRoomType(zone.roomType);
    } catch (error) {
      problems.push({ where: `${zone.id}/zone.json`, message: (error as Error).message });
    }
  }
  problems.push(...checkZoneCatalog(catalog));
  return { zones: catalog.all().map((zone) => zone.id), problems };
}

async function main(): Promise<void> {
  const dir = path.resolve(process.argv[2] ?? process.env.ZONES_DIR ?? path.join(PROJECT_ROOT, "shared", "zones"));
  const { zones, problems } = await checkZonesFolder(dir);
  if (problems.length > 0) {
    console.error(`zones:check ${dir}: ${problems.length} problem${problems.length === 1 ? "" : "s"}`);
    for (const problem of problems) console.error(`  ✗ ${problem.where}: ${problem.message}`);
    process.exit(1);
  }
  console.log(`zones:check ${dir}: ${zones.length} zones OK (${zones.join(", ")})`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
