/**
 * The WebSocket boundary of a zone room: every frame a client sends passes here before
 * Colyseus decodes it. A frame must fit the client grammar (frames.ts) and its kind's
 * rate limit (CLIENT_RATE_LIMITS, limits.ts):
 * - broken frames, and kinds the OatNut client never sends, close the connection
 *   (CloseCode.ProtocolViolation);
 * - frames over a rate limit, of an unknown message type, or refused by a message's own
 *   check are dropped and counted; more than FLOOD_STRIKES of those within
 *   REFUSAL_WINDOW_SECONDS close the connection (CloseCode.Flooding).
 * Every frame is counted in `oatnut_messages_received_total` and every refusal in
 * `oatnut_messages_rejected_total`, with bounded labels (known types, else "other").
 * Refusals are logged, and told to the client, at most once per client per window —
 * never a line, a notice or a stack trace per bad frame.
 */
import { Protocol, type Client, type Room } from "@colyseus/core";
import {
  CLIENT_RATE_LIMITS,
  CloseCode,
  FLOOD_STRIKES,
  INPUT_BATCH,
  readInputBatch,
  REFUSAL_WINDOW_SECONDS,
  ServerMessage,
  type RateLimit,
} from "@oatnut/shared";
import { logger } from "../../logger.ts";
import { messagesRejected, receivedTally, type ReceivedTally } from "../../metrics.ts";
import { noteHandling } from "../../watchdog.ts";
import { logIncomingFrame, trafficLogOn } from "../traffic.ts";
import { inputGrammar, readClientFrame, type FrameReading, type InputGrammar, type StampMode } from "./frames.ts";
import { RefusalCounter, TokenBucket, type RefusalReason } from "./limits.ts";

/** Rate limit of a message type a room type defines without naming one in CLIENT_RATE_LIMITS. */
export const DEFAULT_MESSAGE_LIMIT: RateLimit = { perSecond: 5, burst: 10 };

/** Metric label of a frame whose type is not one this room knows. */
const OTHER = "other";

/** The parts of a Colyseus room the boundary uses (Colyseus internals named where used). */
interface GuardedRoom {
  roomId: string;
  /** Colyseus's handler of one client frame (decode and dispatch); private in its typings. */
  _onMessage(client: Client, data: unknown): void;
  /** Which timelines input stamps carry (Colyseus resolves it from the rewind groups). */
  _timelineMode?(): StampMode | undefined;
}

/** Per-client state at the boundary. */
class ClientGuard {
  readonly buckets = new Map<string, TokenBucket>();
  readonly refusals = new RefusalCounter(FLOOD_STRIKES, REFUSAL_WINDOW_SECONDS * 1000);
  /** The connection that sent JOIN_ROOM (a reconnection is a new connection and joins again). */
  joined: Client | null = null;
  /** Set once the boundary closed this client: its remaining frames are dropped unread. */
  expelled = false;
  /** The last refusal's detail, for the next report. */
  lastDetail = "";

  constructor(readonly sessionId: string) {}
}

export interface BoundaryOptions {
  /** The zone id (metric label and log field). */
  zone: string;
  /** The room's input schema class (the grammar of input frames is derived from its fields). */
  inputSchema: unknown;
  /** The latest decoded input of a client, for the traffic log. */
  latestInput?(sessionId: string): unknown;
  /** Clock in milliseconds (tests pass their own). */
  now?(): number;
}

export class ClientBoundary {
  private readonly guards = new Map<string, ClientGuard>();
  private readonly messageLimits = new Map<string, RateLimit>();
  private readonly frameLimits = new Map<"input" | "ping", RateLimit>([
    ["input", CLIENT_RATE_LIMITS.input],
    ["ping", CLIENT_RATE_LIMITS.ping],
  ]);
  private readonly grammar: InputGrammar;
  private readonly now: () => number;
  /** Received-frame tallies by label (metrics.ts), so counting a frame is adding 1. */
  private readonly received = new Map<string, ReceivedTally>();
  private readonly stampMode = (): StampMode => this.room._timelineMode?.() ?? { reckon: false, snapshot: false };

  private readonly room: GuardedRoom;

