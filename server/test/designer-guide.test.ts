/**
 * docs/designing-zones.md, followed from scratch: its examples are exactly the shipped
 * files, and doing its steps on a world without the crypt gives a world where a player
 * walks from the forest into the crypt.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Room as ClientRoom } from "@colyseus/sdk";
import { getZoneMap, ServerMessage } from "@oatnut/shared";
import { PROJECT_ROOT } from "../src/config.ts";
import { Character } from "../src/db/models.ts";
import { api, createCharacter, signUp, startTestGame, waitFor, type TestGame } from "./helpers.ts";

const GUIDE = path.join(PROJECT_ROOT, "docs", "designing-zones.md");
const SHIPPED = path.join(PROJECT_ROOT, "shared", "zones");
const run = promisify(execFile);

interface Example {
  file: string;
  object?: string;
  lang: string;
  body: string;
}

/** The guide's code blocks that name a file: ```json file=… [object=…] */
function examples(): Example[] {
  const text = fs.readFileSync(GUIDE, "utf8");
  const found: Example[] = [];
  for (const match of text.matchAll(/^( *)```(\w+) file=(\S+)(?: object=(\S+))?\n([\s\S]*?)^\1```$/gm)) {
    const indent = match[1].length;
    const body = match[5]
      .split("\n")
      .map((line) => line.slice(indent))
      .join("\n");
    found.push({ lang: match[2], file: match[3], object: match[4], body });
  }
  return found;
}

function objectsOf(map: any): any[] {
  return map.layers.filter((layer: any) => layer.type === "objectgroup").flatMap((layer: any) => layer.objects);
}

