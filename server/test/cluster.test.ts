/**
 * Several processes, one world: real game processes (the production bundle) sharing a real
 * Redis (Debian's redis-server, started here on a free port) and one database, driven by
 * @colyseus/sdk clients that follow seat reservations to whichever process holds the room.
 * Needs `npm run build` first (npm test does) and redis-server (skipped by name without it,
 * failing under CI=true).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client, type Room as ClientRoom } from "@colyseus/sdk";
import { ClientMessage, CloseCode, getZoneMap, ServerMessage, useZoneCatalog } from "@oatnut/shared";
import { loadZonesFromDisk } from "@oatnut/shared/node";
import { runSwarm } from "../../bench/swarm.ts";
import { connectDatabase, disconnectDatabase } from "../src/db/connection.ts";
import { Character } from "../src/db/models.ts";
import { ADMIN, admin, startCluster, type Cluster } from "./cluster.ts";
import { api, createCharacter, freePort, signUp, testZones, waitFor } from "./helpers.ts";
import { need, prerequisiteStatus, REDIS_SERVER } from "./prerequisites.ts";
import { startServerProcess, type ServerProcess } from "./process.ts";
import { tileCentre, writeZones } from "./zoneFixtures.ts";

useZoneCatalog(loadZonesFromDisk(testZones()));
const redisStatus = prerequisiteStatus(REDIS_SERVER);
/** redis-server's command, when it is on this machine (each test says what is missing otherwise). */
const redisCommand = "available" in redisStatus ? redisStatus.available : undefined;

interface Reservation {
  roomId: string;
  processId: string;
  publicAddress?: string;
  sessionId: string;
  name: string;
}

let counter = 0;
const openRooms: ClientRoom[] = [];

async function newCharacter(via: ServerProcess, zone: string, at: [number, number], extra: Record<string, unknown> = {}) {
  const { token } = await signUp(via.url);
  const character = await createCharacter(via.url, token, `Cl${process.pid % 1000}_${++counter}`);
  await Character.updateOne({ _id: character.id }, { $set: { zone, ...tileCentre(...at), ...extra } });
  return { token, id: character.id as string, name: character.name as string };
}

async function play(via: ServerProcess, character: { token: string; id: string }): Promise<Reservation> {
  const res = await api(via.url, "POST", `/api/characters/${character.id}/play`, { token: character.token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as Reservation;
}

async function join(reservation: Reservation): Promise<ClientRoom<any, any>> {
  // The client's own address is only a fallback: the reservation's public address wins.
  const room = await new Client("http://127.0.0.1:1").consumeSeatReservation<any>(reservation as never);
  openRooms.push(room);
  for (const type of [ServerMessage.Notice, ServerMessage.Combat, ServerMessage.Chat]) room.onMessage(type, () => {});
  await waitFor(() => room.state.players?.get(room.sessionId), "own player in state", 15_000);
  return room;
}

const processOf = (cluster: Cluster, reservation: Reservation) =>
  cluster.processes.find((p) => reservation.publicAddress === `127.0.0.1:${p.port}`);

/** Walks one direction (one input per tick) until the server sends a transfer. */
function walkUntilTransfer(room: ClientRoom, dx: number, dy: number): Promise<{ zone: string; reservation: Reservation }> {
  const input = room.input<{ dx: number; dy: number }>();
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      input.data.dx = dx;
      input.data.dy = dy;
      input.send();
    }, 50);
    const timeout = setTimeout(() => {
      clearInterval(timer);
      reject(new Error("no transfer within 20 s"));
    }, 20_000);
    room.onMessage(ServerMessage.Transfer, (message: { zone: string; reservation: Reservation }) => {
      clearInterval(timer);
      clearTimeout(timeout);
      resolve(message);
    });
  });
}

