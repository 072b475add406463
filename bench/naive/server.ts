/**
 * The "naive design" OatNut replaces, reproduced for the benchmark: a Socket.IO server
 * that sends the WHOLE game state, as JSON, to every connected client.
 *
 * - `perMove`: the old Flask-SocketIO design. Every accepted "move" intent is applied at
 *   once and followed by `io.emit("state", wholeState)`; so are a join and a leave.
 * - `batched`: the same state, emitted to everyone once per 50 ms tick — always, on every
 *   tick while at least one player is in the zone, not only when something changed (the
 *   bots move every tick anyway). Moves are still applied as they arrive.
 *
 * The game model is kept equal to OatNut's so the comparison is fair: a 100×100-tile open
 * zone of 32 px tiles (3200×3200 px) with border walls, OatNut's own movement step
 * (`stepMovement` from @oatnut/shared, PLAYER_SPEED, one input = one 1/20 s step) and the
 * same public player fields. WebSocket transport only; permessage-deflate is off (as
 * OatNut's server sends uncompressed frames too), so the bytes counted are the bytes sent.
 *
 * Positions go on the wire rounded to 0.01 px (WIRE_DECIMALS): shorter than printing the
 * full double a plain JSON dump would, so if anything this errs in the naive design's favour.
 *
 *   node --import tsx bench/naive/server.ts --mode perMove|batched [--port 0] [--seed 1]
 *
 * prints `listening <port>` once listening, serves `GET /stats` (JSON) on the same port,
 * and closes cleanly on SIGTERM/SIGINT.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { Server } from "socket.io";
import {
  Facing,
  PLAYER_SPEED,
  TICK_SECONDS,
  facingFor,
  isWalkable,
  maxHpForLevel,
  parseTextMap,
  seededRandom,
  stepMovement,
  type MoveIntent,
} from "@oatnut/shared";
import { isMain, randomInt } from "./util.ts";

export type NaiveMode = "perMove" | "batched";

export interface NaiveServerOptions {
  mode: NaiveMode;
  /** 0 or absent: any free port. */
  port?: number;
  /** Seeds the spawn positions (default 1). */
  seed?: number;
}

export interface NaiveServer {
  port: number;
  close(): Promise<void>;
}

/** What `GET /stats` answers. */
export interface NaiveStats {
  mode: NaiveMode;
  players: number;
  cpuUserMicros: number;
  cpuSystemMicros: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Whole-state broadcasts (one `io.emit`, whatever the number of recipients). */
  emits: number;
  /**
   * Bytes of the state messages handed to engine.io for sending, summed over recipients:
   * per recipient the Socket.IO packet text, engine.io's 1-byte type prefix and the
   * WebSocket frame header. An estimate of what goes out: it leaves out TCP/IP overhead
   * and still counts a message to a client that disconnects before it is flushed.
   */
  bytesEmitted: number;
  /** Move intents accepted and applied. */
  moves: number;
  /** Move intents ignored as malformed (or sent before joining). */
  rejectedMoves: number;
}

/** Tiles per side of the zone and pixels per tile: 3200×3200 px, as OatNut's benchmark zone. */
const ZONE_TILES = 100;
const TICK_MS = TICK_SECONDS * 1000;
const WIRE_DECIMALS = 100;
const MAX_NAME_LENGTH = 32;
/** How a state message starts, as engine.io gets it from Socket.IO (EVENT packet, main namespace). */
const STATE_PACKET_PREFIX = '2["state",';

/** A player as the naive server holds it and sends it (the whole state is an array of these). */
export interface NaivePlayer {
  id: number;
  name: string;
  x: number;
  y: number;
  facing: number;
  hp: number;
  maxHp: number;
  level: number;
}

/** The open zone: border walls, floor everywhere else (parseTextMap wants one spawn mark). */
function openZone() {
  const wall = "#".repeat(ZONE_TILES);
  const floor = "#" + ".".repeat(ZONE_TILES - 2) + "#";
  const middle = ZONE_TILES / 2;
  const rows = Array.from({ length: ZONE_TILES }, (_, r) => {
    if (r === 0 || r === ZONE_TILES - 1) return wall;
    if (r === middle) return floor.slice(0, middle) + "S" + floor.slice(middle + 1);
    return floor;
  });
  return parseTextMap(rows);
}

/** A move intent is `{ dx, dy }` with each exactly -1, 0 or 1; anything else is null. */
function parseIntent(payload: unknown): MoveIntent | null {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return null;
  const { dx, dy } = payload as Record<string, unknown>;
  const axis = (v: unknown) => v === -1 || v === 0 || v === 1;
  return axis(dx) && axis(dy) ? { dx: dx as number, dy: dy as number } : null;
}

