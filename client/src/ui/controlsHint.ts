/**
 * The controls hint: a short panel saying which keys (or, on a touch screen, which
 * controls) move, attack, pick up and chat, and that the arrows at the screen's edge lead
 * to portals. It opens by itself when a character enters the world until the player
 * dismisses it ("Got it"); the dismissal is remembered in this browser per character
 * (localStorage), so each new character is shown it once. The "?" button opens and closes
 * it at any time.
 */
import { byId } from "./dom.ts";

const STORAGE_PREFIX = "oatnut.controlsHintDismissed.";

export class ControlsHint {
  private readonly panel = byId("controls-hint");
  private readonly helpButton = byId<HTMLButtonElement>("help-btn");
  private characterId: string | null = null;

  constructor() {
    const close = byId<HTMLButtonElement>("controls-hint-close");
    for (const button of [close, this.helpButton]) {
      // Keep the keyboard focus off the buttons: Space must go on striking, not press them.
      button.addEventListener("mousedown", (event) => event.preventDefault());
    }
    close.addEventListener("click", () => this.dismiss());
    this.helpButton.addEventListener("click", () => (this.shown ? this.dismiss() : this.show(true)));
  }

  /** A character entered the world: shows the hint unless it was dismissed for this character. */
  open(characterId: string): void {
    this.characterId = characterId;
    this.show(!isDismissed(characterId));
  }

  /** The play is over: hides the hint. */
  close(): void {
    this.characterId = null;
    this.show(false);
  }

  get shown(): boolean {
    return !this.panel.hidden;
  }

  /** Hides the hint and remembers, for this character, not to open it by itself again. */
  dismiss(): void {
    if (this.characterId) remember(this.characterId);
    this.show(false);
  }

  private show(shown: boolean): void {
    this.panel.hidden = !shown;
    this.helpButton.setAttribute("aria-expanded", String(shown));
  }
}

function isDismissed(characterId: string): boolean {
  try {
    return localStorage.getItem(STORAGE_PREFIX + characterId) !== null;
  } catch {
    return false; // storage unavailable (a private window's policy): show it
  }
}

function remember(characterId: string): void {
  try {
    localStorage.setItem(STORAGE_PREFIX + characterId, "1");
  } catch {
    // Not remembered: it opens again on the next entry, which is harmless.
  }
}
