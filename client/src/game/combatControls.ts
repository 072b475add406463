/**
 * The player's fight controls, from keys, clicks and the action bar to intents: Strike
 * (1 or Space) and Firebolt (2) on the selected target — or, with none, the nearest
 * living monster in range —, a click to select a target or pick up loot, Q to drink a
 * potion, I for the inventory, Escape to drop the target. Cooldowns are timed here
 * (shown by the action bar); the server judges every request. A refusal — by the
 * client's own check or by the server — is told to the player the same way, in the
 * words of refusals.ts.
 */
import { ITEM_COOLDOWN_MS, Skill, SKILLS } from "@oatnut/shared";
import type { Action } from "../input/keyboard.ts";
import type { GameplayCue } from "./combatCues.ts";
import { Cooldowns } from "./cooldowns.ts";
import type { ActionOutcome, PlayerActions } from "./playerActions.ts";
import { refusalText, type Refusal } from "./refusals.ts";

/** Cooldown key of a skill, and of item use (one shared cooldown for every item). */
export const skillCooldownKey = (skill: number) => `skill:${skill}`;
export const ITEM_COOLDOWN_KEY = "item";

export interface ControlsUi {
  /** A short hint (why an action could not be done). */
  hint(text: string): void;
  toggleInventory(): void;
}

export class CombatControls {
  readonly cooldowns = new Cooldowns();

  /** @param actions the player's actions in the zone shown, or null outside the game */
  constructor(
    private readonly actions: () => PlayerActions | null,
    private readonly ui: ControlsUi,
  ) {}

  /** An action key was pressed. */
  handle(action: Action): void {
    switch (action) {
      case "strike":
        this.attack(Skill.Melee);
        break;
      case "firebolt":
        this.attack(Skill.Bolt);
        break;
      case "potion":
        this.useItem("potion");
        break;
      case "inventory":
        this.ui.toggleInventory();
        break;
      case "clearTarget":
        this.actions()?.clearTarget();
        break;
    }
  }

  /** Uses a skill, unless its cooldown is still running. */
  attack(skill: Skill): void {
    const actions = this.actions();
    const now = performance.now();
    const key = skillCooldownKey(skill);
    if (!actions || !this.cooldowns.ready(key, now)) return;
    const outcome = actions.attack(skill);
    if (outcome.sent) this.cooldowns.start(key, SKILLS[skill].cooldownMs, now, true);
    else this.explain(outcome);
  }

  /** Uses one `item` from the inventory, unless items are on cooldown. */
  useItem(item: string): void {
    const actions = this.actions();
    const now = performance.now();
    if (!actions || !this.cooldowns.ready(ITEM_COOLDOWN_KEY, now)) return;
    const outcome = actions.useItem(item);
    if (outcome.sent) this.cooldowns.start(ITEM_COOLDOWN_KEY, ITEM_COOLDOWN_MS, now);
    else this.explain(outcome);
  }

  /** A click on the game view (CSS pixels from the canvas' top-left). */
  click(x: number, y: number): void {
    const outcome = this.actions()?.click(x, y);
    if (outcome) this.explain(outcome);
  }

  /**
   * A cue from the zone: a skill use the server carried out confirms its cooldown; an
   * action it refused drops its cooldown (nothing happened, so the player may try again
   * at once) and is told like a refusal of the client's own check.
   */
  cue(cue: GameplayCue): void {
    if (cue.type === "skillUsed") this.cooldowns.confirm(skillCooldownKey(cue.skill));
    if (cue.type !== "refused") return;
    const { refusal } = cue;
    if (refusal.kind === "skill") this.cooldowns.cancel(skillCooldownKey(refusal.skill));
    if (refusal.kind === "item") this.cooldowns.cancel(ITEM_COOLDOWN_KEY);
    this.tell(refusal);
  }

  private explain(outcome: ActionOutcome): void {
    if (!outcome.sent && outcome.refusal) this.tell(outcome.refusal);
  }

  private tell(refusal: Refusal): void {
    const text = refusalText(refusal);
    if (text) this.ui.hint(text);
  }
}
