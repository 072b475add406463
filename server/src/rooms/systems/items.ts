/**
 * Item system: a player uses an item of its inventory (`ClientMessage.UseItem`: a potion
 * heals), by the shared rule `checkItemUse` — the one the client checks before asking.
 * A refused use is answered with a typed cue the client words.
 */
import { checkItemUse, ClientMessage, ITEM_COOLDOWN_MS, itemRule } from "@oatnut/shared";
import type { PlayerSession, ZoneContext, ZoneSystem } from "../context.ts";
import { removeFromInventory } from "../gameplay/inventory.ts";

export class ItemSystem implements ZoneSystem {
  /** Per player: zone time (ms) from which it may use an item again. */
  private readonly readyAt = new Map<string, number>();

  constructor(private readonly zone: ZoneContext) {
    zone.defineMessage(ClientMessage.UseItem, parseUseItem, (session, message) => this.use(session, message.item));
  }

  /** Uses one `item` of the player's inventory. */
  use(session: PlayerSession, item: string): void {
    const { player } = session;
    const check = checkItemUse(player, item, this.zone.now, this.readyAt.get(session.sessionId) ?? 0);
    if ("refused" in check) return this.zone.cues.to(session.sessionId, { type: "itemRefused", item, reason: check.refused });
    removeFromInventory(player.inventory, item, 1);
    this.readyAt.set(session.sessionId, this.zone.now + ITEM_COOLDOWN_MS);
    const healed = Math.min(check.rule.heal ?? 0, player.maxHp - player.hp);
    player.hp += healed;
    this.zone.cues.emit({ type: "heal", eid: player.eid, amount: healed }, [session.sessionId]);
    this.zone.saveSoon(session);
  }

  onPlayerLeave(session: PlayerSession): void {
    this.readyAt.delete(session.sessionId);
  }
}

function parseUseItem(raw: unknown): { item: string } | string {
  const item = (raw as { item?: unknown } | null)?.item;
  if (typeof item !== "string" || !itemRule(item)) return "item must be the id of a known item";
  return { item };
}