/** Bytes of the header of an unmasked server-to-client WebSocket frame with `length` payload bytes. */
function wsHeaderBytes(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

export async function startNaiveServer(options: NaiveServerOptions): Promise<NaiveServer> {
  const { mode } = options;
  if (mode !== "perMove" && mode !== "batched") throw new Error(`unknown mode ${String(mode)}`);
  const map = openZone();
  const random = seededRandom(options.seed ?? 1);
  const players = new Map<string, NaivePlayer>();
  let nextId = 1;
  const counters = { emits: 0, bytesEmitted: 0, moves: 0, rejectedMoves: 0 };

  const stats = (): NaiveStats => {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    return {
      mode,
      players: players.size,
      cpuUserMicros: cpu.user,
      cpuSystemMicros: cpu.system,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      ...counters,
    };
  };

  const httpServer = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/stats") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(stats()));
      return;
    }
    res.writeHead(404).end();
  });
  const io = new Server(httpServer, {
    transports: ["websocket"],
    perMessageDeflate: false,
    httpCompression: false,
    serveClient: false,
  });

  // Count what each state message costs per recipient, without serializing it a second
  // time: Socket.IO encodes a broadcast once and hands the same string to every client's
  // engine.io socket, so its byte length is computed once per emit.
  let lastPacket: string | undefined;
  let lastPacketBytes = 0;
  io.engine.on("connection", (conn: { on(event: "packetCreate", listener: (packet: { data?: unknown }) => void): void }) => {
    conn.on("packetCreate", (packet) => {
      const data = packet.data;
      if (typeof data !== "string" || !data.startsWith(STATE_PACKET_PREFIX)) return;
      if (data !== lastPacket) {
        const payload = 1 + Buffer.byteLength(data);
        lastPacket = data;
        lastPacketBytes = payload + wsHeaderBytes(payload);
      }
      counters.bytesEmitted += lastPacketBytes;
    });
  });

  const wireState = () => ({
    players: Array.from(players.values(), (p) => ({
      id: p.id,
      name: p.name,
      x: Math.round(p.x * WIRE_DECIMALS) / WIRE_DECIMALS,
      y: Math.round(p.y * WIRE_DECIMALS) / WIRE_DECIMALS,
      facing: p.facing,
      hp: p.hp,
      maxHp: p.maxHp,
      level: p.level,
    })),
  });
  const broadcast = () => {
    counters.emits++;
    io.emit("state", wireState());
  };

  const spawnPoint = () => {
    for (;;) {
      const point = {
        x: (randomInt(random, 1, map.width - 2) + 0.5) * map.tileSize,
        y: (randomInt(random, 1, map.height - 2) + 0.5) * map.tileSize,
      };
      if (isWalkable(point, map)) return point;
    }
  };

  io.on("connection", (socket) => {
    socket.on("join", (payload: unknown, ack?: unknown) => {
      if (typeof payload === "function") [payload, ack] = [undefined, payload];
      let player = players.get(socket.id);
      const isNew = !player;
      if (!player) {
        const raw = typeof payload === "object" && payload !== null ? (payload as { name?: unknown }).name : undefined;
        const id = nextId++;
        const name = typeof raw === "string" && raw.trim().length > 0 ? raw.trim().slice(0, MAX_NAME_LENGTH) : `Player_${id}`;
        const level = 1;
        const maxHp = maxHpForLevel(level);
        player = { id, name, ...spawnPoint(), facing: Facing.Down, hp: maxHp, maxHp, level };
        players.set(socket.id, player);
      }
      const reply = { id: player.id };
      if (typeof ack === "function") ack(reply);
      else socket.emit("joined", reply);
      if (isNew && mode === "perMove") broadcast();
    });

    socket.on("move", (payload: unknown) => {
      const player = players.get(socket.id);
      const intent = parseIntent(payload);
      if (!player || !intent) {
        counters.rejectedMoves++;
        return;
      }
      const next = stepMovement(player, intent, PLAYER_SPEED, TICK_SECONDS, map);
      player.x = next.x;
      player.y = next.y;
      player.facing = facingFor(intent, player.facing as Facing);
      counters.moves++;
      if (mode === "perMove") broadcast();
    });

    socket.on("disconnect", () => {
      if (players.delete(socket.id) && mode === "perMove" && players.size > 0) broadcast();
    });
  });

  const ticker =
    mode === "batched"
      ? setInterval(() => {
          if (players.size > 0) broadcast();
        }, TICK_MS)
      : undefined;

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port ?? 0, "127.0.0.1", () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= (async () => {
        clearInterval(ticker);
        await io.close();
        httpServer.closeAllConnections();
      })();
      return closing;
    },
  };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      mode: { type: "string", default: "perMove" },
      port: { type: "string", default: "0" },
      seed: { type: "string", default: "1" },
    },
  });
  const mode = values.mode as NaiveMode;
  if (mode !== "perMove" && mode !== "batched") {
    console.error(`--mode must be perMove or batched, not ${values.mode}`);
    process.exit(2);
  }
  const server = await startNaiveServer({ mode, port: Number(values.port), seed: Number(values.seed) });
  process.stdout.write(`listening ${server.port}\n`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
