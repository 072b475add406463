/**
 * The action bar: Strike (1 / Space), Firebolt (2), a healing potion with how many are
 * carried (Q) and the bag (I). Each slot shows its cooldown as a shade that drains;
 * clicking a slot does what its key does. The buttons never take the keyboard focus,
 * so Space keeps striking instead of pressing the last button clicked.
 */
import { Skill } from "@oatnut/shared";
import { ITEM_COOLDOWN_KEY, skillCooldownKey } from "../game/combatControls.ts";
import type { Cooldowns } from "../game/cooldowns.ts";
import type { Action } from "../input/keyboard.ts";
import { itemIconUrl } from "../render/art.ts";
import { byId, setText } from "./dom.ts";

interface Slot {
  button: HTMLButtonElement;
  shade: HTMLElement;
  cooldownKey: string | null;
}

export class ActionBar {
  private readonly slots: Slot[];
  private readonly potionCount = byId("potion-count");
  private shownPotions = -1;

  constructor(run: (action: Action) => void) {
    const slot = (id: string, action: Action, cooldownKey: string | null): Slot => {
      const button = byId<HTMLButtonElement>(id);
      button.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus off
      button.addEventListener("click", () => run(action));
      return { button, shade: button.querySelector<HTMLElement>(".action-cooldown") ?? button, cooldownKey };
    };
    this.slots = [
      slot("action-strike", "strike", skillCooldownKey(Skill.Melee)),
      slot("action-firebolt", "firebolt", skillCooldownKey(Skill.Bolt)),
      slot("action-potion", "potion", ITEM_COOLDOWN_KEY),
      slot("action-bag", "inventory", null),
    ];
    const icon = byId("action-potion").querySelector("img");
    if (icon) icon.src = itemIconUrl("potion");
  }

  /** Per frame: cooldown shades and the potion count. */
  update(now: number, cooldowns: Cooldowns, potions: number): void {
    for (const { shade, cooldownKey, button } of this.slots) {
      if (!cooldownKey) continue;
      const share = cooldowns.share(cooldownKey, now);
      const height = `${Math.round(share * 100)}%`;
      if (shade.style.height !== height) shade.style.height = height;
      button.classList.toggle("cooling", share > 0);
    }
    if (potions !== this.shownPotions) {
      this.shownPotions = potions;
      setText(this.potionCount, String(potions));
      byId("action-potion").classList.toggle("empty", potions === 0);
    }
  }
}
