/**
 * The characters HTTP API. Every call goes through `client.http`, which adds the auth
 * token and throws a `ServerError` carrying the API's `{ error }` message on a non-2xx
 * answer.
 */
import type { SeatReservation } from "@colyseus/sdk";
import type { CharacterSummary } from "@oatnut/shared";
import { client } from "./client.ts";

const BASE = "/api/characters";

function characterPath(id: string, suffix = ""): string {
  return `${BASE}/${encodeURIComponent(id)}${suffix}`;
}

export async function listCharacters(): Promise<CharacterSummary[]> {
  const { data } = await client.http.get(BASE);
  if (!Array.isArray(data)) throw new Error("The server sent an unexpected character list.");
  return data as CharacterSummary[];
}

export async function createCharacter(name: string): Promise<CharacterSummary> {
  const { data } = await client.http.post(BASE, { body: { name } });
  return data as CharacterSummary;
}

export async function deleteCharacter(id: string): Promise<void> {
  await client.http.delete(characterPath(id));
}

/** Asks to enter the world with a character; the server picks the zone and reserves a seat. */
export async function playCharacter(id: string): Promise<SeatReservation> {
  const { data } = await client.http.post(characterPath(id, "/play"));
  const reservation = data as Partial<SeatReservation> | null;
  if (!reservation || typeof reservation.roomId !== "string" || typeof reservation.sessionId !== "string") {
    throw new Error("The server sent an unexpected seat reservation.");
  }
  return reservation as SeatReservation;
}
