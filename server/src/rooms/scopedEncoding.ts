/**
 * Per-client patch encoding that costs what the client sees, not what the zone holds.
 *
 * Colyseus encodes a patch for each client's StateView by walking every changed object of
 * the whole room and asking the view, for each, whether it is visible
 * (`Encoder.encodeView` → `_encodeChannel`). With N players moving in a zone that is N
 * visibility checks per client per patch: N² a patch, the cost that capped one zone at
 * about 300 walkers (see BENCHMARKS.md).
 *
 * This module gives `encodeView` a shorter list to walk for each view: the changed
 * objects that belong to the entities the interest system put in that view (its own
 * character, the players, monsters and drops near it), plus every changed object that
 * belongs to no entity (the root state, the collections themselves), in the very order
 * of the room's change queue. The encoder then runs unchanged over that list — same
 * visibility checks, same bytes — so a client still receives exactly what Colyseus would
 * have sent it (server/test/scopedEncoding.test.ts compares both, byte for byte, over
 * many patches of entities moving, entering and leaving views, and changing).
 *
 * The one rule this relies on: an object under the `players`, `monsters` or `loot`
 * collections reaches a view only through the interest system (InterestManager adds and
 * removes them). Anything else a room type shows to views is outside those collections
 * and is walked for every view, as before.
 */
import { $changes, type Encoder, type StateView } from "@colyseus/schema";

/** What this module reads of a Colyseus ChangeTree. */
interface Tree {
  readonly parent?: object;
}

interface QueueNode {
  changeTree: Tree;
  next?: QueueNode;
}

interface ChangeQueue {
  next?: QueueNode;
}

/** The part of the encoder's root this module reads and swaps. */
interface EncoderRoot {
  changes: ChangeQueue;
}

/** One patch's change queue, indexed: each changed object with its position, grouped by entity. */
interface PatchPlan {
  /** Changed objects that belong to no entity (walked for every view), in queue order. */
  shared: Array<[position: number, tree: Tree]>;
  /** Changed objects of each entity (the entity's own tree as the key), in queue order. */
  byEntity: Map<Tree, Array<[position: number, tree: Tree]>>;
}

const MAX_DEPTH = 16;

export class ScopedViewEncoding {
  private plan: PatchPlan | undefined;
  private readonly collections: Set<Tree>;
  /** Views encoded with the scoped walk, and the changed objects walked for them (for tests). */
  views = 0;
  walked = 0;

  /**
   * @param encoder the room's state encoder
   * @param collections the entity collections (`players`, `monsters`, `loot`) whose
   *   children reach views only through `entitiesIn`
   * @param entitiesIn the entities (schema instances) a view shows, or undefined for a
   *   view this module does not know (walked the usual way)
   */
  constructor(
    private readonly encoder: Encoder,
    collections: readonly object[],
    private readonly entitiesIn: (view: StateView) => Iterable<object> | undefined,
  ) {
    this.collections = new Set(collections.map((collection) => treeOf(collection)));
  }

  /** Puts the scoped walk in front of the encoder's `encodeView`. */
  install(): this {
    const encoder = this.encoder as unknown as Pick<Encoder, "encodeView"> & { root: EncoderRoot };
    const original = encoder.encodeView.bind(encoder);
    encoder.encodeView = (view, sharedOffset, it, bytes) => {
      const entities = this.entitiesIn(view);
      if (!entities) return original(view, sharedOffset, it, bytes);
      const queue = this.queueFor(encoder.root.changes, entities);
      const real = encoder.root.changes;
      encoder.root.changes = queue;
      try {
        this.views++;
        return original(view, sharedOffset, it, bytes);
      } finally {
        encoder.root.changes = real;
      }
    };
    return this;
  }

  /** Call before each patch: the change queue is new. */
  nextPatch(): void {
    this.plan = undefined;
  }

  private planFor(queue: ChangeQueue): PatchPlan {
    if (this.plan) return this.plan;
    const plan: PatchPlan = { shared: [], byEntity: new Map() };
    let position = 0;
    for (let node = queue.next; node; node = node.next) {
      const tree = node.changeTree;
      const entity = this.entityOf(tree);
      const entry: [number, Tree] = [position++, tree];
      if (!entity) plan.shared.push(entry);
      else {
        const list = plan.byEntity.get(entity);
        if (list) list.push(entry);
        else plan.byEntity.set(entity, [entry]);
      }
    }
    this.plan = plan;
    return plan;
  }

  /** The tree of the collection child `tree` belongs to, or undefined (no entity, or detached). */
  private entityOf(tree: Tree): Tree | undefined {
    let current = tree;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const parent = current.parent;
      if (!parent) return undefined;
      const parentTree = treeOf(parent);
      if (!parentTree) return undefined;
      if (this.collections.has(parentTree)) return current;
      current = parentTree;
    }
    return undefined;
  }

  /** The room's change queue cut down to what `entities` own plus what no entity owns, in order. */
  private queueFor(queue: ChangeQueue, entities: Iterable<object>): ChangeQueue {
    const plan = this.planFor(queue);
    let entries = plan.shared;
    let copied = false;
    for (const entity of entities) {
      const own = plan.byEntity.get(treeOf(entity));
      if (!own) continue;
      if (!copied) {
        entries = entries.slice();
        copied = true;
      }
      for (const entry of own) entries.push(entry);
    }
    if (copied) entries.sort((a, b) => a[0] - b[0]);
    const head: ChangeQueue = {};
    let tail: ChangeQueue = head;
    this.walked += entries.length;
    for (const [, tree] of entries) {
      const node: QueueNode = { changeTree: tree };
      tail.next = node;
      tail = node;
    }
    return head;
  }
}

function treeOf(instance: object): Tree {
  return (instance as unknown as Record<symbol, Tree>)[$changes as unknown as symbol];
}
