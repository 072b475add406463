/**
 * One socket write per server frame (server/src/wsFrames.ts): through a real ws server and
 * client, every payload arrives byte for byte and takes one write; in the game, a watcher's
 * patches each take one write on its socket.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import type { Room as ClientRoom } from "@colyseus/sdk";
import { WebSocket, WebSocketServer } from "ws";
import { MERGE_LIMIT, installOneWriteFrames } from "../src/wsFrames.ts";
import type { ZoneRoom } from "../src/rooms/ZoneRoom.ts";
import { api, createCharacter, signUp, startTestGame, waitFor, type TestGame } from "./helpers.ts";

/** Counts what a ws connection's server end asks of its TCP socket. */
function countWrites(socket: Socket): { writes: number; corks: number } {
  const counts = { writes: 0, corks: 0 };
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  const cork = socket.cork.bind(socket);
  socket.write = ((...args: unknown[]) => {
    counts.writes++;
    return write(...args);
  }) as Socket["write"];
  socket.cork = () => {
    counts.corks++;
    cork();
  };
  return counts;
}
const tcpOf = (ws: unknown) => (ws as { _socket: Socket })._socket;

// The game's test first: the server installs the merge itself, before the test below does.
describe("one write per patch in the game", () => {
  let game: TestGame;
  before(async () => {
    game = await startTestGame();
  });
  after(async () => {
    await game.stop();
  });

  async function enter(name: string): Promise<ClientRoom> {
    const { token } = await signUp(game.baseUrl);
    const character = await createCharacter(game.baseUrl, token, name);
    const play = await api(game.baseUrl, "POST", `/api/characters/${character.id}/play`, { token });
    assert.equal(play.status, 200, JSON.stringify(play.body));
    const room = await game.colyseus.sdk.consumeSeatReservation(play.body);
    await room.waitForInitialState();
    return room;
  }

  it("a watcher's patches of a walking neighbour each take one socket write", async () => {
    // `frames` counts the ones of MERGE_LIMIT bytes or fewer (a walker's patches are).
    const walker = await enter("Walker_one");
    const watcher = await enter("Watcher_one");
    try {
      assert.equal(watcher.roomId, walker.roomId, "both in the starting zone");
      const zoneRoom = game.colyseus.getRoomById(watcher.roomId) as unknown as ZoneRoom;
      const seat = (
        zoneRoom as unknown as { clients: Array<{ sessionId: string; ref: { send: (...args: unknown[]) => void } }> }
      ).clients.find((client) => client.sessionId === watcher.sessionId)!;
      const counts = countWrites(tcpOf(seat.ref));
      // What each frame should take: one write up to the merge limit, a corked pair above it.
      const expected = { writes: 0, corks: 0 };
      let frames = 0;
      const send = seat.ref.send.bind(seat.ref);
      seat.ref.send = (...args: unknown[]) => {
        const merged = (args[0] as Uint8Array).length <= MERGE_LIMIT;
        if (merged) frames++;
        expected.writes += merged ? 1 : 2;
        expected.corks += merged ? 0 : 1;
        send(...args);
      };
      const seen = () => watcher.state.players.get(walker.sessionId)!.x;
      const from = await waitFor(() => watcher.state.players.get(walker.sessionId)?.x, "the walker in the watcher's view");
      const input = walker.input<{ dx: number; dy: number }>();
      // A step at a time, each once the one before was applied (a client's pace, without a clock).
      for (let step = 0; step < 100 && !(frames >= 5 && seen() !== from); step++) {
        input.data.dx = step % 40 < 20 ? 1 : -1;
        input.data.dy = 0;
        input.send();
        await waitFor(() => input.lastProcessed === input.sentCount, "the step applied", 20_000);
      }
      await waitFor(() => frames >= 5 && seen() !== from, "five patches sent to the watcher, the walk seen", 20_000);
      assert.deepEqual(counts, expected, `one write for each of the ${frames} frames up to ${MERGE_LIMIT} bytes`);
    } finally {
      await Promise.all([walker.leave(), watcher.leave()]);
    }
  });
});

describe("one write per server frame", () => {
  it("sends each payload whole, in one socket write up to the merge limit and in two above it", async () => {
    installOneWriteFrames();
    installOneWriteFrames(); // twice changes nothing
    const server = new WebSocketServer({ port: 0, perMessageDeflate: false });
    await new Promise((resolve) => server.once("listening", resolve));
    const serving = new Promise<WebSocket>((resolve) => server.once("connection", resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as { port: number }).port}`);
    const received: Buffer[] = [];
    client.on("message", (data) => received.push(data as Buffer));
    const fromClient = new Promise<Buffer>((resolve) => serving.then((ws) => ws.once("message", (data) => resolve(data as Buffer))));
    await new Promise((resolve) => client.once("open", resolve));
    const ws = await serving;
    const counts = countWrites(tcpOf(ws));
    try {
      // Every header length ws writes (7-bit, 16-bit, 64-bit lengths), the limit and past it.
      const sizes = [1, 125, 126, 300, 65_535, MERGE_LIMIT, MERGE_LIMIT + 1, 70_000];
      const payloads = sizes.map((size, i) => Buffer.alloc(size, i + 1).fill(size & 0xff, 0, 1));
      const expected = { writes: 0, corks: 0 };
      for (const payload of payloads) {
        const merged = payload.length <= MERGE_LIMIT;
        ws.send(payload);
        expected.writes += merged ? 1 : 2;
        expected.corks += merged ? 0 : 1;
        assert.deepEqual(counts, expected, `${payload.length} bytes: ${merged ? "one write" : "header and payload"}`);
      }
      ws.send("text frames too, ünïcödé ✓");
      expected.writes++;
      assert.deepEqual(counts, expected, "a string (UTF-8) in one write");
      await waitFor(() => received.length === payloads.length + 1, "every frame received");
      payloads.forEach((payload, i) => assert.ok(received[i]!.equals(payload), `frame ${i} (${payload.length} bytes) intact`));
      assert.equal(received.at(-1)!.toString(), "text frames too, ünïcödé ✓");

      // The client's frames (masked) still reach the server intact.
      client.send(Buffer.from("masked"));
      assert.equal((await fromClient).toString(), "masked");
    } finally {
      client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
