/**
 * The rules of a player's actions, written once: the server applies them (authoritative)
 * and the client checks them before asking (to answer at once, and to word a refusal).
 * Refusals are typed codes; the client words them (client/src/game/refusals.ts).
 */
import { MONSTERS, PICKUP_REACH, distance, itemRule, monsterRule, type ItemRule, type MonsterRule } from "./rules.ts";

/** How many of `item` a set of stacks holds. */
export function countItem(stacks: Iterable<{ item: string; count: number }>, item: string): number {
  let total = 0;
  for (const stack of stacks) if (stack.item === item) total += stack.count;
  return total;
}

/** Why an item use is refused. */
export type ItemRefusal =
  /** Not an item the game knows. */
  | "unknown"
  /** An item that does nothing when used (a pelt). */
  | "unusable"
  | "dead"
  /** None of it in the inventory. */
  | "none"
  /** A healing item at full health. */
  | "fullHealth"
  /** Used again before ITEM_COOLDOWN_MS passed. */
  | "cooldown";

/** Who uses an item: its health, what it carries, when it may use an item again. */
export interface ItemUser {
  hp: number;
  maxHp: number;
  inventory: Iterable<{ item: string; count: number }>;
}

/**
 * Checks one use of `item`.
 * @param readyAt the time (ms, the caller's clock) from which the user may use an item again
 * @returns the refusal, or the item's rule when it may be used
 */
export function checkItemUse(user: ItemUser, item: string, now = 0, readyAt = 0): { refused: ItemRefusal } | { rule: ItemRule } {
  const rule = itemRule(item);
  if (!rule) return { refused: "unknown" };
  if (rule.heal === undefined) return { refused: "unusable" };
  if (user.hp <= 0) return { refused: "dead" };
  if (countItem(user.inventory, item) <= 0) return { refused: "none" };
  if (now < readyAt) return { refused: "cooldown" };
  if (user.hp >= user.maxHp) return { refused: "fullHealth" };
  return { rule };
}

/** Why a pick-up is refused. */
export type PickUpRefusal =
  /** The drop is no longer there. */
  | "gone"
  | "dead"
  /** Farther than PICKUP_REACH (a click) or PICKUP_RADIUS (walking over it). */
  | "far"
  /** Its killer's alone for now (LOOT_OWNER_SECONDS). */
  | "owned"
  /** No room in the inventory. */
  | "full";

/** A drop on the ground, as both sides see it (`owner` "" = anyone's). */
export interface DropLike {
  x: number;
  y: number;
  owner: string;
}

/** Whether the character `name` may take `drop` (its own, or no one's any more). */
export function mayTakeDrop(name: string, drop: DropLike): boolean {
  return drop.owner === "" || drop.owner === name;
}

/**
 * Checks a pick-up by `who` of `drop` within `reach` (PICKUP_REACH for a click). Whether
 * it fits in the bags is for the inventory to say.
 */
export function checkPickUp(
  who: { name: string; hp: number; x: number; y: number },
  drop: DropLike | undefined,
  reach = PICKUP_REACH,
): PickUpRefusal | null {
  if (!drop) return "gone";
  if (who.hp <= 0) return "dead";
  if (distance(who, drop) > reach) return "far";
  if (!mayTakeDrop(who.name, drop)) return "owned";
  return null;
}

/** How monsters of an area behave (the `behaviour` property). */
export type MonsterBehaviour = "aggressive" | "defensive" | "passive";
const BEHAVIOURS: readonly MonsterBehaviour[] = ["aggressive", "defensive", "passive"];
/** Most monsters one area may hold. */
export const MAX_MONSTERS_PER_AREA = 100;

/** A monsterArea's Tiled properties, read and checked. */
export interface MonsterAreaSettings {
  rule: MonsterRule;
  count: number;
  behaviour: MonsterBehaviour;
  wander: boolean;
}

/**
 * Reads a monsterArea's properties (`monster`, `count`, `behaviour`, `wander`; see
 * docs/designing-zones.md): the settings the monster system runs, or every problem
 * (`zones:check` reports them, and refuses the world).
 */
export function readMonsterArea(properties: Record<string, unknown>): { settings: MonsterAreaSettings } | { problems: string[] } {
  const { monster, count, behaviour, wander } = properties;
  const problems: string[] = [];
  const rule = typeof monster === "string" ? monsterRule(monster) : undefined;
  if (!rule) problems.push(`monster "${String(monster)}" is not a known kind (known: ${Object.keys(MONSTERS).join(", ")})`);
  if (count !== undefined && !(typeof count === "number" && Number.isInteger(count) && count >= 1 && count <= MAX_MONSTERS_PER_AREA)) {
    problems.push(`count must be a whole number from 1 to ${MAX_MONSTERS_PER_AREA}, not ${JSON.stringify(count)}`);
  }
  if (behaviour !== undefined && !BEHAVIOURS.includes(behaviour as MonsterBehaviour)) {
    problems.push(`behaviour must be aggressive, defensive or passive, not ${JSON.stringify(behaviour)}`);
  }
  if (wander !== undefined && typeof wander !== "boolean") problems.push(`wander must be true or false, not ${JSON.stringify(wander)}`);
  if (problems.length > 0 || !rule) return { problems };
  return {
    settings: {
      rule,
      count: (count as number | undefined) ?? 1,
      behaviour: (behaviour as MonsterBehaviour | undefined) ?? "aggressive",
      wander: (wander as boolean | undefined) ?? true,
    },
  };
}
