/**
 * The player's fight controls, from keys, clicks and the action bar to intents: Strike
 * (1 or Space) and Firebolt (2) on the selected target — or, with none, the nearest
 * living monster in range —, a click to select a target or pick up loot, Q to drink a
 * potion, I for the inventory, Escape to drop the target. Cooldowns are timed here
 * (shown by the action bar); the server judges every request.
 */
import { ITEM_COOLDOWN_MS, Skill, SKILLS, type SkillRefusal } from "@oatnut/shared";
import type { Action } from "../input/keyboard.ts";
import { Cooldowns } from "./cooldowns.ts";
import type { ActionOutcome, GameplayCue, WorldBindings } from "./worldBindings.ts";

/** Cooldown key of a skill, and of item use (one shared cooldown for every item). */
export const skillCooldownKey = (skill: number) => `skill:${skill}`;
export const ITEM_COOLDOWN_KEY = "item";

/** What the player reads when the server refused a skill use ("" = nothing worth saying). */
const REFUSALS: Record<SkillRefusal, string> = {
  skill: "This client asked for a skill the server does not know.",
  cooldown: "",
  range: "Out of range.",
  sight: "No line of sight.",
  target: "That cannot be attacked.",
  dead: "You are dead.",
};

export interface ControlsUi {
  /** A short hint (why an action could not be done). */
  hint(text: string): void;
  toggleInventory(): void;
}

export class CombatControls {
  readonly cooldowns = new Cooldowns();

  /** @param gameplay the fight of the zone shown, or null outside the game */
  constructor(private readonly gameplay: () => WorldBindings | null, private readonly ui: ControlsUi) {}

  /** An action key was pressed. */
  handle(action: Action): void {
    switch (action) {
      case "strike": this.attack(Skill.Melee); break;
      case "firebolt": this.attack(Skill.Bolt); break;
      case "potion": this.useItem("potion"); break;
      case "inventory": this.ui.toggleInventory(); break;
      case "clearTarget": this.gameplay()?.clearTarget(); break;
    }
  }

  /** Uses a skill, unless its cooldown is still running. */
  attack(skill: Skill): void {
    const gameplay = this.gameplay();
    const now = performance.now();
    const key = skillCooldownKey(skill);
    if (!gameplay || !this.cooldowns.ready(key, now)) return;
    const outcome = gameplay.attack(skill);
    if (outcome.sent) this.cooldowns.start(key, SKILLS[skill].cooldownMs, now, true);
    else this.explain(outcome);
  }

  /** Uses one `item` from the inventory, unless items are on cooldown. */
  useItem(item: string): void {
    const gameplay = this.gameplay();
    const now = performance.now();
    if (!gameplay || !this.cooldowns.ready(ITEM_COOLDOWN_KEY, now)) return;
    const outcome = gameplay.useItem(item);
    if (outcome.sent) this.cooldowns.start(ITEM_COOLDOWN_KEY, ITEM_COOLDOWN_MS, now);
    else this.explain(outcome);
  }

  /** A click on the game view (CSS pixels from the canvas' top-left). */
  click(x: number, y: number): void {
    const outcome = this.gameplay()?.click(x, y);
    if (outcome) this.explain(outcome);
  }

  /**
   * A cue from the zone: a skill use the server carried out confirms its cooldown; one
   * it refused drops it (the player may try again at once) and says why.
   */
  cue(cue: GameplayCue): void {
    if (cue.type === "skillUsed") this.cooldowns.confirm(skillCooldownKey(cue.skill));
    if (cue.type === "refused") {
      this.cooldowns.cancel(skillCooldownKey(cue.skill));
      const reason = REFUSALS[cue.reason] ?? "";
      if (reason) this.ui.hint(reason);
    }
  }

  private explain(outcome: ActionOutcome): void {
    if (!outcome.sent && outcome.reason) this.ui.hint(outcome.reason);
  }
}
