/**
 * Running it like a service, on the production bundle in its own process: admin access
 * (operator basic auth, admin accounts from `npm run admin:create`), the monitor, the admin
 * API, Prometheus metrics, the traffic log and log rotation.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Client, type Room } from "@colyseus/sdk";
import { CloseCode } from "@oatnut/shared";
import { PROJECT_ROOT } from "../src/config.ts";
import { connectDatabase, disconnectDatabase } from "../src/db/connection.ts";
import type { DatabaseEngine } from "../src/db/engine.ts";
import { Character } from "../src/db/models.ts";
import { api, createCharacter, signUp, startTestDatabase, testZones, waitFor } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./process.ts";

const ADMIN_USER = "operator";
const ADMIN_PASSWORD = "operator-password-123";
const run = promisify(execFile);

let database: DatabaseEngine;
let server: ServerProcess;
let logDir: string;

before(async () => {
  database = await startTestDatabase();
  await connectDatabase(database.uri);
  logDir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-ops-"));
  server = await startServerProcess({
    MONGODB_URI: database.uri,
    ZONES_DIR: testZones(),
    LOG_DIR: logDir,
    LOG_TRAFFIC: "true",
    NODE_ENV: "production",
    ADMIN_USER,
    ADMIN_PASSWORD,
  });
});
after(async () => {
  await server?.stop("SIGKILL");
  await disconnectDatabase();
  await database?.stop();
  fs.rmSync(logDir, { recursive: true, force: true });
});

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

async function get(route: string, authorization?: string) {
  const response = await fetch(server.url + route, { headers: authorization ? { authorization } : {} });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

async function post(route: string, body: unknown, authorization: string) {
  const response = await fetch(server.url + route, {
    method: "POST",
    headers: { authorization, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function playAs(name: string): Promise<{ room: Room<any, any>; characterId: string; token: string }> {
  const { token } = await signUp(server.url);
  const character = await createCharacter(server.url, token, name);
  const res = await api(server.url, "POST", `/api/characters/${character.id}/play`, { token });
  const room = await new Client(server.url).consumeSeatReservation<any>(res.body);
  room.reconnection.enabled = false;
  await waitFor(() => room.state.players?.get(room.sessionId), "in the zone");
  return { room, characterId: character.id, token };
}

describe("admin access", () => {
  it("refuses /admin without credentials or with wrong ones (401)", async () => {
    for (const route of ["/admin/monitor/", "/admin/monitor/api", "/admin/api/online"]) {
      const anonymous = await get(route);
      assert.equal(anonymous.status, 401, route);
      assert.match(anonymous.headers.get("www-authenticate") ?? "", /^Basic realm="OatNut admin"/);
      assert.equal((await get(route, basic(ADMIN_USER, "wrong-password"))).status, 401, route);
    }
    const player = await signUp(server.url);
    assert.equal((await get("/admin/api/online", `Bearer ${player.token}`)).status, 401, "a player's token is no admin's");
    assert.equal((await get("/admin/playground/", basic(ADMIN_USER, ADMIN_PASSWORD))).status, 404, "no playground in production");
  });

  it("lets the operator in and shows each zone room with its zone and characters, and each client with its character, in the monitor", async () => {
    const { room, characterId } = await playAs("Monitored");
    const page = await get("/admin/monitor/", basic(ADMIN_USER, ADMIN_PASSWORD));
    assert.equal(page.status, 200);
    assert.match(page.text, /<html/i);
    const listing = async () => JSON.parse((await get("/admin/monitor/api", basic(ADMIN_USER, ADMIN_PASSWORD))).text);
    // The room list: the room type in `name`, the zone, its instance and the characters in it as columns.
    const monitor = await listing();
    assert.deepEqual(monitor.columns, [
      "roomId",
      "name",
      { metadata: "zone" },
      { metadata: "instance" },
      { metadata: "characters" },
      "clients",
      "maxClients",
      "locked",
      "elapsedTime",
    ]);
    const zoneRoom = await waitFor(async () => {
      const listed = (await listing()).rooms.find((r: { roomId: string }) => r.roomId === room.roomId);
      return listed?.metadata?.characters === "Monitored" ? listed : undefined;
    }, "the room listed with its character");
    assert.equal(zoneRoom.name, "zone", "the room type");
    assert.deepEqual(zoneRoom.metadata, { zone: "plaza", displayName: "Plaza", characters: "Monitored" }, "which zone the room runs");
    assert.equal(zoneRoom.clients, 1);
    // A room's clients: each session with the character it plays.
    const inspect = JSON.parse((await get(`/admin/monitor/api/room?roomId=${room.roomId}`, basic(ADMIN_USER, ADMIN_PASSWORD))).text);
    assert.deepEqual(
      inspect.clients.map((client: { sessionId: string; name: string; characterId: string }) => [
        client.sessionId,
        client.name,
        client.characterId,
      ]),
      [[room.sessionId, "Monitored", characterId]],
    );
    await room.leave();
    await waitFor(
      async () =>
        (await listing()).rooms.every(
          (r: { roomId: string; metadata?: { characters?: string } }) => r.roomId !== room.roomId || r.metadata?.characters === "",
        ),
      "the character gone from the listing",
    );
  });

  it("admits accounts made admin with npm run admin:create, by password and by token", async () => {
    const email = "chief.admin@example.com";
    const { stdout } = await run("npm", ["run", "--silent", "admin:create", "--", email], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, MONGODB_URI: database.uri },
    });
    const password = /with the password: (\S+)/.exec(stdout)?.[1];
    assert.ok(password, stdout);
    assert.equal((await get("/admin/monitor/api", basic(email, password))).status, 200);
    const login = await api(server.url, "POST", "/auth/login", { body: { email, password } });
    assert.equal((await get("/admin/api/online", `Bearer ${login.body.token}`)).status, 200);

    // An existing player account is promoted, keeping its password.
    const player = await signUp(server.url, "promoted@example.com");
    await run("npm", ["run", "--silent", "admin:create", "--", "PROMOTED@example.com"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, MONGODB_URI: database.uri },
    });
    assert.equal((await get("/admin/api/online", `Bearer ${player.token}`)).status, 200);
    const missingUri = await run("npm", ["run", "--silent", "admin:create", "--", email], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, MONGODB_URI: "" },
    }).then(
      () => "",
      (error: { stderr: string }) => error.stderr,
    );
    assert.match(missingUri, /admin:create needs MONGODB_URI/);
  });
});

describe("admin API", () => {
  it("lists who is online by zone, broadcasts a server message, and kicks a character (saved first)", async () => {
    const auth = basic(ADMIN_USER, ADMIN_PASSWORD);
    const a = await playAs("Online_A");
    const b = await playAs("Online_B");
    const online = JSON.parse((await get("/admin/api/online", auth)).text);
    const names = online.rooms.flatMap((r: { zone: string; players: Array<{ name: string }> }) =>
      r.players.map((p) => `${r.zone}:${p.name}`),
    );
    assert.ok(names.includes("plaza:Online_A") && names.includes("plaza:Online_B"), JSON.stringify(online));

    const heard = new Promise<string>((resolve) => b.room.onMessage("notice", (m: { text: string }) => resolve(m.text)));
    assert.deepEqual(await post("/admin/api/broadcast", { text: "Maintenance in 5 minutes" }, auth), {
      status: 200,
      body: { sent: "Maintenance in 5 minutes" },
    });
    assert.equal(await heard, "[Server] Maintenance in 5 minutes");
    assert.equal((await post("/admin/api/broadcast", { text: "" }, auth)).status, 400);

    const input = a.room.input<{ dx: number; dy: number }>();
    input.data.dx = 1;
    input.data.dy = 0;
    input.send();
    await waitFor(() => a.room.state.players.get(a.room.sessionId).x > 176, "A moved");
    const closed = new Promise<number>((resolve) => a.room.onLeave((code) => resolve(code)));
    assert.deepEqual(await post("/admin/api/kick", { name: "online_a" }, auth), { status: 200, body: { kicked: "Online_A" } });
    assert.equal(await closed, CloseCode.Kicked);
    assert.equal((await Character.findById(a.characterId).lean())!.x, 184, "saved before being kicked");
    assert.equal((await post("/admin/api/kick", { name: "Online_A" }, auth)).status, 404, "no longer online");
    await b.room.leave();
  });
});

describe("metrics, traffic log and rotation", () => {
  it("serves Prometheus metrics about players, rooms, ticks, bytes, messages, saves and the event loop", async () => {
    const { room } = await playAs("Measured");
    const input = room.input<{ dx: number; dy: number }>();
    input.data.dx = 0;
    input.data.dy = 1;
    input.send();
    room.send("transferFailed", { reason: 42 }); // rejected at the boundary
    await new Promise((resolve) => setTimeout(resolve, 300));
    const metrics = (await get("/metrics")).text;
    assert.match(metrics, /^oatnut_players_online\{zone="plaza"\} 1$/m);
    assert.match(metrics, /^oatnut_players_online\{zone="all"\} 1$/m);
    assert.match(metrics, /^oatnut_rooms\{zone="plaza"\} 1$/m);
    assert.match(metrics, /^oatnut_tick_duration_seconds_count\{zone="plaza"\} [1-9]\d*$/m);
    assert.match(metrics, /^oatnut_bytes_sent_total\{zone="plaza",kind="patch"\} [1-9]\d*$/m);
    // The step's time includes the patch's: encoding and sending are part of what a step costs.
    assert.match(metrics, /^oatnut_patch_duration_seconds_count\{zone="plaza"\} [1-9]\d*$/m);
    const sum = (name: string) => Number(new RegExp(`^${name}_sum\\{zone="plaza"\\} (\\S+)$`, "m").exec(metrics)?.[1]);
    assert.ok(sum("oatnut_tick_duration_seconds") >= sum("oatnut_patch_duration_seconds") && sum("oatnut_patch_duration_seconds") > 0);
    assert.match(metrics, /^oatnut_room_clients\{zone="plaza",room="[^"]+"\} 1$/m);
    assert.match(metrics, /^oatnut_room_patch_bytes_total\{zone="plaza",room="[^"]+"\} [1-9]\d*$/m);
    assert.match(metrics, /^oatnut_messages_received_total\{zone="plaza",type="input"\} [1-9]\d*$/m);
    assert.match(metrics, /^oatnut_messages_rejected_total\{zone="plaza",type="transferFailed",reason="invalid"\} 1$/m);
    assert.match(metrics, /^oatnut_process_nodejs_eventloop_lag_seconds /m);
    await room.leave();
    await waitFor(async () => /^oatnut_save_duration_seconds_count [1-9]\d*$/m.test((await get("/metrics")).text), "a save measured");
    assert.match((await get("/metrics")).text, /^oatnut_save_failures_total 0$/m);
  });

  it("writes raw traffic to traffic.log with direction, room, session, type, size and decoded payload, secrets redacted", async () => {
    const { room, token } = await playAs("Chatty");
    const input = room.input<{ dx: number; dy: number }>();
    input.data.dx = -1;
    input.data.dy = 0;
    input.send();
    const logged = () =>
      fs
        .readFileSync(path.join(logDir, "traffic.log"), "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
    await waitFor(() => logged().some((l) => l.type === "input" && l.sessionId === room.sessionId), "this input logged");
    await waitFor(() => logged().some((l) => l.type === "ROOM_STATE_PATCH" && l.sessionId === room.sessionId), "a patch to it logged");
    const lines = logged();
    const inbound = lines.find((l) => l.direction === "in" && l.type === "input" && l.sessionId === room.sessionId);
    assert.deepEqual(inbound.payload, { dx: -1, dy: 0, skill: 0, target: 0 });
    assert.equal(inbound.zone, "plaza");
    assert.equal(inbound.roomId, room.roomId);
    assert.ok(inbound.bytes > 0);
    const outbound = lines.find((l) => l.direction === "out" && l.sessionId === room.sessionId && l.type === "ROOM_STATE_PATCH");
    assert.ok(outbound && outbound.bytes > 0, "patches are logged with their size");
    const text = fs.readFileSync(path.join(logDir, "traffic.log"), "utf8");
    assert.ok(!text.includes(token), "no token");
    assert.ok(!text.includes(room.reconnectionToken), "no reconnection token");
    await room.leave();
  });

  it("rotates log files daily with app.log, errors.log and traffic.log pointing at the current ones", () => {
    const files = fs.readdirSync(logDir);
    const today = new Date().toISOString().slice(0, 10);
    for (const name of ["app", "errors", "traffic"]) {
      assert.ok(files.includes(`${name}-${today}.log`), `${name}-${today}.log in ${files.join(", ")}`);
      assert.ok(fs.lstatSync(path.join(logDir, `${name}.log`)).isSymbolicLink(), `${name}.log links to the current file`);
    }
  });
});

describe("errors.log", () => {
  it("gets uncaught exceptions and unhandled rejections with their stacks, and the server keeps running", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oatnut-errors-"));
    const faulty = await startServerProcess(
      { MONGODB_URI: database.uri, ZONES_DIR: testZones(), LOG_DIR: dir, NODE_ENV: "production" },
      undefined,
      ["--import", path.join(PROJECT_ROOT, "server", "test", "fixtures", "fail-later.mjs")],
    );
    try {
      const read = () =>
        fs.existsSync(path.join(dir, "errors.log"))
          ? fs
              .readFileSync(path.join(dir, "errors.log"), "utf8")
              .trim()
              .split("\n")
              .filter(Boolean)
              .map((l) => JSON.parse(l))
          : [];
      await waitFor(() => read().length >= 2, "both errors logged", 10_000);
      const [uncaught, rejection] = ["uncaught exception", "unhandled promise rejection"].map((m) => read().find((l) => l.message === m));
      assert.equal(uncaught.error.message, "planted uncaught exception");
      assert.match(uncaught.error.stack, /fail-later\.mjs/);
      assert.equal(rejection.error.message, "planted unhandled rejection");
      assert.match(rejection.error.stack, /fail-later\.mjs/);
      assert.equal((await fetch(`${faulty.url}/health`)).status, 200, "still serving");
    } finally {
      await faulty.stop("SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
