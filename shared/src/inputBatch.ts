/**
 * Movement inputs batched on the wire: in a busy zone a client sends its inputs two to a
 * WebSocket frame instead of one (the zone's `inputsPerFrame`; the server's pace,
 * server/src/rooms/patchPace.ts).
 *
 * Why: a walking client sends TICK_RATE inputs a second, and each WebSocket frame costs the
 * server a socket read, the frame parser and its events before Colyseus decodes anything:
 * reading half the frames takes an eighth off the server's CPU at 100 walkers
 * (bench/levers.md, round 12). Every step is still one input, predicted by the client at
 * once and applied and acknowledged by the server one a tick. Only repeats wait: an input
 * that changes anything (a new direction, a stop, a skill: the caller's `urgent`) goes at
 * once, with the one held before it. So a straight walk reaches the server one tick later,
 * and a turn, a stop or an attack does not wait (the server's movement then keeps the
 * pairs' steps one a tick: server/src/rooms/systems/movement.ts).
 *
 * The batch frame, client to server (not a Colyseus protocol code: the zone room's
 * boundary unpacks it before Colyseus sees anything, and every input inside goes through
 * the same checks and rate limit as an input frame of its own):
 *
 *     [INPUT_BATCH][count: u8, 1..MAX_INPUT_BATCH]([length: u8][an input frame])×count
 *
 * where each input frame is exactly what the SDK's input handle sends
 * (ROOM_INPUT_RELIABLE, optionally TIMED, then the body), in the order it was sent.
 */
import { TICK_SECONDS } from "./constants.ts";

/** The batch frame's code byte: a protocol code (bits 0..4) Colyseus does not use, no modifier bits. */
export const INPUT_BATCH = 31;
/** Most inputs a batch frame may carry. */
export const MAX_INPUT_BATCH = 4;
/** Colyseus's ROOM_INPUT_RELIABLE protocol code: what every frame inside a batch is. */
const ROOM_INPUT_RELIABLE = 19;
const CODE_MASK = 0x1f;
/** Longest input frame a batch may carry (its length is one byte). */
const MAX_BATCHED_FRAME = 255;

/**
 * How many inputs a client sends per frame in a zone whose state says `perFrame` (absent
 * before the first state): a whole number from 1 to MAX_INPUT_BATCH, 1 for anything else.
 */
export function inputsPerFrame(perFrame: number | undefined): number {
  return perFrame !== undefined && Number.isInteger(perFrame) ? Math.max(1, Math.min(MAX_INPUT_BATCH, perFrame)) : 1;
}

/** Whether a frame a client sends is an input frame (what a batch may carry). */
export function isInputFrame(frame: Uint8Array): boolean {
  return frame.length > 0 && (frame[0] & CODE_MASK) === ROOM_INPUT_RELIABLE;
}

/** The batch frame carrying `frames` (input frames, in order). */
export function encodeInputBatch(frames: readonly Uint8Array[]): Uint8Array {
  if (frames.length < 1 || frames.length > MAX_INPUT_BATCH)
    throw new RangeError(`a batch carries 1 to ${MAX_INPUT_BATCH} inputs, not ${frames.length}`);
  let size = 2;
  for (const frame of frames) {
    if (!isInputFrame(frame) || frame.length > MAX_BATCHED_FRAME) throw new RangeError("a batch carries input frames of at most 255 bytes");
    size += 1 + frame.length;
  }
  const out = new Uint8Array(size);
  out[0] = INPUT_BATCH;
  out[1] = frames.length;
  let at = 2;
  for (const frame of frames) {
    out[at++] = frame.length;
    out.set(frame, at);
    at += frame.length;
  }
  return out;
}

export type InputBatchReading = { ok: true; frames: Uint8Array[] } | { ok: false; detail: string };

/**
 * Splits a batch frame into its input frames (views into `bytes`), checking its structure:
 * the code byte, a count of 1..MAX_INPUT_BATCH, each length inside the frame and non-zero,
 * each carried frame an input frame, and nothing after the last. What is inside each input
 * frame is for the input grammar to check. Never throws.
 */
export function readInputBatch(bytes: Uint8Array): InputBatchReading {
  if (bytes[0] !== INPUT_BATCH) return { ok: false, detail: "not an input batch" };
  const count = bytes[1];
  if (count === undefined || count < 1 || count > MAX_INPUT_BATCH)
    return { ok: false, detail: `input batch count ${count ?? "missing"} (1 to ${MAX_INPUT_BATCH})` };
  const frames: Uint8Array[] = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    const length = bytes[at];
    if (length === undefined) return { ok: false, detail: "input batch cut short" };
    if (length === 0) return { ok: false, detail: "empty frame in an input batch" };
    const end = at + 1 + length;
    if (end > bytes.length) return { ok: false, detail: "input batch cut short" };
    const frame = bytes.subarray(at + 1, end);
    if (!isInputFrame(frame)) return { ok: false, detail: `frame ${i + 1} of an input batch is not an input` };
    frames.push(frame);
    at = end;
  }
  return at === bytes.length ? { ok: true, frames } : { ok: false, detail: "bytes after the last frame of an input batch" };
}

