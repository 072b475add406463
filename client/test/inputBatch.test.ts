/**
 * Inputs batched on the wire, with real parts: zone rooms of the test server (in this
 * process, BUSY_ZONE_PLAYERS=1 and CROWDED_ZONE_PLAYERS=2: two players make a zone busy,
 * three crowded), real @colyseus/sdk clients batching through `batchRoomInputs` as the game
 * client and the bots do, the client's own prediction, and the server's boundary reading
 * every frame.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  applyMoveInput,
  batchRoomInputs,
  CROWDED_PATCH_RATE_MS,
  getZoneMap,
  INPUT_BATCH,
  PATCH_RATE_MS,
  TICK_SECONDS,
  type MoveIntent,
  type Walker,
  type ZoneState,
} from "@oatnut/shared";
import type { ZoneRoom } from "../../server/src/rooms/ZoneRoom.ts";
import { startTestGame, waitFor, type TestGame } from "../../server/test/helpers.ts";
import type { MoveInputData } from "../src/game/movePump.ts";
import { createPredict, predictSelf } from "../src/game/prediction.ts";
import { enterAsNewCharacter } from "./sdkPlayer.ts";

const INPUT = 19; // Colyseus's ROOM_INPUT_RELIABLE

let game: TestGame;
before(async () => {
  game = await startTestGame({ BUSY_ZONE_PLAYERS: "1", CROWDED_ZONE_PLAYERS: "2" });
});
after(async () => {
  await game.stop();
});

let count = 0;
const enter = () => enterAsNewCharacter(game, `Batch_${++count}`);

/** Counts the frames the server reads from one client's socket, by their first byte (what reaches the boundary). */
function countFrames(zoneRoom: ZoneRoom, sessionId: string): Map<number, number> {
  const counts = new Map<number, number>();
  const clients = (
    zoneRoom as unknown as { clients: Array<{ sessionId: string; ref: { on(event: "message", listener: (data: unknown) => void): void } }> }
  ).clients;
  const client = clients.find((each) => each.sessionId === sessionId);
  assert.ok(client, "the client on the server");
  client.ref.on("message", (data) => {
    if (data instanceof Uint8Array) counts.set(data[0] & 0x1f, (counts.get(data[0] & 0x1f) ?? 0) + 1);
  });
  return counts;
}

/**
 * A player in `room` walking through `batchRoomInputs` with the client's own prediction
 * (told the input handle's data, as the game client does, when `changesAtOnce`):
 * `send` sends one step; `check(label)` waits until every step is acknowledged and asserts
 * the server applied each one, where the shared step and the client's prediction put it.
 */
function walker(room: Awaited<ReturnType<typeof enter>>, { changesAtOnce = false } = {}) {
  const zoneRoom = game.colyseus.getRoomById(room.roomId) as unknown as ZoneRoom;
  const frames = countFrames(zoneRoom, room.sessionId);
  const predict = createPredict(room);
  const input = room.input<MoveInputData>({ mode: "reliable" });
  const batcher = batchRoomInputs(room, changesAtOnce ? input.data : undefined);
  const player = room.state.players.get(room.sessionId)!;
  const map = getZoneMap(room.state.zone);
  const me = predictSelf(predict, player, input, map);
  const server = () => (zoneRoom.state as unknown as ZoneState).players.get(room.sessionId)!;
  const start = { x: server().x, y: server().y, facing: server().facing };
  const steps: MoveIntent[] = [];
  return {
    frames,
    batcher,
    input,
    send(intent: MoveIntent) {
      input.data.dx = intent.dx;
      input.data.dy = intent.dy;
      assert.ok(input.send() > 0, "sent");
      steps.push(intent);
    },
    async check() {
      await waitFor(() => input.lastProcessed === input.sentCount, "every input acknowledged");
      const walked: Walker = { ...start, speed: player.speed, hp: player.hp };
      for (const step of steps) applyMoveInput(walked, step, TICK_SECONDS, map);
      assert.ok(Math.hypot(walked.x - start.x, walked.y - start.y) > 1, "the steps move the character");
      assert.deepEqual({ x: server().x, y: server().y }, { x: walked.x, y: walked.y }, `the server applied all ${steps.length} steps`);
      assert.deepEqual({ x: me.state.x, y: me.state.y }, { x: walked.x, y: walked.y }, "where the client predicted");
    },
  };
}

