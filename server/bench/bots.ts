/**
 * Benchmark bots: real accounts and characters, placed where the benchmark says, each
 * joined to its zone with a real @colyseus/sdk client over WebSocket.
 */
import { Client, type Room } from "@colyseus/sdk";
import { ServerMessage } from "@oatnut/shared";
import { Character } from "../src/db/models.ts";
import { api, createCharacter, signUp, type TestGame } from "../test/helpers.ts";

/** Creates `count` characters named `<prefix>_<i>`, puts each at `place(i)` and plays it. */
export async function joinBots(
  game: TestGame,
  count: number,
  prefix: string,
  place: (i: number) => { x: number; y: number },
): Promise<Array<Room<any, any>>> {
  const rooms = [];
  for (let i = 0; i < count; i++) {
    const { token } = await signUp(game.baseUrl);
    const character = await createCharacter(game.baseUrl, token, `${prefix}_${i}`);
    await Character.updateOne({ _id: character.id }, { $set: place(i) });
    const res = await api(game.baseUrl, "POST", `/api/characters/${character.id}/play`, { token });
    const room = await new Client(game.baseUrl).consumeSeatReservation<any>(res.body);
    for (const type of Object.values(ServerMessage)) room.onMessage(type, () => {});
    rooms.push(room);
  }
  return rooms;
}