/** Steps a few ticks in one direction. */
async function walk(room: ClientRoom, dx: number, dy: number, steps: number): Promise<void> {
  const input = room.input<{ dx: number; dy: number }>();
  for (let i = 0; i < steps; i++) {
    input.data.dx = dx;
    input.data.dy = dy;
    input.send();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function closedWith(room: ClientRoom): Promise<number> {
  return new Promise((resolve) => room.onLeave((code: number) => resolve(code)));
}

interface Online {
  total: number;
  rooms: Array<{ zone: string; roomId: string; players: Array<{ characterId: string; name: string }> }>;
}

async function copiesOnline(via: ServerProcess, characterId: string): Promise<number> {
  const { body } = await admin<Online>(via, "GET", "/online");
  return body.rooms.reduce((sum, room) => sum + room.players.filter((p) => p.characterId === characterId).length, 0);
}

/** A value of a process's /metrics. */
async function metricOf(process: ServerProcess, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${process.url}/metrics`)).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

async function leaveAll(): Promise<void> {
  await Promise.all(openRooms.splice(0).map((room) => (room.connection.isOpen ? room.leave().catch(() => {}) : undefined)));
}

describe("a cluster: two processes on one Redis, the plaza and the crypt pinned to the first, the field to the second", () => {
  let cluster: Cluster;
  let a: ServerProcess;
  let b: ServerProcess;

  before(async () => {
    if (!redisCommand) return;
    cluster = await startCluster(redisCommand, 2, { AUTOSAVE_SECONDS: "1", TRANSFER_SECONDS: "15" }, [
      { HOST_ZONES: "plaza,crypt" },
      { HOST_ZONES: "field" },
    ]);
    [a, b] = cluster.processes as [ServerProcess, ServerProcess];
    await connectDatabase(cluster.database.uri);
  });
  after(async () => {
    await leaveAll();
    if (!cluster) return;
    await disconnectDatabase();
    await cluster.stop();
  });

  it("enters through either process into one room per zone, also when both race to create it", async (t) => {
    if (!cluster) return void need(t, REDIS_SERVER);
    const characters = await Promise.all(Array.from({ length: 8 }, () => newCharacter(a, "plaza", [4, 4])));
    const reservations = await Promise.all(characters.map((character, i) => play(i % 2 === 0 ? a : b, character)));
    assert.equal(new Set(reservations.map((r) => r.roomId)).size, 1, "one plaza room across the cluster");
    assert.ok(
      reservations.every((r) => processOf(cluster, r) === a),
      "the plaza is pinned to the first process",
    );
    const rooms = await Promise.all(reservations.map(join));
    await waitFor(() => rooms.every((room) => room.state.players.size === 8), "everyone sees everyone", 15_000);
    await leaveAll();
  });

  it("carries a character through portals to the other process and back, with HP, XP and inventory, one live copy at every moment", async (t) => {
    if (!cluster) return void need(t, REDIS_SERVER);
    const inventory = [
      { item: "potion", count: 3 },
      { item: "pelt", count: 2 },
    ];
    const traveller = await newCharacter(a, "plaza", [17, 5], { hp: 31, xp: 37, inventory });
    const plaza = await join(await play(b, traveller));
    assert.equal(plaza.state.players.get(plaza.sessionId).hp, 31);

    let sampling = true;
    let most = 0;
    const sampler = (async () => {
      while (sampling) {
        most = Math.max(most, await copiesOnline(b, traveller.id));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const there = await walkUntilTransfer(plaza, 1, 0);
    assert.equal(there.zone, "field");
    assert.equal(processOf(cluster, there.reservation), b, "the field's room is on the second process");
    const field = await join(there.reservation);
    await plaza.leave();
    const arrived = field.state.players.get(field.sessionId);
    assert.deepEqual({ x: arrived.x, y: arrived.y }, getZoneMap("field").spawns.get("fromPlaza"));
    assert.deepEqual({ hp: arrived.hp, xp: arrived.xp }, { hp: 31, xp: 37 });

    const back = await walkUntilTransfer(field, -1, 0);
    assert.equal(back.zone, "plaza");
    assert.equal(processOf(cluster, back.reservation), a, "and back to the first process");
    const plazaAgain = await join(back.reservation);
    await field.leave();
    const home = plazaAgain.state.players.get(plazaAgain.sessionId);
    assert.deepEqual({ hp: home.hp, xp: home.xp }, { hp: 31, xp: 37 });
    await waitFor(async () => (await copiesOnline(a, traveller.id)) === 1, "online once, in the plaza");
    sampling = false;
    await sampler;
    assert.equal(most, 1, "never two live copies (sampled through the admin API all along)");

    await plazaAgain.leave();
    const saved = await waitFor(async () => {
      const doc = await Character.findById(traveller.id).lean();
      return doc?.zone === "plaza" ? doc : undefined;
    }, "saved in the plaza");
    assert.deepEqual(
      { hp: saved.hp, xp: saved.xp, inventory: saved.inventory.map(({ item, count }) => ({ item, count })) },
      { hp: 31, xp: 37, inventory },
    );
  });

  it("takes over a character played on the other process: the old session is saved and closed with 4100", async (t) => {
    if (!cluster) return void need(t, REDIS_SERVER);
    const character = await newCharacter(a, "field", [6, 5]);
    const first = await join(await play(a, character));
    const closed = closedWith(first);
    await walk(first, 0, 1, 6);
    const moved = first.state.players.get(first.sessionId);
    await waitFor(() => first.state.players.get(first.sessionId).y > 5.5 * 32, "walked down");
    const second = await join(await play(a, character));
    assert.equal(await closed, CloseCode.TakenOver);
    const now = second.state.players.get(second.sessionId);
    assert.ok(Math.abs(now.y - moved.y) < 32, "the new session starts where the old one was saved");
    assert.equal(await copiesOnline(a, character.id), 1);
    await leaveAll();
  });

  it("whispers from one process to the other", async (t) => {
    if (!cluster) return void need(t, REDIS_SERVER);
    const alice = await newCharacter(a, "plaza", [4, 4]);
    const bob = await newCharacter(b, "field", [6, 5]);
    const aliceReservation = await play(b, alice);
    const bobReservation = await play(a, bob);
    assert.deepEqual([processOf(cluster, aliceReservation), processOf(cluster, bobReservation)], [a, b]);
    const aliceRoom = await join(aliceReservation);
    const bobRoom = await join(bobReservation);
    const heard = new Promise<unknown>((resolve) => bobRoom.onMessage(ServerMessage.Chat, resolve));
    aliceRoom.send(ClientMessage.Whisper, { to: bob.name, text: "hello from the plaza" });
    assert.deepEqual(await heard, { channel: "whisper", from: alice.name, to: bob.name, text: "hello from the plaza" });
    await leaveAll();
  });

  it("the admin API of either process lists, messages and kicks players on every process", async (t) => {
    if (!cluster) return void need(t, REDIS_SERVER);
    const alice = await newCharacter(a, "plaza", [4, 4]);
    const bob = await newCharacter(b, "field", [6, 5]);
    const aliceRoom = await join(await play(a, alice));
    const bobRoom = await join(await play(a, bob));
    const online = await admin<Online>(b, "GET", "/online");
    const names = online.body.rooms.flatMap((room) => room.players.map((p) => `${room.zone}:${p.name}`));
    assert.ok(names.includes(`plaza:${alice.name}`) && names.includes(`field:${bob.name}`), names.join(", "));

    const auth = { authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString("base64")}` };
    const monitor = (await (await fetch(`${b.url}/admin/monitor/api`, { headers: auth })).json()) as {
      rooms: Array<{ roomId: string; clients: number }>;
    };
    for (const room of [aliceRoom, bobRoom]) {
      assert.equal(monitor.rooms.find((r) => r.roomId === room.roomId)?.clients, 1, "the monitor lists every process's rooms");
    }
    const inspected = await fetch(`${b.url}/admin/monitor/api/room?roomId=${aliceRoom.roomId}`, { headers: auth });
    assert.equal(inspected.status, 200, "and inspects a room of the other process");

    const notice = new Promise<string>((resolve) =>
      aliceRoom.onMessage(
        ServerMessage.Notice,
        (message: { text: string }) => message.text.startsWith("[Server]") && resolve(message.text),
      ),
    );
    assert.equal((await admin(b, "POST", "/broadcast", { text: "maintenance at noon" })).status, 200);
    assert.equal(await notice, "[Server] maintenance at noon");

    const kicked = closedWith(bobRoom);
    assert.equal((await admin(a, "POST", "/kick", { name: bob.name })).status, 200);
    assert.equal(await kicked, CloseCode.Kicked);
    await leaveAll();
  });

  it("a killed process (SIGKILL): its player plays again at once through the other, losing at most the autosave interval; its rooms and live entries go", async (t) => {
    if (!cluster) return void need(t, REDIS_SERVER);
    const bob = await newCharacter(a, "field", [6, 5]);
    const reservation = await play(a, bob);
    assert.equal(processOf(cluster, reservation), b);
    const field = await join(reservation);
    await walk(field, 0, 1, 8);
    const walked = await waitFor(async () => {
      const doc = await Character.findById(bob.id).lean();
      return doc && doc.y > tileCentre(6, 5).y + 16 ? doc : undefined;
    }, "the autosave wrote the walk");
    const deadProcess = reservation.processId;

    await b.stop("SIGKILL");
    const started = performance.now();
    const againReservation = await play(a, bob);
    assert.equal(processOf(cluster, againReservation), a, "the field is hosted by the living process now");
    const again = await join(againReservation);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    t.diagnostic(`playing again after the kill took ${seconds} s`);
    const me = again.state.players.get(again.sessionId);
    assert.deepEqual({ x: me.x, y: me.y }, { x: walked.x, y: walked.y }, "from the last autosave");

    const redis = cluster.redis.client;
    await waitFor(async () => !(await redis.exists(`oatnut:process:${deadProcess}`)), "the dead process's lease expired", 15_000);
    await waitFor(
      async () => Object.values(await redis.hgetall("roomcaches")).every((raw) => JSON.parse(raw).processId !== deadProcess),
      "the dead process's rooms left the driver",
      15_000,
    );
    const entry = JSON.parse((await redis.hget("oatnut:live-characters", bob.id))!);
    assert.notEqual(entry.processId, deadProcess);
    await leaveAll();
  });
});

