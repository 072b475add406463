/**
 * Patch encoding that encodes each changed entity once, not once per client who sees it.
 *
 * Colyseus builds each client's patch (`SchemaSerializer.applyPatches` → `Encoder.encodeView`)
 * by walking every changed object of the whole room, testing each against the client's
 * StateView and encoding the visible ones again for every client: with N walkers each seen
 * by V clients, N visibility tests and V encodings of the same bytes per entity a patch —
 * the largest share of a crowded zone's CPU (BENCHMARKS.md, "Levers tried").
 *
 * This serializer sends every client exactly the bytes Colyseus would (the whole frame,
 * byte for byte: server/test/patchFanOut.test.ts compares both over many random patches),
 * made another way:
 * - the shared part and each view's newly visible entities (`view.changes`) are encoded by
 *   Colyseus's own encoder, as before;
 * - then the room's change queue is walked once, in its order. A changed entity (a player,
 *   monster or drop) is encoded once for everyone who sees it but does not own it, and
 *   those bytes are appended to each of its watchers' patches (the interest system knows
 *   who they are); its owner, who also sees owner-only fields, gets its own encoding.
 *   Anything else that changed (the root, the collections, an inventory) is encoded per
 *   client that may see it, by Colyseus's encoder, as before.
 * - each client's frame (with the input-timing prefix Colyseus adds when the room takes
 *   inputs) is assembled in one buffer.
 *
 * A client whose view the interest system does not manage gets Colyseus's own encoding.
 * The one rule relied on: an entity of `players`, `monsters` or `loot` reaches a view only
 * through the interest system.
 */
import { $changes, type Encoder, type StateView } from "@colyseus/schema";
import { ClientState, type Client } from "@colyseus/core";
import type { InterestManager, Watcher } from "./systems/interest.ts";

const ROOM_STATE_PATCH = 15; // Protocol.ROOM_STATE_PATCH
const TIMED = 0x80; // ProtocolModifier.TIMED
const TIMED_PREFIX = 8; // sNow (uint32) + acknowledged input seq (uint32)
/** Room kept free in a client's buffer before each encode into it. */
const HEADROOM = 2048;
const MAX_DEPTH = 16;

/** What this module reads of a Colyseus ChangeTree. */
interface Tree {
  ref: object;
  parentRef?: object;
  has(): boolean;
}
interface QueueNode {
  changeTree: Tree;
  next?: QueueNode;
}
interface ChangeQueue {
  next?: QueueNode;
  tail?: QueueNode;
}
interface EncoderInternals {
  root: { changes: ChangeQueue };
  sharedBuffer: Uint8Array;
  hasChanges: boolean;
  encode(it: { offset: number }, view?: StateView, buffer?: Uint8Array, initialOffset?: number): Uint8Array;
  encodeView(view: StateView, sharedOffset: number, it: { offset: number }, bytes?: Uint8Array): Uint8Array;
  discardChanges(): void;
}
/** The part of Colyseus's SchemaSerializer this module replaces and reads. */
export interface SchemaSerializerInternals {
  encoder: Encoder;
  hasFilters: boolean;
  needFullEncode: boolean;
  applyPatches(clients: Client[], state: unknown, timing?: { sNow: number }): boolean;
}
interface ClientInternals {
  state: number;
  view?: StateView;
  _inputBuffer?: { ackSeq: number };
  raw(data: Uint8Array): void;
}

/** A client's growing part of this patch. */
interface Output {
  bytes: Uint8Array;
  offset: number;
  /** The patch this output was written for (an older one's bytes are stale). */
  patch: number;
}

/** A room's state serializer (Colyseus keeps it private). */
export function serializerOf(room: object): SchemaSerializerInternals {
  const serializer = (room as { _serializer?: SchemaSerializerInternals })._serializer;
  if (!serializer?.encoder) throw new Error("the room has no schema state yet: set this.state before the fan-out");
  return serializer;
}

function treeOf(instance: object): Tree | undefined {
  return (instance as Record<symbol, Tree | undefined>)[$changes as unknown as symbol];
}

