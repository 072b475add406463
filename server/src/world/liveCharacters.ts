/**
 * Where each character is live: character id → the process, room and session playing it.
 * Kept in Colyseus presence so that every process sees it. A character is live in at most
 * one room at a time; `play` consults this to take over an existing session. An entry
 * whose process's lease has expired (cluster.ts: the process was killed) counts as gone
 * and is removed when read, so a killed process's players can play again at once.
 */
import type { Presence } from "@colyseus/core";
import { isProcessAlive } from "./cluster.ts";

export interface LiveEntry {
  roomId: string;
  sessionId: string;
  /** The process the room runs in (entries written before clusters had none). */
  processId?: string;
}

const KEY = "oatnut:live-characters";

export async function markLive(presence: Presence, characterId: string, entry: LiveEntry): Promise<void> {
  await presence.hset(KEY, characterId, JSON.stringify(entry));
}

/** The live entry of a character, or null when it is not live (or its process is gone). */
export async function findLive(presence: Presence, characterId: string): Promise<LiveEntry | null> {
  const raw = await presence.hget(KEY, characterId);
  if (!raw) return null;
  const entry = JSON.parse(raw) as LiveEntry;
  if (entry.processId && !(await isProcessAlive(presence, entry.processId))) {
    const now = await presence.hget(KEY, characterId);
    if (now === raw) await presence.hdel(KEY, characterId);
    return null;
  }
  return entry;
}

/** Clears the entry, unless another session has taken the character over meanwhile. */
export async function clearLive(presence: Presence, characterId: string, sessionId: string): Promise<void> {
  const raw = await presence.hget(KEY, characterId);
  if (raw && (JSON.parse(raw) as LiveEntry).sessionId === sessionId) await presence.hdel(KEY, characterId);
}

export async function forgetLive(presence: Presence, characterId: string): Promise<void> {
  await presence.hdel(KEY, characterId);
}
