/**
 * Sends the player's movement intent through the room's 0.18 input handle
 * (`room.input()`), one input per fixed server step (TICK_RATE).
 *
 * Sending policy (the documented choice): while a direction is held, exactly one input
 * goes out per fixed step; at the first step after the keys are released, one zero
 * input `{dx: 0, dy: 0}` goes out; after that nothing is sent until a key is pressed
 * again. Rationale:
 * - the server consumes one input per tick, so one per step keeps its buffer short (no
 *   added latency) and keeps the count of sent inputs equal to the count of simulated
 *   steps, which the reconciler will rely on (it steps once per `send()`);
 * - the explicit zero input stops the character even on a server that keeps applying the
 *   last input it received, and costs one tiny delta frame;
 * - an idle player sends almost nothing, which matters in a zone full of standing players:
 *   only a zero input now and then as a clock beacon (below).
 *
 * Clock beacon: the SDK's room clock (what remote interpolation renders against) only
 * corrects its server-time offset from input round trips. A client that never sends
 * keeps the offset of its first frame, which is late by however long that frame waited
 * (a busy page at join: hundreds of ms), and then draws others from the far end of its
 * sample buffer — stepping at the patch rate instead of interpolating. So the pump
 * sends one zero input per step for `CLOCK_WARMUP_MS` after it starts (and after
 * `warmUp()`, called on reconnect), then one every `CLOCK_BEACON_MS` while idle. A zero
 * input moves nothing on the server.
 * When every key is dropped at once (window blur, hidden tab), `stopNow()` sends the
 * zero input at once: a hidden tab gets no animation frames to send it later.
 *
 * Pacing is a fixed-step accumulator on the frame clock. When client prediction comes,
 * `predict.tick(now)` returns this very budget (steps due this frame) once a reconciler
 * exists; `sendSteps()` is the hook that takes it, and the reconciler observes each
 * `input.send()` by itself (`predict.reconciler(self, { input, step })`).
 */
import type { InputHandle } from "@colyseus/sdk";
import { TICK_RATE, type MoveIntent } from "@oatnut/shared";

/** The fields of the shared `MoveInput` schema this pump writes. */
export interface MoveInputData {
  dx: number;
  dy: number;
}

/** After a long frame hitch, send at most this many steps and drop the backlog. */
const MAX_STEPS_PER_FRAME = 3;

/** How long after start (or `warmUp()`) an idle client sends a zero input every step. */
export const CLOCK_WARMUP_MS = 2000;

/** After the warm-up, how often an idle client sends a zero input to keep its clock synced. */
export const CLOCK_BEACON_MS = 1000;

export class MovePump {
  private accumulator = 0;
  private lastFrame = -1;
  /** The last input sent had a direction: a zero input is still owed. */
  private moving = false;
  /** The previous frame sent nothing and owed nothing. */
  private idle = true;
  /** Frame time until which idle steps send zero inputs (clock warm-up); -1 = from the first frame. */
  private warmUntil = -1;
  /** Frame time of the last input sent (for the idle clock beacon). */
  private lastSent = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly input: InputHandle<MoveInputData>,
    private readonly readIntent: () => MoveIntent,
    private readonly stepMs = 1000 / TICK_RATE,
  ) {}

  /** Call once per animation frame with the frame timestamp (ms). */
  update(now: number): void {
    const elapsed = this.lastFrame < 0 ? 0 : Math.max(0, now - this.lastFrame);
    this.lastFrame = now;
    if (this.warmUntil < 0) this.warmUntil = now + CLOCK_WARMUP_MS;
    const intent = this.readIntent();
    if (!isMoving(intent) && !this.moving) {
      // Idle: keep one step "due", so the next key press is sent on its very frame.
      this.accumulator = this.stepMs;
      this.idle = true;
      const beaconDue = now < this.warmUntil ? this.stepMs : CLOCK_BEACON_MS;
      if (now - this.lastSent >= beaconDue) this.send(intent, now);
      return;
    }
    // The frame a key is pressed after idling sends exactly that one due step, however
    // long the frame was; time counts from then on.
    if (this.idle) this.idle = false;
    else this.accumulator += elapsed;
    let steps = Math.floor(this.accumulator / this.stepMs);
    if (steps > MAX_STEPS_PER_FRAME) {
      steps = MAX_STEPS_PER_FRAME;
      this.accumulator = 0;
    } else {
      this.accumulator -= steps * this.stepMs;
    }
    this.sendSteps(steps, intent, now);
  }

  /** Sends `steps` inputs carrying `intent` (stops after the owed zero input when idle). */
  sendSteps(steps: number, intent: MoveIntent = this.readIntent(), now = this.lastFrame): void {
    for (let i = 0; i < steps; i++) {
      if (!isMoving(intent) && !this.moving) return;
      this.send(intent, now);
    }
  }

  /** Sends a zero input every step for a while again (the clock was reset: reconnect). */
  warmUp(): void {
    this.warmUntil = -1;
  }

  /**
   * Forgets the frame clock after a pause in `update()` calls (input suspended during a
   * transfer), so the pause is not paid back with a burst of inputs.
   */
  resync(): void {
    this.lastFrame = -1;
    this.accumulator = this.stepMs;
  }

  /** Sends the zero input right away if the character was last told to move. */
  stopNow(): void {
    if (this.moving) this.send({ dx: 0, dy: 0 }, this.lastFrame);
  }

  private send(intent: MoveIntent, now: number): void {
    this.input.data.dx = intent.dx;
    this.input.data.dy = intent.dy;
    // `send()` returns 0 when the socket is not open (e.g. while reconnecting): keep the
    // zero input owed in that case so it goes out once the connection is back.
    if (this.input.send() !== 0) {
      this.moving = isMoving(intent);
      this.lastSent = now;
    }
  }
}

function isMoving(intent: MoveIntent): boolean {
  return intent.dx !== 0 || intent.dy !== 0;
}
