/**
 * Where each character is live: character id → the room and session playing it. Kept in
 * Colyseus presence so that every process sees it. A character is live in at most one
 * room at a time; `play` consults this to take over an existing session.
 */
import type { Presence } from "@colyseus/core";

export interface LiveEntry {
  roomId: string;
  sessionId: string;
}

const KEY = "oatnut:live-characters";

export async function markLive(presence: Presence, characterId: string, entry: LiveEntry): Promise<void> {
  await presence.hset(KEY, characterId, JSON.stringify(entry));
}

export async function findLive(presence: Presence, characterId: string): Promise<LiveEntry | null> {
  const raw = await presence.hget(KEY, characterId);
  return raw ? (JSON.parse(raw) as LiveEntry) : null;
}

/** Clears the entry, unless another session has taken the character over meanwhile. */
export async function clearLive(presence: Presence, characterId: string, sessionId: string): Promise<void> {
  const current = await findLive(presence, characterId);
  if (current && current.sessionId === sessionId) await presence.hdel(KEY, characterId);
}

export async function forgetLive(presence: Presence, characterId: string): Promise<void> {
  await presence.hdel(KEY, characterId);
}
