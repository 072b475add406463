/**
 * A player of the test server through a real @colyseus/sdk client: signs up, creates a
 * character, asks to play it and joins the zone room it is given.
 */
import assert from "node:assert/strict";
import { Client, type Room } from "@colyseus/sdk";
import type { ZoneState } from "@oatnut/shared";
import { api, createCharacter, signUp, waitFor, type TestGame } from "../../server/test/helpers.ts";

/** Joins `game` as a new character named `name`; resolves once the own character is in the state. */
export async function enterAsNewCharacter(game: TestGame, name: string): Promise<Room<any, ZoneState>> {
  const { token } = await signUp(game.baseUrl);
  const character = await createCharacter(game.baseUrl, token, name);
  const play = await api(game.baseUrl, "POST", `/api/characters/${character.id}/play`, { token });
  assert.equal(play.status, 200, JSON.stringify(play.body));
  const room = await new Client(game.baseUrl).consumeSeatReservation<ZoneState>(play.body);
  await waitFor(() => room.state.players?.get(room.sessionId), "the own character in the state");
  return room;
}
