/**
 * Generates the zone maps from the ASCII layouts below: shared/zones/<zone>/map.tmj
 * (standard Tiled JSON, external tileset ../tilesets/overworld.tsj) and zone.json.
 *
 * The generated files are committed; from then on designers edit them in Tiled. Running
 * this script again overwrites them, so once a map has been edited by hand, change it in
 * Tiled, not here.
 *
 * What the script derives from a layout:
 * - layer `ground`: grass/path/cobble/sand/water/bridge/floor/stairs, and walls, cliffs and
 *   houses (wall and cliff cells show a face where the cell below is open, a top otherwise;
 *   a house is a rectangle of `h` with one `d` door: roof rows, then two rows of wall);
 * - layer `decor`: trees (the trunk at `T`/`P`, the canopy in the cell above), forest
 *   canopy `F` (edges by open sides), props, water banks on water cells next to land,
 *   grass edges on path cells next to grass, torches/banners on dungeon wall faces, and a
 *   portal glyph on portal cells that ask for one;
 * - layer `objects`: spawn points at the centre of their cell, portal rectangles covering
 *   their cells, monster areas.
 * Solidity comes from the tiles' `solid` property, so no collision layer is needed.
 *
 * The script checks what `npm run zones:check` enforces (portal targets, spawns on open
 * ground and outside portals, every zone reachable from the town) and fails on a problem.
 *
 * Run: `npm run maps`. `--preview DIR` also renders every map to DIR/<zone>.png.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { decodePng, encodePng } from "./png.ts";
import { Img } from "./pixels.ts";
import { COLUMNS, EDGE, gid, TILE_SIZE, TILES } from "./tileset.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ZONES_DIR = path.join(ROOT, "shared", "zones");
const S = TILE_SIZE;

interface SpawnDef {
  name: string;
  ground?: string;
}
interface PortalDef {
  name: string;
  targetZone: string;
  targetSpawn: string;
  ground?: string;
  glyph?: boolean;
}
interface AreaDef {
  name: string;
  monster: string;
  count: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

interface ZoneDesign {
  id: string;
  displayName: string;
  pvp: boolean;
  zone: { roomType: string; capacity: number; viewRadius: number; starting?: boolean };
  /** Grass style of open ground: town meadow, forest floor, or dungeon floor for props. */
  style: "meadow" | "forest" | "dungeon";
  rows: string[];
  spawns: Record<string, SpawnDef>;
  portals: Record<string, PortalDef>;
  monsterAreas?: AreaDef[];
  /** Roof colour of each house, in reading order of their top-left corners. */
  roofs?: Array<"Red" | "Blue">;
}

// ---------------------------------------------------------------- layouts

/**
 * Legend
 *   .  grass          ,  path            :  cobblestone      s  sand
 *   ~  water          l  lily pad        =  bridge (E-W)     H  bridge (N-S)
 *   #  town wall      %  cliff           C  cave mouth       h  house, d its door
 *   T  oak (trunk; canopy above)         P  pine (trunk; canopy above)
 *   F  forest canopy  b  bush            r  rock             u  stump
 *   o  pebbles        m  mushrooms       g  tall grass       *  flower bed
 *   w  well           B  barrel          c  crate            n  sign
 *   f  fence          L  lantern         R  reeds
 *   X  dungeon wall   t  wall + torch    A  wall + banner    _  dungeon floor
 *   I  pillar         k  bones           K  skull            q  rubble
 *   $  chest          <  stairs up
 *   Spawns and portals: the characters listed in each zone's tables.
 */