  constructor(
    room: Room,
    private readonly options: BoundaryOptions,
  ) {
    this.room = room as unknown as GuardedRoom;
    this.grammar = inputGrammar(options.inputSchema);
    this.now = options.now ?? (() => performance.now());
  }

  /** Declares a message type clients may send, rate-limited by CLIENT_RATE_LIMITS (or `limit`). */
  allowMessage(type: string, limit?: RateLimit): void {
    const listed = (CLIENT_RATE_LIMITS as Record<string, RateLimit>)[type];
    this.messageLimits.set(type, limit ?? listed ?? DEFAULT_MESSAGE_LIMIT);
  }

  /**
   * Sets the rate limit of inputs or pings for this room's clients (from then on). A room
   * type that ticks faster than TICK_RATE, and so takes more inputs a second, raises it.
   */
  setFrameLimit(kind: "input" | "ping", limit: RateLimit): void {
    this.frameLimits.set(kind, limit);
    for (const guard of this.guards.values()) guard.buckets.delete(kind);
  }

  /** Puts the boundary in front of Colyseus's frame handler, for every client of the room. */
  install(): void {
    const decode = this.room._onMessage.bind(this.room);
    const pass = (client: Client, data: unknown): void => {
      const frame = this.admit(client, data);
      if (!frame) return;
      decode(client, data);
      if (trafficLogOn()) logIncomingFrame(this.trafficContext(client), frame, data as Uint8Array, this.options.latestInput);
    };
    this.room._onMessage = (client, data) => {
      if (!(data instanceof Uint8Array) || data[0] !== INPUT_BATCH) return pass(client, data);
      // Inputs batched on the wire (shared/src/inputBatch.ts): each one is a frame of its own from here on.
      const batch = this.unbatch(client, data);
      if (!batch) return;
      // A frame that gets the client closed stops the rest: `admit` drops an expelled client's frames.
      for (const frame of batch) pass(client, frame);
    };
  }

  /**
   * Splits an input batch frame into its input frames.
   * @returns null when the batch is broken (the client is closed, as for any broken frame)
   */
  private unbatch(client: Client, bytes: Uint8Array): Uint8Array[] | null {
    const guard = this.guard(client.sessionId);
    if (guard.expelled) return null;
    const batch = readInputBatch(bytes);
    if (batch.ok) return batch.frames;
    this.count("input");
    messagesRejected.inc({ zone: this.options.zone, type: "input", reason: "malformed" });
    this.expel(client, guard, "malformed", batch.detail);
    return null;
  }

  /**
   * Checks one frame from `client`.
   * @returns the frame's reading when it may go on to Colyseus; null when it was refused
   */
  admit(client: Client, data: unknown): (FrameReading & { ok: true }) | null {
    const guard = this.guard(client.sessionId);
    if (guard.expelled) return null;
    noteHandling(this.room.roomId, client.sessionId);
    const bytes = data instanceof Uint8Array ? data : null;
    const frame: FrameReading = bytes
      ? readClientFrame(bytes, this.grammar, this.stampMode)
      : { ok: false, problem: "malformed", detail: "not a binary frame" };
    if (!frame.ok) {
      const label = labelOfCode(bytes?.[0]);
      this.count(label);
      messagesRejected.inc({ zone: this.options.zone, type: label, reason: frame.problem });
      this.expel(client, guard, frame.problem, frame.detail);
      return null;
    }
    const label = frame.kind === "message" ? (this.messageLimits.has(frame.type!) ? frame.type! : OTHER) : frame.kind;
    this.count(label);
    if (frame.kind === "message" && label === OTHER) {
      this.refuse(client, frame.type!, "unknown", "no such message type");
      return null;
    }
    if (frame.kind === "join") {
      if (guard.joined === client) {
        this.refuse(client, label, "state", "joined twice");
        return null;
      }
      guard.joined = client;
      return frame;
    }
    const limit =
      frame.kind === "message" ? this.messageLimits.get(label) : frame.kind === "leave" ? undefined : this.frameLimits.get(frame.kind);
    if (limit && !this.bucket(guard, label, limit).take(this.now())) {
      this.refuse(client, label, "rate", `more than ${limit.perSecond} a second`);
      return null;
    }
    return frame;
  }

