/**
 * Just enough of a browser window for the keyboard (input/keyboard.ts) in Node: key, blur
 * and visibility events with the time stamps a test chooses, and a clock it sets.
 */
import { Keyboard } from "../src/input/keyboard.ts";

export class FakeWindow extends EventTarget {
  /** The page's clock (`performance.now()`), ms. */
  now = 0;
  readonly document = Object.assign(new EventTarget(), { hidden: false });
  readonly performance = { now: () => this.now };

  /** A keyboard listening to this window, enabled as in a zone. */
  keyboard(): Keyboard {
    const keyboard = new Keyboard(this as unknown as Window);
    keyboard.setEnabled(true);
    return keyboard;
  }

  /** A key event by physical key (`code`), stamped `at` (default: now). */
  key(type: "keydown" | "keyup", code: string, at = this.now, init: { repeat?: boolean } = {}): Event {
    const event = new Event(type, { cancelable: true });
    Object.defineProperties(event, {
      code: { value: code },
      timeStamp: { value: at },
      repeat: { value: init.repeat ?? false },
    });
    this.dispatchEvent(event);
    return event;
  }

  /** The window loses focus at `at`. */
  blur(at = this.now): void {
    const event = new Event("blur");
    Object.defineProperty(event, "timeStamp", { value: at });
    this.dispatchEvent(event);
  }
}
