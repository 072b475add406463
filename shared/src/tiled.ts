/**
 * Reads zone maps straight from Tiled JSON (.tmj maps, .tsj external tilesets): one file
 * serves server collision and client rendering.
 *
 * Conventions (checked by `npm run zones:check`, documented in docs/designing-zones.md):
 * - tile layers are drawn in order; a tile layer named `collision` (usually hidden) makes
 *   every non-empty cell a wall; a tile whose tileset entry has the bool property `solid`
 *   is a wall wherever it is placed;
 * - objects (in any object layer) with `type` (or `class`):
 *   `spawn` (a point; its name is the spawn's name; `default` is required),
 *   `portal` (a rectangle; string properties `targetZone`, `targetSpawn`),
 *   `monsterArea` (a rectangle; properties such as `monster`, `count`);
 * - map properties: `displayName` (string), `pvp` (bool).
 */
import type { Position } from "./movement.ts";

export interface TiledProperty {
  name: string;
  type?: string;
  value: unknown;
}

export interface TiledObject {
  id?: number;
  name?: string;
  type?: string;
  class?: string;
  x: number;
  y: number;
  width?: number;
  height?: number;
  point?: boolean;
  properties?: TiledProperty[];
}

export interface TiledLayer {
  name: string;
  type: string;
  visible?: boolean;
  width?: number;
  height?: number;
  data?: number[] | string;
  encoding?: string;
  objects?: TiledObject[];
  layers?: TiledLayer[];
}

export interface TiledMapJson {
  type?: string;
  orientation?: string;
  infinite?: boolean;
  width: number;
  height: number;
  tilewidth: number;
  tileheight: number;
  layers: TiledLayer[];
  tilesets: Array<{ firstgid: number; source?: string } & Partial<TiledTilesetJson>>;
  properties?: TiledProperty[];
}

export interface TiledTilesetJson {
  name: string;
  tilewidth: number;
  tileheight: number;
  tilecount: number;
  columns: number;
  image: string;
  imagewidth: number;
  imageheight: number;
  margin?: number;
  spacing?: number;
  tiles?: Array<{ id: number; properties?: TiledProperty[]; animation?: Array<{ tileid: number; duration: number }> }>;
}

/** A tileset as the renderer needs it. */
export interface TilesetRef {
  firstGid: number;
  name: string;
  /** Image path relative to the zones folder, e.g. "tilesets/overworld.png". */
  image: string;
  imageWidth: number;
  imageHeight: number;
  tileWidth: number;
  tileHeight: number;
  columns: number;
  tileCount: number;
  /** Animated tiles: local tile id → frames. */
  animations: ReadonlyMap<number, ReadonlyArray<{ tileId: number; duration: number }>>;
}

export interface TileLayer {
  name: string;
  visible: boolean;
  /** One gid per cell, row-major; 0 is empty. Flip flags are cleared. */
  data: Uint32Array;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Portal extends Rect {
  name: string;
  targetZone: string;
  targetSpawn: string;
}

export interface MonsterArea extends Rect {
  name: string;
  properties: Readonly<Record<string, unknown>>;
}

/** What the movement step needs to know of a map. */
export interface CollisionMap {
  /** Width in tiles. */
  readonly width: number;
  /** Height in tiles. */
  readonly height: number;
  /** Side of a tile in world pixels. */
  readonly tileSize: number;
  /** One byte per tile, row-major: 1 where a character cannot walk. */
  readonly solid: Uint8Array;
}

/** A zone map read from Tiled: collision, what to draw, spawns, portals and metadata. */
export interface ZoneMap extends CollisionMap {
  readonly id: string;
  readonly displayName: string;
  readonly pvp: boolean;
  readonly layers: readonly TileLayer[];
  readonly tilesets: readonly TilesetRef[];
  /** The `default` spawn point. */
  readonly spawn: Position;
  readonly spawns: ReadonlyMap<string, Position>;
  readonly portals: readonly Portal[];
  readonly monsterAreas: readonly MonsterArea[];
}

/** A problem found in a zone's files: where it is and what is wrong. */
export interface ZoneProblem {
  /** File (relative to the zones folder) and, when known, the object or layer. */
  where: string;
  message: string;
}

export class ZoneFormatError extends Error {
  constructor(readonly problems: ZoneProblem[]) {
    super(problems.map((p) => `${p.where}: ${p.message}`).join("\n"));
    this.name = "ZoneFormatError";
  }
}

const GID_MASK = 0x1fffffff;

function propertiesOf(list: TiledProperty[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const property of list ?? []) out[property.name] = property.value;
  return out;
}

/** Joins a relative path onto the folder of `from` ("town/map.tmj" + "../tilesets/a.tsj"). */
export function resolveRelative(from: string, relative: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const part of relative.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "." && part !== "") parts.push(part);
  }
  return parts.join("/");
}