describe("a cluster: rolling restart", () => {
  let cluster: Cluster;

  before(async () => {
    if (!redisCommand) return;
    cluster = await startCluster(redisCommand, 2, { TRANSFER_SECONDS: "15", SHUTDOWN_SECONDS: "30" });
    await connectDatabase(cluster.database.uri);
  });
  after(async () => {
    await leaveAll();
    if (!cluster) return;
    await disconnectDatabase();
    await cluster.stop();
  });

  it("a graceful stop (SIGTERM) hands its players to another process: they go on where they stood, without signing in again", async (t) => {
    if (!cluster) return void need(t, REDIS_SERVER);
    const [a, b] = cluster.processes as [ServerProcess, ServerProcess];
    const carol = await newCharacter(a, "field", [10, 5], { xp: 12 });
    const reservation = await play(a, carol);
    const field = await join(reservation);
    await walk(field, 1, 0, 4);
    const stopping = processOf(cluster, reservation)!;
    const other = stopping === a ? b : a;
    const moved = new Promise<{ zone: string; reservation: Reservation }>((resolve) =>
      field.onMessage(ServerMessage.Transfer, (message: { zone: string; reservation: Reservation }) => resolve(message)),
    );
    const before = { ...field.state.players.get(field.sessionId).toJSON() };
    const exit = stopping.stop("SIGTERM", 30_000);
    const handoff = await moved;
    assert.equal(handoff.zone, "field");
    assert.equal(processOf(cluster, handoff.reservation), other, "the reservation leads to the other process");
    const there = await join(handoff.reservation);
    await field.leave(); // as the game's client does once it is in the new room
    const me = there.state.players.get(there.sessionId);
    assert.equal(await exit, 0);
    assert.match(stopping.output(), /drained: every player was handed over/);
    const saved = await Character.findById(carol.id).lean();
    assert.deepEqual({ x: me.x, y: me.y, xp: me.xp }, { x: saved!.x, y: saved!.y, xp: 12 }, "arrived where it was saved at the hand-over");
    assert.equal(saved!.zone, "field");
    assert.ok(
      Math.abs(saved!.x - before.x) <= 16 && saved!.y === before.y,
      `saved where it stood (${saved!.x} against ${before.x} last seen)`,
    );
    await leaveAll();
  });
});

