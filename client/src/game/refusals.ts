/**
 * The words for every refusal of a player's action, in one place: a skill use, an item
 * use or a pick-up, whether the client's own pre-check refused it (playerActions.ts) or
 * the server did (its typed `refused`, `itemRefused` and `pickUpRefused` cues, see
 * combatCues.ts). The codes are the shared ones (shared/src/actions.ts, SkillRefusal in
 * shared/src/protocol.ts); each table is a complete `Record` of its codes, so a new code
 * without a sentence does not compile.
 */
import { itemRule, Skill, skillRule, type ItemRefusal, type PickUpRefusal, type SkillRefusal } from "@oatnut/shared";

/**
 * Why a skill use was refused: the server's codes, plus the one only the client's
 * pre-check has — no target selected and no enemy in reach to pick.
 */
export type SkillUseRefusal = SkillRefusal | "noTarget";

/** A refused action, with what its sentence names. */
export type Refusal =
  | { kind: "skill"; skill: number; reason: SkillUseRefusal }
  | { kind: "item"; item: string; reason: ItemRefusal }
  /** `owner`: whom the drop is kept for, when this client still sees it. */
  | { kind: "pickUp"; reason: PickUpRefusal; owner?: string };

/** What a skill refusal's sentence may name. */
export interface SkillWording {
  /** The skill's name ("Firebolt"). */
  skill: string;
  /** Whether it is a melee skill (out of range then means "walk closer"). */
  melee: boolean;
}

/** What an item refusal's sentence may name: the item's name ("Healing potion"). */
export interface ItemWording {
  item: string;
}

/** What a pick-up refusal's sentence may name: whom the drop is kept for, "" when unknown. */
export interface PickUpWording {
  owner: string;
}

export const SKILL_REFUSALS: Record<SkillUseRefusal, (wording: SkillWording) => string> = {
  skill: () => "This client asked for a skill the server does not know.",
  cooldown: ({ skill }) => `${skill} is not ready yet.`,
  range: ({ melee }) => (melee ? "Too far away: get closer." : "Out of range."),
  sight: () => "No line of sight.",
  target: () => "That cannot be attacked.",
  dead: () => "You are dead.",
  noTarget: ({ skill }) => `No enemy within reach of ${skill}.`,
};

export const ITEM_REFUSALS: Record<ItemRefusal, (wording: ItemWording) => string> = {
  unknown: ({ item }) => `This client asked for an item the server does not know (${item}).`,
  unusable: ({ item }) => `${item} cannot be used.`,
  dead: () => "You are dead.",
  none: ({ item }) => `You have no ${item.toLowerCase()}.`,
  fullHealth: () => "You are already at full health.",
  cooldown: () => "Not so fast.",
};

export const PICK_UP_REFUSALS: Record<PickUpRefusal, (wording: PickUpWording) => string> = {
  gone: () => "That is no longer there.",
  dead: () => "You are dead.",
  far: () => "Too far away to pick that up.",
  owned: ({ owner }) => `That belongs to ${owner || "someone else"} for now.`,
  full: () => "Your bags are full.",
};

/**
 * Skill refusals the player is not told. A cooldown refusal only means the server's
 * clock and this one differ by a moment: the client already shows the cooldown on the
 * action bar, and drops it on the refusal so a second press goes through.
 */
const UNTOLD_SKILL_REFUSALS: ReadonlySet<SkillUseRefusal> = new Set(["cooldown"]);

/** The sentence of any refusal, with its skill's or item's name; "" when it is not worth telling. */
export function refusalText(refusal: Refusal): string {
  switch (refusal.kind) {
    case "skill": {
      if (UNTOLD_SKILL_REFUSALS.has(refusal.reason)) return "";
      const rule = skillRule(refusal.skill);
      return say(SKILL_REFUSALS, refusal.reason, { skill: rule?.name ?? "That skill", melee: refusal.skill === Skill.Melee });
    }
    case "item":
      return say(ITEM_REFUSALS, refusal.reason, { item: itemRule(refusal.item)?.name ?? refusal.item });
    case "pickUp":
      return say(PICK_UP_REFUSALS, refusal.reason, { owner: refusal.owner ?? "" });
  }
}

/**
 * The code's sentence. Codes come off the wire: one this client does not know (a newer
 * server), or one named like an Object property, has none — nothing is said rather than
 * something wrong.
 */
function say<Code extends string, Wording>(table: Record<Code, (wording: Wording) => string>, code: Code, wording: Wording): string {
  return Object.hasOwn(table, code) ? table[code](wording) : "";
}
