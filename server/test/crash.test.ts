/**
 * Progress survives a crash: the production bundle in its own process, autosave an hour
 * away; a player kills a monster (XP, a level-up) and picks up its loot, and half a second
 * later the process is killed with SIGKILL — no shutdown path runs. A new process on the
 * same database gives the character back with the level, XP and item.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Client, type Room } from "@colyseus/sdk";
import { addXp, MONSTERS, ServerMessage, Skill, SKILLS, xpToNextLevel } from "@oatnut/shared";
import { connectDatabase, disconnectDatabase } from "../src/db/connection.ts";
import type { DatabaseEngine } from "../src/db/engine.ts";
import { Character } from "../src/db/models.ts";
import { api, createCharacter, signUp, startTestDatabase, waitFor } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./process.ts";
import { tileCentre, writeZones } from "./zoneFixtures.ts";

/** Open ground with one passive skeleton (it always drops bones) in tile (10, 5). */
function world(): string {
  const rows = Array.from({ length: 12 }, (_, r) => (r === 0 || r === 11 ? "#".repeat(20) : `#${".".repeat(18)}#`));
  return writeZones({
    yard: {
      starting: true,
      rows,
      viewRadius: 2000,
      spawns: { default: [2, 2] },
      monsterAreas: [{ name: "target", rect: [10, 5, 1, 1], properties: { monster: "skeleton", behaviour: "passive", wander: false } }],
    },
  });
}

let database: DatabaseEngine;
const servers: ServerProcess[] = [];
before(async () => {
  database = await startTestDatabase(); // outlives the game server
  await connectDatabase(database.uri);
});
after(async () => {
  await Promise.all(servers.map((server) => server.stop("SIGKILL")));
  await disconnectDatabase();
  await database.stop();
});

async function play(url: string, token: string, characterId: string): Promise<Room<any, any>> {
  const res = await api(url, "POST", `/api/characters/${characterId}/play`, { token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const room = await new Client(url).consumeSeatReservation<any>(res.body);
  room.reconnection.enabled = false;
  for (const type of [ServerMessage.Combat, ServerMessage.Notice, ServerMessage.Chat]) room.onMessage(type, () => {});
  await waitFor(() => room.state.players?.get(room.sessionId), "own player in state");
  return room;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("crash survival", () => {
  it("a kill, a level-up and a pick-up survive a SIGKILL long before the next autosave", async () => {
    const zones = world();
    const env = { MONGODB_URI: database.uri, ZONES_DIR: zones, AUTOSAVE_SECONDS: "3600", RECONNECT_SECONDS: "0" };
    const server = await startServerProcess(env);
    servers.push(server);
    const { token } = await signUp(server.url);
    const character = await createCharacter(server.url, token, "Survivor");
    const startXp = xpToNextLevel(5) - 1; // one kill from level 6
    await Character.updateOne({ _id: character.id }, { $set: { zone: "yard", ...tileCentre(7, 5), level: 5, xp: startXp } });
    const room = await play(server.url, token, character.id);
    const me = () => room.state.players.get(room.sessionId);
    const input = room.input<{ dx: number; dy: number; skill: number; target: number }>({ mode: "reliable", renderDelay: 100 });
    const step = (data: { dx?: number; dy?: number; skill?: number; target?: number }) => {
      input.data.dx = data.dx ?? 0;
      input.data.dy = data.dy ?? 0;
      input.data.skill = data.skill ?? 0;
      input.data.target = data.target ?? 0;
      input.send();
    };
    const monster = await waitFor(() => [...room.state.monsters.values()][0], "the skeleton in view");
    for (let i = 0; i < 12; i++) {
      step({});
      await sleep(50);
    } // the clock syncs

    // Firebolts until it dies (the cooldown paces them).
    const eid = monster.eid;
    await waitFor(
      async () => {
        if (!room.state.monsters.has(String(eid))) return true;
        step({ skill: Skill.Bolt, target: eid });
        await sleep(SKILLS[Skill.Bolt].cooldownMs / 3);
        return false;
      },
      "the skeleton dies",
      20_000,
    );
    const expected = addXp(5, startXp, MONSTERS.skeleton.xp);
    await waitFor(() => me().level === expected.level, "level up");

    // Walk onto the bones it dropped.
    const bones = await waitFor(() => [...room.state.loot.values()].find((d: any) => d.item === "bone"), "bones on the ground");
    await waitFor(
      async () => {
        const p = me();
        if (p.inventory.some((s: any) => s.item === "bone")) return true;
        const dx = bones.x - p.x;
        const dy = bones.y - p.y;
        step({ dx: Math.abs(dx) > 4 ? Math.sign(dx) : 0, dy: Math.abs(dy) > 4 ? Math.sign(dy) : 0 });
        await sleep(50);
        return false;
      },
      "the bones picked up",
      10_000,
    );
    await sleep(500); // the last patches are in: what the client shows is what the server holds
    const carried = [...me().inventory].map((s: any) => ({ item: s.item, count: s.count }));
    assert.ok(carried.some((s) => s.item === "bone"));
    assert.equal(await server.stop("SIGKILL"), null, "killed, no shutdown path");

    const again = await startServerProcess(env);
    servers.push(again);
    const back = await play(again.url, token, character.id);
    const player = back.state.players.get(back.sessionId);
    assert.equal(player.level, expected.level);
    assert.equal(player.xp, expected.xp);
    assert.deepEqual(
      [...player.inventory].map((s: any) => ({ item: s.item, count: s.count })),
      carried,
    );
    await back.leave();
  });
});