describe("a cluster: Redis trouble", () => {
  it("start-up stops with one clear line when Redis does not answer", async (t) => {
    const redis = need(t, REDIS_SERVER);
    if (!redis) return;
    const closedPort = await freePort();
    await assert.rejects(
      startServerProcess({
        REDIS_URL: `redis://127.0.0.1:${closedPort}`,
        MONGODB_URI: "mongodb://127.0.0.1:1/none",
        ZONES_DIR: testZones(),
      }),
      (error: Error) => {
        assert.match(error.message, /exited with 1/);
        assert.match(
          error.message,
          new RegExp(`OatNut cannot start: Redis at redis://127\\.0\\.0\\.1:${closedPort} does not answer .*fix REDIS_URL`),
        );
        return true;
      },
    );
  });

  it("a Redis restart does not stop the game: processes reconnect, announce their rooms again, and players go on", async (t) => {
    const command = need(t, REDIS_SERVER);
    if (!command) return;
    const cluster = await startCluster(command, 2);
    try {
      await connectDatabase(cluster.database.uri);
      const [a, b] = cluster.processes as [ServerProcess, ServerProcess];
      const dave = await newCharacter(a, "field", [6, 5]);
      const reservation = await play(a, dave);
      const field = await join(reservation);

      await cluster.redis.kill("SIGKILL");
      await waitFor(
        () => cluster.processes.every((p) => /Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable/.test(p.output())),
        "both noticed",
        15_000,
      );
      const x0 = field.state.players.get(field.sessionId).x;
      await walk(field, 1, 0, 6);
      await waitFor(() => field.state.players.get(field.sessionId).x > x0, "the room runs on without Redis");
      // A request that needs Redis meanwhile gets a clear 503, not a crash or a 500.
      const during = await api(a.url, "POST", `/api/characters/${dave.id}/play`, { token: dave.token });
      assert.equal(during.status, 503, JSON.stringify(during.body));
      assert.match(during.body.error, /try again in a moment/);

      await cluster.redis.restart();
      await waitFor(
        () => cluster.processes.every((p) => /Redis at redis:\/\/127\.0\.0\.1:\d+ is back/.test(p.output())),
        "both reconnected",
        15_000,
      );
      await waitFor(
        () => cluster.processes.every((p) => /announcing its rooms and players again/.test(p.output())),
        "both announced again",
        15_000,
      );
      const erin = await newCharacter(b, "field", [7, 5]);
      const second = await play(b, erin);
      assert.equal(second.roomId, reservation.roomId, "the field's room was found again: one room per zone");
      const erinRoom = await join(second);
      await waitFor(() => erinRoom.state.players.size === 2, "Erin sees Dave");
      assert.ok(
        cluster.processes.every((p) => p.child.exitCode === null),
        "no process ended",
      );
      // Dave is live again in the registry: playing him elsewhere takes his session over.
      const closed = closedWith(field);
      await join(await play(b, dave));
      assert.equal(await closed, CloseCode.TakenOver);
    } finally {
      await leaveAll();
      await disconnectDatabase();
      await cluster.stop();
    }
  });
});