describe("inputs batched on the wire", () => {
  it("in a crowded zone a client's inputs travel two to a frame, and the server applies each one, as the client predicted", async () => {
    const rooms = [await enter(), await enter(), await enter()];
    const [room] = rooms;
    assert.ok(
      rooms.every((each) => each.roomId === room.roomId),
      "all three in one room",
    );
    await waitFor(() => room.state.patchMs === CROWDED_PATCH_RATE_MS, "the zone crowded");
    assert.equal(room.state.inputsPerFrame, 2, "a crowded zone is busy too");
    const walk = walker(room);

    // Twelve steps, as pairs: right, down, left, stop…, each pair sent once the server
    // acknowledged the one before (the pace of a walking client, without a clock).
    const intents: MoveIntent[] = [
      { dx: 1, dy: 0 },
      { dx: 0, dy: 1 },
      { dx: -1, dy: 0 },
      { dx: 0, dy: -1 },
      { dx: 1, dy: 1 },
      { dx: 0, dy: 0 },
    ];
    for (const intent of intents) {
      walk.send(intent);
      walk.send(intent);
      await waitFor(() => walk.input.lastProcessed === walk.input.sentCount, "the pair acknowledged");
    }

    assert.deepEqual([walk.batcher.framesSent, walk.batcher.inputsSent], [6, 12], "twelve inputs in six frames");
    assert.equal(walk.frames.get(INPUT_BATCH), 6, "the server read six batch frames");
    assert.equal(walk.frames.get(INPUT) ?? 0, 0, "and no input frame of its own");
    await walk.check();
    await Promise.all(rooms.map((each) => each.leave()));
  });

  it("in a busy zone a walk's repeated steps travel in pairs and every change goes at once, at the normal patch rate, applied as predicted", async () => {
    const rooms = [await enter(), await enter()];
    const [room] = rooms;
    assert.equal(rooms[1].roomId, room.roomId, "both in one room");
    await waitFor(() => room.state.inputsPerFrame === 2, "the zone busy");
    assert.equal(room.state.patchMs, PATCH_RATE_MS, "busy, not crowded: a patch every tick");
    const walk = walker(room, { changesAtOnce: true });

    // Right ×3, down ×3, stop: each change alone (3 frames), each run's two repeats paired (2).
    for (const intent of [
      { dx: 1, dy: 0 },
      { dx: 0, dy: 1 },
    ]) {
      for (let i = 0; i < 3; i++) walk.send(intent);
    }
    walk.send({ dx: 0, dy: 0 });
    await walk.check();

    assert.deepEqual([walk.batcher.framesSent, walk.batcher.inputsSent], [5, 7], "seven inputs in five frames");
    assert.equal(walk.frames.get(INPUT), 3, "the three changes, each its own frame");
    assert.equal(walk.frames.get(INPUT_BATCH), 2, "the two pairs of repeats");
    await Promise.all(rooms.map((each) => each.leave()));
  });

  it("outside a busy zone every input has a frame of its own", async () => {
    const room = await enter();
    assert.equal(room.state.patchMs, PATCH_RATE_MS);
    assert.equal(room.state.inputsPerFrame, 1);
    const zoneRoom = game.colyseus.getRoomById(room.roomId) as unknown as ZoneRoom;
    const frames = countFrames(zoneRoom, room.sessionId);
    const input = room.input<MoveInputData>({ mode: "reliable" });
    const batcher = batchRoomInputs(room);
    for (let i = 0; i < 4; i++) {
      input.data.dx = i % 2 ? 1 : -1;
      input.send();
    }
    await waitFor(() => input.lastProcessed === input.sentCount, "every input acknowledged");
    assert.deepEqual([batcher.framesSent, batcher.inputsSent], [4, 4]);
    assert.equal(frames.get(INPUT), 4);
    assert.equal(frames.get(INPUT_BATCH) ?? 0, 0);
    await room.leave();
  });
});
