/**
 * The chat box in the game: a log of zone chat and whispers, and a line to type in.
 * Enter opens the line (movement keys are ignored while typing), Enter sends, Escape
 * closes it. `/w Name message` whispers to a character wherever it is. Every line is
 * shown as text (textContent), never as HTML.
 */
import { CHAT_MAX_LENGTH, type ChatLine } from "@oatnut/shared";
import { byId } from "./dom.ts";

/** Lines kept in the log. */
const LOG_SIZE = 50;

export class ChatPanel {
  private readonly log = byId<HTMLUListElement>("chat-log");
  private readonly form = byId<HTMLFormElement>("chat-form");
  private readonly input = byId<HTMLInputElement>("chat-input");
  private active = false;

  /** @param send sends a line to the zone, or to `to` as a whisper */
  constructor(private readonly send: (text: string, to?: string) => void) {
    this.input.maxLength = CHAT_MAX_LENGTH;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    window.addEventListener("keydown", (event) => {
      if (!this.active) return;
      if (event.key === "Enter" && document.activeElement !== this.input) {
        event.preventDefault();
        this.input.focus();
      } else if (event.key === "Escape" && document.activeElement === this.input) {
        this.input.blur();
      }
    });
  }

  /** Shows the chat for a play; `false` hides it. */
  setActive(active: boolean): void {
    this.active = active;
    if (!active) {
      this.input.blur();
      this.input.value = "";
      this.log.replaceChildren();
    }
  }

  add(line: ChatLine): void {
    const item = document.createElement("li");
    item.className = line.channel;
    const who = document.createElement("span");
    who.className = "who";
    who.textContent =
      line.channel === "whisper"
        ? line.to && line.from !== line.to
          ? `${line.from} → ${line.to}: `
          : `${line.from} whispers: `
        : `${line.from}: `;
    const text = document.createElement("span");
    text.textContent = line.text;
    item.append(who, text);
    this.log.append(item);
    while (this.log.children.length > LOG_SIZE) this.log.firstElementChild?.remove();
    this.log.scrollTop = this.log.scrollHeight;
  }

  private submit(): void {
    const value = this.input.value.trim();
    this.input.value = "";
    this.input.blur();
    if (!value) return;
    const whisper = /^\/w(?:hisper)?\s+(\S+)\s+(.+)$/i.exec(value);
    if (whisper) this.send(whisper[2], whisper[1]);
    else this.send(value);
  }
}
