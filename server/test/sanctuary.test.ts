/**
 * The designer guide's system example, in a real room: the town is a sanctuary (its room
 * type adds a RegenerationSystem without touching the zone room), so a wounded player
 * there heals, up to its maximum, and the dead do not.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Room as ClientRoom } from "@colyseus/sdk";
import { PROJECT_ROOT } from "../src/config.ts";
import SanctuaryRoom from "../src/rooms/types/sanctuary.ts";
import type { ZoneRoom } from "../src/rooms/ZoneRoom.ts";
import { api, createCharacter, signUp, startTestGame, waitFor, type TestGame } from "./helpers.ts";

let game: TestGame;
const rooms: ClientRoom[] = [];
before(async () => {
  game = await startTestGame({ ZONES_DIR: `${PROJECT_ROOT}/shared/zones` });
});
after(async () => {
  await Promise.all(rooms.map((room) => room.leave().catch(() => {})));
  await game.stop();
});

async function enterTown(name: string) {
  const { token } = await signUp(game.baseUrl);
  const character = await createCharacter(game.baseUrl, token, name);
  const res = await api(game.baseUrl, "POST", `/api/characters/${character.id}/play`, { token });
  const room = await game.colyseus.sdk.consumeSeatReservation<any>(res.body);
  rooms.push(room);
  await waitFor(() => room.state.players?.get(room.sessionId), "in the town");
  const server = game.colyseus.getRoomById(room.roomId) as unknown as ZoneRoom;
  return { room, server, session: server.players.get(room.sessionId)! };
}

describe("the sanctuary (a room type's own system)", () => {
  it("runs in the town: a wounded player heals up to its maximum; a dead one does not", async () => {
    const { server, session } = await enterTown("Sanctuary_Ann");
    assert.ok(server instanceof SanctuaryRoom, "the town's room type is the sanctuary");
    const { player } = session;
    const wounded = player.maxHp - 7;
    player.hp = wounded;
    await waitFor(() => player.hp > wounded, "healing");
    await waitFor(() => player.hp === player.maxHp, "healed to the maximum", 20_000);
    const other = await enterTown("Sanctuary_Bo");
    other.session.player.hp = 0;
    const ticks = server.clock.elapsedTime;
    await waitFor(() => server.clock.elapsedTime - ticks > 1000, "a second of ticks");
    assert.equal(other.session.player.hp, 0, "the dead do not regenerate");
  });
});
