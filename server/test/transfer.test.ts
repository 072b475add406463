/**
 * Zone transfers through portals, on the test world (plaza → field → crypt), with real
 * SDK clients: the server detects the portal, saves, hands over a reservation; the client
 * switches rooms. Failures put the character back; hammering never makes two copies.
 */
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { matchMaker } from "@colyseus/core";
import type { Room as ClientRoom } from "@colyseus/sdk";
import { ARRIVAL_SPACING, ClientMessage, CloseCode, distance, getZoneMap, ServerMessage, TILE_SIZE } from "@oatnut/shared";
import { Character } from "../src/db/models.ts";
import type { ZoneRoom } from "../src/rooms/ZoneRoom.ts";
import { findLive } from "../src/world/liveCharacters.ts";
import { api, createCharacter, signUp, startTestGame, waitFor, type TestGame } from "./helpers.ts";
import { tileCentre } from "./zoneFixtures.ts";

const TRANSFER_SECONDS = 1;
let game: TestGame;
const openRooms: ClientRoom[] = [];

before(async () => {
  game = await startTestGame({ TRANSFER_SECONDS: String(TRANSFER_SECONDS), RECONNECT_SECONDS: "1" });
});
afterEach(async () => {
  await Promise.all(openRooms.splice(0).map((room) => (room.connection.isOpen ? room.leave().catch(() => {}) : undefined)));
});
after(async () => {
  await game.stop();
});

let counter = 0;
async function newCharacter(zone: string, at: [number, number]) {
  const { token } = await signUp(game.baseUrl);
  const character = await createCharacter(game.baseUrl, token, `Traveler_${++counter}`);
  await Character.updateOne({ _id: character.id }, { $set: { zone, ...tileCentre(...at) } });
  return { token, id: character.id, name: character.name };
}

async function enter(character: { token: string; id: string }): Promise<ClientRoom<any, any>> {
  const res = await api(game.baseUrl, "POST", `/api/characters/${character.id}/play`, { token: character.token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return join(res.body);
}

async function join(reservation: any): Promise<ClientRoom<any, any>> {
  const room = await game.colyseus.sdk.consumeSeatReservation<any>(reservation);
  openRooms.push(room);
  await waitFor(() => room.state.players?.get(room.sessionId), "own player in state");
  return room;
}

function serverRoom(roomId: string): ZoneRoom {
  return game.colyseus.getRoomById(roomId) as unknown as ZoneRoom;
}

/** Walks one direction (one input per tick) until the server sends a transfer. */
function walkUntilTransfer(room: ClientRoom, dx: number, dy: number): Promise<{ zone: string; reservation: any }> {
  const input = room.input<{ dx: number; dy: number }>();
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      input.data.dx = dx;
      input.data.dy = dy;
      input.send();
    }, 50);
    const timeout = setTimeout(() => {
      clearInterval(timer);
      reject(new Error("no transfer within 10 s"));
    }, 10_000);
    room.onMessage(ServerMessage.Transfer, (message: { zone: string; reservation: any }) => {
      clearInterval(timer);
      clearTimeout(timeout);
      resolve(message);
    });
  });
}

/** Follows a transfer the way the client does: join the target, then leave the source. */
async function follow(source: ClientRoom, transfer: { reservation: any }): Promise<ClientRoom<any, any>> {
  const target = await join(transfer.reservation);
  await source.leave();
  return target;
}

/** Every live copy of a character, in every room of this process. */
async function liveCopies(characterId: string): Promise<Array<{ roomId: string; zone: string }>> {
  const copies: Array<{ roomId: string; zone: string }> = [];
  for (const cached of await matchMaker.query({})) {
    const room = matchMaker.getLocalRoomById(cached.roomId) as unknown as ZoneRoom | undefined;
    for (const player of room?.state.players.values() ?? []) {
      if (player.characterId === characterId) copies.push({ roomId: room!.roomId, zone: room!.zone.id });
    }
  }
  return copies;
}

