/**
 * Per-client traffic accounting: every WebSocket frame a zone room sends to a client is
 * counted in the metrics (bytes sent by kind) and, with LOG_TRAFFIC=true, every frame sent
 * or received is written to traffic.log with its direction, room, session, message type,
 * byte size and decoded payload (secrets redacted by the traffic logger). Received frames
 * are counted by the room's boundary (boundary/boundary.ts), which logs them here.
 */
import { Protocol } from "@colyseus/core";
import { unpackMultiple } from "msgpackr";
import type { TrafficTally } from "../metrics.ts";
import { trafficLogger } from "../logger.ts";

const PROTOCOL_NAMES = new Map<number, string>(Object.entries(Protocol).map(([name, code]) => [code as number, name]));

interface RawSocket {
  send(data: unknown, ...rest: unknown[]): void;
}

interface Frame {
  type: string;
  kind: "patch" | "message" | "other";
  payload?: unknown;
}

function toBytes(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  return null;
}

/** Names a Colyseus frame and, for room messages, decodes its msgpack type and payload (for traffic.log). */
function describeFrame(bytes: Uint8Array): Frame {
  const code = bytes[0] & 0x1f;
  const name = PROTOCOL_NAMES.get(code) ?? `code ${code}`;
  const kind = kindOf(bytes[0]);
  if (kind !== "message") return { type: name, kind };
  try {
    const [type, payload] = unpackMultiple(bytes.subarray(1)) as [unknown, unknown];
    return { type: String(type), kind, payload };
  } catch {
    return { type: name, kind };
  }
}

/** Where a frame travelled (a traffic.log line's context). */
export interface TrafficContext {
  zone: string;
  roomId: string;
  sessionId: string;
}

/** The tallies a client's frames are added to (its room's and its zone's). */
export type Tallies = readonly [room: TrafficTally, zone: TrafficTally];

/**
 * Writes one received frame to traffic.log (when LOG_TRAFFIC=true). Called by the room's
 * boundary for frames it admitted, after Colyseus handled them: inputs are logged as the
 * values Colyseus decoded, messages as their payload.
 */
/** Whether traffic.log is on (LOG_TRAFFIC): callers skip building what it would log. */
export function trafficLogOn(): boolean {
  return !trafficLogger.silent;
}

export function logIncomingFrame(
  context: TrafficContext,
  frame: { kind: string; type?: string; payload?: unknown },
  bytes: Uint8Array,
  latestInput?: (sessionId: string) => unknown,
): void {
  if (trafficLogger.silent) return;
  const type = frame.kind === "message" ? frame.type : frame.kind;
  const payload = frame.kind === "input" ? latestInput?.(context.sessionId) : frame.payload;
  trafficLogger.info("in", { direction: "in", ...context, type, bytes: bytes.length, payload });
}

/** Starts counting (and, when enabled, logging) what one client is sent. */
export function watchTraffic(socket: RawSocket | undefined, context: TrafficContext, [room, zone]: Tallies): void {
  if (!socket || typeof socket.send !== "function") return;
  const logging = !trafficLogger.silent;
  const send = socket.send.bind(socket);
  // Called for every frame sent (20 patches a second per client): counting allocates nothing.
  socket.send = (data: unknown, options?: unknown, callback?: unknown) => {
    const bytes = data instanceof Uint8Array ? data : toBytes(data);
    if (bytes && bytes.length > 0) {
      const frame = logging ? describeFrame(bytes) : undefined;
      const kind = frame?.kind ?? kindOf(bytes[0]);
      room[kind] += bytes.length;
      zone[kind] += bytes.length;
      if (frame) {
        trafficLogger.info("out", {
          direction: "out",
          zone: context.zone,
          roomId: context.roomId,
          sessionId: context.sessionId,
          type: frame.type,
          bytes: bytes.length,
          payload: frame.payload,
        });
      }
    }
    send(data, options, callback);
  };
}

/** The kind of a frame from its first byte (what describeFrame says, without decoding). */
function kindOf(first: number): Frame["kind"] {
  const code = first & 0x1f;
  if (code === Protocol.ROOM_STATE_PATCH || code === Protocol.ROOM_STATE) return "patch";
  return code === Protocol.ROOM_DATA ? "message" : "other";
}
