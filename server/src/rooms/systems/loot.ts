/**
 * Loot system: items on the ground. A monster's drops belong to its killer for
 * `LOOT_OWNER_SECONDS` (only that character may take them), then to anyone; unclaimed
 * drops vanish after `LOOT_LIFETIME_SECONDS`. A living character picks up every drop it
 * may take by walking over it (within `PICKUP_RADIUS`), or by asking for one within
 * `PICKUP_REACH` (`ClientMessage.PickUp`, a click).
 *
 * No duplication: a pick-up happens inside the room's single tick (or message handler),
 * removes the drop from the world in the same step that adds it to the inventory, and
 * asks for a prompt save of the character — there is one copy of an item, either on the
 * ground or in one inventory. What does not fit stays on the ground.
 */
import {
  checkPickUp,
  ClientMessage,
  isWalkable,
  LOOT_LIFETIME_SECONDS,
  LOOT_OWNER_SECONDS,
  LootDrop,
  PICKUP_RADIUS,
  PICKUP_REACH,
  type LootRule,
  type PickUpRefusal,
  type Position,
} from "@oatnut/shared";
import type { PlayerSession, ZoneContext, ZoneSystem } from "../context.ts";
import { addToInventory } from "../gameplay/inventory.ts";

interface Drop {
  drop: LootDrop;
  /** Room time (ms) when the owner's exclusivity ends. */
  ownerUntil: number;
  /** Room time (ms) when it disappears. */
  expiresAt: number;
}

/** The interest key of a drop. */
export function lootKey(drop: LootDrop): string {
  return `l:${drop.id}`;
}

/** Drops from one kill are spread around the body on this radius, so each can be clicked. */
const SPREAD = 12;

export class LootSystem implements ZoneSystem {
  private readonly drops = new Map<number, Drop>();
  private nextId = 1;

  constructor(private readonly zone: ZoneContext) {
    zone.defineMessage(ClientMessage.PickUp, parsePickUp, (session, message) => {
      const refused = this.pickUp(session, message.id);
      if (refused) zone.cues.to(session.sessionId, { type: "pickUpRefused", id: message.id, reason: refused });
    });
  }

  get count(): number {
    return this.drops.size;
  }

  /** Rolls a monster's loot table and drops what comes out around `at`, owned by `owner` (a name). */
  dropFrom(table: { loot: readonly LootRule[] }, at: Position, owner: string): void {
    let index = 0;
    for (const rule of table.loot) {
      if (this.zone.random() >= rule.chance) continue;
      const count = rule.min + Math.floor(this.zone.random() * (rule.max - rule.min + 1));
      const angle = index++ * 2.4;
      const spot = { x: at.x + Math.cos(angle) * SPREAD, y: at.y + Math.sin(angle) * SPREAD };
      this.place(rule.item, count, isWalkable(spot, this.zone.map) ? spot : at, owner);
    }
  }

  /** Puts `count` of `item` on the ground. `owner` (a character name, or "") may take it first. */
  place(item: string, count: number, at: Position, owner: string): LootDrop {
    const drop = new LootDrop();
    drop.id = this.nextId++;
    drop.item = item;
    drop.count = count;
    drop.x = Math.fround(at.x);
    drop.y = Math.fround(at.y);
    drop.owner = owner;
    const now = this.zone.now;
    this.drops.set(drop.id, {
      drop,
      ownerUntil: owner ? now + LOOT_OWNER_SECONDS * 1000 : now,
      expiresAt: now + LOOT_LIFETIME_SECONDS * 1000,
    });
    this.zone.state.loot.set(String(drop.id), drop);
    this.zone.interest.add(lootKey(drop), drop);
    return drop;
  }

  /** Every tick: ownership and lifetime run out; living characters take what they walk over. */
  update(): void {
    const now = this.zone.now;
    for (const entry of this.drops.values()) {
      if (now >= entry.expiresAt) this.remove(entry);
      else if (entry.drop.owner && now >= entry.ownerUntil) entry.drop.owner = "";
    }
    if (this.drops.size === 0) return;
    for (const session of this.zone.players.values()) {
      const { player } = session;
      if (player.hp <= 0) continue;
      for (const entry of this.drops.values()) {
        if (checkPickUp(player, entry.drop, PICKUP_RADIUS) === null) this.take(session, entry);
      }
    }
  }

  /**
   * A character asks for the drop `id` (a click).
   * @returns what was refused, or null when it was picked up (or partly, when the bag filled)
   */
  pickUp(session: PlayerSession, id: number): PickUpRefusal | null {
    const entry = this.drops.get(id);
    const refused = checkPickUp(session.player, entry?.drop, PICKUP_REACH);
    if (refused) return refused;
    return this.take(session, entry!) > 0 ? null : "full";
  }

  /** Moves as much of the drop as fits into the inventory; returns how many moved. */
  private take(session: PlayerSession, entry: Drop): number {
    const { drop } = entry;
    const added = addToInventory(session.player.inventory, drop.item, drop.count);
    if (added === 0) return 0;
    if (added === drop.count) this.remove(entry);
    else drop.count -= added;
    this.zone.cues.to(session.sessionId, { type: "pickup", eid: session.player.eid, item: drop.item, count: added });
    this.zone.saveSoon(session);
    return added;
  }

  private remove(entry: Drop): void {
    this.drops.delete(entry.drop.id);
    this.zone.interest.remove(lootKey(entry.drop));
    this.zone.state.loot.delete(String(entry.drop.id));
  }
}

function parsePickUp(raw: unknown): { id: number } | string {
  const id = (raw as { id?: unknown } | null)?.id;
  if (typeof id !== "number" || !Number.isInteger(id) || id <= 0) return "id must be a positive integer";
  return { id };
}