describe("zone transfer", () => {
  it("walking into a portal moves the character to the target zone's spawn, saved, with no page of its own to load", async () => {
    const character = await newCharacter("plaza", [17, 5]);
    const plaza = await enter(character);
    const watcher = await enter(await newCharacter("field", [6, 5]));

    const transfer = await walkUntilTransfer(plaza, 1, 0);
    assert.equal(transfer.zone, "field");
    await waitFor(() => !plaza.state.players.has(plaza.sessionId), "gone from the plaza once it stepped in");
    const arrival = getZoneMap("field").spawns.get("fromPlaza")!;
    const saved = await Character.findById(character.id).lean();
    assert.deepEqual(
      { zone: saved!.zone, x: saved!.x, y: saved!.y },
      { zone: "field", ...arrival },
      "saved in the target before the hand-off",
    );

    const field = await follow(plaza, transfer);
    assert.equal(field.roomId, watcher.roomId, "the plain zone has one room: both players are in it");
    const me = field.state.players.get(field.sessionId);
    assert.deepEqual({ x: me.x, y: me.y }, arrival);
    await waitFor(
      () => [...watcher.state.players.values()].some((p: any) => p.name === character.name),
      "the field player sees the arrival",
    );
    await waitFor(async () => (await findLive(matchMaker.presence, character.id))?.roomId === field.roomId, "live in the field");
    assert.deepEqual(await liveCopies(character.id), [{ roomId: field.roomId, zone: "field" }]);
  });

  it("puts the player back at its safe spot, with a message, when the client reports it could not enter", async () => {
    const character = await newCharacter("plaza", [17, 5]);
    const plaza = await enter(character);
    const notices: string[] = [];
    plaza.onMessage(ServerMessage.Notice, (m: { text: string }) => notices.push(m.text));
    const transfer = await walkUntilTransfer(plaza, 1, 0);
    plaza.send(ClientMessage.TransferFailed, { reason: "test says no" });
    await waitFor(() => plaza.state.players.get(plaza.sessionId), "back in the plaza");
    const me = plaza.state.players.get(plaza.sessionId);
    assert.ok(me.x < 19 * TILE_SIZE, "outside the portal");
    await waitFor(
      () => notices.some((text) => /could not go on to Field: your client could not enter: test says no/.test(text)),
      "the notice",
    );
    const saved = await waitFor(async () => {
      const doc = await Character.findById(character.id).lean();
      return doc!.zone === "plaza" ? doc : null;
    }, "saved back in the plaza");
    assert.deepEqual({ x: saved.x, y: saved.y }, { x: me.x, y: me.y });
    await assert.rejects(
      game.colyseus.sdk.consumeSeatReservation(transfer.reservation),
      /entry ticket/,
      "the cancelled reservation admits nobody",
    );
    assert.deepEqual(
      (await liveCopies(character.id)).map((c) => c.zone),
      ["plaza"],
    );

    // It can walk on afterwards.
    const again = await walkUntilTransfer(plaza, 1, 0);
    assert.equal(again.zone, "field");
  });

  it("puts the player back when the reservation is not used in time", async () => {
    const character = await newCharacter("plaza", [17, 5]);
    const plaza = await enter(character);
    const notices: string[] = [];
    plaza.onMessage(ServerMessage.Notice, (m: { text: string }) => notices.push(m.text));
    const transfer = await walkUntilTransfer(plaza, 1, 0);
    await waitFor(() => plaza.state.players.get(plaza.sessionId), "back after the timeout", TRANSFER_SECONDS * 1000 + 3000);
    await waitFor(() => notices.some((text) => /took too long/.test(text)), "the notice");
    await assert.rejects(game.colyseus.sdk.consumeSeatReservation(transfer.reservation), /entry ticket/);
    assert.equal((await Character.findById(character.id).lean())!.zone, "plaza");
  });

  it("a disconnect mid-transfer leaves the character saved in the source zone, not lost and not doubled", async () => {
    const character = await newCharacter("plaza", [17, 5]);
    const plaza = await enter(character);
    const transfer = await walkUntilTransfer(plaza, 1, 0);
    plaza.reconnection.enabled = false;
    const server = serverRoom(plaza.roomId);
    (server.clients.get(plaza.sessionId) as any).ref.terminate();
    await waitFor(() => !server.sessions.has(plaza.sessionId), "session settled");
    const saved = await Character.findById(character.id).lean();
    assert.equal(saved!.zone, "plaza");
    assert.ok(saved!.x < 19 * TILE_SIZE);
    await assert.rejects(game.colyseus.sdk.consumeSeatReservation(transfer.reservation), /entry ticket/);
    assert.deepEqual(await liveCopies(character.id), []);
    assert.equal(await findLive(matchMaker.presence, character.id), null);
    const back = await enter(character);
    assert.equal(back.state.zone, "plaza");
  });

  it("the target admits a transfer reservation once, for that character only", async () => {
    const character = await newCharacter("plaza", [17, 5]);
    const plaza = await enter(character);
    const transfer = await walkUntilTransfer(plaza, 1, 0);
    await follow(plaza, transfer);
    await assert.rejects(game.colyseus.sdk.consumeSeatReservation(transfer.reservation));
    assert.equal((await liveCopies(character.id)).length, 1);
  });

  it("hammering portals back and forth, with a second tab joining in, always leaves exactly one copy in the right place", async () => {
    const character = await newCharacter("plaza", [17, 5]);
    let room = await enter(character);
    for (let i = 0; i < 4; i++) {
      const dx = room.state.zone === "plaza" ? 1 : -1;
      const transfer = await walkUntilTransfer(room, dx, 0);
      room = await follow(room, transfer);
      assert.equal((await liveCopies(character.id)).length, 1, `one copy after hop ${i + 1}`);
    }
    assert.equal(room.state.zone, "plaza");

    // Mid-transfer, the same character is played from a second tab: the new tab wins.
    const transfer = await walkUntilTransfer(room, 1, 0);
    const closed = new Promise<number>((resolve) => room.onLeave((code) => resolve(code)));
    const secondTab = await enter(character);
    assert.equal(await closed, CloseCode.TakenOver);
    await assert.rejects(game.colyseus.sdk.consumeSeatReservation(transfer.reservation), /entry ticket/);
    const copies = await liveCopies(character.id);
    assert.equal(copies.length, 1);
    const saved = await Character.findById(character.id).lean();
    assert.equal(saved!.zone, copies[0].zone, "the saved zone is where the live copy is");
    const me = secondTab.state.players.get(secondTab.sessionId);
    assert.deepEqual({ x: saved!.x, y: saved!.y }, { x: me.x, y: me.y });
  });
});

