/** The in-game overlay: zone and character name, server notices, and the Leave button. */
import { byId, setText } from "./dom.ts";

/** How long a notice stays up. */
const NOTICE_MS = 6000;

export class Hud {
  private readonly zone = byId("hud-zone");
  private readonly name = byId("hud-name");
  private readonly noticeBox = byId("notice");
  private readonly leaveButton = byId<HTMLButtonElement>("leave-btn");
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(onLeave: () => void) {
    this.leaveButton.addEventListener("click", () => {
      this.leaveButton.disabled = true;
      onLeave();
    });
  }

  /** Resets the HUD for a new stay in a zone. */
  open(characterName: string): void {
    setText(this.zone, "");
    setText(this.name, characterName);
    this.clearNotice();
    this.leaveButton.disabled = false;
  }

  setZone(displayName: string): void {
    setText(this.zone, displayName);
  }

  setCharacter(name: string): void {
    setText(this.name, name);
  }

  /** Shows a notice; a sticky one stays until replaced or cleared. */
  notice(text: string, sticky = false): void {
    clearTimeout(this.noticeTimer);
    setText(this.noticeBox, text);
    this.noticeBox.hidden = false;
    if (!sticky) this.noticeTimer = setTimeout(() => this.clearNotice(), NOTICE_MS);
  }

  clearNotice(): void {
    clearTimeout(this.noticeTimer);
    setText(this.noticeBox, "");
    this.noticeBox.hidden = true;
  }
}
