/**
 * The inventory: what the own character carries (owner-only state), one row per slot
 * with the item's icon, name and count. Toggled with I or the bag button; a usable item
 * (a potion) is used by clicking it. Names come from the shared item rules and every
 * text is set with textContent.
 */
import { itemRule } from "@oatnut/shared";
import type { InventorySlot } from "../snapshot.ts";
import { itemIconUrl } from "../render/art.ts";
import { byId, make } from "./dom.ts";

export class InventoryPanel {
  private readonly panel = byId("inventory-panel");
  private readonly list = byId<HTMLUListElement>("inventory-list");
  private readonly empty = byId("inventory-empty");
  private shown = "";

  constructor(private readonly use: (item: string) => void) {}

  get open(): boolean {
    return !this.panel.hidden;
  }

  toggle(): void {
    this.panel.hidden = !this.panel.hidden;
  }

  close(): void {
    this.panel.hidden = true;
  }

  /** Shows `slots` (rebuilt only when they changed). */
  update(slots: readonly InventorySlot[]): void {
    const signature = slots.map((s) => `${s.item}:${s.count}`).join(",");
    if (signature === this.shown) return;
    this.shown = signature;
    this.empty.hidden = slots.length > 0;
    this.list.replaceChildren(...slots.map((slot) => this.row(slot)));
  }

  private row(slot: InventorySlot): HTMLLIElement {
    const rule = itemRule(slot.item);
    const item = make("li");
    item.dataset.item = slot.item;
    const icon = make("img", "item-icon");
    icon.alt = "";
    icon.src = itemIconUrl(slot.item);
    const name = make("span", "item-name", rule?.name ?? slot.item);
    const count = make("span", "item-count", `×${slot.count}`);
    if (rule?.heal !== undefined) {
      const button = make("button", "item-use");
      button.type = "button";
      button.title = `Use ${rule.name} (restores ${rule.heal} HP)`;
      button.addEventListener("mousedown", (event) => event.preventDefault());
      button.addEventListener("click", () => this.use(slot.item));
      button.append(icon, name, count);
      item.append(button);
    } else {
      item.append(icon, name, count);
    }
    return item;
  }

  /** Forgets what was shown (a new play). */
  reset(): void {
    this.shown = "";
    this.close();
  }
}
