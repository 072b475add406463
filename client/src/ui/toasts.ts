/**
 * Short messages over the game: pickups ("+1 Wolf pelt", with the item's icon) and hints
 * in a stack that fades on its own, and a large banner for a level up.
 */
import { itemIconUrl } from "../render/art.ts";
import { byId, make, setText } from "./dom.ts";

const TOAST_MS = 2600;
const HINT_MS = 1600;
const BANNER_MS = 2800;
const MAX_TOASTS = 5;

export class Toasts {
  private readonly stack = byId("toasts");
  private readonly banner = byId("banner");
  private bannerTimer: ReturnType<typeof setTimeout> | undefined;
  private lastHint = "";
  private lastHintAt = 0;

  /** A pickup: the item's icon and the text. */
  item(item: string, text: string): void {
    const icon = make("img", "item-icon");
    icon.alt = "";
    icon.src = itemIconUrl(item);
    this.add("pickup", TOAST_MS, icon, make("span", undefined, text));
  }

  /** A hint about an action that could not be done (repeats within a moment are dropped). */
  hint(text: string): void {
    const now = performance.now();
    if (text === this.lastHint && now - this.lastHintAt < HINT_MS) return;
    this.lastHint = text;
    this.lastHintAt = now;
    this.add("hint", HINT_MS, make("span", undefined, text));
  }

  /** A big message in the middle of the screen for a moment. */
  showBanner(text: string): void {
    clearTimeout(this.bannerTimer);
    setText(this.banner, text);
    this.banner.hidden = false;
    this.banner.classList.remove("pop");
    void this.banner.offsetWidth; // restart the animation
    this.banner.classList.add("pop");
    this.bannerTimer = setTimeout(() => {
      this.banner.hidden = true;
    }, BANNER_MS);
  }

  clear(): void {
    clearTimeout(this.bannerTimer);
    this.banner.hidden = true;
    this.stack.replaceChildren();
  }

  private add(kind: string, ms: number, ...content: HTMLElement[]): void {
    const toast = make("div", `toast ${kind}`);
    toast.append(...content);
    this.stack.append(toast);
    while (this.stack.children.length > MAX_TOASTS) this.stack.firstElementChild?.remove();
    setTimeout(() => toast.classList.add("fading"), ms - 400);
    setTimeout(() => toast.remove(), ms);
  }
}
