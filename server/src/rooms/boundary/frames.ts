/**
 * The grammar of what an OatNut client may send to a zone room, read byte by byte before
 * Colyseus decodes anything. Colyseus's own decoders trust the bytes they get (a slot
 * length of −1 made one loop forever, a declared count of 2³²−1 made one allocate until
 * the process died — see docs/upstream/colyseus-input-decoding.md); this reader trusts
 * nothing: every length is checked against the frame, every count is bounded, every
 * number must be an integer of an allowed width, and a frame must end exactly where its
 * grammar says.
 *
 * Frames the OatNut client sends (first byte = Colyseus protocol code | modifier bits):
 * - JOIN_ROOM, LEAVE_ROOM, PING: the code alone;
 * - ROOM_INPUT_RELIABLE (optionally | TIMED): [stamp Δ int][render delta u16, when the
 *   room stamps both timelines][input body: (op | field index, value)… each field once];
 * - ROOM_DATA: [type: short string][msgpack payload: plain data];
 * - INPUT_BATCH (OatNut's, shared/src/inputBatch.ts): input frames two or more to a
 *   WebSocket frame, in busy zones. The boundary splits it (readInputBatch checks its
 *   structure) and reads each input frame inside with this grammar, as if sent alone.
 * Anything else — ROOM_INPUT_UNRELIABLE, ROOM_REQUEST, ROOM_DATA_BYTES, unknown codes or
 * modifier bits — is a frame the client never sends, refused as such.
 */
import { Protocol } from "@colyseus/core";
import { unpack } from "msgpackr";

const CODE_MASK = 0x1f;
const MODIFIER_MASK = 0xe0;
const TIMED = 0x80;
/** Schema operations a changed primitive field is encoded with (ADD, REPLACE). */
const FIELD_OPERATIONS = new Set([0x80, 0x00]);
/** Longest message type name (they are short words like "chat", "pickUp"). */
const MAX_TYPE_LENGTH = 31;
/** How deeply a message payload may nest (OatNut messages are flat objects). */
const MAX_PAYLOAD_DEPTH = 4;

/** Byte width of each primitive type an input schema may use (fixed-width only). */
const PRIMITIVE_WIDTHS: Record<string, number> = {
  int8: 1,
  uint8: 1,
  boolean: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  float64: 8,
};

/** What the boundary knows about the input schema: byte width per field index. */
export interface InputGrammar {
  widths: number[];
  /** Longest valid input frame: code, stamp, render delta, every field once. */
  maxBytes: number;
}

/**
 * Builds the input grammar from an input schema class (its fields, in index order).
 * @throws Error when a field is not a fixed-width primitive (the boundary could not bound it)
 */
export function inputGrammar(schemaClass: unknown): InputGrammar {
  const metadata = (schemaClass as Record<symbol, Record<string, { type: unknown; index: number; name: string }>>)[Symbol.metadata];
  const fields = Object.values(metadata ?? {}).filter((field) => typeof field?.index === "number");
  if (fields.length === 0) throw new Error("input schema has no fields");
  const widths: number[] = [];
  for (const field of fields) {
    const width = typeof field.type === "string" ? PRIMITIVE_WIDTHS[field.type] : undefined;
    if (width === undefined) throw new Error(`input field "${field.name}" must be a fixed-width primitive (got ${String(field.type)})`);
    widths[field.index] = width;
  }
  const body = widths.reduce((sum, width) => sum + 1 + width, 0);
  return { widths, maxBytes: 1 + 5 + 2 + body };
}

/** How the room stamps inputs for lag compensation (what Colyseus resolves from its rewind timeline). */
export interface StampMode {
  reckon: boolean;
  snapshot: boolean;
}

export type FrameKind = "join" | "leave" | "ping" | "input" | "message";

/** A frame that fits the grammar. */
export interface ValidFrame {
  ok: true;
  kind: FrameKind;
  /** The message type, for `message` frames. */
  type?: string;
  /** The decoded payload, for `message` frames. */
  payload?: unknown;
}

/** A frame that does not: `protocol` = a kind the client never sends; `malformed` = broken. */
export interface InvalidFrame {
  ok: false;
  problem: "protocol" | "malformed";
  detail: string;
}

export type FrameReading = ValidFrame | InvalidFrame;

const malformed = (detail: string): InvalidFrame => ({ ok: false, problem: "malformed", detail });

/** The readings of valid frames without a payload: shared, so the hot path (20 inputs a second a client) allocates none. */
const VALID: Record<"join" | "leave" | "ping" | "input", ValidFrame> = {
  join: Object.freeze({ ok: true, kind: "join" }),
  leave: Object.freeze({ ok: true, kind: "leave" }),
  ping: Object.freeze({ ok: true, kind: "ping" }),
  input: Object.freeze({ ok: true, kind: "input" }),
};

/** A frame of one code byte and nothing else. */
function bare(kind: "join" | "leave" | "ping", bytes: Uint8Array, modifiers: number): FrameReading {
  return modifiers === 0 && bytes.length === 1 ? VALID[kind] : malformed(`${kind} frame with extra bytes`);
}