const TOWN: ZoneDesign = {
  id: "town",
  displayName: "Oakhollow",
  pvp: false,
  zone: { roomType: "zone", capacity: 64, viewRadius: 480, starting: true },
  style: "meadow",
  rows: [
    "########################################",
    "#b....b..............b.,,,.....b......b#",
    "#......hhhhh...........,,,....hhhhh....#",
    "#..T...hhhhh..T........,,,.T..hhhhh..T.#",
    "#......hhhhh......T....,,,....hhhhh....#",
    "#......hhhhh...........,,,....hhhhh....#",
    "#.T...BhhdhhcB.........,,,...chhdhhB...#",
    "#......*.,.*...........,,,....*.,.*....#",
    "#....~~..,,,,,,,,,,,,,,,,,,,,,,,,......#",
    "#..~~~~~~..........b...,,,...........T.#",
    "#.R~~~~l~~.o....b......,,,..b.......b..#",
    "#.~~~l~~~~...T.........,,,.o......T....#",
    "#..~~~~~~.R......L::::::::::::L........#",
    "#..R.~~..........:::w::::::::::......T.#",
    "#..............n.::::::S:::::::..n.....1",
    "#,,,,,,,,,,,,,,,,::::::::::::::,,,,,E,,1",
    "#...........o....::::::::::::::........1",
    "#................L::::::::::::L...o....#",
    "#..T......ffff.ffff....,,,...........T.#",
    "#.......T..hhhhhhh.....,,,.....R.~~~...#",
    "#..........hhhhhhh.....,,,n....~~~~~~~.#",
    "#..........hhhhhhh..T..,,,.....~~~~l~~.#",
    "#.T........hhhhhhh.....,,,..T..~~~~~~~R#",
    "#.........Bhhhdhhhc....,,,.......~~~...#",
    "#......o......,,,,,,,,,,,,.............#",
    "#...........*...*...*..,,,...o.........#",
    "#.....T................,,,.......T...T.#",
    "#..T......T.........b..,,,..T..........#",
    "#b..............b......,,,....b.......b#",
    "########################################",
  ],
  spawns: { S: { name: "default", ground: ":" }, E: { name: "fromForest", ground: "," } },
  portals: { "1": { name: "toForest", targetZone: "forest", targetSpawn: "fromTown", ground: ",", glyph: true } },
  roofs: ["Red", "Blue", "Red"],
};

const FOREST: ZoneDesign = {
  id: "forest",
  displayName: "Whisperwood",
  pvp: false,
  zone: { roomType: "zone", capacity: 64, viewRadius: 480 },
  style: "forest",
  rows: [
    "FFFFFFFFFFFFFFFFFFFFF~~~FFFFFFFFFFFFFFFFFFFFFFFF",
    "FFFFFFFFFFFFFFFFFFFFFF~~FFFFFFFFFFFFFFFFFFFFFFFF",
    "FFFFo...FFFFFFFF..FFFF~~...FFFFFFFFFFFFFFFFFFFFF",
    "FFF.......FF..........~~.m....FFF%%%%%%%%%%%FFFF",
    "FFF................b..~~...P.P%%%%%%%%%%%%%%%%FF",
    "FF..T...FF....P..Tgg.P~~.P....%%%%%%%%%%%%%%%%FF",
    "FF.....FFFF.P.........~~.....r%%%%%%%%%%%%%%%%FF",
    "FFPg...FFFF.......g.T~~...P.T.%%%%%%%%%%%%%%%%FF",
    "FF......FF......R....~~.......%%%%%%%2%%%%%%%FFF",
    "FFF.............R.P~~~~~....FFFF....,,,..b...FFF",
    "FFF...T....T...R..~~~~~....FFFFFF.b.,Y,.....T.FF",
    "FFF......r........~~~~~....FFFFFF...b,,...T...FF",
    "FF.......gT......~~~~~......FFFF....,,........FF",
    "FF..g......b......~~..T.......b...o.,,........FF",
    "FF.o.........gP..~~.........T..T...,,r......P.FF",
    "FF.........P....~~.................,,..P......FF",
    "FF.......u..m...~~................,,....g....FFF",
    "1,,,,,,,,,,,,,,==,,,,,,,,,,,,,,,,,,,........rFFF",
    "1,,W,,,,,,,,,,,==,,,,,,,,,,,,,,,,,,r.........FFF",
    "1,,...g.......~~..u..........................FFF",
    "FFF...........~~...................u..........FF",
    "FFF..T..T.....~~.....g...P........o..P....T...FF",
    "FFFF........~~~~~~.....T......S..............FFF",
    "FFFF.........~~~~~...T....u...........P......FFF",
    "FFF....FF....~~~~~.R...................FFFF..FFF",
    "FFF..FFFFFFT.~~~~~....................FFFFFF.FFF",
    "FF...FFFFFF....~~......P...P..........FFFFFF.FFF",
    "FF.P.FFFFFF....~~............T....m.P.FFFFFF.FFF",
    "FF...FFFFFF...P~~......m..............FFFFFFFFFF",
    "FF.....FF...mg.~~T...................T.FFFF.FFFF",
    "FF....r.b......~~...o......r.P.............PFFFF",
    "FF.......gm....~~..T...mb.P..................FFF",
    "FF...T.....b..~~......bFFFF.......r.T..P......FF",
    "FFFP.FFFT.....~~F.....FFFFFFFF..FFF......FFFo.FF",
    "FFFFFFFFFFFFF~~~FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
    "FFFFFFFFFFFFF~~FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
  ],
  spawns: { S: { name: "default", ground: "." }, W: { name: "fromTown", ground: "," }, Y: { name: "fromDungeon", ground: "," } },
  portals: {
    "1": { name: "toTown", targetZone: "town", targetSpawn: "fromForest", ground: ",", glyph: true },
    "2": { name: "toDungeon", targetZone: "dungeon", targetSpawn: "entrance", ground: "C" },
  },
  monsterAreas: [
    { name: "wolf den", monster: "wolf", count: 4, x: 30, y: 24, w: 14, h: 8 },
    { name: "streamside slimes", monster: "slime", count: 5, x: 3, y: 3, w: 12, h: 12 },
  ],
};

