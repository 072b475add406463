/**
 * The bots against a server that closes their connections: a load test whose server kicks
 * its players (or loses them) must end with what it measured, not wait for them forever.
 * Real parts: the test server in this process, the bots' @colyseus/sdk clients.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { matchMaker } from "@colyseus/core";
import { loadZonesFromDisk } from "@oatnut/shared/node";
import { runSwarm } from "../../bench/swarm.ts";
import type { ZoneRoom } from "../src/rooms/ZoneRoom.ts";
import { startTestGame, testZones, waitFor, type TestGame } from "./helpers.ts";

let game: TestGame;
before(async () => {
  game = await startTestGame({ RATE_LIMIT_MULTIPLIER: "1000", RECONNECT_SECONDS: "0" });
});
after(async () => {
  await game.stop();
});

describe("the bots", () => {
  it("end their run, counting as disconnected the bots the server closed during the measurement", { timeout: 120_000 }, async () => {
    let closed = 0;
    const summary = await runSwarm({
      url: game.baseUrl,
      count: 3,
      durationSeconds: 1,
      fight: false,
      zones: loadZonesFromDisk(testZones()),
      seed: 3,
      namePrefix: "Kicked",
      onMeasure: async (phase) => {
        if (phase !== "start") return;
        // The server closes every bot's connection, as the boundary closes a client it expels.
        const rooms = await matchMaker.query({});
        for (const listing of rooms) {
          const room = matchMaker.getLocalRoomById(listing.roomId);
          for (const client of [...(room?.clients ?? [])]) {
            client.leave(4104, "closed by the test");
            closed++;
          }
        }
        await waitFor(async () => (await matchMaker.query({})).every((listing) => listing.clients === 0), "every bot gone from the server");
      },
    });
    assert.equal(closed, 3, "the server closed the three bots");
    assert.equal(summary.joined, 3);
    assert.equal(summary.disconnected, 3, "each counted as disconnected");
  });

  it("keep their standing bots still, sending a clock beacon instead of 20 inputs a second", { timeout: 120_000 }, async () => {
    /** Each player's server-side position, by session, in every room. */
    const positions = async () => {
      const seen = new Map<string, string>();
      for (const listing of await matchMaker.query({})) {
        const room = matchMaker.getLocalRoomById(listing.roomId) as ZoneRoom | undefined;
        room?.state.players?.forEach((player: { x: number; y: number }, sessionId: string) =>
          seen.set(sessionId, `${player.x},${player.y}`),
        );
      }
      return seen;
    };
    let atStart = new Map<string, string>();
    let atEnd = new Map<string, string>();
    const summary = await runSwarm({
      url: game.baseUrl,
      count: 3,
      standing: 2,
      durationSeconds: 3,
      scatterSeconds: 1,
      fight: false,
      zones: loadZonesFromDisk(testZones()),
      seed: 5,
      namePrefix: "Standing",
      onMeasure: async (phase) => {
        if (phase === "start") atStart = await positions();
        else atEnd = await positions();
      },
    });
    assert.equal(summary.joined, 3);
    assert.equal(summary.standing, 2, "two of the three stood");
    const still = [...atStart].filter(([sessionId, at]) => atEnd.get(sessionId) === at).length;
    assert.ok(still >= 2, `the standing bots did not move on the server (${still} of ${atStart.size} still)`);
    // One walker at up to 20 inputs a second and two at about one: well under 20 on average.
    assert.ok(summary.inputsPerSecond > 0 && summary.inputsPerSecond < 10, `inputs a bot a second: ${summary.inputsPerSecond}`);
  });
});
