/**
 * The own character's numbers (health, level, experience) under its name, and the
 * selected target's name and health at the top of the screen. Text only (textContent).
 */
import type { TargetStatus } from "../game/playerActions.ts";
import type { SelfStatus } from "../game/worldMirror.ts";
import { byId, setText } from "./dom.ts";

/** Sets a meter's fill (0..1) and text, touching the DOM only on change. */
function setMeter(fill: HTMLElement, label: HTMLElement, share: number, text: string): void {
  const width = `${Math.round(Math.max(0, Math.min(1, share)) * 1000) / 10}%`;
  if (fill.style.width !== width) fill.style.width = width;
  if (label.textContent !== text) setText(label, text);
}

export class StatusPanel {
  private readonly box = byId("status");
  private readonly hpFill = byId("hp-fill");
  private readonly hpText = byId("hp-text");
  private readonly xpFill = byId("xp-fill");
  private readonly xpText = byId("xp-text");
  private readonly level = byId("hud-level");

  update(status: SelfStatus | null): void {
    this.box.hidden = status === null;
    if (!status) return;
    const level = `Level ${status.level}`;
    if (this.level.textContent !== level) setText(this.level, level);
    const hpShare = status.maxHp > 0 ? status.hp / status.maxHp : 0;
    setMeter(this.hpFill, this.hpText, hpShare, `HP ${status.hp} / ${status.maxHp}`);
    this.hpFill.dataset.level = hpShare > 0.5 ? "high" : hpShare > 0.25 ? "mid" : "low";
    setMeter(this.xpFill, this.xpText, status.xpToNext > 0 ? status.xp / status.xpToNext : 0, `XP ${status.xp} / ${status.xpToNext}`);
  }

  /** Forgets what was shown (a new play). */
  reset(): void {
    setText(this.level, "");
    this.box.hidden = true;
  }
}

export class TargetFrame {
  private readonly box = byId("target-frame");
  private readonly name = byId("target-name");
  private readonly fill = byId("target-fill");
  private readonly text = byId("target-text");

  update(target: TargetStatus | null): void {
    this.box.hidden = target === null;
    if (!target) return;
    if (this.name.textContent !== target.name) setText(this.name, target.name);
    setMeter(this.fill, this.text, target.maxHp > 0 ? target.hp / target.maxHp : 0, `${target.hp} / ${target.maxHp}`);
  }
}