describe("instanced dungeon", () => {
  it("gives a group entering together one instance, another group another, and disposes an empty one", async () => {
    const a = await newCharacter("field", [27, 3]);
    const b = await newCharacter("field", [28, 3]);
    const fieldA = await enter(a);
    const fieldB = await enter(b);
    const [toA, toB] = await Promise.all([walkUntilTransfer(fieldA, 0, -1), walkUntilTransfer(fieldB, 0, -1)]);
    assert.equal(toA.zone, "crypt");
    const cryptA = await follow(fieldA, toA);
    const cryptB = await follow(fieldB, toB);
    assert.equal(cryptA.roomId, cryptB.roomId, "same group, same instance");
    await waitFor(() => cryptA.state.players.size === 2, "they see each other");
    // Both arrived at the crypt's entrance: one on it, the other on a free spot beside it.
    const entrance = getZoneMap("crypt").spawns.get("entrance")!;
    const [meA, meB] = [cryptA.state.players.get(cryptA.sessionId), cryptB.state.players.get(cryptB.sessionId)];
    assert.ok(distance(meA, meB) >= ARRIVAL_SPACING, `not on top of each other: ${JSON.stringify([meA.x, meA.y, meB.x, meB.y])}`);
    assert.ok(
      [meA, meB].some((me) => me.x === entrance.x && me.y === entrance.y),
      "one of them on the entrance",
    );
    // The instance's listing (what the monitor shows): its zone, its instance key, its characters.
    const listed = await waitFor(async () => {
      const [room] = await matchMaker.query({ roomId: cryptA.roomId });
      return room?.metadata?.characters?.split(", ").length === 2 ? room : undefined;
    }, "the instance listed with both characters");
    assert.equal(listed.name, "dungeon");
    assert.equal(listed.metadata.zone, "crypt");
    assert.equal(listed.metadata.displayName, "Crypt");
    assert.match(listed.metadata.instance, new RegExp(`^${fieldA.roomId}:\\d+$`), "the group's instance key (its source room and time)");
    assert.deepEqual(listed.metadata.characters.split(", ").sort(), [a.name, b.name].sort());

    // Someone re-entering the game inside the crypt gets an instance of their own.
    const c = await newCharacter("crypt", [6, 2]);
    const cryptC = await enter(c);
    assert.notEqual(cryptC.roomId, cryptA.roomId);
    const meC = cryptC.state.players.get(cryptC.sessionId);
    assert.deepEqual({ x: meC.x, y: meC.y }, tileCentre(6, 2), "at the place it was saved");

    const instanceId = cryptC.roomId;
    await cryptC.leave();
    await waitFor(() => !matchMaker.getLocalRoomById(instanceId), "the empty instance is disposed");
  });
});