function flattenLayers(layers: TiledLayer[]): TiledLayer[] {
  return layers.flatMap((layer) => (layer.type === "group" ? flattenLayers(layer.layers ?? []) : [layer]));
}

/**
 * Parses one Tiled map.
 * @param id the zone id
 * @param mapPath the map's path relative to the zones folder (for messages and tileset paths)
 * @param map the parsed .tmj JSON
 * @param readTileset returns the parsed JSON of a tileset file (path relative to the zones folder), or undefined
 * @throws ZoneFormatError listing every problem, each with where it is
 */
export function parseTiledMap(
  id: string,
  mapPath: string,
  map: TiledMapJson,
  readTileset: (path: string) => TiledTilesetJson | undefined,
): ZoneMap {
  const problems: ZoneProblem[] = [];
  const fail = (where: string, message: string) => problems.push({ where: where ? `${mapPath} ${where}` : mapPath, message });

  if (!map || typeof map !== "object" || !Array.isArray(map.layers)) {
    throw new ZoneFormatError([{ where: mapPath, message: "not a Tiled JSON map (no layers)" }]);
  }
  if (map.orientation !== undefined && map.orientation !== "orthogonal")
    fail("", `orientation must be orthogonal (got ${map.orientation})`);
  if (map.infinite) fail("", "infinite maps are not supported: uncheck Map > Map Properties > Infinite");
  if (map.tilewidth !== map.tileheight) fail("", `tiles must be square (got ${map.tilewidth}x${map.tileheight})`);
  const { width, height } = map;
  const tileSize = map.tilewidth;
  if (!(width > 0 && height > 0)) fail("", "map has no size");

  // Tilesets.
  const tilesets: TilesetRef[] = [];
  const solidGids = new Set<number>();
  let tilesetMissing = false;
  for (const entry of map.tilesets ?? []) {
    let json: TiledTilesetJson | undefined;
    let imageBase = mapPath;
    if (entry.source) {
      const tilesetPath = resolveRelative(mapPath, entry.source);
      json = readTileset(tilesetPath);
      imageBase = tilesetPath;
      if (!json) {
        fail(`tileset ${entry.source}`, `tileset file not found (looked for ${tilesetPath})`);
        tilesetMissing = true;
        continue;
      }
    } else {
      json = entry as TiledTilesetJson;
    }
    if (!json.image) {
      fail(`tileset ${json.name ?? entry.source}`, "tileset has no image (image collections are not supported)");
      continue;
    }
    const animations = new Map<number, Array<{ tileId: number; duration: number }>>();
    for (const tile of json.tiles ?? []) {
      if (propertiesOf(tile.properties).solid === true) solidGids.add(entry.firstgid + tile.id);
      if (tile.animation?.length)
        animations.set(
          tile.id,
          tile.animation.map((f) => ({ tileId: f.tileid, duration: f.duration })),
        );
    }
    tilesets.push({
      firstGid: entry.firstgid,
      name: json.name,
      image: resolveRelative(imageBase, json.image),
      imageWidth: json.imagewidth,
      imageHeight: json.imageheight,
      tileWidth: json.tilewidth,
      tileHeight: json.tileheight,
      columns: json.columns,
      tileCount: json.tilecount,
      animations,
    });
  }
  tilesets.sort((a, b) => a.firstGid - b.firstGid);
  const maxGid = tilesets.reduce((max, t) => Math.max(max, t.firstGid + t.tileCount - 1), 0);

  // Tile layers and collision.
  const solid = new Uint8Array(Math.max(0, width * height));
  const layers: TileLayer[] = [];
  const flat = flattenLayers(map.layers);
  for (const layer of flat.filter((l) => l.type === "tilelayer")) {
    if (typeof layer.data === "string" || layer.encoding) {
      fail(`layer "${layer.name}"`, "tile layer data must be CSV/array, not base64 (Map > Map Properties > Tile Layer Format: CSV)");
      continue;
    }
    if (!Array.isArray(layer.data) || layer.data.length !== width * height) {
      fail(`layer "${layer.name}"`, `has ${Array.isArray(layer.data) ? layer.data.length : 0} cells, expected ${width * height}`);
      continue;
    }
    const data = new Uint32Array(width * height);
    const isCollision = layer.name.toLowerCase() === "collision";
    for (let i = 0; i < data.length; i++) {
      const gid = (layer.data[i] >>> 0) & GID_MASK;
      data[i] = gid;
      if (gid === 0) continue;
      if (gid > maxGid && !tilesetMissing) {
        fail(`layer "${layer.name}"`, `cell (${i % width}, ${Math.floor(i / width)}) uses tile ${gid}, which no tileset has`);
        break;
      }
      if (isCollision || solidGids.has(gid)) solid[i] = 1;
    }
    if (!isCollision) layers.push({ name: layer.name, visible: layer.visible !== false, data });
  }
  if (layers.length === 0 && problems.length === 0) fail("", "map has no tile layer to draw");

  // Objects.
  const spawns = new Map<string, Position>();
  const portals: Portal[] = [];
  const monsterAreas: MonsterArea[] = [];
  for (const layer of flat.filter((l) => l.type === "objectgroup")) {
    for (const object of layer.objects ?? []) {
      const kind = object.type || object.class || "";
      const label = `object ${object.id ?? "?"}${object.name ? ` "${object.name}"` : ""}`;
      const props = propertiesOf(object.properties);
      const rect = { x: object.x, y: object.y, width: object.width ?? 0, height: object.height ?? 0 };
      if (kind === "spawn") {
        if (!object.name) fail(label, "spawn has no name");
        else if (spawns.has(object.name)) fail(label, `spawn name "${object.name}" is used twice`);
        else
          spawns.set(
            object.name,
            object.point || !rect.width ? { x: object.x, y: object.y } : { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 },
          );
      } else if (kind === "portal") {
        if (!(rect.width > 0 && rect.height > 0)) fail(label, "portal must be a rectangle with a size");
        if (typeof props.targetZone !== "string" || !props.targetZone) fail(label, "portal needs a string property targetZone");
        if (typeof props.targetSpawn !== "string" || !props.targetSpawn) fail(label, "portal needs a string property targetSpawn");
        portals.push({
          name: object.name || `portal ${object.id ?? portals.length}`,
          ...rect,
          targetZone: String(props.targetZone ?? ""),
          targetSpawn: String(props.targetSpawn ?? ""),
        });
      } else if (kind === "monsterArea") {
        if (!(rect.width > 0 && rect.height > 0)) fail(label, "monsterArea must be a rectangle with a size");
        monsterAreas.push({ name: object.name || `area ${object.id ?? monsterAreas.length}`, ...rect, properties: props });
      } else {
        fail(label, `unknown object type "${kind}" (expected spawn, portal or monsterArea)`);
      }
    }
  }
  const spawn = spawns.get("default");
  if (!spawn) fail("", 'map has no spawn point named "default"');

  const properties = propertiesOf(map.properties);
  if (properties.displayName !== undefined && typeof properties.displayName !== "string")
    fail("", "map property displayName must be a string");
  if (properties.pvp !== undefined && typeof properties.pvp !== "boolean") fail("", "map property pvp must be a bool");

  if (problems.length > 0) throw new ZoneFormatError(problems);
  return {
    id,
    displayName: typeof properties.displayName === "string" ? properties.displayName : id,
    pvp: properties.pvp === true,
    width,
    height,
    tileSize,
    solid,
    layers,
    tilesets,
    spawn: spawn!,
    spawns,
    portals,
    monsterAreas,
  };
}

/** True when (x, y) lies inside the rectangle (left/top edges included). */
export function insideRect(rect: Rect, x: number, y: number): boolean {
  return x >= rect.x && x < rect.x + rect.width && y >= rect.y && y < rect.y + rect.height;
}
