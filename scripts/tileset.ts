/**
 * The catalogue of the `overworld` tileset: every tile's name, kind, solidity and
 * animation, in tile-id order (id = index, gid in a map = id + 1 since the tileset's
 * firstgid is 1). `generate-art.ts` paints the tiles by name and writes overworld.tsj
 * from this list; `generate-maps.ts` looks tiles up by name. Append new tiles at the end
 * so ids of existing ones (used by maps edited in Tiled) never move.
 */

export interface TileDef {
  /** Name used by the scripts (not stored in Tiled). */
  name: string;
  /** Written as the tile's `kind` property: grass, path, water, wall, tree, floor... */
  kind: string;
  /** Written as the tile's `solid` property: characters cannot walk into it. */
  solid?: boolean;
  /** Frames (tile names, first = this tile) and their duration in ms. */
  animation?: { frames: string[]; duration: number };
}

/** Edge masks: which neighbours of a cell are "the other side" (bit set = open side). */
export const EDGE = { N: 1, E: 2, S: 4, W: 8 } as const;

const WATER_MS = 450;
const TORCH_MS = 140;
const GLYPH_MS = 260;

function masked(prefix: string, kind: string, from: number, solid: boolean): TileDef[] {
  const list: TileDef[] = [];
  for (let mask = from; mask < 16; mask++) list.push({ name: `${prefix}${mask}`, kind, solid });
  return list;
}

export const TILES: readonly TileDef[] = [
  // Ground.
  { name: "grass0", kind: "grass" },
  { name: "grass1", kind: "grass" },
  { name: "grass2", kind: "grass" },
  { name: "grassFlowers", kind: "grass" },
  { name: "forestFloor0", kind: "grass" },
  { name: "forestFloor1", kind: "grass" },
  { name: "path0", kind: "path" },
  { name: "path1", kind: "path" },
  { name: "sand", kind: "sand" },
  { name: "cobble", kind: "path" },
  { name: "water0", kind: "water", solid: true, animation: { frames: ["water0", "water1", "water2"], duration: WATER_MS } },
  { name: "water1", kind: "water", solid: true },
  { name: "water2", kind: "water", solid: true },
  { name: "bridgeH", kind: "bridge" },
  { name: "bridgeV", kind: "bridge" },
  { name: "stairs", kind: "stairs" },
  // Walls, dungeon, cliffs, animated props.
  { name: "wallTop", kind: "wall", solid: true },
  { name: "wallFace", kind: "wall", solid: true },
  { name: "dungeonWallTop", kind: "wall", solid: true },
  { name: "dungeonWallFace", kind: "wall", solid: true },
  { name: "dungeonFloor0", kind: "floor" },
  { name: "dungeonFloor1", kind: "floor" },
  { name: "cliffTop", kind: "cliff", solid: true },
  { name: "cliffFace", kind: "cliff", solid: true },
  { name: "cliffFaceHigh", kind: "cliff", solid: true },
  { name: "caveMouth", kind: "cave" },
  { name: "torch0", kind: "torch", animation: { frames: ["torch0", "torch1", "torch2"], duration: TORCH_MS } },
  { name: "torch1", kind: "torch" },
  { name: "torch2", kind: "torch" },
  { name: "glyph0", kind: "portal", animation: { frames: ["glyph0", "glyph1", "glyph2", "glyph1"], duration: GLYPH_MS } },
  { name: "glyph1", kind: "portal" },
  { name: "glyph2", kind: "portal" },
  // Houses, trees, props.
  { name: "pillar", kind: "pillar", solid: true },
  { name: "houseWall", kind: "house", solid: true },
  { name: "houseWallWindow", kind: "house", solid: true },
  { name: "houseWallBase", kind: "house", solid: true },
  { name: "houseWallBaseWindow", kind: "house", solid: true },
  { name: "houseDoor", kind: "door", solid: true },
  { name: "oakTop", kind: "tree", solid: true },
  { name: "oakTrunk", kind: "tree", solid: true },
  { name: "pineTop", kind: "tree", solid: true },
  { name: "pineTrunk", kind: "tree", solid: true },
  { name: "bush", kind: "bush", solid: true },
  { name: "rock", kind: "rock", solid: true },
  { name: "pebbles", kind: "decor" },
  { name: "stump", kind: "stump", solid: true },
  { name: "mushrooms", kind: "decor" },
  { name: "lilyPad", kind: "decor" },
  // Props and the red roof.
  { name: "well", kind: "well", solid: true },
  { name: "barrel", kind: "prop", solid: true },
  { name: "crate", kind: "prop", solid: true },
  { name: "sign", kind: "prop", solid: true },
  { name: "fence", kind: "fence", solid: true },
  { name: "bones", kind: "decor" },
  { name: "rubble", kind: "decor" },
  { name: "chest", kind: "prop", solid: true },
  ...["TL", "T", "TR", "L", "M", "R", "BL", "B", "BR"].map((p): TileDef => ({ name: `roofRed${p}`, kind: "roof", solid: true })),
  // The blue roof, flowers patch, reeds.
  ...["TL", "T", "TR", "L", "M", "R", "BL", "B", "BR"].map((p): TileDef => ({ name: `roofBlue${p}`, kind: "roof", solid: true })),
  { name: "flowerBed", kind: "decor" },
  { name: "reeds", kind: "decor" },
  { name: "lantern", kind: "prop", solid: true },
  { name: "tallGrass", kind: "decor" },
  { name: "skull", kind: "decor" },
  { name: "banner", kind: "decor" },
  { name: "cobweb", kind: "decor" },
  // Forest canopy by open sides (forest0 = fully surrounded).
  ...masked("forest", "forest", 0, true),
  // Water banks, overlaid on water cells by which sides are land.
  ...masked("shore", "shore", 1, false),
  // Grass creeping over path cells by which sides are grass.
  ...masked("pathEdge", "pathEdge", 1, false),
  // The same on forest paths, in forest-floor colours.
  ...masked("forestPathEdge", "pathEdge", 1, false),
];

export const TILE_SIZE = 32;
export const COLUMNS = 16;

const INDEX = new Map(TILES.map((tile, id) => [tile.name, id]));

/** Local tile id of a named tile. @throws when there is no such tile */
export function tileId(name: string): number {
  const id = INDEX.get(name);
  if (id === undefined) throw new Error(`no tile named "${name}"`);
  return id;
}

/** Gid of a named tile in a map whose overworld tileset has firstgid 1. */
export function gid(name: string): number {
  return tileId(name) + 1;
}
