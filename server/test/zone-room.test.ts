import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { matchMaker } from "@colyseus/core";
import type { Room as ClientRoom } from "@colyseus/sdk";
import {
  ARRIVAL_SPACING,
  CLIENT_RATE_LIMITS,
  CloseCode,
  distance,
  getZoneMap,
  INPUT_BUFFER_SIZE,
  INPUT_CATCH_UP,
  PLAYER_HALF_SIZE,
  PLAYER_SPEED,
  TICK_SECONDS,
  TILE_SIZE,
  zoneCatalog,
} from "@oatnut/shared";
import { Character } from "../src/db/models.ts";
import type { ZoneRoom } from "../src/rooms/ZoneRoom.ts";
import { api, createCharacter, signUp, startTestGame, waitFor, type TestGame } from "./helpers.ts";

const AUTOSAVE_SECONDS = 1;
const RECONNECT_SECONDS = 2;
const STEP = PLAYER_SPEED * TICK_SECONDS;

let game: TestGame;
let town: ReturnType<typeof getZoneMap>;
let STARTING_ZONE: string;
const openRooms: ClientRoom[] = [];
before(async () => {
  game = await startTestGame({ AUTOSAVE_SECONDS: String(AUTOSAVE_SECONDS), RECONNECT_SECONDS: String(RECONNECT_SECONDS) });
  STARTING_ZONE = zoneCatalog().startingZone;
  town = getZoneMap(STARTING_ZONE);
});
afterEach(async () => {
  await Promise.all(openRooms.splice(0).map((room) => (room.connection.isOpen ? room.leave().catch(() => {}) : undefined)));
});
after(async () => {
  await game.stop();
});

let nameCounter = 0;

/** Signs up, creates a character (optionally placed somewhere) and returns its id and token. */
async function newCharacter(position?: { x: number; y: number }) {
  const { token } = await signUp(game.baseUrl);
  const character = await createCharacter(game.baseUrl, token, `Walker_${++nameCounter}`);
  if (position) await Character.updateOne({ _id: character.id }, { $set: position });
  return { token, id: character.id, name: character.name };
}

