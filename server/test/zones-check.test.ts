/**
 * `npm run zones:check`: passes on every shipped zone, and fails clearly — file, object,
 * problem — on broken ones.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { DEFAULT_SAFE_RADIUS, MAX_SAFE_RADIUS, MIN_SAFE_RADIUS } from "@oatnut/shared";
import { PROJECT_ROOT } from "../src/config.ts";
import { checkZonesFolder } from "../src/tools/zonesCheck.ts";
import { testWorld, writeZone } from "./zoneFixtures.ts";

const run = promisify(execFile);

function zonesCheck(dir?: string) {
  return run("npm", ["run", "--silent", "zones:check", ...(dir ? ["--", dir] : [])], { cwd: PROJECT_ROOT })
    .then(({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }))
    .catch((error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }));
}

function editJson(file: string, edit: (json: any) => void): void {
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json));
}

async function problemsOf(breakIt: (dir: string) => void): Promise<string[]> {
  const dir = testWorld();
  breakIt(dir);
  const { problems } = await checkZonesFolder(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  return problems.map((p) => `${p.where}: ${p.message}`);
}

const portal = (json: any, name: string) =>
  json.layers.find((l: any) => l.type === "objectgroup").objects.find((o: any) => o.name === name);

describe("zones:check", () => {
  it("passes on every shipped zone", async () => {
    const { code, output } = await zonesCheck();
    assert.equal(code, 0, output);
    assert.match(output, /zones OK \(.*dungeon.*forest.*town.*\)/);
  });

  it("fails with the file, the object and the problem on a broken map", async () => {
    const dir = testWorld();
    editJson(path.join(dir, "field", "map.tmj"), (map) => {
      portal(map, "toCrypt").properties[0].value = "nowhere";
    });
    const { code, output } = await zonesCheck(dir);
    assert.equal(code, 1);
    assert.match(output, /✗ field\/map\.tmj portal "toCrypt": targetZone "nowhere" does not exist/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("finds a portal to a missing spawn, a spawn in a wall or in a portal, and unreachable zones", async () => {
    assert.deepEqual(
      await problemsOf((dir) =>
        editJson(path.join(dir, "plaza", "map.tmj"), (map) => {
          portal(map, "toField").properties[1].value = "nowhere";
        }),
      ),
      ['plaza/map.tmj portal "toField": targetSpawn "nowhere" does not exist in zone field'],
    );

    const wall = await problemsOf((dir) =>
      editJson(path.join(dir, "plaza", "map.tmj"), (map) => {
        const spawn = map.layers[1].objects.find((o: any) => o.name === "default");
        spawn.x = 16; // the centre of the wall tile in the top-left corner
        spawn.y = 16;
      }),
    );
    assert.deepEqual(wall, ['plaza/map.tmj spawn "default": (16, 16) is not walkable: a character there overlaps a wall']);

    const inPortal = await problemsOf((dir) =>
      editJson(path.join(dir, "plaza", "map.tmj"), (map) => {
        const spawn = map.layers[1].objects.find((o: any) => o.name === "fromField");
        spawn.x = 19 * 32 + 16;
      }),
    );
    assert.ok(
      inPortal.some((p) => /spawn "fromField": is inside portal "toField"/.test(p)),
      inPortal.join("\n"),
    );

    const island = await problemsOf((dir) =>
      writeZone(dir, "island", {
        rows: ["#####", "#...#", "#####"],
        spawns: { default: [2, 1] },
      }),
    );
    assert.deepEqual(island, ["island/map.tmj: zone island cannot be reached from the starting zone plaza"]);
  });

  it("finds monster areas with an unknown kind or bad properties", async () => {
    const problems = await problemsOf((dir) =>
      editJson(path.join(dir, "field", "map.tmj"), (map) => {
        const objects = map.layers.find((l: any) => l.type === "objectgroup").objects;
        const area = (name: string, properties: Array<{ name: string; type: string; value: unknown }>) => ({
          id: 900 + objects.length,
          name,
          type: "monsterArea",
          x: 640, // far from every spawn point's safe circle
          y: 64,
          width: 64,
          height: 64,
          properties,
        });
        objects.push(area("dragons", [{ name: "monster", type: "string", value: "dragon" }]));
        objects.push(
          area("crowd", [
            { name: "monster", type: "string", value: "wolf" },
            { name: "count", type: "int", value: 500 },
            { name: "behaviour", type: "string", value: "shy" },
            { name: "wander", type: "string", value: "yes" },
          ]),
        );
      }),
    );
    assert.deepEqual(problems, [
      'field/map.tmj monsterArea "dragons": monster "dragon" is not a known kind (known: slime, wolf, skeleton)',
      'field/map.tmj monsterArea "crowd": count must be a whole number from 1 to 100, not 500',
      'field/map.tmj monsterArea "crowd": behaviour must be aggressive, defensive or passive, not "shy"',
      'field/map.tmj monsterArea "crowd": wander must be true or false, not "yes"',
    ]);
  });

  it("finds a monster area reaching into the safe circle around a spawn point, and a safeRadius out of range", async () => {
    /** A wolf den in tiles 20–21 of row 8 of the field: 112 px from the spawn point "fromCrypt" (816, 272). */
    const denNearArrival = (dir: string) =>
      editJson(path.join(dir, "field", "map.tmj"), (map) => {
        map.layers[1].objects.push({
          id: 900,
          name: "den",
          type: "monsterArea",
          x: 640,
          y: 256,
          width: 64,
          height: 32,
          properties: [{ name: "monster", type: "string", value: "wolf" }],
        });
      });
    const dir = testWorld();
    denNearArrival(dir);
    const { code, output } = await zonesCheck(dir);
    assert.equal(code, 1, output);
    assert.match(
      output,
      new RegExp(
        '✗ field/map\\.tmj monsterArea "den": reaches within 112 px of spawn "fromCrypt" \\(816, 272\\), inside its safe radius of ' +
          `${DEFAULT_SAFE_RADIUS} px where monsters may not go: move or shrink the area by 16 px or more, or lower "safeRadius" in field/zone\\.json`,
      ),
    );
    fs.rmSync(dir, { recursive: true, force: true });

    // The zone's own, smaller radius keeps the same den out of it.
    assert.deepEqual(
      await problemsOf((dir) => {
        denNearArrival(dir);
        editJson(path.join(dir, "field", "zone.json"), (zone) => {
          zone.safeRadius = 96;
        });
      }),
      [],
    );
    for (const safeRadius of [10, 5000, "wide"]) {
      assert.deepEqual(
        await problemsOf((dir) =>
          editJson(path.join(dir, "field", "zone.json"), (zone) => {
            zone.safeRadius = safeRadius;
          }),
        ),
        [
          `field/zone.json: "safeRadius" must be a number of pixels from ${MIN_SAFE_RADIUS} to ${MAX_SAFE_RADIUS} (got ${JSON.stringify(safeRadius)}): ` +
            `it is the circle around each spawn point that monsters keep out of (default ${DEFAULT_SAFE_RADIUS})`,
        ],
      );
    }
  });

  it("finds missing files, bad JSON, bad definitions and unknown room types", async () => {
    assert.deepEqual(await problemsOf((dir) => fs.rmSync(path.join(dir, "tilesets", "test.tsj"))), [
      "crypt/map.tmj tileset ../tilesets/test.tsj: tileset file not found (looked for tilesets/test.tsj)",
      "field/map.tmj tileset ../tilesets/test.tsj: tileset file not found (looked for tilesets/test.tsj)",
      "plaza/map.tmj tileset ../tilesets/test.tsj: tileset file not found (looked for tilesets/test.tsj)",
    ]);
    assert.deepEqual(await problemsOf((dir) => fs.rmSync(path.join(dir, "tilesets", "test.png"))), [
      'crypt/map.tmj tileset "test": image tilesets/test.png not found',
      'field/map.tmj tileset "test": image tilesets/test.png not found',
      'plaza/map.tmj tileset "test": image tilesets/test.png not found',
    ]);
    const badJson = await problemsOf((dir) => fs.writeFileSync(path.join(dir, "crypt", "zone.json"), "{ map: "));
    assert.equal(badJson.length, 1);
    assert.match(badJson[0], /^crypt\/zone\.json: not valid JSON/);
    assert.deepEqual(
      await problemsOf((dir) =>
        editJson(path.join(dir, "crypt", "zone.json"), (zone) => {
          zone.capacity = 0;
        }),
      ),
      ['crypt/zone.json: "capacity" must be a whole number from 1 to 1000'],
    );
    const unknownType = await problemsOf((dir) =>
      editJson(path.join(dir, "crypt", "zone.json"), (zone) => {
        zone.roomType = "arena-of-doom";
      }),
    );
    assert.equal(unknownType.length, 1);
    assert.match(
      unknownType[0],
      /^crypt\/zone\.json: room type "arena-of-doom" not found: add server\/src\/rooms\/types\/arena-of-doom\.ts/,
    );
    const badLayer = await problemsOf((dir) =>
      editJson(path.join(dir, "crypt", "map.tmj"), (map) => {
        map.layers[0].data.pop();
      }),
    );
    assert.deepEqual(badLayer, ['crypt/map.tmj layer "ground": has 49 cells, expected 50']);
    const noDefault = await problemsOf((dir) =>
      editJson(path.join(dir, "crypt", "map.tmj"), (map) => {
        map.layers[1].objects = map.layers[1].objects.filter((o: any) => o.name !== "default");
      }),
    );
    assert.deepEqual(noDefault, ['crypt/map.tmj: map has no spawn point named "default"']);
  });
});
