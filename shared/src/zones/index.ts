import type { ZoneMap } from "../map.ts";
import { town } from "./town.ts";

/** Every zone map, by id. */
export const ZONE_MAPS: ReadonlyMap<string, ZoneMap> = new Map([[town.id, town]]);

/**
 * The map of a zone.
 * @throws Error when no zone has that id.
 */
export function getZoneMap(id: string): ZoneMap {
  const map = ZONE_MAPS.get(id);
  if (!map) throw new Error(`unknown zone '${id}'`);
  return map;
}
