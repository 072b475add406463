/**
 * Graceful shutdown and restart, on the real production bundle in its own process:
 * SIGTERM while a player walks saves the last position; a restarted server on the same
 * (durable) database puts the character back there.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Client, type Room } from "@colyseus/sdk";
import { CloseCode, PATCH_RATE_MS, useZoneCatalog, zoneCatalog } from "@oatnut/shared";
import { loadZonesFromDisk } from "@oatnut/shared/node";
import { connectDatabase, disconnectDatabase } from "../src/db/connection.ts";
import { startJongodb, type DatabaseEngine } from "../src/db/engine.ts";
import { Character } from "../src/db/models.ts";
import { api, createCharacter, signUp, startTestDatabase, testZones, waitFor } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./process.ts";

useZoneCatalog(loadZonesFromDisk());
const town = zoneCatalog().get(zoneCatalog().startingZone).map;
let database: DatabaseEngine;
const servers: ServerProcess[] = [];

before(async () => {
  // The database runs apart from the game server, so it outlives the server's restarts.
  database = await startTestDatabase();
  await connectDatabase(database.uri);
});
after(async () => {
  await Promise.all(servers.map((server) => server.stop("SIGKILL")));
  await disconnectDatabase();
  await database.stop();
});

async function startServer(): Promise<ServerProcess> {
  const server = await startServerProcess({ MONGODB_URI: database.uri, AUTOSAVE_SECONDS: "600" });
  servers.push(server);
  return server;
}

async function play(url: string, token: string, characterId: string): Promise<Room<any, any>> {
  const res = await api(url, "POST", `/api/characters/${characterId}/play`, { token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const client = new Client(url);
  const room = await client.consumeSeatReservation<any>(res.body);
  room.reconnection.enabled = false;
  await waitFor(() => room.state.players?.get(room.sessionId), "own player in state");
  return room;
}

/**
 * A server whose only player has moved (so there is something to save) and whose database
 * is then stopped under its feet (a jongodb of its own, stoppable even when MONGODB_URI is
 * set): every save attempt fails from then on.
 */
async function serverWithUnsavableWalker(name: string, env: Record<string, string>): Promise<ServerProcess> {
  const doomed = await startJongodb();
  const server = await startServerProcess({ MONGODB_URI: doomed.uri, ZONES_DIR: testZones(), ...env });
  servers.push(server);
  const { token } = await signUp(server.url);
  const character = await createCharacter(server.url, token, name);
  const room = await play(server.url, token, character.id);
  const input = room.input<{ dx: number; dy: number }>();
  input.data.dx = 1;
  input.data.dy = 0;
  input.send();
  await waitFor(() => room.state.players.get(room.sessionId).x > 176, "moved, so there is something to save");
  await doomed.stop();
  return server;
}

describe("graceful shutdown", () => {
  it("saves the last position of a player walking when SIGTERM arrives, and restores it after a restart", async () => {
    const first = await startServer();
    const { token, email } = await signUp(first.url);
    const character = await createCharacter(first.url, token, "Shutdown_Walker");
    const room = await play(first.url, token, character.id);

    let lastSeen = { x: town.spawn.x, y: town.spawn.y };
    room.onStateChange((state: any) => {
      const me = state.players.get(room.sessionId);
      if (me) lastSeen = { x: me.x, y: me.y };
    });
    const notices: string[] = [];
    room.onMessage("notice", (message: { text: string }) => notices.push(message.text));
    const closed = new Promise<number>((resolve) => room.onLeave((code) => resolve(code)));

    // Walk down-right continuously, one input per server step, and keep walking through the shutdown.
    const input = room.input<{ dx: number; dy: number }>();
    const walking = setInterval(() => {
      input.data.dx = 1;
      input.data.dy = 1;
      input.send();
    }, PATCH_RATE_MS);
    try {
      await waitFor(() => lastSeen.x > town.spawn.x + 40, "walking");
      const exitCode = await first.stop("SIGTERM");
      assert.equal(exitCode, 0, first.output());
      assert.equal(await closed, CloseCode.ServerShutdown);
    } finally {
      clearInterval(walking);
    }
    assert.ok(
      notices.some((text) => /restarting/.test(text)),
      "players are told the server restarts",
    );

    const saved = await Character.findById(character.id).lean();
    assert.deepEqual({ x: saved!.x, y: saved!.y }, lastSeen, "the database holds the last position the player saw");
    assert.ok(saved!.x > town.spawn.x + 40);
    assert.match(first.output(), /shutdown complete/);

    const second = await startServer();
    const login = await api(second.url, "POST", "/auth/login", { body: { email, password: "correct horse battery" } });
    assert.equal(login.status, 200, "the account survived the restart");
    const again = await play(second.url, login.body.token, character.id);
    const me = again.state.players.get(again.sessionId);
    assert.deepEqual({ x: me.x, y: me.y }, lastSeen, "back where it was left, after a restart");
    await again.leave();
  });

  it("exits at once, with code 1, on a second signal, naming what was not saved; a relayed copy of the first is not a second", async () => {
    // Saves that keep failing make the first shutdown wait (retries), long enough to signal again.
    const server = await serverWithUnsavableWalker("Second_Signal", {});
    server.child.kill("SIGTERM");
    const first = Date.now();
    server.child.kill("SIGTERM"); // what npm or tsx relaying the same signal looks like
    await waitFor(() => /SIGTERM received/.test(server.output()), "the first shutdown under way");
    await waitFor(() => Date.now() - first > 1200, "past the window of relayed signals");
    assert.equal(server.child.exitCode, null, "the relayed copy did not end it");
    server.child.kill("SIGTERM");
    assert.equal(await server.exited, 1);
    assert.match(server.output(), /SIGTERM again: exiting now; not saved: the latest progress of 1 character\(s\) \([0-9a-f]{24}\)/);
  });

  it("gives up after SHUTDOWN_SECONDS when saving cannot finish, and says so", async () => {
    const server = await serverWithUnsavableWalker("Stuck_Saver", { SHUTDOWN_SECONDS: "1" });
    const started = Date.now();
    const code = await server.stop("SIGTERM");
    assert.equal(code, 1);
    assert.match(server.output(), /shutdown did not finish within 1 s: exiting/);
    console.log(`bounded shutdown exited after ${Date.now() - started} ms`);
  });
});
