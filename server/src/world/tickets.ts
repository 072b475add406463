/**
 * Entry tickets: the only way into a zone room. The server issues one per `play` (and,
 * later, per zone transfer) and hands its id to the room inside the seat reservation's
 * options; the room redeems it on join. Tickets live in Colyseus presence (memory in one
 * process, Redis across several) and are redeemed with an atomic pop, so each admits
 * exactly one join, for exactly the character and zone it names.
 */
import { generateId, type Presence } from "@colyseus/core";

export interface EntryTicket {
  accountId: string;
  characterId: string;
  zone: string;
}

/** Seconds a ticket stays valid; longer than a seat reservation lives. */
export const TICKET_TTL_SECONDS = 30;
const key = (id: string) => `oatnut:ticket:${id}`;

interface StoredTicket extends EntryTicket {
  expiresAt: number;
}

export async function issueTicket(presence: Presence, ticket: EntryTicket, now = Date.now()): Promise<string> {
  const id = generateId(24);
  const stored: StoredTicket = { ...ticket, expiresAt: now + TICKET_TTL_SECONDS * 1000 };
  await presence.rpush(key(id), JSON.stringify(stored));
  // Tickets nobody redeemed are dropped: Redis expires the key; the in-process presence
  // does not expire lists, so this process deletes it too. Validity itself is checked
  // with expiresAt, whatever the store.
  await presence.expire(key(id), TICKET_TTL_SECONDS);
  setTimeout(() => presence.del(key(id)), TICKET_TTL_SECONDS * 1000).unref();
  return id;
}

/** Returns the ticket and invalidates it, or `null` when it is unknown, used or expired. */
export async function redeemTicket(presence: Presence, id: unknown, now = Date.now()): Promise<EntryTicket | null> {
  if (typeof id !== "string" || id.length === 0 || id.length > 64) return null;
  const raw = await presence.lpop(key(id));
  if (!raw) return null;
  presence.del(key(id));
  const { expiresAt, ...ticket } = JSON.parse(raw) as StoredTicket;
  return expiresAt >= now ? ticket : null;
}

/**
 * Invalidates a ticket nobody redeemed yet.
 * @returns true when this call invalidated it; false when it was already redeemed (or gone)
 */
export async function cancelTicket(presence: Presence, id: string): Promise<boolean> {
  const raw = await presence.lpop(key(id));
  presence.del(key(id));
  return Boolean(raw);
}