const DUNGEON: ZoneDesign = {
  id: "dungeon",
  displayName: "Sunken Crypt",
  pvp: true,
  zone: { roomType: "dungeon", capacity: 8, viewRadius: 480 },
  style: "dungeon",
  rows: [
    "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "XXXXXXXXXXXXt2tXXXXXXXXXXXXXXX",
    "XXXXXXXXX___________XXXXXXXXXX",
    "XXXXXXXXX_I__Y____I_XXXXXXXXXX",
    "XXXXXXXXX___________XXXXXXXXXX",
    "XXXXXXXXX_I__S____I_XXXXXXXXXX",
    "XXXXXXXXX___________XXXXXXXXXX",
    "XXXtXXXXXXXXX___XXXXXXXXXAXXXX",
    "XX_____XXXXXX___XXXXXX_____qXX",
    "XX_k___XXXXXX___XXXXXX______XX",
    "XX_____________________I____XX",
    "XX______XXXAX___XAXXX_______XX",
    "XXXX_XXXX___________XXX__$__XX",
    "XXXX_XXXX_I_______I_XXXXX__XXX",
    "XXXX_XXXX___________XXXXX__XXX",
    "XXt__tXXX____q______XXXXX__XXX",
    "XX______X___________XXt______X",
    "XX___K__X_I_______I_X_______XX",
    "XX___q__X___________X__k____XX",
    "XX$_____X____k______________XX",
    "XX______XXXX_____XXXX_____$_XX",
    "XXXXX_XXXXXX_____XXXXXXXXXXXXX",
    "XXXXX_______________XXXXXXXXXX",
    "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
  ],
  spawns: { S: { name: "default", ground: "_" }, Y: { name: "entrance", ground: "_" } },
  portals: { "2": { name: "toForest", targetZone: "forest", targetSpawn: "fromDungeon", ground: "<" } },
  monsterAreas: [
    { name: "crypt hall", monster: "skeleton", count: 4, x: 9, y: 12, w: 11, h: 8 },
    { name: "east vault", monster: "skeleton", count: 3, x: 21, y: 8, w: 7, h: 12 },
    { name: "bone pit", monster: "slime", count: 2, x: 2, y: 15, w: 6, h: 5 },
  ],
};

export const ZONES: readonly ZoneDesign[] = [TOWN, FOREST, DUNGEON];

// ---------------------------------------------------------------- classification

const PROP_DECOR: Record<string, string> = {
  b: "bush",
  r: "rock",
  u: "stump",
  o: "pebbles",
  m: "mushrooms",
  g: "tallGrass",
  "*": "flowerBed",
  w: "well",
  B: "barrel",
  c: "crate",
  n: "sign",
  f: "fence",
  L: "lantern",
  R: "reeds",
  I: "pillar",
  k: "bones",
  K: "skull",
  q: "rubble",
  $: "chest",
};
const WALL_DECOR: Record<string, string> = { t: "torch0", A: "banner" };

