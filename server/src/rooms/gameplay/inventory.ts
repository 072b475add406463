/**
 * Inventory rules on a character's owner-only `inventory` (one `ItemStack` per slot):
 * stacking, capacity, removal. Pure over the schema array, so every change is a delta the
 * owner receives and a value the save path copies.
 */
import type { ArraySchema } from "@colyseus/schema";
import { INVENTORY_SLOTS, ItemStack, itemRule } from "@oatnut/shared";

/**
 * Puts up to `count` of `item` into the inventory: tops up existing stacks first, then
 * fills free slots.
 * @returns how many went in (less than `count` when the inventory is full)
 */
export function addToInventory(inventory: ArraySchema<ItemStack>, item: string, count: number): number {
  const rule = itemRule(item);
  if (!rule || count <= 0) return 0;
  let left = count;
  for (const stack of inventory) {
    if (left === 0) break;
    if (stack.item !== item || stack.count >= rule.stack) continue;
    const put = Math.min(left, rule.stack - stack.count);
    stack.count += put;
    left -= put;
  }
  while (left > 0 && inventory.length < INVENTORY_SLOTS) {
    const put = Math.min(left, rule.stack);
    const stack = new ItemStack();
    stack.item = item;
    stack.count = put;
    inventory.push(stack);
    left -= put;
  }
  return count - left;
}

/** Takes `count` of `item` out (from the last stacks first); false, and nothing taken, if there are fewer. */
export function removeFromInventory(inventory: ArraySchema<ItemStack>, item: string, count = 1): boolean {
  if (countOf(inventory, item) < count) return false;
  let left = count;
  for (let i = inventory.length - 1; i >= 0 && left > 0; i--) {
    const stack = inventory[i];
    if (stack.item !== item) continue;
    const take = Math.min(left, stack.count);
    stack.count -= take;
    left -= take;
    if (stack.count === 0) inventory.splice(i, 1);
  }
  return true;
}

export function countOf(inventory: ArraySchema<ItemStack>, item: string): number {
  let total = 0;
  for (const stack of inventory) if (stack.item === item) total += stack.count;
  return total;
}

/** Plain copy of the inventory, for saving. */
export function inventorySnapshot(inventory: ArraySchema<ItemStack>): Array<{ item: string; count: number }> {
  return inventory.map((stack) => ({ item: stack.item, count: stack.count }));
}

/**
 * Fills an inventory from saved stacks, keeping only known items with sane counts (a
 * hand-edited or outdated document cannot crash a room or overflow a slot).
 */
export function loadInventory(
  inventory: ArraySchema<ItemStack>,
  saved: ReadonlyArray<{ item?: unknown; count?: unknown }> | undefined,
): void {
  for (const entry of saved ?? []) {
    if (typeof entry.item !== "string" || typeof entry.count !== "number" || !Number.isInteger(entry.count) || entry.count <= 0) continue;
    addToInventory(inventory, entry.item, entry.count);
  }
}
