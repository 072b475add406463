/**
 * Sends the player's movement intent through the room's 0.18 input handle
 * (`room.input()`), one input per fixed server step (TICK_RATE), paced by the
 * prediction driver: `predict.tick(now)` returns how many fixed steps are due this
 * frame, and `update(now, dueSteps)` spends them. The own character's reconciler
 * observes every `input.send()` and predicts it at once (see prediction.ts), so the
 * count of inputs sent is the count of steps simulated on both sides.
 *
 * Sending policy (the documented choice): while a direction is held, one input goes out
 * per due step; at the first due step after the keys are released, one zero input
 * `{dx: 0, dy: 0}` goes out; after that nothing is sent until a key is pressed again.
 * Rationale:
 * - the server consumes one input per tick, so one per step keeps its buffer short (no
 *   added latency) and its acknowledgements in step with the prediction;
 * - the explicit zero input stops the character even on a server that keeps applying the
 *   last input it received, and costs one tiny delta frame;
 * - an idle player sends almost nothing, which matters in a zone full of standing players:
 *   only a zero input now and then as a clock beacon (below).
 * The frame a key is pressed after idling sends exactly one input at once, whatever the
 * budget says: the predicted character starts moving on that very frame instead of up to
 * a step later, and a one-frame tap is exactly one step. Budget steps due meanwhile (the
 * driver keeps counting while the player stands still) are not owed.
 *
 * Clock beacon: the SDK's room clock (what remote interpolation renders against) only
 * corrects its server-time offset from input round trips. A client that never sends
 * keeps the offset of its first frame, which is late by however long that frame waited
 * (a busy page at join: hundreds of ms), and then draws others from the far end of its
 * sample buffer — stepping at the patch rate instead of interpolating. So the pump
 * sends one zero input per due step for `CLOCK_WARMUP_MS` after it starts (and after
 * `warmUp()`, called on reconnect), then one every `CLOCK_BEACON_MS` while idle. A zero
 * input moves nothing, on the server or in the prediction.
 * When every key is dropped at once (window blur, hidden tab), `stopNow()` sends the
 * zero input at once: a hidden tab gets no animation frames to send it later.
 */
import type { InputHandle } from "@colyseus/sdk";
import type { MoveIntent } from "@oatnut/shared";

/** The fields of the shared `MoveInput` schema this pump writes. */
export interface MoveInputData {
  dx: number;
  dy: number;
  skill: number;
  target: number;
}

/**
 * After a long frame hitch, send at most this many steps (the driver has already dropped
 * its own backlog beyond five): a burst would only make the server's buffer, and so its
 * view of this player, lag further behind.
 */
const MAX_STEPS_PER_FRAME = 3;

/** How long after start (or `warmUp()`) an idle client sends a zero input every step. */
export const CLOCK_WARMUP_MS = 2000;

/** After the warm-up, how often an idle client sends a zero input to keep its clock synced. */
export const CLOCK_BEACON_MS = 1000;

export class MovePump {
  /** The last input sent had a direction: a zero input is still owed. */
  private moving = false;
  /** The previous frame sent nothing and owed nothing. */
  private idle = true;
  /** Frame time until which idle steps send zero inputs (clock warm-up); -1 = from the next frame. */
  private warmUntil = -1;
  /** Frame time of the last input sent (for the idle clock beacon). */
  private lastSent = Number.NEGATIVE_INFINITY;
  /** Frame time of the last `update()`. */
  private lastFrame = 0;
  /** A skill use waiting for the next input to carry it. */
  private pendingSkill: { skill: number; target: number } | null = null;

  constructor(
    private readonly input: InputHandle<MoveInputData>,
    private readonly readIntent: () => MoveIntent,
  ) {}

  /**
   * Call once per animation frame, after `predict.tick(now)` and before reading rendered
   * positions, with the frame timestamp (ms) and the steps `tick` said are due.
   */
  update(now: number, dueSteps: number): void {
    this.lastFrame = now;
    if (this.warmUntil < 0) this.warmUntil = now + CLOCK_WARMUP_MS;
    const intent = this.readIntent();
    if (!isMoving(intent) && !this.moving) {
      this.idle = true;
      const beacon = now < this.warmUntil ? dueSteps > 0 : now - this.lastSent >= CLOCK_BEACON_MS;
      // A queued skill goes out on this very frame; it also serves as a beacon.
      if (this.pendingSkill || beacon) this.send(intent, now);
      return;
    }
    const steps = this.idle ? 1 : Math.min(dueSteps, MAX_STEPS_PER_FRAME);
    this.idle = false;
    for (let i = 0; i < steps && (isMoving(intent) || this.moving); i++) this.send(intent, now);
  }

  /**
   * Asks for a skill use on the entity `target`: the next input sent carries it (at the
   * next due step, or this frame when idle), exactly once.
   */
  queueSkill(skill: number, target: number): void {
    this.pendingSkill = { skill, target };
  }

  /** Sends a zero input every step for a while again (the clock was reset: reconnect). */
  warmUp(): void {
    this.warmUntil = -1;
  }

  /** Sends the zero input right away if the character was last told to move. */
  stopNow(): void {
    if (this.moving) this.send({ dx: 0, dy: 0 }, this.lastFrame);
  }

  private send(intent: MoveIntent, now: number): void {
    const data = this.input.data;
    data.dx = intent.dx;
    data.dy = intent.dy;
    data.skill = this.pendingSkill?.skill ?? 0;
    data.target = this.pendingSkill?.target ?? 0;
    // `send()` returns 0 when the socket is not open (e.g. while reconnecting): keep the
    // zero input owed in that case so it goes out once the connection is back.
    if (this.input.send() !== 0) {
      this.moving = isMoving(intent);
      this.lastSent = now;
      this.pendingSkill = null;
    }
    data.skill = 0;
    data.target = 0;
  }
}

function isMoving(intent: MoveIntent): boolean {
  return intent.dx !== 0 || intent.dy !== 0;
}
