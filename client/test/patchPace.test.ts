/**
 * The patch rate of a crowded zone, with real parts: a zone room of the test server (in
 * this process) with CROWDED_ZONE_PLAYERS=2, real @colyseus/sdk clients, and the client's
 * own `createPredict`, which follows the zone's `patchMs`.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { matchMaker } from "@colyseus/core";
import type { Predict } from "@colyseus/sdk";
import { CROWDED_PATCH_RATE_MS, PATCH_RATE_MS, TICK_SECONDS, type ZoneState } from "@oatnut/shared";
import type { ZoneRoom } from "../../server/src/rooms/ZoneRoom.ts";
import { inputsPerFrameFor, patchIntervalFor } from "../../server/src/rooms/patchPace.ts";
import { startTestGame, waitFor, type TestGame } from "../../server/test/helpers.ts";
import { createPredict, interpolationDelay } from "../src/game/prediction.ts";
import { enterAsNewCharacter } from "./sdkPlayer.ts";

let game: TestGame;
before(async () => {
  game = await startTestGame({ CROWDED_ZONE_PLAYERS: "2" });
});
after(async () => {
  await game.stop();
});

let count = 0;
const enter = () => enterAsNewCharacter(game, `Crowd_${++count}`);

/** The interpolation delay of every interpolated group and of the defaults (lag compensation reads those). */
function delays(predict: Predict<ZoneState>): number[] {
  const profiles = (predict as unknown as { snapshotProfiles(): Array<{ mode: string; delay: number }> }).snapshotProfiles();
  return profiles.filter((profile) => profile.mode === "lerp").map((profile) => profile.delay);
}

describe("patch rate decoupled from the simulation rate", () => {
  it("holds a zone's rate until it is clearly crowded, and until it is clearly not (hysteresis)", () => {
    assert.equal(patchIntervalFor(200, PATCH_RATE_MS, 200), PATCH_RATE_MS);
    assert.equal(patchIntervalFor(201, PATCH_RATE_MS, 200), CROWDED_PATCH_RATE_MS);
    assert.equal(patchIntervalFor(160, CROWDED_PATCH_RATE_MS, 200), CROWDED_PATCH_RATE_MS);
    assert.equal(patchIntervalFor(159, CROWDED_PATCH_RATE_MS, 200), PATCH_RATE_MS);
    assert.equal(patchIntervalFor(100_000, PATCH_RATE_MS, 0), PATCH_RATE_MS, "0 = never crowded");
  });

  it("pairs a zone's inputs once it is clearly busy (or crowded), until it is clearly not (hysteresis)", () => {
    assert.equal(inputsPerFrameFor(50, 1, 50, 200), 1);
    assert.equal(inputsPerFrameFor(51, 1, 50, 200), 2);
    assert.equal(inputsPerFrameFor(40, 2, 50, 200), 2);
    assert.equal(inputsPerFrameFor(39, 2, 50, 200), 1);
    assert.equal(inputsPerFrameFor(100_000, 1, 0, 0), 1, "0 and 0 = never");
    assert.equal(inputsPerFrameFor(201, 1, 0, 200), 2, "a crowded zone is busy too");
    assert.equal(inputsPerFrameFor(160, 2, 0, 200), 2);
    assert.equal(inputsPerFrameFor(159, 2, 0, 200), 1);
  });

  it("a zone above CROWDED_ZONE_PLAYERS patches every second tick, its clients draw the others twice that behind, and it goes back when it empties", async () => {
    const first = await enter();
    const predict = createPredict(first);
    assert.equal(first.state.patchMs, PATCH_RATE_MS);
    assert.deepEqual(new Set(delays(predict)), new Set([interpolationDelay(PATCH_RATE_MS)]));
    const zoneRoom = matchMaker.getLocalRoomById(first.roomId) as ZoneRoom;
    assert.equal(zoneRoom.patchRate, PATCH_RATE_MS);

    const others = [await enter(), await enter()];
    assert.ok(
      others.every((room) => room.roomId === first.roomId),
      "all three in one room",
    );
    await waitFor(() => first.state.patchMs === CROWDED_PATCH_RATE_MS, "the crowded zone's patch interval in the state");
    assert.equal(zoneRoom.patchRate, CROWDED_PATCH_RATE_MS);
    assert.equal(first.state.inputsPerFrame, 2, "a crowded zone's clients pair their inputs");
    const crowded = delays(predict);
    assert.ok(crowded.length >= 2, "the defaults and the players' group");
    assert.deepEqual(new Set(crowded), new Set([interpolationDelay(CROWDED_PATCH_RATE_MS)]));

    // Patches against ticks, counted on the server: the tick sends them, one after every
    // second tick (Colyseus's own patch timer sends none: it would add patches here), and
    // the interest system refreshes views only on the ticks without one.
    const room = zoneRoom as unknown as {
      sendPatch(): boolean;
      tick(dt: number): void;
      interest: { quiet: boolean };
      _serializer: { applyPatches(...args: unknown[]): boolean };
    };
    let patches = 0;
    let encoded = 0;
    let ticked = 0;
    let lastTickQuiet = true;
    let refreshedThenPatched = 0;
    const sendPatch = room.sendPatch.bind(zoneRoom);
    const tick = room.tick.bind(zoneRoom);
    const applyPatches = room._serializer.applyPatches;
    room.sendPatch = () => {
      patches++;
      if (!lastTickQuiet) refreshedThenPatched++;
      return sendPatch();
    };
    // Every patch Colyseus encodes, whoever asked for it.
    room._serializer.applyPatches = function (...args) {
      encoded++;
      return applyPatches.apply(this, args);
    };
    room.tick = (dt) => {
      tick(dt);
      ticked++;
      lastTickQuiet = room.interest.quiet;
    };
    let afterCatchUp: number;
    try {
      await waitFor(() => ticked >= 40, "40 ticks", 20_000);
      // A room that fell behind runs several steps in one turn: one patch after the last.
      const before = patches;
      for (let step = 0; step < 4; step++) room.tick(TICK_SECONDS);
      await Promise.resolve();
      afterCatchUp = patches - before;
    } finally {
      delete (room as { sendPatch?: unknown }).sendPatch;
      delete (room as { tick?: unknown }).tick;
      room._serializer.applyPatches = applyPatches;
    }
    const counted = { patches, encoded, ticks: ticked };
    // One patch every second tick; fewer only when a busy machine made the room run catch-up steps.
    assert.ok(
      counted.patches <= counted.ticks / 2 + 1 && counted.patches >= counted.ticks / 4,
      `${counted.patches} patches in ${counted.ticks} ticks`,
    );
    assert.equal(counted.encoded, counted.patches, "no patch but the tick's");
    assert.equal(refreshedThenPatched, 0, "no view refreshed on a tick a patch follows");
    assert.equal(afterCatchUp, 1, "four steps in one turn, one patch");

    await Promise.all(others.map((room) => room.leave()));
    await waitFor(() => first.state.patchMs === PATCH_RATE_MS, "every tick again once the zone empties");
    assert.equal(zoneRoom.patchRate, PATCH_RATE_MS);
    assert.equal(first.state.inputsPerFrame, 1, "and one input a frame");
    assert.deepEqual(new Set(delays(predict)), new Set([interpolationDelay(PATCH_RATE_MS)]));
    predict.dispose();
    await first.leave();
  });
});