/** Tile-space hash, stable across runs. */
function hash(x: number, y: number, salt = 0): number {
  let h = Math.imul(x + 101 * salt, 374761393) ^ Math.imul(y + 7 * salt, 668265263);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

interface Grid {
  design: ZoneDesign;
  width: number;
  height: number;
  /** Characters with spawns and portals replaced by their ground character. */
  chars: string[][];
  spawns: Array<{ name: string; col: number; row: number }>;
  portals: Array<PortalDef & { cells: Array<[number, number]> }>;
}

function readGrid(design: ZoneDesign): Grid {
  const { rows } = design;
  const width = rows[0].length;
  const height = rows.length;
  rows.forEach((row, r) => {
    if (row.length !== width) throw new Error(`${design.id}: row ${r} has ${row.length} characters, expected ${width}`);
  });
  const chars = rows.map((row) => [...row]);
  const spawns: Grid["spawns"] = [];
  const portals = new Map<string, PortalDef & { cells: Array<[number, number]> }>();
  const inferGround = (col: number, row: number) => {
    const counts = new Map<string, number>();
    for (const [dx, dy] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ]) {
      const c = rows[row + dy]?.[col + dx];
      if (c && ".,:s_".includes(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? ".";
  };
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const c = chars[row][col];
      const spawn = design.spawns[c];
      if (spawn) {
        if (spawns.some((s) => s.name === spawn.name)) throw new Error(`${design.id}: spawn ${spawn.name} placed twice`);
        spawns.push({ name: spawn.name, col, row });
        chars[row][col] = spawn.ground ?? inferGround(col, row);
        continue;
      }
      const portal = design.portals[c];
      if (portal) {
        const entry = portals.get(c) ?? { ...portal, cells: [] };
        entry.cells.push([col, row]);
        portals.set(c, entry);
        chars[row][col] = portal.ground ?? inferGround(col, row);
      }
    }
  }
  for (const [c, def] of Object.entries(design.spawns)) {
    if (!spawns.some((s) => s.name === def.name)) throw new Error(`${design.id}: spawn '${c}' (${def.name}) is not on the map`);
  }
  for (const [c, def] of Object.entries(design.portals)) {
    if (!portals.has(c)) throw new Error(`${design.id}: portal '${c}' (${def.name}) is not on the map`);
  }
  return { design, width, height, chars, spawns, portals: [...portals.values()] };
}

const isWater = (c: string | undefined) => c === "~" || c === "l";
const isWallish = (c: string | undefined) => c === "#";
/** Dungeon walls, and the stairs set into them (the wall above stairs shows its top). */
const isDungeonWall = (c: string | undefined) => c === "X" || c === "t" || c === "A" || c === "<";
const isCliff = (c: string | undefined) => c === "%" || c === "C";

/** The ground character under a cell (what is drawn on the `ground` layer). */
function groundOf(grid: Grid, c: string): string {
  if ("TPFbrouomg*wBcnfLR".includes(c)) return ".";
  if ("IkKq$".includes(c)) return grid.design.style === "dungeon" ? "_" : ".";
  return c;
}

function isGrassCell(grid: Grid, col: number, row: number): boolean {
  const c = grid.chars[row]?.[col];
  return c !== undefined && groundOf(grid, c) === ".";
}

// ---------------------------------------------------------------- building layers

interface Built {
  ground: Uint32Array;
  decor: Uint32Array;
}

function build(grid: Grid): Built {
  const { width, height, chars, design } = grid;
  const ground = new Uint32Array(width * height);
  const decor = new Uint32Array(width * height);
  const at = (col: number, row: number) => (col < 0 || row < 0 || col >= width || row >= height ? undefined : chars[row][col]);
  const errors: string[] = [];
  const setDecor = (col: number, row: number, name: string, why: string) => {
    const i = row * width + col;
    if (decor[i] !== 0) errors.push(`${design.id}: ${why} at (${col}, ${row}) overlaps another decoration`);
    else decor[i] = gid(name);
  };

  const grassTile = (col: number, row: number): string => {
    const h = hash(col, row, 1);
    if (design.style === "forest") return h < 0.45 ? "forestFloor0" : "forestFloor1";
    return h < 0.06 ? "grassFlowers" : ["grass0", "grass1", "grass2"][Math.floor(h * 3)];
  };

  // Houses: rectangles of h with one d.
  const houseCell = new Map<string, string>();
  const seen = new Set<string>();
  let houseIndex = 0;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const c = chars[row][col];
      if ((c !== "h" && c !== "d") || seen.has(`${col},${row}`)) continue;
      let w = 0;
      while (at(col + w, row) === "h" || at(col + w, row) === "d") w++;
      let h = 0;
      while (at(col, row + h) === "h" || at(col, row + h) === "d") h++;
      if (w < 3 || h < 4) throw new Error(`${design.id}: house at (${col}, ${row}) is ${w}x${h}; houses are at least 3x4`);
      const roof = design.roofs?.[houseIndex++] ?? "Red";
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const cc = at(col + x, row + y);
          if (cc !== "h" && cc !== "d") throw new Error(`${design.id}: house at (${col}, ${row}) is not a rectangle`);
          if (cc === "d" && y !== h - 1) throw new Error(`${design.id}: door of the house at (${col}, ${row}) is not on its bottom row`);
          seen.add(`${col + x},${row + y}`);
          const sidePart = x === 0 ? "L" : x === w - 1 ? "R" : "";
          let name: string;
          if (y < h - 2) {
            const rowPart = y === 0 ? "T" : y === h - 3 ? "B" : "";
            name = `roof${roof}${rowPart + sidePart || "M"}`;
          } else if (y === h - 2) {
            name = x > 0 && x < w - 1 && (x - 1) % 2 === 1 ? "houseWallWindow" : "houseWall";
          } else {
            name = cc === "d" ? "houseDoor" : x > 0 && x < w - 1 && (x === 1 || x === w - 2) ? "houseWallBaseWindow" : "houseWallBase";
          }
          houseCell.set(`${col + x},${row + y}`, name);
        }
      }
    }
  }

  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const c = chars[row][col];
      const i = row * width + col;
      const g = groundOf(grid, c);
      let name: string;
      switch (g) {
        case ".":
          name = grassTile(col, row);
          break;
        case ",":
          name = hash(col, row, 2) < 0.5 ? "path0" : "path1";
          break;
        case ":":
          name = "cobble";
          break;
        case "s":
          name = "sand";
          break;
        case "~":
        case "l":
          name = "water0";
          break;
        case "=":
          name = "bridgeH";
          break;
        case "H":
          name = "bridgeV";
          break;
        case "#":
          name = isWallish(at(col, row + 1)) || at(col, row + 1) === undefined ? "wallTop" : "wallFace";
          break;
        case "X":
        case "t":
        case "A":
          name = isDungeonWall(at(col, row + 1)) || at(col, row + 1) === undefined ? "dungeonWallTop" : "dungeonWallFace";
          if (c !== "X" && name !== "dungeonWallFace")
            throw new Error(`${design.id}: '${c}' at (${col}, ${row}) must be on a wall face (open cell below)`);
          break;
        case "%": {
          // A cliff shows two rows of rock face above open ground, a top elsewhere.
          const below = at(col, row + 1);
          const below2 = at(col, row + 2);
          if (below !== undefined && !isCliff(below)) name = "cliffFace";
          else if (below !== undefined && below2 !== undefined && !isCliff(below2)) name = "cliffFaceHigh";
          else name = "cliffTop";
          break;
        }
        case "C":
          name = "caveMouth";
          break;
        case "_":
          name = hash(col, row, 3) < 0.22 ? "dungeonFloor1" : "dungeonFloor0";
          break;
        case "<":
          name = "stairs";
          break;
        case "h":
        case "d":
          name = houseCell.get(`${col},${row}`)!;
          break;
        default:
          throw new Error(`${design.id}: unknown map character '${c}' at (${col}, ${row})`);
      }
      ground[i] = gid(name);
    }
  }

  // Decorations placed by the layout.
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const c = chars[row][col];
      if (c === "T" || c === "P") {
        const above = at(col, row - 1);
        if (above === undefined || !".,:sg".includes(above) || above === "g") {
          errors.push(`${design.id}: tree at (${col}, ${row}) needs open ground above it for its canopy (found '${above}')`);
          continue;
        }
        setDecor(col, row, c === "T" ? "oakTrunk" : "pineTrunk", "tree trunk");
        setDecor(col, row - 1, c === "T" ? "oakTop" : "pineTop", "tree canopy");
      } else if (PROP_DECOR[c]) {
        setDecor(col, row, PROP_DECOR[c], PROP_DECOR[c]);
      } else if (WALL_DECOR[c]) {
        setDecor(col, row, WALL_DECOR[c], WALL_DECOR[c]);
      } else if (c === "l") {
        setDecor(col, row, "lilyPad", "lily pad");
      } else if (c === "F") {
        let mask = 0;
        const open = (dx: number, dy: number) => {
          const n = at(col + dx, row + dy);
          return n !== undefined && n !== "F";
        };
        if (open(0, -1)) mask |= EDGE.N;
        if (open(1, 0)) mask |= EDGE.E;
        if (open(0, 1)) mask |= EDGE.S;
        if (open(-1, 0)) mask |= EDGE.W;
        setDecor(col, row, `forest${mask}`, "forest");
      }
    }
  }
  for (const portal of grid.portals) {
    if (portal.glyph) for (const [col, row] of portal.cells) setDecor(col, row, "glyph0", "portal glyph");
  }

  // Overlays, only where nothing else decorates the cell.
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const i = row * width + col;
      if (decor[i] !== 0) continue;
      const g = groundOf(grid, chars[row][col]);
      if (g === "~") {
        let mask = 0;
        const land = (dx: number, dy: number) => {
          const n = at(col + dx, row + dy);
          return n !== undefined && !isWater(n) && n !== "=" && n !== "H";
        };
        if (land(0, -1)) mask |= EDGE.N;
        if (land(1, 0)) mask |= EDGE.E;
        if (land(0, 1)) mask |= EDGE.S;
        if (land(-1, 0)) mask |= EDGE.W;
        if (mask) decor[i] = gid(`shore${mask}`);
      } else if (g === ",") {
        let mask = 0;
        if (isGrassCell(grid, col, row - 1)) mask |= EDGE.N;
        if (isGrassCell(grid, col + 1, row)) mask |= EDGE.E;
        if (isGrassCell(grid, col, row + 1)) mask |= EDGE.S;
        if (isGrassCell(grid, col - 1, row)) mask |= EDGE.W;
        if (mask) decor[i] = gid(`${design.style === "forest" ? "forestPathEdge" : "pathEdge"}${mask}`);
      }
    }
  }
  if (errors.length > 0) throw new Error(errors.join("\n"));
  return { ground, decor };
}

