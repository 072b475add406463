/**
 * The zone catalog: every zone of the world, discovered from a folder — one sub-folder per
 * zone with a `zone.json` definition and its Tiled map. Adding a zone is adding a folder.
 *
 * zones/
 *   tilesets/overworld.tsj, overworld.png
 *   town/zone.json, town/map.tmj      (the zone id is the folder name)
 */
import { searchTiles } from "../map.ts";
import { isWalkable } from "../movement.ts";
import { readMonsterArea } from "../actions.ts";
import { DEFAULT_SAFE_RADIUS, MAX_SAFE_RADIUS, MIN_SAFE_RADIUS } from "../rules.ts";
import { distanceToRect, safeCircles } from "../safety.ts";
import {
  insideRect,
  parseTiledMap,
  resolveRelative,
  ZoneFormatError,
  type MonsterArea,
  type TiledMapJson,
  type TiledTilesetJson,
  type ZoneMap,
  type ZoneProblem,
} from "../tiled.ts";

/** A zone's `zone.json`. */
export interface ZoneDefinitionJson {
  /** The Tiled map, relative to the zone's folder. */
  map: string;
  /** Room type that runs the zone (default "zone"); a name registered by the server. */
  roomType?: string;
  /** Most players in one room of this zone. */
  capacity?: number;
  /** Radius, in pixels, within which a player sees other entities. */
  viewRadius?: number;
  /** New characters start here (exactly one zone says so). */
  starting?: boolean;
  /**
   * Radius, in pixels, of the safe circle around each spawn point (where characters enter,
   * arrive through portals and respawn): monsters never go inside, and no monster area may
   * reach into it.
   */
  safeRadius?: number;
}

export interface ZoneDefinition {
  id: string;
  roomType: string;
  capacity: number;
  viewRadius: number;
  starting: boolean;
  /** Radius (px) of the safe circle around each spawn point (see `safeCircles`). */
  safeRadius: number;
  /** The map file, relative to the zones folder. */
  mapPath: string;
  map: ZoneMap;
}

/** Read access to the zones folder; paths are relative to it, with "/" separators. */
export interface ZoneFiles {
  list(): string[];
  read(path: string): string | undefined;
}

export const DEFAULT_ROOM_TYPE = "zone";
export const DEFAULT_CAPACITY = 64;
export const DEFAULT_VIEW_RADIUS = 480;
const ZONE_ID = /^[a-z][a-z0-9_-]{0,31}$/;
export const ROOM_TYPE_NAME = /^[a-z][a-z0-9-]{0,31}$/;

export class ZoneCatalog {
  constructor(
    private readonly zones: ReadonlyMap<string, ZoneDefinition>,
    readonly startingZone: string,
  ) {}

  has(id: string): boolean {
    return this.zones.has(id);
  }

  /** @throws Error when no zone has that id */
  get(id: string): ZoneDefinition {
    const zone = this.zones.get(id);
    if (!zone) throw new Error(`unknown zone '${id}'`);
    return zone;
  }

  all(): ZoneDefinition[] {
    return [...this.zones.values()];
  }
}

function parseJson<T>(files: ZoneFiles, path: string, problems: ZoneProblem[]): T | undefined {
  const text = files.read(path);
  if (text === undefined) {
    problems.push({ where: path, message: "file not found" });
    return undefined;
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    problems.push({ where: path, message: `not valid JSON: ${(error as Error).message}` });
    return undefined;
  }
}

/**
 * Reads every zone of the folder.
 * @throws ZoneFormatError listing every problem of every zone, each with where it is
 */