export class PatchFanOut {
  private readonly encoder: EncoderInternals;
  private readonly collections: Set<Tree>;
  private readonly outputs = new WeakMap<StateView, Output>();
  private readonly scratch: Output = { bytes: new Uint8Array(HEADROOM * 2), offset: 0, patch: 0 };
  /** A one-object change queue, to encode one changed object with Colyseus's encoder. */
  private readonly single: ChangeQueue = {};
  private readonly emptyQueue: ChangeQueue = {};
  /** Patches made, and clients given Colyseus's own walk (for tests). */
  patches = 0;
  fallbacks = 0;

  /**
   * @param collections the entity collections (`players`, `monsters`, `loot`), whose
   *   children reach views only through `interest`
   */
  constructor(
    private readonly serializer: SchemaSerializerInternals,
    private readonly interest: InterestManager,
    collections: readonly object[],
  ) {
    this.encoder = serializer.encoder as unknown as EncoderInternals;
    this.collections = new Set(collections.map((collection) => treeOf(collection)!));
  }

  /** Takes over the serializer's `applyPatches`. */
  install(): this {
    const original = this.serializer.applyPatches.bind(this.serializer);
    this.serializer.applyPatches = (clients, state, timing) =>
      this.serializer.hasFilters && this.encoder.hasChanges && clients.length > 0
        ? this.applyPatches(clients, timing)
        : original(clients, state, timing);
    return this;
  }

  /** One patch for every joined client: what Colyseus's `applyPatches` sends, made by fan-out. */
  applyPatches(clients: readonly Client[], timing?: { sNow: number }): boolean {
    const encoder = this.encoder;
    this.serializer.needFullEncode = true;
    this.patches++;
    const it = { offset: 1 };
    encoder.sharedBuffer[0] = ROOM_STATE_PATCH;
    encoder.encode(it);
    const sharedOffset = it.offset;

    // Each client's head: the shared part and its newly visible entities (Colyseus's own pass
    // over view.changes); the watchers served by fan-out.
    const shared = encoder.sharedBuffer.subarray(0, sharedOffset);
    const heads: Array<{ client: ClientInternals; head: Uint8Array }> = [];
    const fanned: Watcher[] = [];
    const fallback: ClientInternals[] = [];
    const queue = encoder.root.changes;
    encoder.root.changes = this.emptyQueue;
    try {
      for (const client of clients) {
        const c = client as unknown as ClientInternals;
        if (c.state !== ClientState.JOINED) continue;
        const view = c.view;
        const watcher = view && this.interest.watcherOfView(view);
        if (view && !watcher) {
          fallback.push(c);
          continue;
        }
        if (watcher) fanned.push(watcher);
        const head = view && view.changes.size > 0 ? encoder.encodeView(view, sharedOffset, { offset: sharedOffset }) : shared;
        heads.push({ client: c, head });
      }
    } finally {
      encoder.root.changes = queue;
    }

    if (fanned.length > 0) this.fanOut(queue, fanned);

    for (const { client, head } of heads) {
      const tail = client.view ? this.outputs.get(client.view) : undefined;
      client.raw(frame(head, tail?.patch === this.patches ? tail : undefined, timing, client));
    }
    // Clients the interest system does not know: Colyseus's own walk over the whole queue.
    for (const client of fallback) {
      this.fallbacks++;
      client.raw(frame(encoder.encodeView(client.view!, sharedOffset, { offset: sharedOffset }), undefined, timing, client));
    }
    encoder.discardChanges();
    return true;
  }