// ---------------------------------------------------------------- Tiled JSON

function prop(name: string, type: "string" | "bool" | "int", value: string | boolean | number) {
  return { name, type, value };
}

function tiledMap(grid: Grid, built: Built): string {
  const { width, height, design } = grid;
  let nextObjectId = 1;
  const objects: object[] = [];
  for (const spawn of grid.spawns) {
    objects.push({
      height: 0,
      id: nextObjectId++,
      name: spawn.name,
      point: true,
      rotation: 0,
      type: "spawn",
      visible: true,
      width: 0,
      x: (spawn.col + 0.5) * S,
      y: (spawn.row + 0.5) * S,
    });
  }
  for (const portal of grid.portals) {
    const cols = portal.cells.map(([c]) => c);
    const rows = portal.cells.map(([, r]) => r);
    const x0 = Math.min(...cols);
    const y0 = Math.min(...rows);
    const w = Math.max(...cols) - x0 + 1;
    const h = Math.max(...rows) - y0 + 1;
    if (w * h !== portal.cells.length) throw new Error(`${design.id}: portal ${portal.name} is not a rectangle`);
    objects.push({
      height: h * S,
      id: nextObjectId++,
      name: portal.name,
      properties: [prop("targetZone", "string", portal.targetZone), prop("targetSpawn", "string", portal.targetSpawn)],
      rotation: 0,
      type: "portal",
      visible: true,
      width: w * S,
      x: x0 * S,
      y: y0 * S,
    });
  }
  for (const area of design.monsterAreas ?? []) {
    objects.push({
      height: area.h * S,
      id: nextObjectId++,
      name: area.name,
      properties: [prop("count", "int", area.count), prop("monster", "string", area.monster)],
      rotation: 0,
      type: "monsterArea",
      visible: true,
      width: area.w * S,
      x: area.x * S,
      y: area.y * S,
    });
  }
  const tileLayer = (id: number, name: string, _data: Uint32Array) => ({
    data: `@@DATA:${name}@@`,
    height,
    id,
    name,
    opacity: 1,
    type: "tilelayer",
    visible: true,
    width,
    x: 0,
    y: 0,
  });
  const map = {
    compressionlevel: -1,
    height,
    infinite: false,
    layers: [
      tileLayer(1, "ground", built.ground),
      tileLayer(2, "decor", built.decor),
      { draworder: "topdown", id: 3, name: "objects", objects, opacity: 1, type: "objectgroup", visible: true, x: 0, y: 0 },
    ],
    nextlayerid: 4,
    nextobjectid: nextObjectId,
    orientation: "orthogonal",
    properties: [prop("displayName", "string", design.displayName), prop("pvp", "bool", design.pvp)],
    renderorder: "right-down",
    tiledversion: "1.10.2",
    tileheight: S,
    tilesets: [{ firstgid: 1, source: "../tilesets/overworld.tsj" }],
    tilewidth: S,
    type: "map",
    version: "1.10",
    width,
  };
  // Tiled-like layout, with the gid arrays one map row per line so diffs stay readable.
  const rowsOf = (data: Uint32Array) => {
    const lines: string[] = [];
    for (let r = 0; r < height; r++) lines.push(Array.from(data.subarray(r * width, (r + 1) * width)).join(", "));
    return `[${lines.join(",\n          ")}]`;
  };
  return `${JSON.stringify(map, null, 1)
    .replace('"@@DATA:ground@@"', rowsOf(built.ground))
    .replace('"@@DATA:decor@@"', rowsOf(built.decor))}\n`;
}