export function loadZoneCatalog(files: ZoneFiles): ZoneCatalog {
  const problems: ZoneProblem[] = [];
  const zones = new Map<string, ZoneDefinition>();
  const tilesetCache = new Map<string, TiledTilesetJson | undefined>();
  const readTileset = (path: string) => {
    if (!tilesetCache.has(path)) {
      const tileset = files.read(path) === undefined ? undefined : parseJson<TiledTilesetJson>(files, path, problems);
      tilesetCache.set(path, tileset);
    }
    return tilesetCache.get(path);
  };

  const definitions = files
    .list()
    .filter((path) => /^[^/]+\/zone\.json$/.test(path))
    .sort();
  for (const definitionPath of definitions) {
    const id = definitionPath.split("/")[0];
    const where = definitionPath;
    if (!ZONE_ID.test(id)) {
      problems.push({ where, message: "zone folder names are lower-case letters, digits, - or _, starting with a letter" });
      continue;
    }
    const json = parseJson<ZoneDefinitionJson>(files, definitionPath, problems);
    if (!json) continue;
    const roomType = json.roomType ?? DEFAULT_ROOM_TYPE;
    const capacity = json.capacity ?? DEFAULT_CAPACITY;
    const viewRadius = json.viewRadius ?? DEFAULT_VIEW_RADIUS;
    const safeRadius = json.safeRadius ?? DEFAULT_SAFE_RADIUS;
    const fieldProblems: string[] = [];
    if (typeof json.map !== "string" || !json.map) fieldProblems.push('"map" must name the Tiled map file, e.g. "map.tmj"');
    if (typeof roomType !== "string" || !ROOM_TYPE_NAME.test(roomType))
      fieldProblems.push('"roomType" must be a room type name such as "zone"');
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1000)
      fieldProblems.push('"capacity" must be a whole number from 1 to 1000');
    if (typeof viewRadius !== "number" || viewRadius < 64 || viewRadius > 10_000)
      fieldProblems.push('"viewRadius" must be a number of pixels from 64 to 10000');
    if (json.starting !== undefined && typeof json.starting !== "boolean") fieldProblems.push('"starting" must be true or false');
    if (typeof safeRadius !== "number" || !(safeRadius >= MIN_SAFE_RADIUS && safeRadius <= MAX_SAFE_RADIUS))
      fieldProblems.push(
        `"safeRadius" must be a number of pixels from ${MIN_SAFE_RADIUS} to ${MAX_SAFE_RADIUS} (got ${JSON.stringify(safeRadius)}): ` +
          `it is the circle around each spawn point that monsters keep out of (default ${DEFAULT_SAFE_RADIUS})`,
      );
    if (fieldProblems.length > 0) {
      problems.push(...fieldProblems.map((message) => ({ where, message })));
      continue;
    }
    const mapPath = resolveRelative(definitionPath, json.map);
    const mapJson = parseJson<TiledMapJson>(files, mapPath, problems);
    if (!mapJson) continue;
    try {
      const map = parseTiledMap(id, mapPath, mapJson, readTileset);
      zones.set(id, { id, roomType, capacity, viewRadius, starting: json.starting === true, safeRadius, mapPath, map });
    } catch (error) {
      if (error instanceof ZoneFormatError) problems.push(...error.problems);
      else problems.push({ where: mapPath, message: (error as Error).message });
    }
  }
  if (definitions.length === 0) problems.push({ where: ".", message: "no zones found (expected <zone>/zone.json folders)" });

  const starting = [...zones.values()].filter((zone) => zone.starting);
  if (zones.size > 0 && starting.length !== 1) {
    problems.push({
      where: ".",
      message:
        starting.length === 0
          ? 'no starting zone: set "starting": true in one zone.json'
          : `more than one starting zone: ${starting.map((z) => z.id).join(", ")}`,
    });
  }
  if (problems.length > 0) throw new ZoneFormatError(problems);
  return new ZoneCatalog(zones, starting[0].id);
}

/**
 * Checks the world as a whole: every portal leads to an existing zone and spawn, every
 * spawn is on walkable ground and outside portals, no monster area reaches into the safe
 * circle of a spawn point, every zone can be reached on foot and through portals from the
 * starting zone.
 * @returns the problems found (empty when the world is sound)
 */
