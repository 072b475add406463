/**
 * Movement keys: WASD and the arrow keys, read by physical key (`KeyboardEvent.code`) so
 * WASD sits under the left hand on any layout. Action keys (attacks, potion, inventory)
 * are reported to `onAction` listeners as they are pressed. Keys pressed while typing in
 * a form field (the chat line) are ignored; every key is released when the window loses
 * focus or is hidden, so a character never keeps walking after alt-tab.
 */
import type { MoveIntent } from "@oatnut/shared";

const LEFT = new Set(["KeyA", "ArrowLeft"]);
const RIGHT = new Set(["KeyD", "ArrowRight"]);
const UP = new Set(["KeyW", "ArrowUp"]);
const DOWN = new Set(["KeyS", "ArrowDown"]);
const MOVEMENT_KEYS = new Set([...LEFT, ...RIGHT, ...UP, ...DOWN]);

/** What an action key asks for. */
export type Action = "strike" | "firebolt" | "potion" | "inventory" | "clearTarget";

/** Action keys by physical key: 1 or Space strike, 2 casts a firebolt, Q drinks, I opens the bag. */
export const ACTION_KEYS: Readonly<Record<string, Action>> = {
  Digit1: "strike",
  Numpad1: "strike",
  Space: "strike",
  Digit2: "firebolt",
  Numpad2: "firebolt",
  KeyQ: "potion",
  KeyI: "inventory",
  Escape: "clearTarget",
};

/** Actions a held key repeats (attacks go out again as soon as their cooldown allows). */
const REPEATING: ReadonlySet<Action> = new Set(["strike", "firebolt"]);

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

export class Keyboard {
  private readonly held = new Set<string>();
  private enabled = false;
  private readonly releaseListeners = new Set<() => void>();
  private readonly actionListeners = new Set<(action: Action) => void>();

  constructor(private readonly target: Window = window) {
    target.addEventListener("keydown", this.onKeyDown);
    target.addEventListener("keyup", this.onKeyUp);
    target.addEventListener("blur", this.releaseAll);
    target.document.addEventListener("visibilitychange", this.onVisibilityChange);
  }

  /** Movement keys count only while enabled (in a zone); disabling releases them. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    if (!enabled) this.releaseAll();
  }

  /** The held direction, each axis -1, 0 or 1 (opposite keys cancel out). */
  intent(): MoveIntent {
    const has = (keys: Set<string>) => [...keys].some((k) => this.held.has(k));
    return {
      dx: (has(RIGHT) ? 1 : 0) - (has(LEFT) ? 1 : 0),
      dy: (has(DOWN) ? 1 : 0) - (has(UP) ? 1 : 0),
    };
  }

  /** Called whenever every key was dropped at once (blur, hidden tab, disabling). */
  onReleaseAll(listener: () => void): () => void {
    this.releaseListeners.add(listener);
    return () => this.releaseListeners.delete(listener);
  }

  /** Called with the action of each action key pressed while enabled (not while typing). */
  onAction(listener: (action: Action) => void): () => void {
    this.actionListeners.add(listener);
    return () => this.actionListeners.delete(listener);
  }

  dispose(): void {
    this.target.removeEventListener("keydown", this.onKeyDown);
    this.target.removeEventListener("keyup", this.onKeyUp);
    this.target.removeEventListener("blur", this.releaseAll);
    this.target.document.removeEventListener("visibilitychange", this.onVisibilityChange);
    this.releaseListeners.clear();
    this.actionListeners.clear();
    this.held.clear();
  }

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (!this.enabled) return;
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (MOVEMENT_KEYS.has(event.code)) {
      this.held.add(event.code);
      event.preventDefault(); // arrows must not scroll the page
      return;
    }
    const action = ACTION_KEYS[event.code];
    if (!action) return;
    event.preventDefault(); // Space must not scroll or press a focused button
    if (event.repeat && !REPEATING.has(action)) return;
    for (const listener of this.actionListeners) listener(action);
  };

  private readonly onKeyUp = (event: KeyboardEvent): void => {
    // Always honour releases, even from a form field, so no key stays stuck.
    this.held.delete(event.code);
  };

  private readonly onVisibilityChange = (): void => {
    if (this.target.document.hidden) this.releaseAll();
  };

  private readonly releaseAll = (): void => {
    const hadKeys = this.held.size > 0;
    this.held.clear();
    if (hadKeys) for (const listener of this.releaseListeners) listener();
  };
}