/** Where the batcher sends frames, and its clock (replaceable in tests). */
export interface InputBatcherOptions {
  /** Sends one frame on the connection. */
  send(frame: Uint8Array): void;
  /** How many inputs to send per frame now (`inputsPerFrame` of the zone's state). */
  perFrame(): number;
  /**
   * Whether the input being sent changes anything (read while it is sent): such an input
   * goes at once, with any held before it. Absent: none is.
   */
  urgent?(): boolean;
  /** Longest an input waits for the next one before it goes alone (ms). */
  holdMs: number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/**
 * Sends a client's input frames `perFrame()` to a WebSocket frame. An input waits at most
 * `holdMs` for the next, and an urgent one does not wait; any other frame (a message, a
 * leave) sends the waiting inputs first, so the server reads everything in the order the
 * client sent it.
 */
export class InputBatcher {
  private held: Uint8Array[] = [];
  private timer: unknown = undefined;
  /** Frames sent, and inputs sent in them (for tests and the bots' counters). */
  framesSent = 0;
  inputsSent = 0;

  constructor(private readonly options: InputBatcherOptions) {}

  /** One frame from the client, in order: an input is held or sent; anything else goes at once, after the held inputs. */
  send(frame: Uint8Array): void {
    if (!isInputFrame(frame) || frame.length > MAX_BATCHED_FRAME) {
      this.flush();
      this.options.send(frame);
      return;
    }
    const perFrame = this.options.perFrame();
    const urgent = this.options.urgent?.() ?? false;
    if ((perFrame <= 1 || urgent) && this.held.length === 0) {
      this.transmit(frame, 1);
      return;
    }
    // The SDK reuses its frame buffer: keep a copy.
    this.held.push(frame.slice());
    if (this.held.length >= perFrame || urgent) this.flush();
    else if (this.timer === undefined) this.timer = (this.options.setTimer ?? setTimeout)(() => this.onTimer(), this.options.holdMs);
  }

  /** Sends the held inputs now. */
  flush(): void {
    this.cancelTimer();
    const held = this.held;
    if (held.length === 0) return;
    this.held = [];
    this.transmit(held.length === 1 ? held[0] : encodeInputBatch(held), held.length);
  }

  /** Drops held inputs and the timer (the connection is gone). */
  dispose(): void {
    this.cancelTimer();
    this.held = [];
  }

  private onTimer(): void {
    this.timer = undefined;
    this.flush();
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    (this.options.clearTimer ?? ((timer: unknown) => clearTimeout(timer as ReturnType<typeof setTimeout>)))(this.timer);
    this.timer = undefined;
  }

  private transmit(frame: Uint8Array, inputs: number): void {
    this.framesSent++;
    this.inputsSent += inputs;
    this.options.send(frame);
  }
}

/** What batching reads of an SDK room: its connection (which the SDK keeps when it reconnects) and its state's inputs per frame. */
export interface BatchableRoom {
  connection: { send(data: Uint8Array): void; readonly isOpen?: boolean };
  state?: { inputsPerFrame?: number } | null;
}

/** The fields of an input that make it a change when they differ from the one sent before. */
export interface MoveInputFields {
  dx: number;
  dy: number;
  skill: number;
  target: number;
}

/**
 * `urgent` for an input handle's data: true when the input being sent differs from the one
 * sent before it, or carries a skill (each use is its own intent, even when repeated).
 */
export function changedInput(data: MoveInputFields): () => boolean {
  let last: MoveInputFields | null = null;
  return () => {
    // A field never set reads undefined on the SDK's input instance: 0, as the server reads it.
    const now = { dx: data.dx || 0, dy: data.dy || 0, skill: data.skill || 0, target: data.target || 0 };
    const changed = last === null || now.skill !== 0 || now.dx !== last.dx || now.dy !== last.dy || now.target !== last.target;
    last = now;
    return changed;
  };
}

/**
 * Batches a joined zone room's inputs by its zone's `state.inputsPerFrame`, as the game
 * client and the bots do: an InputBatcher in front of the room's connection, through which
 * every frame the room sends goes. With the input handle's `data`, an input that changes
 * anything goes at once (`changedInput`); without it, inputs wait for their pair.
 */
export function batchRoomInputs(room: BatchableRoom, data?: MoveInputFields): InputBatcher {
  const connection = room.connection;
  const send = connection.send.bind(connection);
  const batcher = new InputBatcher({
    // Inputs held across a dropped connection are not sent on it (the SDK resets the input handle when it reconnects).
    send: (frame) => {
      if (connection.isOpen !== false) send(frame);
    },
    perFrame: () => inputsPerFrame(room.state?.inputsPerFrame),
    urgent: data ? changedInput(data) : undefined,
    holdMs: TICK_SECONDS * 1000 * 1.5,
  });
  connection.send = (data: Uint8Array) => batcher.send(data);
  return batcher;
}