  /** Walks the change queue once, appending each changed object's bytes to its watchers' outputs. */
  private fanOut(queue: ChangeQueue, fanned: readonly Watcher[]): void {
    const encoder = this.encoder;
    const single = this.single;
    const node: QueueNode = { changeTree: undefined as unknown as Tree };
    single.next = node;
    single.tail = node;
    encoder.root.changes = single;
    try {
      for (let current = queue.next; current; current = current.next) {
        const tree = current.changeTree;
        if (!tree.has()) continue;
        node.changeTree = tree;
        const entity = this.entityOf(tree);
        const record = entity ? this.interest.seersOf(entity.ref) : undefined;
        if (!record) {
          // Not an entity's (the root, a collection) or an unknown entity's: each client, its own encoding.
          for (const watcher of fanned) this.encodeInto(watcher.view, this.outputFor(watcher.view));
          continue;
        }
        if (entity !== tree) {
          // Inside an entity (an inventory): only its owner and watchers may see it.
          if (record.owner) this.encodeInto(record.owner.view, this.outputFor(record.owner.view));
          for (const watcher of record.seers) this.encodeInto(watcher.view, this.outputFor(watcher.view));
          continue;
        }
        if (record.owner) this.encodeInto(record.owner.view, this.outputFor(record.owner.view));
        if (record.seers.length === 0) continue;
        // Encoded once with one watcher's view; every watcher who is not the owner gets these bytes.
        const scratch = this.scratch;
        scratch.offset = 0;
        for (const watcher of record.seers) {
          if (scratch.offset === 0) {
            this.encodeInto(watcher.view, scratch);
            if (scratch.offset === 0) break; // nothing a watcher sees changed (owner-only fields)
          }
          append(this.outputFor(watcher.view), scratch.bytes, scratch.offset);
        }
      }
    } finally {
      encoder.root.changes = queue;
      node.changeTree = undefined as unknown as Tree;
    }
  }

  /** Encodes the one queued object for `view` at the end of `output`. */
  private encodeInto(view: StateView, output: Output): void {
    if (output.bytes.length - output.offset < HEADROOM) grow(output, output.offset + HEADROOM);
    const it = { offset: output.offset };
    const encoded = this.encoder.encode(it, view, output.bytes, output.offset);
    // Colyseus reallocates on overflow (never with the headroom above); keep what it wrote.
    if (encoded.buffer !== output.bytes.buffer) output.bytes = new Uint8Array(encoded.buffer);
    output.offset = it.offset;
  }

  /** The entity (a child of an entity collection) `tree` is or belongs to. */
  private entityOf(tree: Tree): Tree | undefined {
    let current = tree;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const parent = current.parentRef;
      if (!parent) return undefined;
      const parentTree = treeOf(parent);
      if (!parentTree) return undefined;
      if (this.collections.has(parentTree)) return current;
      current = parentTree;
    }
    return undefined;
  }

  /** The view's output for this patch (emptied when first touched in a patch). */
  private outputFor(view: StateView): Output {
    let output = this.outputs.get(view);
    if (!output) this.outputs.set(view, (output = { bytes: new Uint8Array(HEADROOM * 2), offset: 0, patch: this.patches }));
    else if (output.patch !== this.patches) {
      output.patch = this.patches;
      output.offset = 0;
    }
    return output;
  }
}

function grow(output: Output, size: number): void {
  let length = output.bytes.length * 2;
  while (length < size) length *= 2;
  const bytes = new Uint8Array(length);
  bytes.set(output.bytes.subarray(0, output.offset));
  output.bytes = bytes;
}

function append(output: Output, bytes: Uint8Array, length: number): void {
  if (output.bytes.length - output.offset < length) grow(output, output.offset + length + HEADROOM);
  const target = output.bytes;
  let at = output.offset;
  if (length < 64) for (let i = 0; i < length; i++) target[at++] = bytes[i];
  else {
    target.set(bytes.subarray(0, length), at);
    at += length;
  }
  output.offset = at;
}

/** One client's frame: the head (patch byte, shared part, new entities) and its fanned-out part, timed as Colyseus times it. */
function frame(head: Uint8Array, tail: Output | undefined, timing: { sNow: number } | undefined, client: ClientInternals): Uint8Array {
  const tailLength = tail?.offset ?? 0;
  if (!timing) {
    if (!tailLength) return head.slice();
    const out = Buffer.allocUnsafe(head.length + tailLength);
    out.set(head, 0);
    out.set(tail!.bytes.subarray(0, tailLength), head.length);
    return out;
  }
  const out = Buffer.allocUnsafe(head.length + TIMED_PREFIX + tailLength);
  out[0] = head[0] | TIMED;
  out.writeUInt32LE(timing.sNow >>> 0, 1);
  out.writeUInt32LE((client._inputBuffer?.ackSeq ?? 0) >>> 0, 5);
  out.set(head.subarray(1), 1 + TIMED_PREFIX);
  if (tailLength) out.set(tail!.bytes.subarray(0, tailLength), head.length + TIMED_PREFIX);
  return out;
}
