/**
 * Sends the player's movement intent through the room's 0.18 input handle
 * (`room.input()`), one input per fixed server step (TICK_RATE), whatever the frame rate.
 * The own character's reconciler observes every `input.send()` and predicts it at once
 * (see prediction.ts), so each input is applied once locally, once on the server, and
 * the count of inputs sent is the count of steps simulated on both sides.
 *
 * Walking runs on its own clock, not on the frames: a walk starts when a direction is
 * first held (the key event's time, from `MoveIntents`) and has a step every
 * `STEP_MS` from then on; each step carries the direction held at its instant. At each
 * frame, `update(now)` sends every step whose instant has come — one at 60 fps, four at
 * 5 fps — so a held key walks at the same speed whatever the frame rate, and a tap between
 * two slow frames still takes its step. The walk ends with its first step that carries no
 * direction: that zero input `{dx: 0, dy: 0}` goes out (it stops the character even on a
 * server that keeps applying the last input it received), then nothing more is sent until
 * a direction is held again.
 *
 * The frame a walk starts sends its first step at once: the predicted character starts
 * moving on that very frame. A tap shorter than a step, however short, is exactly one step.
 *
 * The server's budget (server/src/rooms/systems/movement.ts): it applies one input per
 * tick, plus up to INPUT_CATCH_UP banked in ticks when none arrived, and buffers at most
 * INPUT_BUFFER_SIZE (it drops the oldest beyond that). The walk clock never runs ahead of
 * real time, so over any span the pump sends what the server's ticks apply in that span.
 * And a frame sends no more steps than the server's buffer surely has room for:
 * INPUT_BUFFER_SIZE less the inputs the server has not acknowledged yet (it holds at most
 * those), and at least `MAX_STEPS_PER_FRAME` — a burst that fits next to the
 * INPUT_CATCH_UP inputs the server may still hold from the burst before, which real-time
 * pacing keeps it from holding more of (and which keeps a client far from the server
 * walking at full speed whatever its round trip). So the character walks at full speed
 * down to 2.5 frames a second (8 steps a frame) with a quick round trip, 3.3 (6 steps)
 * with any. Steps due beyond that (a longer frame, a hitch) are skipped, not sent late:
 * the character walks less than the key was held then, but never runs ahead of the
 * server or floods it. That also keeps the pump well inside the client's input rate limit
 * (CLIENT_RATE_LIMITS.input: 30 a second, bursts of 30).
 *
 * Clock beacon: the SDK's room clock (what remote interpolation renders against) only
 * corrects its server-time offset from input round trips. A client that never sends
 * keeps the offset of its first frame, which is late by however long that frame waited
 * (a busy page at join: hundreds of ms), and then draws others from the far end of its
 * sample buffer — stepping at the patch rate instead of interpolating. So the pump
 * sends one zero input per due step (the prediction driver's `dueSteps`) for
 * `CLOCK_WARMUP_MS` after it starts (and after `warmUp()`, called on reconnect), then
 * one every `CLOCK_BEACON_MS` while idle. A zero input moves nothing, on the server or in
 * the prediction.
 * When every key is dropped at once (window blur, hidden tab), `stopNow()` sends the
 * zero input at once: a hidden tab gets no animation frames to send it later.
 */
import type { InputHandle } from "@colyseus/sdk";
import { INPUT_BUFFER_SIZE, INPUT_CATCH_UP, TICK_SECONDS, type MoveInputFields, type MoveIntent } from "@oatnut/shared";

/** The fields of the shared `MoveInput` schema this pump writes. */
export type MoveInputData = MoveInputFields;

/**
 * The player's movement intent over time (the keyboard: input/keyboard.ts). Times are ms
 * on the clock of `performance.now()`, key events and animation frames.
 */
export interface MoveIntents {
  /** The direction held at `time`. */
  intentAt(time: number): MoveIntent;
  /**
   * The first time at or after `time` when a direction was (or is) held, and that
   * direction (even if it was let go in the same instant); null if none was held since.
   */
  moveFrom(time: number): { at: number; intent: MoveIntent } | null;
}

/** One fixed step of the server, in ms. */
export const STEP_MS = TICK_SECONDS * 1000;

/**
 * The steps one frame may always send: what the server's input buffer holds besides the
 * INPUT_CATCH_UP inputs it may still have from the frame before. 6 steps: full speed down
 * to 1000 / (6 × 50) ≈ 3.3 frames a second. With every input acknowledged, a frame may
 * send up to INPUT_BUFFER_SIZE (8: 2.5 frames a second); see `stepsAllowed`.
 */
export const MAX_STEPS_PER_FRAME = INPUT_BUFFER_SIZE - INPUT_CATCH_UP;

/**
 * How many steps a frame may send when `unacknowledged` inputs sent have not been
 * acknowledged by the server: what its buffer surely has room for, and never fewer than
 * MAX_STEPS_PER_FRAME.
 */
export function stepsAllowed(unacknowledged: number): number {
  return Math.max(MAX_STEPS_PER_FRAME, INPUT_BUFFER_SIZE - Math.max(0, unacknowledged));
}

/** How long after start (or `warmUp()`) an idle client sends a zero input every step. */
export const CLOCK_WARMUP_MS = 2000;