  /**
   * Records a refused frame that was read (its type may be one the room does not know):
   * counted, logged and told to the client at most once per window, and the client
   * closed when it floods.
   */
  refuse(client: Client, type: string, reason: RefusalReason, detail: string): void {
    const guard = this.guard(client.sessionId);
    if (guard.expelled) return;
    messagesRejected.inc({ zone: this.options.zone, type: this.isKnownLabel(type) ? type : OTHER, reason });
    guard.lastDetail = `"${type}": ${detail}`;
    const outcome = guard.refusals.refuse(reason, this.now());
    if (outcome.flooding) {
      this.expel(client, guard, "flooding", `more than ${FLOOD_STRIKES} refused frames within ${REFUSAL_WINDOW_SECONDS} s`);
      return;
    }
    if (outcome.report) {
      this.report(guard, outcome.report);
      client.send(ServerMessage.Notice, { text: `Message "${type}" was refused: ${detail}. Reload the page if this keeps happening.` });
    }
  }

  /** Whether the boundary closed this client (it gets no reconnection window). */
  isExpelled(sessionId: string): boolean {
    return this.guards.get(sessionId)?.expelled ?? false;
  }

  /** Forgets a client that left for good, reporting refusals not reported yet. */
  forget(sessionId: string): void {
    const guard = this.guards.get(sessionId);
    if (!guard) return;
    this.guards.delete(sessionId);
    const pending = guard.refusals.takePending();
    if (pending) this.report(guard, pending);
  }

  private isKnownLabel(label: string): boolean {
    return this.messageLimits.has(label) || FRAME_LABELS.has(label);
  }

  private guard(sessionId: string): ClientGuard {
    let guard = this.guards.get(sessionId);
    if (!guard) {
      guard = new ClientGuard(sessionId);
      this.guards.set(sessionId, guard);
    }
    return guard;
  }

  private bucket(guard: ClientGuard, label: string, limit: RateLimit): TokenBucket {
    let bucket = guard.buckets.get(label);
    if (!bucket) {
      bucket = new TokenBucket(limit, this.now());
      guard.buckets.set(label, bucket);
    }
    return bucket;
  }

  private count(label: string): void {
    let tally = this.received.get(label);
    if (!tally) this.received.set(label, (tally = receivedTally(this.options.zone, label)));
    tally.count++;
  }

  /** Closes a client at the boundary: one log line, a clear close code, no reconnection. */
  private expel(client: Client, guard: ClientGuard, why: "malformed" | "protocol" | "flooding", detail: string): void {
    guard.expelled = true;
    const pending = guard.refusals.takePending();
    logger.warn("client disconnected at the boundary", {
      zone: this.options.zone,
      roomId: this.room.roomId,
      sessionId: guard.sessionId,
      why,
      detail,
      ...(pending ? { refused: pending } : {}),
    });
    const code = why === "flooding" ? CloseCode.Flooding : CloseCode.ProtocolViolation;
    client.leave(code, why === "flooding" ? "too many refused messages" : "protocol violation");
  }

  private report(guard: ClientGuard, refused: Partial<Record<RefusalReason, number>>): void {
    logger.warn("client frames refused", {
      zone: this.options.zone,
      roomId: this.room.roomId,
      sessionId: guard.sessionId,
      refused,
      last: guard.lastDetail,
      windowSeconds: REFUSAL_WINDOW_SECONDS,
    });
  }

  private trafficContext(client: Client) {
    return { zone: this.options.zone, roomId: this.room.roomId, sessionId: client.sessionId };
  }
}

/** Metric labels of the frame kinds that are not messages. */
const FRAME_LABELS = new Set(["join", "leave", "ping", "input"]);

/** The metric label of a frame that could not be read, from its protocol code. */
function labelOfCode(first: number | undefined): string {
  switch ((first ?? 0) & 0x1f) {
    case Protocol.JOIN_ROOM:
      return "join";
    case Protocol.LEAVE_ROOM:
      return "leave";
    case Protocol.PING:
      return "ping";
    case Protocol.ROOM_INPUT_RELIABLE:
      return "input";
    default:
      return OTHER;
  }
}