// ---------------------------------------------------------------- checks

const SOLID = new Set(TILES.flatMap((t, id) => (t.solid ? [id + 1] : [])));

function solidGrid(grid: Grid, built: Built): Uint8Array {
  const solid = new Uint8Array(grid.width * grid.height);
  for (let i = 0; i < solid.length; i++) solid[i] = SOLID.has(built.ground[i]) || SOLID.has(built.decor[i]) ? 1 : 0;
  return solid;
}

/** The checks `zones:check` makes, on cells: spawns open and outside portals, targets exist, all zones reachable. */
function check(grids: Map<string, { grid: Grid; solid: Uint8Array }>): string[] {
  const problems: string[] = [];
  for (const { grid, solid } of grids.values()) {
    const id = grid.design.id;
    const open = (col: number, row: number) =>
      col >= 0 && row >= 0 && col < grid.width && row < grid.height && !solid[row * grid.width + col];
    for (const spawn of grid.spawns) {
      if (!open(spawn.col, spawn.row)) problems.push(`${id}: spawn ${spawn.name} is on a solid tile`);
      for (const portal of grid.portals) {
        if (portal.cells.some(([c, r]) => c === spawn.col && r === spawn.row))
          problems.push(`${id}: spawn ${spawn.name} is inside portal ${portal.name}`);
      }
    }
    if (!grid.spawns.some((s) => s.name === "default")) problems.push(`${id}: no default spawn`);
    for (const portal of grid.portals) {
      const target = grids.get(portal.targetZone);
      if (!target) problems.push(`${id}: portal ${portal.name} leads to unknown zone ${portal.targetZone}`);
      else if (!target.grid.spawns.some((s) => s.name === portal.targetSpawn))
        problems.push(`${id}: portal ${portal.name} leads to unknown spawn ${portal.targetZone}/${portal.targetSpawn}`);
      for (const [c, r] of portal.cells) if (!open(c, r)) problems.push(`${id}: portal ${portal.name} covers a solid cell (${c}, ${r})`);
    }
  }
  // Reachability: walk from the town's default spawn; portals lead to their target spawns.
  const reached = new Set<string>();
  const queue: Array<[string, number, number]> = [];
  const visit = (zone: string, col: number, row: number) => {
    const key = `${zone}:${col},${row}`;
    if (reached.has(key)) return;
    reached.add(key);
    queue.push([zone, col, row]);
  };
  const start = grids.get("town")?.grid.spawns.find((s) => s.name === "default");
  if (start) visit("town", start.col, start.row);
  while (queue.length > 0) {
    const [zone, col, row] = queue.shift()!;
    const { grid, solid } = grids.get(zone)!;
    for (const portal of grid.portals) {
      if (portal.cells.some(([c, r]) => c === col && r === row)) {
        const target = grids.get(portal.targetZone)?.grid.spawns.find((s) => s.name === portal.targetSpawn);
        if (target) visit(portal.targetZone, target.col, target.row);
      }
    }
    for (const [dx, dy] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ]) {
      const c = col + dx;
      const r = row + dy;
      if (c >= 0 && r >= 0 && c < grid.width && r < grid.height && !solid[r * grid.width + c]) visit(zone, c, r);
    }
  }
  for (const { grid } of grids.values()) {
    const id = grid.design.id;
    if (![...reached].some((k) => k.startsWith(`${id}:`))) problems.push(`${id}: not reachable from the town`);
    for (const spawn of grid.spawns)
      if (!reached.has(`${id}:${spawn.col},${spawn.row}`)) problems.push(`${id}: spawn ${spawn.name} is not reachable`);
    for (const portal of grid.portals) {
      if (!portal.cells.some(([c, r]) => reached.has(`${id}:${c},${r}`))) problems.push(`${id}: portal ${portal.name} is not reachable`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- preview

function renderPreview(grid: Grid, built: Built, atlas: Img): Img {
  const img = new Img(grid.width * S, grid.height * S);
  const drawGid = (g: number, col: number, row: number) => {
    if (g === 0) return;
    const id = g - 1;
    img.draw(atlas, col * S, row * S, (id % COLUMNS) * S, Math.floor(id / COLUMNS) * S, S, S);
  };
  for (const layer of [built.ground, built.decor]) {
    for (let row = 0; row < grid.height; row++) for (let col = 0; col < grid.width; col++) drawGid(layer[row * grid.width + col], col, row);
  }
  for (const portal of grid.portals) {
    for (const [c, r] of portal.cells) img.rect(c * S + 2, r * S + 2, S - 4, S - 4, 0x66e0ff, 0.25);
  }
  for (const spawn of grid.spawns) img.disc((spawn.col + 0.5) * S, (spawn.row + 0.5) * S, 5, 0xff3040);
  return img;
}

// ---------------------------------------------------------------- main

function main(): void {
  const args = process.argv.slice(2);
  const previewAt = args.indexOf("--preview");
  const previewDir = previewAt >= 0 ? args[previewAt + 1] : undefined;
  const grids = new Map<string, { grid: Grid; built: Built; solid: Uint8Array }>();
  for (const design of ZONES) {
    const grid = readGrid(design);
    const built = build(grid);
    grids.set(design.id, { grid, built, solid: solidGrid(grid, built) });
  }
  const problems = check(grids);
  if (problems.length > 0) {
    console.error(`zone maps have problems:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  for (const { grid, built } of grids.values()) {
    const dir = path.join(ZONES_DIR, grid.design.id);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "map.tmj"), tiledMap(grid, built));
    const { starting, ...rest } = grid.design.zone;
    const zoneJson = { map: "map.tmj", ...rest, ...(starting ? { starting: true } : {}) };
    fs.writeFileSync(path.join(dir, "zone.json"), `${JSON.stringify(zoneJson, null, 2)}\n`);
    console.log(`wrote shared/zones/${grid.design.id}/map.tmj (${grid.width}x${grid.height}) and zone.json`);
  }
  if (previewDir) {
    const png = decodePng(fs.readFileSync(path.join(ZONES_DIR, "tilesets", "overworld.png")));
    const atlas = new Img(png.width, png.height);
    atlas.data.set(png.rgba);
    fs.mkdirSync(previewDir, { recursive: true });
    for (const { grid, built } of grids.values()) {
      const img = renderPreview(grid, built, atlas);
      const file = path.join(previewDir, `${grid.design.id}.png`);
      fs.writeFileSync(file, encodePng(img.width, img.height, img.data));
      console.log(`preview ${file}`);
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