describe("a cluster: a join ramp of 200 bots across two processes", () => {
  it("joins all 200 with no failed join and no expired reservation, spread over both processes", { timeout: 600_000 }, async (t) => {
    const command = need(t, REDIS_SERVER);
    if (!command) return;
    const zonesDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-ramp-zones-"));
    const open = Array.from({ length: 40 }, (_, row) => (row === 0 || row === 39 ? "#".repeat(40) : `#${".".repeat(38)}#`));
    writeZones({ meadow: { rows: open, starting: true, capacity: 100, spawns: { default: [20, 20] } } }, zonesDir);
    const cluster = await startCluster(command, 2, { ZONES_DIR: zonesDir, LOG_LEVEL: "warn" });
    try {
      const [a, b] = cluster.processes as [ServerProcess, ServerProcess];
      let online: number[] = [];
      const summary = await runSwarm({
        url: a.url,
        urls: [a.url, b.url],
        count: 200,
        durationSeconds: 3,
        rampPerSecond: 20,
        decoders: 10,
        fight: false,
        zones: loadZonesFromDisk(zonesDir),
        namePrefix: "Ramp",
        onMeasure: async (phase) => {
          if (phase === "start") online = await Promise.all([a, b].map((p) => metricOf(p, "oatnut_players_online", { zone: "all" })));
        },
      });
      t.diagnostic(`joined ${summary.joined}/200, join latency p50 ${summary.joinLatencyMs.p50} ms, p99 ${summary.joinLatencyMs.p99} ms`);
      assert.deepEqual(
        { joined: summary.joined, failed: summary.failed, failures: summary.failures },
        { joined: 200, failed: 0, failures: {} },
      );
      t.diagnostic(`players online once all joined: ${online.join(" + ")}`);
      assert.ok(
        online.every((count) => count > 0),
        `both processes hold players (${online.join(", ")})`,
      );
    } finally {
      await cluster.stop();
      fs.rmSync(zonesDir, { recursive: true, force: true });
    }
  });
});
