/**
 * Small worlds for tests, written as real zone folders (zone.json + Tiled JSON map + an
 * external tileset) from text layouts: `#` wall, `.` floor.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { TILE_SIZE } from "@oatnut/shared";

export interface FixtureZone {
  rows: string[];
  starting?: boolean;
  roomType?: string;
  capacity?: number;
  viewRadius?: number;
  displayName?: string;
  /** Spawn points by name, in tile coordinates (the centre of that tile). */
  spawns: Record<string, [number, number]>;
  /** Portals in tile coordinates: [col, row, widthTiles, heightTiles]. */
  portals?: Array<{ name: string; rect: [number, number, number, number]; targetZone: string; targetSpawn: string }>;
  /** Monster areas in tile coordinates, with their Tiled properties (monster, count, behaviour, wander). */
  monsterAreas?: Array<{ name: string; rect: [number, number, number, number]; properties: Record<string, string | number | boolean> }>;
  /** The map's `pvp` property. */
  pvp?: boolean;
  /** zone.json's `safeRadius` (the default when omitted). */
  safeRadius?: number;
}

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** A PNG of solid grey, `width` x `height` pixels. */
export function tinyPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const raw = Buffer.alloc((width + 1) * height, 0x80);
  for (let row = 0; row < height; row++) raw[row * (width + 1)] = 0; // filter: none
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Writes the zones into a new temporary folder and returns its path. */
export function writeZones(zones: Record<string, FixtureZone>, dir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-zones-"))): string {
  fs.mkdirSync(path.join(dir, "tilesets"), { recursive: true });
  fs.writeFileSync(path.join(dir, "tilesets", "test.png"), tinyPng(2 * TILE_SIZE, TILE_SIZE));
  fs.writeFileSync(
    path.join(dir, "tilesets", "test.tsj"),
    JSON.stringify({
      type: "tileset",
      name: "test",
      tilewidth: TILE_SIZE,
      tileheight: TILE_SIZE,
      tilecount: 2,
      columns: 2,
      image: "test.png",
      imagewidth: 2 * TILE_SIZE,
      imageheight: TILE_SIZE,
      margin: 0,
      spacing: 0,
      tiles: [{ id: 1, properties: [{ name: "solid", type: "bool", value: true }] }],
    }),
  );
  for (const [id, zone] of Object.entries(zones)) writeZone(dir, id, zone);
  return dir;
}

export function writeZone(dir: string, id: string, zone: FixtureZone): void {
  const height = zone.rows.length;
  const width = zone.rows[0].length;
  const data = zone.rows
    .join("")
    .split("")
    .map((ch) => (ch === "#" ? 2 : 1));
  let objectId = 1;
  const objects = [
    ...Object.entries(zone.spawns).map(([name, [col, row]]) => ({
      id: objectId++,
      name,
      type: "spawn",
      point: true,
      x: (col + 0.5) * TILE_SIZE,
      y: (row + 0.5) * TILE_SIZE,
      width: 0,
      height: 0,
    })),
    ...(zone.portals ?? []).map((portal) => ({
      id: objectId++,
      name: portal.name,
      type: "portal",
      x: portal.rect[0] * TILE_SIZE,
      y: portal.rect[1] * TILE_SIZE,
      width: portal.rect[2] * TILE_SIZE,
      height: portal.rect[3] * TILE_SIZE,
      properties: [
        { name: "targetZone", type: "string", value: portal.targetZone },
        { name: "targetSpawn", type: "string", value: portal.targetSpawn },
      ],
    })),
    ...(zone.monsterAreas ?? []).map((area) => ({
      id: objectId++,
      name: area.name,
      type: "monsterArea",
      x: area.rect[0] * TILE_SIZE,
      y: area.rect[1] * TILE_SIZE,
      width: area.rect[2] * TILE_SIZE,
      height: area.rect[3] * TILE_SIZE,
      properties: Object.entries(area.properties).map(([name, value]) => ({
        name,
        type: typeof value === "number" ? "int" : typeof value === "boolean" ? "bool" : "string",
        value,
      })),
    })),
  ];
  const map = {
    type: "map",
    orientation: "orthogonal",
    renderorder: "right-down",
    infinite: false,
    width,
    height,
    tilewidth: TILE_SIZE,
    tileheight: TILE_SIZE,
    tilesets: [{ firstgid: 1, source: "../tilesets/test.tsj" }],
    layers: [
      { id: 1, name: "ground", type: "tilelayer", visible: true, width, height, data },
      { id: 2, name: "objects", type: "objectgroup", visible: true, objects },
    ],
    properties: [
      { name: "displayName", type: "string", value: zone.displayName ?? id },
      ...(zone.pvp ? [{ name: "pvp", type: "bool", value: true }] : []),
    ],
  };
  fs.mkdirSync(path.join(dir, id), { recursive: true });
  fs.writeFileSync(path.join(dir, id, "map.tmj"), JSON.stringify(map));
  fs.writeFileSync(
    path.join(dir, id, "zone.json"),
    JSON.stringify({
      map: "map.tmj",
      ...(zone.roomType ? { roomType: zone.roomType } : {}),
      ...(zone.capacity ? { capacity: zone.capacity } : {}),
      ...(zone.viewRadius ? { viewRadius: zone.viewRadius } : {}),
      ...(zone.safeRadius !== undefined ? { safeRadius: zone.safeRadius } : {}),
      ...(zone.starting ? { starting: true } : {}),
    }),
  );
}

/** Centre of a tile, in world pixels. */
export function tileCentre(col: number, row: number): { x: number; y: number } {
  return { x: (col + 0.5) * TILE_SIZE, y: (row + 0.5) * TILE_SIZE };
}

/**
 * The test world: a walled plaza (starting zone) with a portal in its east wall to a
 * field, and a portal from the field to an instanced crypt (room type "dungeon").
 */
export function testWorld(): string {
  const wide = (inner: string) => `#${inner}#`;
  const plazaRows = [
    "####################",
    ...Array.from({ length: 10 }, (_, r) => (r === 4 ? wide(".".repeat(18)).slice(0, 19) + "." : wide(".".repeat(18)))),
    "####################",
  ];
  const fieldRows = [
    "##############################",
    ...Array.from({ length: 10 }, (_, r) => (r === 4 ? "." + "............................#" : wide(".".repeat(28)))),
    "##############################",
  ];
  return writeZones({
    plaza: {
      starting: true,
      rows: plazaRows,
      displayName: "Plaza",
      viewRadius: 2000,
      spawns: { default: [5, 5], fromField: [16, 5] },
      portals: [{ name: "toField", rect: [19, 5, 1, 1], targetZone: "field", targetSpawn: "fromPlaza" }],
    },
    field: {
      rows: fieldRows,
      displayName: "Field",
      viewRadius: 2000,
      spawns: { default: [5, 5], fromPlaza: [3, 5], fromCrypt: [25, 8] },
      portals: [
        { name: "toPlaza", rect: [0, 5, 1, 1], targetZone: "plaza", targetSpawn: "fromField" },
        { name: "toCrypt", rect: [27, 1, 2, 1], targetZone: "crypt", targetSpawn: "entrance" },
      ],
    },
    crypt: {
      roomType: "dungeon",
      capacity: 4,
      displayName: "Crypt",
      viewRadius: 2000,
      rows: ["##########", "#........#", "#........#", "#........#", "##########"],
      spawns: { default: [4, 2], entrance: [4, 3] },
      portals: [{ name: "out", rect: [1, 1, 1, 1], targetZone: "field", targetSpawn: "fromCrypt" }],
    },
  });
}