/** Plays a character the way the client does: POST play, then consume the reservation. */
async function enter(character: { token: string; id: string }): Promise<ClientRoom> {
  const res = await api(game.baseUrl, "POST", `/api/characters/${character.id}/play`, { token: character.token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const room = await game.colyseus.sdk.consumeSeatReservation(res.body);
  openRooms.push(room);
  await room.waitForInitialState();
  return room;
}

function serverRoom(room: ClientRoom): ZoneRoom {
  return game.colyseus.getRoomById(room.roomId) as unknown as ZoneRoom;
}

/** Cuts a client's connection abruptly at the server's end, as a network failure would. */
function dropConnection(room: ClientRoom) {
  const client = serverRoom(room).clients.get(room.sessionId) as unknown as { ref: { terminate(): void } };
  client.ref.terminate();
}

/**
 * Counts, tick by tick, how many full steps `sessionId`'s character walked along x (a
 * probe system added at the end of the room's tick): the inputs the room applied.
 */
function probeInputs(server: ZoneRoom, sessionId: string): number[] {
  const counts: number[] = [];
  const player = server.state.players.get(sessionId)!;
  let last = player.x;
  // A probe system, last in the tick: how many steps the player moved in this tick.
  server.systems.all.push({
    update: () => {
      counts.push(Math.round(Math.abs(player.x - last) / STEP));
      last = player.x;
    },
  });
  return counts;
}

/** Sends `count` identical inputs at once and waits until the server has consumed them all. */
async function sendInputs(room: ClientRoom, dx: number, dy: number, count: number) {
  const input = room.input<{ dx: number; dy: number }>();
  for (let i = 0; i < count; i++) {
    input.data.dx = dx;
    input.data.dy = dy;
    input.send();
  }
  const server = serverRoom(room);
  await waitFor(() => server.inputs!.get(room.sessionId).consumedCount >= Math.min(count, INPUT_BUFFER_SIZE), "inputs consumed");
  await waitFor(() => server.inputs!.get(room.sessionId).size === 0, "input buffer empty");
}

describe("zone room", () => {
  it("puts a new character at the starting zone's spawn, with its name", async () => {
    const character = await newCharacter();
    const room = await enter(character);
    assert.equal(room.state.zone, STARTING_ZONE);
    const me = room.state.players.get(room.sessionId);
    assert.equal(me.name, character.name);
    assert.equal(me.x, town.spawn.x);
    assert.equal(me.y, town.spawn.y);
    assert.equal(me.characterId, character.id, "the owner sees its own private fields");
  });

  it("shows every player to everyone, but owner-only fields only to the owner", async () => {
    const a = await newCharacter();
    const b = await newCharacter();
    const roomA = await enter(a);
    const roomB = await enter(b);
    await waitFor(() => roomA.state.players.size === 2, "A sees B");
    const bSeenByA = roomA.state.players.get(roomB.sessionId);
    assert.equal(bSeenByA.name, b.name);
    // Both new characters arrive at the spawn point: A stands on it, B on a free spot beside it.
    const bSelf = roomB.state.players.get(roomB.sessionId);
    assert.deepEqual({ x: bSeenByA.x, y: bSeenByA.y }, { x: bSelf.x, y: bSelf.y });
    assert.deepEqual({ x: roomA.state.players.get(roomA.sessionId).x, y: roomA.state.players.get(roomA.sessionId).y }, town.spawn);
    assert.equal(distance(bSeenByA, town.spawn), ARRIVAL_SPACING, "B is one tile from A, not on top of A");
    assert.equal(bSeenByA.characterId, undefined, "B's character id never reaches A");
    assert.equal(bSeenByA.speed, undefined, "B's speed never reaches A");
    assert.equal(roomB.state.players.get(roomB.sessionId).characterId, b.id);
  });

  it("moves by exactly one shared step per input, and others see it", async () => {
    const a = await newCharacter();
    const b = await newCharacter();
    const roomA = await enter(a);
    const roomB = await enter(b);
    await sendInputs(roomA, 1, 0, 4);
    const server = serverRoom(roomA).state.players.get(roomA.sessionId)!;
    assert.equal(server.x, town.spawn.x + 4 * STEP);
    assert.equal(server.y, town.spawn.y);
    await waitFor(() => roomB.state.players.get(roomA.sessionId)?.x === town.spawn.x + 4 * STEP, "B sees A move");
  });

  it("bounds speed whatever the client sends: values clamped, one input per tick plus the catch-up budget, buffer capped", async () => {
    const character = await newCharacter();
    const room = await enter(character);
    const server = serverRoom(room);
    const perTick = probeInputs(server, room.sessionId);
    const ticksBefore = server.clock.elapsedTime;
    // As many inputs at once as the boundary lets through (more would be dropped there, and
    // flooding closes the connection: see boundary.test.ts), far more than the buffer holds.
    const burst = CLIENT_RATE_LIMITS.input.burst;
    assert.ok(burst > INPUT_BUFFER_SIZE * 2);
    await sendInputs(room, 127, 0, burst);
    const player = server.state.players.get(room.sessionId)!;
    const moved = player.x - town.spawn.x;
    assert.ok(moved > 0, "it moved");
    assert.ok(moved <= INPUT_BUFFER_SIZE * STEP + 1e-3, `moved ${moved}px from ${burst} inputs; at most ${INPUT_BUFFER_SIZE} steps`);
    assert.equal(moved % STEP, 0, "each applied input moved exactly one full-speed step");
    assert.ok(Math.max(...perTick) <= 1 + INPUT_CATCH_UP, `at most ${1 + INPUT_CATCH_UP} inputs in one tick (${perTick.join(",")})`);
    const elapsedSeconds = (server.clock.elapsedTime - ticksBefore) / 1000;
    assert.ok(
      moved <= PLAYER_SPEED * elapsedSeconds + (1 + INPUT_CATCH_UP) * STEP,
      "never faster than the speed limit, beyond the banked steps",
    );
  });

  it("applies inputs that arrive late in a bunch at once, within the catch-up budget, then one per tick", async () => {
    const character = await newCharacter();
    const room = await enter(character);
    const server = serverRoom(room);
    await new Promise((resolve) => setTimeout(resolve, 300)); // idle ticks bank the budget
    const perTick = probeInputs(server, room.sessionId);
    await sendInputs(room, 1, 0, 1 + INPUT_CATCH_UP);
    assert.equal(
      perTick.reduce((a, b) => a + b, 0),
      1 + INPUT_CATCH_UP,
    );
    assert.ok(perTick.filter((n) => n > 0).length <= 2, `caught up at once, not one per tick (${perTick.join(",")})`);
    const steady = probeInputs(server, room.sessionId);
    await sendInputs(room, 1, 0, 6);
    assert.ok(
      steady.filter((n) => n > 0).length >= 6 - (1 + INPUT_CATCH_UP) + 1,
      `the budget spent, one per tick again (${steady.join(",")})`,
    );
  });

  it("is blocked by walls", async () => {
    // Row 5, column 1 of the plaza is floor next to its west wall (column 0).
    const character = await newCharacter({ x: 2 * TILE_SIZE, y: 5.5 * TILE_SIZE });
    const room = await enter(character);
    await sendInputs(room, -1, 0, 8);
    const player = serverRoom(room).state.players.get(room.sessionId)!;
    assert.equal(player.x, TILE_SIZE + PLAYER_HALF_SIZE, "stopped flush against the wall");
  });

  it("refuses client-initiated matchmaking into a zone", async () => {
    await assert.rejects(game.colyseus.sdk.joinOrCreate("zone", { zone: STARTING_ZONE }), /POST \/api\/characters/);
  });

  it("admits a seat only with a valid, unused entry ticket", async () => {
    const forged = await matchMaker.joinOrCreate("zone", { zone: STARTING_ZONE, ticket: "forged-ticket" });
    await assert.rejects(game.colyseus.sdk.consumeSeatReservation(forged), /entry ticket/);
    const character = await newCharacter();
    const res = await api(game.baseUrl, "POST", `/api/characters/${character.id}/play`, { token: character.token });
    const ticket = (serverRoom({ roomId: res.body.roomId } as ClientRoom) as any)["_reservedSeats"][res.body.sessionId][0].ticket;
    const room = await game.colyseus.sdk.consumeSeatReservation(res.body);
    openRooms.push(room);
    const replay = await matchMaker.joinOrCreate("zone", { zone: STARTING_ZONE, ticket });
    await assert.rejects(game.colyseus.sdk.consumeSeatReservation(replay), /entry ticket/);
  });

  it("takes over: a second play saves the old session, closes it (4100) and keeps one copy", async () => {
    const character = await newCharacter();
    const first = await enter(character);
    await sendInputs(first, 0, 1, 3);
    const closed = new Promise<number>((resolve) => first.onLeave((code) => resolve(code)));
    const second = await enter(character);
    assert.equal(await closed, CloseCode.TakenOver);
    const server = serverRoom(second);
    const copies = [...server.state.players.values()].filter((p) => p.characterId === character.id);
    assert.equal(copies.length, 1, "exactly one live copy");
    const expectedY = town.spawn.y + 3 * STEP;
    assert.equal(copies[0].y, expectedY, "the new session starts where the old one was");
    const saved = await Character.findById(character.id).lean();
    assert.equal(saved!.y, expectedY);
  });

  it("saves the position on leave and restores it on re-entry", async () => {
    const character = await newCharacter();
    const room = await enter(character);
    await sendInputs(room, -1, 0, 5);
    const x = town.spawn.x - 5 * STEP;
    await room.leave();
    await waitFor(async () => (await Character.findById(character.id).lean())!.x === x, "position saved on leave");
    const again = await enter(character);
    const me = again.state.players.get(again.sessionId);
    assert.equal(me.x, x);
    assert.equal(me.y, town.spawn.y);
  });

  it("autosaves live characters periodically, writing only when they changed", async () => {
    const character = await newCharacter();
    const room = await enter(character);
    await sendInputs(room, 1, 1, 2);
    const player = serverRoom(room).state.players.get(room.sessionId)!;
    await waitFor(
      async () => {
        const saved = await Character.findById(character.id).lean();
        return saved!.x === player.x && saved!.y === player.y;
      },
      "autosave while still playing",
      5000,
    );
    const writes = game.saves.stats.writes;
    await new Promise((resolve) => setTimeout(resolve, AUTOSAVE_SECONDS * 2500));
    assert.equal(game.saves.stats.writes, writes, "no write while nothing changed");
  });

  it("keeps a dropped character for the reconnection window, then saves it", async () => {
    const character = await newCharacter();
    const room = await enter(character);
    await sendInputs(room, 0, -1, 2);
    const server = serverRoom(room);
    const y = town.spawn.y - 2 * STEP;
    room.reconnection.enabled = false; // this client never comes back
    dropConnection(room); // the network fails: no close handshake
    await waitFor(() => Boolean(server.sessions.get(room.sessionId)?.reconnection), "waiting for reconnection");
    assert.ok(server.state.players.has(room.sessionId), "still in the world during the window");
    await waitFor(() => !server.state.players.has(room.sessionId), "removed after the window", RECONNECT_SECONDS * 1000 + 3000);
    const saved = await Character.findById(character.id).lean();
    assert.equal(saved!.y, y);
  });

  it("settles a client that drops before acknowledging its join, leaving no promise rejection unhandled", async () => {
    const character = await newCharacter();
    const res = await api(game.baseUrl, "POST", `/api/characters/${character.id}/play`, { token: character.token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const reservation = res.body as { processId: string; roomId: string; sessionId: string };
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", record);
    try {
      // A raw socket takes the room's join message, then goes away without acknowledging it
      // (Colyseus then refuses a reconnection at once: "not joined").
      const url = `${game.baseUrl.replace(/^http/, "ws")}/${reservation.processId}/${reservation.roomId}?sessionId=${reservation.sessionId}`;
      const socket = new WebSocket(url);
      await new Promise<void>((resolve, reject) => {
        socket.addEventListener("message", () => resolve(), { once: true });
        socket.addEventListener("error", () => reject(new Error(`cannot connect to ${url}`)), { once: true });
      });
      const server = game.colyseus.getRoomById(reservation.roomId) as unknown as ZoneRoom;
      assert.ok(server.sessions.has(reservation.sessionId), "in the world before acknowledging");
      socket.close(); // no LEAVE_ROOM: a drop
      await waitFor(() => !server.sessions.has(reservation.sessionId), "the session settled");
      assert.equal(server.state.players.has(reservation.sessionId), false, "out of the world");
      const again = await api(game.baseUrl, "POST", `/api/characters/${character.id}/play`, { token: character.token });
      assert.equal(again.status, 200, "the character can be played again");
      const room = await game.colyseus.sdk.consumeSeatReservation(again.body);
      openRooms.push(room);
      await room.waitForInitialState();
      assert.deepEqual(unhandled, [], "no unhandled rejection");
    } finally {
      process.off("unhandledRejection", record);
    }
  });

  it("lets a dropped client reconnect to the same character within the window", async () => {
    const character = await newCharacter();
    const room = await enter(character);
    room.reconnection.minUptime = 0;
    const server = serverRoom(room);
    const reconnected = new Promise<void>((resolve) => room.onReconnect(() => resolve()));
    dropConnection(room);
    await reconnected;
    assert.equal(server.sessions.get(room.sessionId)?.characterId, character.id);
    await sendInputs(room, 1, 0, 1);
    assert.equal(server.state.players.get(room.sessionId)!.x, town.spawn.x + STEP);
  });

  it("logs an exception thrown inside the room to errors.log with its stack, zone and room id", async () => {
    const character = await newCharacter();
    const room = await enter(character);
    const server = serverRoom(room);
    server.clock.setTimeout(() => {
      throw new Error("planted room fault");
    }, 0);
    const file = path.join(game.config.logDir, "errors.log");
    const line = await waitFor(() => {
      if (!fs.existsSync(file)) return null;
      return fs
        .readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .find((l) => l.error?.message === "planted room fault");
    }, "the room's exception in errors.log");
    assert.equal(line.message, "uncaught exception in setTimeout");
    assert.equal(line.zone, STARTING_ZONE);
    assert.equal(line.roomId, server.roomId);
    assert.match(line.error.stack, /zone-room\.test\.ts/);
    assert.ok(matchMaker.getLocalRoomById(server.roomId), "the room lives on");
  });
});