export function checkZoneCatalog(catalog: ZoneCatalog): ZoneProblem[] {
  const problems: ZoneProblem[] = [];
  for (const zone of catalog.all()) {
    const { map, mapPath } = zone;
    for (const [name, point] of map.spawns) {
      if (!isWalkable(point, map)) {
        problems.push({
          where: `${mapPath} spawn "${name}"`,
          message: `(${point.x}, ${point.y}) is not walkable: a character there overlaps a wall`,
        });
      }
      const portal = map.portals.find((p) => insideRect(p, point.x, point.y));
      if (portal)
        problems.push({ where: `${mapPath} spawn "${name}"`, message: `is inside portal "${portal.name}": arrivals would leave at once` });
    }
    for (const area of map.monsterAreas) {
      const where = `${mapPath} monsterArea "${area.name}"`;
      problems.push(...monsterAreaProblems(area).map((message) => ({ where, message })));
      for (const circle of safeCircles(map, zone.safeRadius)) {
        const gap = distanceToRect(area, circle);
        if (gap >= circle.radius) continue;
        const short = Math.ceil(circle.radius - gap);
        problems.push({
          where,
          message:
            `reaches within ${Math.floor(gap)} px of spawn "${circle.spawn}" (${circle.x}, ${circle.y}), inside its safe radius of ` +
            `${circle.radius} px where monsters may not go: move or shrink the area by ${short} px or more, ` +
            `or lower "safeRadius" in ${zone.id}/zone.json`,
        });
      }
    }
    for (const portal of map.portals) {
      const where = `${mapPath} portal "${portal.name}"`;
      if (!catalog.has(portal.targetZone)) {
        problems.push({ where, message: `targetZone "${portal.targetZone}" does not exist` });
      } else if (!catalog.get(portal.targetZone).map.spawns.has(portal.targetSpawn)) {
        problems.push({ where, message: `targetSpawn "${portal.targetSpawn}" does not exist in zone ${portal.targetZone}` });
      }
    }
  }
  if (problems.length > 0) return problems;

  // Walk the world from the starting zone's default spawn.
  const reached = new Set<string>();
  const visited = new Set<string>();
  const queue: Array<[string, string]> = [[catalog.startingZone, "default"]];
  while (queue.length > 0) {
    const [zoneId, spawnName] = queue.shift()!;
    const key = `${zoneId}#${spawnName}`;
    if (visited.has(key)) continue;
    visited.add(key);
    reached.add(zoneId);
    const map = catalog.get(zoneId).map;
    const area = reachableTiles(map, map.spawns.get(spawnName)!);
    for (const portal of map.portals) {
      if (portalTouched(map, area, portal)) queue.push([portal.targetZone, portal.targetSpawn]);
    }
  }
  for (const zone of catalog.all()) {
    if (!reached.has(zone.id)) {
      problems.push({ where: zone.mapPath, message: `zone ${zone.id} cannot be reached from the starting zone ${catalog.startingZone}` });
    }
  }
  return problems;
}

/** Tiles a character can walk to from a point (4-connected walkable tiles): 1 each, else 0. */
function reachableTiles(map: ZoneMap, from: { x: number; y: number }): Uint8Array {
  return Uint8Array.from(searchTiles(map, from).previous, (previous) => (previous === -2 ? 0 : 1));
}

/** What is wrong with a monsterArea's properties (the rule is shared/src/actions.ts `readMonsterArea`). */
function monsterAreaProblems(area: MonsterArea): string[] {
  const read = readMonsterArea(area.properties);
  return "problems" in read ? read.problems : [];
}

/** Whether a character walking the reachable tiles can put its centre inside the portal. */
function portalTouched(map: ZoneMap, area: Uint8Array, portal: { x: number; y: number; width: number; height: number }): boolean {
  const ts = map.tileSize;
  const colFirst = Math.max(0, Math.floor(portal.x / ts));
  const colLast = Math.min(map.width - 1, Math.ceil((portal.x + portal.width) / ts) - 1);
  const rowFirst = Math.max(0, Math.floor(portal.y / ts));
  const rowLast = Math.min(map.height - 1, Math.ceil((portal.y + portal.height) / ts) - 1);
  for (let row = rowFirst; row <= rowLast; row++) {
    for (let col = colFirst; col <= colLast; col++) if (area[row * map.width + col]) return true;
  }
  return false;
}

let current: ZoneCatalog | undefined;

/** Makes a catalog the one `getZone`/`getZoneMap` answer from (done once at start-up). */
export function useZoneCatalog(catalog: ZoneCatalog): void {
  current = catalog;
}

/** The catalog in use. @throws Error when none was loaded yet */
export function zoneCatalog(): ZoneCatalog {
  if (!current) throw new Error("zones are not loaded: call useZoneCatalog(loadZoneCatalog(...)) at start-up");
  return current;
}

export function getZone(id: string): ZoneDefinition {
  return zoneCatalog().get(id);
}

export function getZoneMap(id: string): ZoneMap {
  return zoneCatalog().get(id).map;
}