/**
 * Reads one client frame against the grammar. Never throws; runs in time linear in the
 * frame's length (which the transport bounds).
 */
export function readClientFrame(bytes: Uint8Array, grammar: InputGrammar, stamps: () => StampMode): FrameReading {
  if (bytes.length === 0) return malformed("empty frame");
  const code = bytes[0] & CODE_MASK;
  const modifiers = bytes[0] & MODIFIER_MASK;
  switch (code) {
    case Protocol.JOIN_ROOM:
      return bare("join", bytes, modifiers);
    case Protocol.LEAVE_ROOM:
      return bare("leave", bytes, modifiers);
    case Protocol.PING:
      return bare("ping", bytes, modifiers);
    case Protocol.ROOM_INPUT_RELIABLE:
      return readInput(bytes, modifiers, grammar, stamps);
    case Protocol.ROOM_DATA:
      return modifiers === 0 ? readMessage(bytes) : malformed("message frame with modifier bits");
    default:
      return { ok: false, problem: "protocol", detail: `protocol code ${code} is not part of the OatNut client protocol` };
  }
}

function readInput(bytes: Uint8Array, modifiers: number, grammar: InputGrammar, stamps: () => StampMode): FrameReading {
  if (modifiers & ~TIMED) return malformed("input frame with unknown modifier bits");
  if (bytes.length > grammar.maxBytes) return malformed(`input frame of ${bytes.length} bytes (at most ${grammar.maxBytes})`);
  let offset = 1;
  if (modifiers & TIMED) {
    const next = integerEnd(bytes, offset);
    if (next < 0) return malformed("input stamp is not an integer");
    offset = next;
    const mode = stamps();
    if (mode.reckon && mode.snapshot) offset += 2; // render delta, uint16
    if (offset > bytes.length) return malformed("input stamp cut short");
  }
  // Field indexes are 0..63: the ones seen so far in two 32-bit masks.
  let seenLow = 0;
  let seenHigh = 0;
  while (offset < bytes.length) {
    const operation = bytes[offset] & 0xc0;
    const index = bytes[offset] & 0x3f;
    const width = grammar.widths[index];
    if (!FIELD_OPERATIONS.has(operation) || width === undefined) return malformed(`input field byte 0x${bytes[offset].toString(16)}`);
    const bit = 1 << (index & 31);
    if ((index < 32 ? seenLow : seenHigh) & bit) return malformed(`input field ${index} twice`);
    if (index < 32) seenLow |= bit;
    else seenHigh |= bit;
    offset += 1 + width;
  }
  return offset === bytes.length ? VALID.input : malformed("input field cut short");
}

/**
 * Reads a schema-encoded integer (msgpack-like; the lag-compensation stamp delta). Only
 * integer encodings up to 32 bits: no floats (NaN, Infinity), no 64-bit values.
 * @returns the offset after it, or -1 when there is none
 */
function integerEnd(bytes: Uint8Array, offset: number): number {
  const prefix = bytes[offset];
  if (prefix === undefined) return -1;
  if (prefix < 0x80 || prefix >= 0xe0) return offset + 1; // fixints
  const width = INTEGER_WIDTHS[prefix];
  return width === undefined ? -1 : offset + 1 + width;
}

/** Widths of the schema's integer encodings up to 32 bits, by prefix byte. */
const INTEGER_WIDTHS: Record<number, number> = { 0xcc: 1, 0xcd: 2, 0xce: 4, 0xd0: 1, 0xd1: 2, 0xd2: 4 };

function readMessage(bytes: Uint8Array): FrameReading {
  // The type: a fixstr (0xa1..0xbf) of printable ASCII. Numeric types are not used by OatNut.
  const prefix = bytes[1];
  if (prefix === undefined || prefix <= 0xa0 || prefix > 0xa0 + MAX_TYPE_LENGTH) return malformed("message type is not a short string");
  const length = prefix & 0x1f;
  const end = 2 + length;
  if (end > bytes.length) return malformed("message type cut short");
  let type = "";
  for (let i = 2; i < end; i++) {
    const char = bytes[i];
    if (char < 0x21 || char > 0x7e) return malformed("message type has a byte that is not printable ASCII");
    type += String.fromCharCode(char);
  }
  if (end === bytes.length) return { ok: true, kind: "message", type, payload: undefined };
  let payload: unknown;
  try {
    payload = unpack(bytes.subarray(end));
  } catch {
    return malformed(`payload of "${type}" is not MessagePack`);
  }
  if (!isPlainData(payload, 0)) return malformed(`payload of "${type}" is not plain data`);
  return { ok: true, kind: "message", type, payload };
}

/** Plain data only: null, booleans, finite numbers, strings, arrays and plain objects, shallowly nested. */
function isPlainData(value: unknown, depth: number): boolean {
  if (value === null || value === undefined || typeof value === "boolean" || typeof value === "string") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (depth >= MAX_PAYLOAD_DEPTH || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.every((item) => isPlainData(item, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every((item) => isPlainData(item, depth + 1));
}
