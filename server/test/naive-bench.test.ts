/**
 * The benchmark's reproduction of the naive design OatNut replaces (bench/naive): a
 * Socket.IO server sending the whole state as JSON to everyone, per move or per tick, and
 * the bots that drive it. Checks that it does what the benchmark says it does.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { io, type Socket } from "socket.io-client";
import { startNaiveServer, type NaiveMode, type NaivePlayer, type NaiveStats } from "../../bench/naive/server.ts";
import { runNaiveBots, type NaiveBotsResult } from "../../bench/naive/bots.ts";

async function until<T>(check: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function stats(port: number): Promise<NaiveStats> {
  const res = await fetch(`http://127.0.0.1:${port}/stats`);
  assert.equal(res.status, 200);
  return (await res.json()) as NaiveStats;
}

/** A plain Socket.IO client keeping the last state it received. */
function connect(port: number) {
  const socket: Socket = io(`http://127.0.0.1:${port}`, { transports: ["websocket"], reconnection: false, forceNew: true });
  const client = { socket, states: 0, last: undefined as { players: NaivePlayer[] } | undefined };
  socket.on("state", (state: { players: NaivePlayer[] }) => {
    client.states++;
    client.last = state;
  });
  return client;
}

const MODES: NaiveMode[] = ["perMove", "batched"];

describe("naive design reproduction (bench/naive)", () => {
  it("sends the whole state per input in perMove mode and once per tick in batched mode", async () => {
    const runs = {} as Record<NaiveMode, { result: NaiveBotsResult; emits: number; moves: number; bytesEmitted: number }>;
    for (const mode of MODES) {
      const server = await startNaiveServer({ mode, seed: 3 });
      try {
        const result = await runNaiveBots({ url: `http://127.0.0.1:${server.port}`, count: 3, durationSeconds: 2, seed: 5 });
        const after = await stats(server.port);
        assert.equal(after.mode, mode);
        assert.deepEqual({ joined: result.joined, failed: result.failed }, { joined: 3, failed: 0 }, mode);
        // Every client's last state lists all three players: itself and two others.
        assert.equal(result.visibleAverage, 2, mode);
        assert.ok(result.messagesPerClientPerSecond > 0 && result.bytesPerClientPerSecond > 0, mode);
        runs[mode] = { result, emits: after.emits, moves: after.moves, bytesEmitted: after.bytesEmitted };
      } finally {
        await server.close();
      }
    }
    const { perMove, batched } = runs;
    // perMove: one whole-state broadcast per accepted input (plus joins and leaves).
    assert.ok(perMove.emits >= perMove.moves, `perMove: ${perMove.emits} emits for ${perMove.moves} moves`);
    // batched: one broadcast per tick while three players each send an input per tick.
    assert.ok(batched.emits * 2 < batched.moves, `batched: ${batched.emits} emits for ${batched.moves} moves`);
    // So a client receives about everyone's inputs' worth of states in perMove mode (3 × 20/s)
    // and one per tick (20/s) in batched mode.
    assert.ok(
      perMove.result.messagesPerClientPerSecond > 2 * batched.result.messagesPerClientPerSecond,
      `perMove ${perMove.result.messagesPerClientPerSecond.toFixed(1)}/s vs batched ${batched.result.messagesPerClientPerSecond.toFixed(1)}/s`,
    );
    assert.ok(perMove.bytesEmitted > batched.bytesEmitted);
  });

  for (const mode of MODES) {
    it(`${mode}: joins with the player's fields, moves by OatNut's rule, and ignores malformed moves`, async () => {
      const server = await startNaiveServer({ mode, seed: 11 });
      const clients: Array<ReturnType<typeof connect>> = [];
      try {
        const a = connect(server.port);
        clients.push(a);
        const reply = (await a.socket.timeout(10_000).emitWithAck("join", { name: "Tester" })) as { id: number };
        const me = () => a.last?.players.find((p) => p.id === reply.id);
        const start = await until(me, "a state listing the new player");
        assert.deepEqual(Object.keys(start).sort(), ["facing", "hp", "id", "level", "maxHp", "name", "x", "y"]);
        assert.equal(start.name, "Tester");
        assert.deepEqual({ hp: start.hp, maxHp: start.maxHp, level: start.level }, { hp: 100, maxHp: 100, level: 1 });
        assert.ok(start.x > 32 && start.x < 3168 && start.y > 32 && start.y < 3168, `spawned inside the walls: ${start.x},${start.y}`);

        const malformed: unknown[][] = [
          [],
          ["x"],
          [null],
          [[1, 0]],
          [{ dx: "x", dy: 0 }],
          [{ dx: 5, dy: 0 }],
          [{ dx: 1, dy: 0.5 }],
          [{ dx: 1 }],
        ];
        for (const args of malformed) a.socket.emit("move", ...args);
        // Then one valid step, away from the nearer side wall: 160 px/s × 1/20 s = 8 px.
        const dx = start.x < 1600 ? 1 : -1;
        a.socket.emit("move", { dx, dy: 0 });
        const s = await until(async () => {
          const current = await stats(server.port);
          return current.moves + current.rejectedMoves === malformed.length + 1 ? current : undefined;
        }, "the server to handle every move");
        assert.deepEqual({ moves: s.moves, rejected: s.rejectedMoves }, { moves: 1, rejected: malformed.length });
        const moved = await until(() => (me()?.x !== start.x ? me() : undefined), "a state after the valid step");
        assert.deepEqual({ x: moved.x, y: moved.y, facing: moved.facing }, { x: start.x + 8 * dx, y: start.y, facing: dx > 0 ? 2 : 1 });

        // A client that has not joined is ignored too, and the server still serves everyone.
        const b = connect(server.port);
        clients.push(b);
        await until(() => b.socket.connected, "the second client to connect");
        b.socket.emit("move", { dx: 1, dy: 1 });
        b.socket.emit("join", { name: "Second" });
        await until(() => b.last?.players.some((p) => p.name === "Second") && a.last?.players.length === 2, "both players in a state");
        assert.equal((await stats(server.port)).rejectedMoves, malformed.length + 1);
        assert.equal(me()?.x, moved.x);
        assert.ok(a.socket.connected);
      } finally {
        for (const client of clients) client.socket.disconnect();
        await server.close();
      }
    });
  }
});
