/**
 * Movement keys: WASD and the arrow keys, read by physical key (`KeyboardEvent.code`) so
 * WASD sits under the left hand on any layout. Action keys (attacks, potion, inventory)
 * are reported to `onAction` listeners as they are pressed. Keys pressed while typing in
 * a form field (the chat line) are ignored; every key is released when the window loses
 * focus or is hidden, so a character never keeps walking after alt-tab.
 *
 * When each direction was held: every change of the held direction is kept with the time
 * it happened (the key event's `timeStamp`, on the clock of `performance.now()` and of
 * animation frames), so the move pump can tell which direction was held at each fixed
 * step between two frames, however far apart the frames are: on a machine that draws
 * five frames a second, a key held for 1.5 s still walks 1.5 s of steps, and a tap
 * between two frames still takes its step (see movePump.ts and `MoveIntents`).
 */
import type { MoveIntent } from "@oatnut/shared";
import type { MoveIntents } from "../game/movePump.ts";

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

/** How many changes of direction are kept (the pump reads back a few frames at most). */
const HISTORY = 64;

const STILL: MoveIntent = Object.freeze({ dx: 0, dy: 0 });

function isTyping(target: EventTarget | null): boolean {
  if (typeof HTMLElement === "undefined" || !(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

function isMoving(intent: MoveIntent): boolean {
  return intent.dx !== 0 || intent.dy !== 0;
}

export class Keyboard implements MoveIntents {
  private readonly held = new Set<string>();
  /** Movement keys held when `ignoreHeldKeys()` was called: they count again once released. */
  private readonly ignored = new Set<string>();
  /** A direction held by other means than keys (the touch stick): see `setHeldDirection`. */
  private heldDirection: MoveIntent = { dx: 0, dy: 0 };
  private enabled = false;
  /** Changes of the held direction, oldest first, each with the time it happened. */
  private readonly changes: Array<{ at: number; intent: MoveIntent }> = [];
  /** The direction held before the oldest change kept. */
  private base: MoveIntent = STILL;
  private readonly releaseListeners = new Set<(at: number) => void>();
  private readonly actionListeners = new Set<(action: Action) => void>();

  constructor(private readonly target: Window = window) {
    target.addEventListener("keydown", this.onKeyDown);
    target.addEventListener("keyup", this.onKeyUp);
    target.addEventListener("blur", this.onBlur);
    target.document.addEventListener("visibilitychange", this.onVisibilityChange);
  }

  /** Movement keys count only while enabled (in a zone); disabling releases them. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    if (!enabled) this.releaseAll(this.now());
  }

  /** The held direction, each axis -1, 0 or 1 (opposite keys cancel out; keys win over `setHeldDirection`). */
  intent(): MoveIntent {
    const has = (keys: Set<string>) => [...keys].some((k) => this.held.has(k) && !this.ignored.has(k));
    const dx = (has(RIGHT) ? 1 : 0) - (has(LEFT) ? 1 : 0);
    const dy = (has(DOWN) ? 1 : 0) - (has(UP) ? 1 : 0);
    return dx === 0 && dy === 0 ? { ...this.heldDirection } : { dx, dy };
  }

  /**
   * Holds a direction as the movement keys would (the touch stick): each axis -1, 0 or 1;
   * (0, 0) lets go. Ignored while disabled; dropped with the keys (blur, hidden tab, disabling).
   */
  setHeldDirection(dx: number, dy: number): void {
    this.heldDirection = this.enabled ? { dx: Math.sign(dx), dy: Math.sign(dy) } : { dx: 0, dy: 0 };
    this.record(this.now());
  }

  /** The direction held at `time` (ms, the clock of key events and animation frames). */
  intentAt(time: number): MoveIntent {
    let intent = this.base;
    for (const change of this.changes) {
      if (change.at > time) break;
      intent = change.intent;
    }
    return intent;
  }

  /**
   * The first time at or after `time` when a direction was (or is) held, and that
   * direction — even if it was let go in the same instant; null if none was held since.
   */
  moveFrom(time: number): { at: number; intent: MoveIntent } | null {
    const held = this.intentAt(time);
    if (isMoving(held)) return { at: time, intent: held };
    for (const change of this.changes) {
      if (change.at > time && isMoving(change.intent)) return { at: change.at, intent: change.intent };
    }
    return null;
  }

  /**
   * The movement keys held now stop counting until each is released: after a failed
   * transfer, a key still held must not walk the character straight back into the portal.
   */
  ignoreHeldKeys(): void {
    for (const code of this.held) if (MOVEMENT_KEYS.has(code)) this.ignored.add(code);
    this.heldDirection = { dx: 0, dy: 0 };
    this.record(this.now());
  }

  /** Called, with the time it happened, whenever every key was dropped at once (blur, hidden tab, disabling). */
  onReleaseAll(listener: (at: number) => void): () => void {
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
    this.target.removeEventListener("blur", this.onBlur);
    this.target.document.removeEventListener("visibilitychange", this.onVisibilityChange);
    this.releaseListeners.clear();
    this.actionListeners.clear();
    this.held.clear();
    this.ignored.clear();
  }

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (!this.enabled) return;
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (MOVEMENT_KEYS.has(event.code)) {
      this.held.add(event.code);
      this.record(event.timeStamp);
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
    this.ignored.delete(event.code);
    this.record(event.timeStamp);
  };

  private readonly onVisibilityChange = (event: Event): void => {
    if (this.target.document.hidden) this.releaseAll(event.timeStamp);
  };

  private readonly onBlur = (event: Event): void => {
    this.releaseAll(event.timeStamp);
  };

  private releaseAll(at: number): void {
    const hadKeys = this.held.size > 0 || isMoving(this.heldDirection);
    this.held.clear();
    this.ignored.clear();
    this.heldDirection = { dx: 0, dy: 0 };
    this.record(at);
    if (hadKeys) for (const listener of this.releaseListeners) listener(this.latestChange());
  }

  /** Notes the direction held from `at` on, if it changed. */
  private record(at: number): void {
    const intent = this.intent();
    const last = this.changes.at(-1);
    const previous = last?.intent ?? this.base;
    if (intent.dx === previous.dx && intent.dy === previous.dy) return;
    // In order: a change is never noted before the one handled ahead of it.
    const time = Math.max(Number.isFinite(at) ? at : this.now(), last?.at ?? Number.NEGATIVE_INFINITY);
    this.changes.push({ at: time, intent });
    if (this.changes.length > HISTORY) this.base = this.changes.shift()!.intent;
  }

  /** When the latest change happened (now, when none was noted). */
  private latestChange(): number {
    return this.changes.at(-1)?.at ?? this.now();
  }

  private now(): number {
    return this.target.performance.now();
  }
}
