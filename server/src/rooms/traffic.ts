/**
 * Per-client traffic accounting: every WebSocket frame a zone room receives from or sends
 * to a client is counted in the metrics (bytes sent by kind, messages received by type)
 * and, with LOG_TRAFFIC=true, written to traffic.log with its direction, room, session,
 * message type, byte size and decoded payload (secrets redacted by the traffic logger).
 */
import { Protocol } from "@colyseus/core";
import { unpackMultiple } from "msgpackr";
import { bytesSent, messagesReceived } from "../metrics.ts";
import { trafficLogger } from "../logger.ts";

const PROTOCOL_NAMES = new Map<number, string>(Object.entries(Protocol).map(([name, code]) => [code as number, name]));

interface RawSocket {
  on(event: "message", listener: (data: Buffer) => void): void;
  send(data: unknown, ...rest: unknown[]): void;
}

interface TrafficContext {
  zone: string;
  roomId: string;
  sessionId: string;
  /** The decoded value of the client's latest input (read after Colyseus decoded it). */
  latestInput(): unknown;
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

/**
 * Names a Colyseus frame and, for room messages when `decode` is set, decodes its msgpack
 * type and payload (only the kind is read otherwise: this runs for every frame sent).
 */
export function describeFrame(bytes: Uint8Array, decode = true): Frame {
  const code = bytes[0] & 0x1f;
  const name = PROTOCOL_NAMES.get(code) ?? `code ${code}`;
  if (code === Protocol.ROOM_STATE_PATCH || code === Protocol.ROOM_STATE) return { type: name, kind: "patch" };
  if (code === Protocol.ROOM_DATA && !decode) return { type: name, kind: "message" };
  if (code === Protocol.ROOM_DATA) {
    try {
      const [type, payload] = unpackMultiple(bytes.subarray(1)) as [unknown, unknown];
      return { type: String(type), kind: "message", payload };
    } catch {
      return { type: name, kind: "message" };
    }
  }
  return { type: name, kind: "other" };
}

/** Starts counting (and, when enabled, logging) one client's traffic. */
export function watchTraffic(socket: RawSocket | undefined, context: TrafficContext): void {
  if (!socket || typeof socket.on !== "function") return;
  const logging = !trafficLogger.silent;
  socket.on("message", (data) => {
    const bytes = toBytes(data);
    if (!bytes || bytes.length === 0) return;
    const code = bytes[0] & 0x1f;
    const isInput = code === Protocol.ROOM_INPUT_RELIABLE || code === Protocol.ROOM_INPUT_UNRELIABLE;
    const frame = isInput ? { type: "input", kind: "message" as const, payload: undefined } : describeFrame(bytes);
    messagesReceived.inc({ zone: context.zone, type: frame.type });
    if (logging) {
      const write = (payload: unknown) => trafficLogger.info("in", {
        direction: "in", zone: context.zone, roomId: context.roomId, sessionId: context.sessionId, type: frame.type, bytes: bytes.length, payload,
      });
      // An input is decoded by Colyseus's own listener of this frame, which may run after
      // this one: read the decoded input once the frame's listeners have all run.
      if (isInput) setImmediate(() => write(context.latestInput()));
      else write(frame.payload);
    }
  });
  const send = socket.send.bind(socket);
  socket.send = (data: unknown, ...rest: unknown[]) => {
    const bytes = toBytes(data);
    if (bytes && bytes.length > 0) {
      const frame = describeFrame(bytes, logging);
      bytesSent.inc({ zone: context.zone, kind: frame.kind }, bytes.length);
      if (logging) {
        trafficLogger.info("out", { direction: "out", zone: context.zone, roomId: context.roomId, sessionId: context.sessionId, type: frame.type, bytes: bytes.length, payload: frame.payload });
      }
    }
    send(data, ...rest);
  };
}