function zonesCheck(dir: string) {
  return run("npm", ["run", "--silent", "zones:check", "--", dir], { cwd: PROJECT_ROOT }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
}

describe("the designer guide", () => {
  it("shows exactly the shipped files", () => {
    const blocks = examples();
    assert.ok(blocks.length >= 5, `the guide has its examples (${blocks.length})`);
    for (const block of blocks) {
      const file = path.join(PROJECT_ROOT, block.file);
      assert.ok(fs.existsSync(file), `${block.file} exists`);
      if (block.lang === "json" && block.object) {
        const object = objectsOf(JSON.parse(fs.readFileSync(file, "utf8"))).find((o) => o.name === block.object);
        assert.deepEqual(JSON.parse(block.body), object, `${block.file} object ${block.object}`);
      } else if (block.lang === "json") {
        assert.deepEqual(JSON.parse(block.body), JSON.parse(fs.readFileSync(file, "utf8")), block.file);
      } else {
        assert.equal(block.body.trim(), fs.readFileSync(file, "utf8").trim(), block.file);
      }
    }
  });

  describe("followed step by step on a world without the crypt", () => {
    let world: string;
    let game: TestGame;
    const blocks = examples();
    const block = (file: string, object?: string) => blocks.find((b) => b.file === file && b.object === object)!;

    before(() => {
      world = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-guide-"));
      fs.cpSync(SHIPPED, world, { recursive: true });
      fs.rmSync(path.join(world, "dungeon"), { recursive: true });
      const forestMap = path.join(world, "forest", "map.tmj");
      const forest = JSON.parse(fs.readFileSync(forestMap, "utf8"));
      for (const layer of forest.layers) {
        if (layer.type === "objectgroup") layer.objects = layer.objects.filter((o: any) => o.name !== "toDungeon");
      }
      fs.writeFileSync(forestMap, JSON.stringify(forest, null, 1));
    });
    after(async () => {
      await game?.stop();
      fs.rmSync(world, { recursive: true, force: true });
    });

    it("starts from a sound world of two zones", async () => {
      const { code, output } = await zonesCheck(world);
      assert.equal(code, 0, output);
      assert.match(output, /2 zones OK \(forest, town\)/);
    });

    it("steps 1-5: folder and zone.json, the map drawn in Tiled, spawns and portals, the room type, zones:check", async () => {
      // 1. The folder and its definition, as the guide shows it.
      fs.mkdirSync(path.join(world, "dungeon"));
      fs.writeFileSync(path.join(world, "dungeon", "zone.json"), block("shared/zones/dungeon/zone.json").body);
      // A half-done zone is refused with a clear message: the map is not drawn yet.
      const early = await zonesCheck(world);
      assert.equal(early.code, 1);
      assert.match(early.output, /dungeon\/map\.tmj: file not found/);
      // 2-3. The map as Tiled saves it (the shipped drawing), with the guide's spawn and portal.
      const map = JSON.parse(fs.readFileSync(path.join(SHIPPED, "dungeon", "map.tmj"), "utf8"));
      const objects = objectsOf(map);
      assert.deepEqual(
        objects.find((o) => o.name === "entrance"),
        JSON.parse(block("shared/zones/dungeon/map.tmj", "entrance").body),
      );
      assert.deepEqual(
        objects.find((o) => o.name === "toForest"),
        JSON.parse(block("shared/zones/dungeon/map.tmj", "toForest").body),
      );
      fs.writeFileSync(path.join(world, "dungeon", "map.tmj"), JSON.stringify(map, null, 1));
      // Connect it: the forest's cave mouth, from the guide.
      const forestMap = path.join(world, "forest", "map.tmj");
      const forest = JSON.parse(fs.readFileSync(forestMap, "utf8"));
      forest.layers
        .find((layer: any) => layer.name === "objects")
        .objects.push(JSON.parse(block("shared/zones/forest/map.tmj", "toDungeon").body));
      fs.writeFileSync(forestMap, JSON.stringify(forest, null, 1));
      // 4. The room type named in zone.json is the guide's file.
      assert.ok(fs.existsSync(path.join(PROJECT_ROOT, block("server/src/rooms/types/dungeon.ts").file)));
      // 5. zones:check.
      const { code, output } = await zonesCheck(world);
      assert.equal(code, 0, output);
      assert.match(output, /3 zones OK \(dungeon, forest, town\)/);
    });

    it("step 6: a player walks from the forest into the crypt", async () => {
      game = await startTestGame({ ZONES_DIR: world });
      const { token } = await signUp(game.baseUrl);
      const character = await createCharacter(game.baseUrl, token, "Guide_Walker");
      const below = getZoneMap("forest").spawns.get("fromDungeon")!; // just south of the cave mouth
      await Character.updateOne({ _id: character.id }, { $set: { zone: "forest", ...below } });
      const res = await api(game.baseUrl, "POST", `/api/characters/${character.id}/play`, { token });
      const forest = await game.colyseus.sdk.consumeSeatReservation<any>(res.body);
      const input = forest.input<{ dx: number; dy: number }>();
      const transfer = await new Promise<{ zone: string; reservation: any }>((resolve) => {
        const walking = setInterval(() => {
          input.data.dx = 0;
          input.data.dy = -1;
          input.send();
        }, 50);
        forest.onMessage(ServerMessage.Transfer, (message: { zone: string; reservation: any }) => {
          clearInterval(walking);
          resolve(message);
        });
      });
      assert.equal(transfer.zone, "dungeon");
      const crypt: ClientRoom<any, any> = await game.colyseus.sdk.consumeSeatReservation<any>(transfer.reservation);
      const greeting = new Promise<string>((resolve) => crypt.onMessage(ServerMessage.Notice, (m: { text: string }) => resolve(m.text)));
      await forest.leave();
      await waitFor(() => crypt.state.players?.get(crypt.sessionId), "in the crypt");
      const me = crypt.state.players.get(crypt.sessionId);
      assert.deepEqual({ x: me.x, y: me.y }, getZoneMap("dungeon").spawns.get("entrance"));
      assert.match(await greeting, /^You enter Sunken Crypt/, "the dungeon room type runs it");
      await crypt.leave();
    });
  });
});