/** After the warm-up, how often an idle client sends a zero input to keep its clock synced. */
export const CLOCK_BEACON_MS = 1000;

export class MovePump {
  /** The last input sent had a direction: a zero input is still owed. */
  private moving = false;
  /** In a walk: the instant of its next step; null when idle. */
  private nextStepAt: number | null = null;
  /** The direction of a walk's first step, until it is sent: a tap however short takes its step. */
  private firstStep: MoveIntent | null = null;
  /** Idle since this time: a walk starts at the first direction held from then on; null before the first frame. */
  private idleSince: number | null = null;
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
    private readonly intents: MoveIntents,
  ) {}

  /**
   * Call once per animation frame, after `predict.tick(now)` and before reading rendered
   * positions, with the time now (ms, the clock of key events: `performance.now()` — not
   * an older frame timestamp, or a key already handled would wait a frame) and the steps
   * `tick` said are due (they pace the idle clock beacon only: walking keeps its own clock).
   */
  update(now: number, dueSteps: number): void {
    this.lastFrame = now;
    if (this.warmUntil < 0) this.warmUntil = now + CLOCK_WARMUP_MS;
    if (this.idleSince === null) this.idleSince = now;
    if (this.nextStepAt === null) {
      const start = this.intents.moveFrom(this.idleSince);
      // A direction held since the last step was sent (or is held now): a walk starts
      // then, and its first step goes out on this frame.
      if (start !== null) {
        this.nextStepAt = Math.min(start.at, now);
        this.firstStep = start.intent;
      }
    }
    if (this.nextStepAt !== null) {
      this.walk(now);
      return;
    }
    // Idle. A zero input still owed (the walk was cut short) goes out now; so does a queued skill.
    const beacon = now < this.warmUntil ? dueSteps > 0 : now - this.lastSent >= CLOCK_BEACON_MS;
    if (this.moving || this.pendingSkill || beacon) this.send({ dx: 0, dy: 0 }, now);
    // Whatever is held from this frame on starts the next walk (an event handled after
    // this frame but stamped before it counts from this frame).
    this.idleSince = now;
  }

  /**
   * Asks for a skill use on the entity `target`: the next input sent carries it (at the
   * next step, or this frame when idle), exactly once.
   */
  queueSkill(skill: number, target: number): void {
    this.pendingSkill = { skill, target };
  }

  /** Sends a zero input every step for a while again (the clock was reset: reconnect). */
  warmUp(): void {
    this.warmUntil = -1;
  }

  /**
   * Forgets the walk under way without sending anything (input was suspended, e.g. during
   * a transfer): from the next frame on, only a direction held from then on walks; a zero
   * input still owed goes out on that frame.
   */
  restart(): void {
    this.nextStepAt = null;
    this.firstStep = null;
    this.idleSince = null;
  }

  /**
   * Every key was dropped at `at` (blur, hidden tab): ends the walk, sending its zero
   * input right away if the character was last told to move.
   */
  stopNow(at: number = this.lastFrame): void {
    if (this.nextStepAt === null && !this.moving) return;
    this.nextStepAt = null;
    this.firstStep = null;
    this.idleSince = Math.max(at, this.lastFrame);
    if (this.moving) this.send({ dx: 0, dy: 0 }, this.lastFrame);
  }

  /** Sends the walk's steps due by `now`: each with the direction held at its instant. */
  private walk(now: number): void {
    let at = this.nextStepAt!;
    let due = Math.floor((now - at) / STEP_MS) + 1;
    if (due <= 0) return;
    const allowed = stepsAllowed(this.input.pendingCount);
    if (due > allowed) {
      // A frame too long to catch up within the server's budget: the oldest steps are skipped.
      at += (due - allowed) * STEP_MS;
      due = allowed;
    }
    for (let i = 0; i < due; i++, at += STEP_MS) {
      const intent = this.firstStep ?? this.intents.intentAt(at);
      this.firstStep = null;
      if (!this.send(intent, now)) {
        // The socket is not open (reconnecting): the walk starts over once it is.
        this.restart();
        return;
      }
      if (!isMoving(intent)) {
        // The walk's last step; a direction held after it starts the next walk.
        this.nextStepAt = null;
        this.idleSince = at;
        return;
      }
    }
    this.nextStepAt = at;
  }

  /** Sends one input; false when the socket is not open (nothing was sent). */
  private send(intent: MoveIntent, now: number): boolean {
    const data = this.input.data;
    data.dx = intent.dx;
    data.dy = intent.dy;
    data.skill = this.pendingSkill?.skill ?? 0;
    data.target = this.pendingSkill?.target ?? 0;
    // `send()` returns 0 when the socket is not open (e.g. while reconnecting): keep the
    // zero input owed in that case so it goes out once the connection is back.
    const sent = this.input.send() !== 0;
    if (sent) {
      this.moving = isMoving(intent);
      this.lastSent = now;
      this.pendingSkill = null;
    }
    data.skill = 0;
    data.target = 0;
    return sent;
  }
}

function isMoving(intent: MoveIntent): boolean {
  return intent.dx !== 0 || intent.dy !== 0;
}
