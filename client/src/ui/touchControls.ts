/**
 * Touch controls: on a touch screen the HUD switches to its touch layout (`#hud.touch`: a
 * movement stick under the left thumb, a larger action bar under the right one, the
 * touch wording of the controls hint and the chat line). The stick holds one of eight directions while
 * dragged — the same intents the movement keys give, handed to the keyboard's
 * `setHeldDirection`, so the move pump and the prediction see no difference — and lets go
 * when the finger lifts. The action bar's buttons are tapped like they are clicked.
 *
 * A touch screen is one whose main pointer is coarse (phones, tablets); a device that
 * reports a fine pointer switches too the first time it is touched.
 */
import { byId } from "./dom.ts";

/** How far the finger must move from the stick's centre before it counts (CSS pixels). */
const DEAD_ZONE = 12;
/** How far the knob follows the finger. */
const KNOB_TRAVEL = 38;
/** An axis counts when the drag leans at least this much along it (sin 22.5°: eight even sectors). */
const AXIS_SHARE = Math.sin(Math.PI / 8);
/** The chat line's placeholder on a touch screen (the keyboard's mentions Enter). */
const TOUCH_CHAT_PLACEHOLDER = "Tap to chat · /w Name to whisper";

export class TouchControls {
  private readonly hud = byId("hud");
  private readonly stick = byId("touch-stick");
  private readonly knob: HTMLElement;
  private readonly chatInput = byId<HTMLInputElement>("chat-input");
  private readonly keysPlaceholder = this.chatInput.placeholder;
  private pointerId: number | null = null;
  private on = false;
  private touched = false;

  /** @param setDirection holds a direction (each axis -1, 0 or 1) as the movement keys would; (0, 0) lets go */
  constructor(private readonly setDirection: (dx: number, dy: number) => void) {
    this.knob = this.stick.querySelector<HTMLElement>(".stick-knob") ?? this.stick;
    const coarse = window.matchMedia("(pointer: coarse)");
    this.setOn(coarse.matches);
    coarse.addEventListener("change", () => this.setOn(coarse.matches || this.touched));
    window.addEventListener(
      "pointerdown",
      (event) => {
        if (event.pointerType !== "touch") return;
        this.touched = true;
        this.setOn(true);
      },
      { capture: true, passive: true },
    );
    this.stick.addEventListener("pointerdown", (event) => {
      if (this.pointerId !== null) return;
      event.preventDefault();
      this.pointerId = event.pointerId;
      try {
        this.stick.setPointerCapture(event.pointerId); // keep the drag when the finger slides off the stick
      } catch {
        // A pointer the browser no longer tracks: the drag still works while over the stick.
      }
      this.stick.classList.add("held");
      this.drag(event);
    });
    this.stick.addEventListener("pointermove", (event) => {
      if (event.pointerId === this.pointerId) this.drag(event);
    });
    for (const type of ["pointerup", "pointercancel", "lostpointercapture"] as const) {
      this.stick.addEventListener(type, (event) => {
        if (event.pointerId === this.pointerId) this.release();
      });
    }
  }

  /** Whether the touch layout is on. */
  get enabled(): boolean {
    return this.on;
  }

  /** Lets go of the stick (the finger lifted, or the play ended). */
  release(): void {
    this.pointerId = null;
    this.stick.classList.remove("held");
    this.knob.style.transform = "";
    this.hold(0, 0);
  }

  private setOn(on: boolean): void {
    this.on = on;
    this.hud.classList.toggle("touch", on);
    this.chatInput.placeholder = on ? TOUCH_CHAT_PLACEHOLDER : this.keysPlaceholder;
  }

  private drag(event: PointerEvent): void {
    const rect = this.stick.getBoundingClientRect();
    const x = event.clientX - (rect.left + rect.width / 2);
    const y = event.clientY - (rect.top + rect.height / 2);
    const length = Math.hypot(x, y);
    const travel = length > KNOB_TRAVEL ? KNOB_TRAVEL / length : 1;
    this.knob.style.transform = `translate(${Math.round(x * travel)}px, ${Math.round(y * travel)}px)`;
    if (length < DEAD_ZONE) this.hold(0, 0);
    else this.hold(Math.abs(x) / length >= AXIS_SHARE ? Math.sign(x) : 0, Math.abs(y) / length >= AXIS_SHARE ? Math.sign(y) : 0);
  }

  /** Holds (dx, dy) — again on every move of the finger: the keyboard drops it on blur. */
  private hold(dx: number, dy: number): void {
    this.setDirection(dx, dy);
  }
}
