/**
 * The fight's part of the HUD, in one place for main.ts: the own character's bars, the
 * target frame, the action bar, the inventory, the death screen and the toasts. Updated
 * once per frame from the zone's state mirror and the player's target (what changed is
 * written to the DOM), and told about cues (level up, pickup) as they happen.
 */
import { countItem, itemRule } from "@oatnut/shared";
import type { GameplayCue } from "../game/combatCues.ts";
import type { Cooldowns } from "../game/cooldowns.ts";
import type { PlayerActions } from "../game/playerActions.ts";
import type { WorldMirror } from "../game/worldMirror.ts";
import type { Action } from "../input/keyboard.ts";
import { ActionBar } from "./actionBar.ts";
import { DeathScreen } from "./deathScreen.ts";
import { InventoryPanel } from "./inventoryPanel.ts";
import { StatusPanel, TargetFrame } from "./statusPanel.ts";
import { Toasts } from "./toasts.ts";

export interface GameHudActions {
  /** What an action key does (the action bar's buttons do the same). */
  run(action: Action): void;
  useItem(item: string): void;
}

/** What the HUD reads each frame: the own numbers and bags from the state, the target from the actions. */
export interface HudSource {
  readonly world: Pick<WorldMirror, "status" | "inventory">;
  readonly actions: Pick<PlayerActions, "target">;
}

export class GameHud {
  private readonly status = new StatusPanel();
  private readonly target = new TargetFrame();
  private readonly actionBar: ActionBar;
  private readonly inventory: InventoryPanel;
  private readonly death = new DeathScreen();
  private readonly toasts = new Toasts();

  constructor(actions: GameHudActions) {
    this.actionBar = new ActionBar((action) => actions.run(action));
    this.inventory = new InventoryPanel((item) => actions.useItem(item));
  }

  /** Resets for a new play. */
  open(): void {
    this.status.reset();
    this.inventory.reset();
    this.toasts.clear();
    this.death.update(false, 0);
  }

  /** Per frame. */
  update(now: number, source: HudSource | null, cooldowns: Cooldowns): void {
    const status = source?.world.status() ?? null;
    this.status.update(status);
    this.target.update(source?.actions.target() ?? null);
    const slots = source?.world.inventory() ?? [];
    this.inventory.update(slots);
    this.actionBar.update(now, cooldowns, countItem(slots, "potion"));
    this.death.update(status?.dead ?? false, now);
  }

  cue(cue: GameplayCue): void {
    if (cue.type === "levelUp") this.toasts.showBanner(`Level up! You are now level ${cue.level}.`);
    else if (cue.type === "pickup") this.toasts.item(cue.item, `+${cue.count} ${itemRule(cue.item)?.name ?? cue.item}`);
  }

  hint(text: string): void {
    this.toasts.hint(text);
  }

  toggleInventory(): void {
    this.inventory.toggle();
  }

  get deathScreenShown(): boolean {
    return this.death.shown;
  }
}
