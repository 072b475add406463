/**
 * The death screen: while the own character is dead (hp 0), "You died", the seconds
 * until it comes back at the zone's spawn (PLAYER_RESPAWN_SECONDS, counted from the
 * moment it died) and what death costs. It goes away when the character lives again.
 */
import { DEATH_XP_PENALTY, PLAYER_RESPAWN_SECONDS, RESPAWN_HP_SHARE } from "@oatnut/shared";
import { byId, setText } from "./dom.ts";

export class DeathScreen {
  private readonly screen = byId("death-screen");
  private readonly countdown = byId("death-countdown");
  private readonly penalty = byId("death-penalty");
  private diedAt: number | null = null;

  constructor() {
    setText(
      this.penalty,
      `Death costs ${Math.round(DEATH_XP_PENALTY * 100)}% of the experience earned in this level (never a level). ` +
        `You come back with ${Math.round(RESPAWN_HP_SHARE * 100)}% health.`,
    );
  }

  get shown(): boolean {
    return !this.screen.hidden;
  }

  /** Per frame with whether the own character is dead. */
  update(dead: boolean, now: number): void {
    if (!dead) {
      if (this.diedAt !== null) {
        this.diedAt = null;
        this.screen.hidden = true;
      }
      return;
    }
    if (this.diedAt === null) {
      this.diedAt = now;
      this.screen.hidden = false;
    }
    const left = Math.ceil(PLAYER_RESPAWN_SECONDS - (now - this.diedAt) / 1000);
    const text = left > 0 ? `You come back at the zone's spawn in ${left}…` : "Coming back…";
    if (this.countdown.textContent !== text) setText(this.countdown, text);
  }
}
