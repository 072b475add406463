/**
 * Area of interest: each client receives only the entities near its own character. The
 * `players`, `monsters` and `loot` collections are view-tagged, so an entity reaches a
 * client only once it is in that client's StateView; this system keeps every view equal
 * to "my character, plus every entity within the zone's view radius", using a spatial
 * grid so each update looks at neighbouring cells only, not at every pair of entities.
 * Entity keys are unique across kinds: session ids for players, `m:<eid>` for monsters,
 * `l:<id>` for loot.
 *
 * An entity enters a view at `radius` and leaves it beyond `radius * LEAVE_FACTOR`, so a
 * player walking along the edge does not flicker in and out.
 *
 * Who sees what is kept in arrays, not in Maps or Sets: a watcher's and an entity's live as
 * long as they do, so they are in V8's old generation, and V8 allocates an old Map's or
 * Set's new tables there too, on every growth, shrink and rehash. With entities entering
 * and leaving views all the time, those tables were old-generation garbage (bench/levers.md,
 * round 7). An array's new backing store is allocated young, and removing from one (swap
 * with the last, then pop) allocates nothing.
 */
import type { StateView } from "@colyseus/schema";
import { OWNER_VIEW } from "@oatnut/shared";
import type { Entity, Interest, PlayerSession, ZoneSystem } from "../context.ts";

export type { Entity };

export const LEAVE_FACTOR = 1.15;

/**
 * The zone room refreshes each view every this many ticks (a third of the views on each
 * tick): a walker (8 px a tick) enters or leaves a view at most 2 ticks, 16 px, late —
 * inside the leave margin of LEAVE_FACTOR — for a third of the cost (BENCHMARKS.md). A
 * crowded zone, which patches every second tick, refreshes on the ticks without a patch
 * instead (`InterestManager.pace`).
 */
export const REFRESH_TICKS = 3;

export interface Watcher {
  /** Stable key of the watcher (the session id). */
  key: string;
  player: Entity;
  /** The character as the system tracks it (its position as of the last update). */
  self: Tracked;
  view: StateView;
  /** Entities currently in the view, in no particular order, each once. */
  visible: Tracked[];
}

/** Who sees an entity: its owner (a player's own client) and the other watchers that see it. */
export interface Seers {
  owner?: Watcher;
  /** In no particular order, each once: the reverse of the watchers' `visible`. */
  seers: Watcher[];
}

/**
 * An entity as the system tracks it: its position read once per update (or when added),
 * as plain numbers. A view refresh tests the distance of every entity in the cells around:
 * reading those through the schema's getters, many times a tick, was most of its cost.
 */
export interface Tracked extends Seers {
  readonly key: string;
  readonly entity: Entity;
  x: number;
  y: number;
  /** Set once removed: a view still holding it lets it go at its next refresh. */
  gone: boolean;
  /** The refresh that last found it already in the view being refreshed (see `refresh`). */
  mark: number;
}

/** Removes the item at `index` by moving the last one there: no allocation, order not kept. */
function removeAt<T>(list: T[], index: number): void {
  const last = list.length - 1;
  if (index !== last) list[index] = list[last];
  list.pop();
}

/**
 * Gives a view a new `changes` map before the first change of a patch is recorded in it.
 *
 * Colyseus records a view's entering and leaving entities in `view.changes` and clears that
 * map after each patch. A view lives as long as its client, so its map is in V8's old
 * generation, and V8 allocates an old map's new tables there too: on every clear and every
 * growth. Every view change of every patch was thus old-generation garbage, the largest
 * part of what a crowded zone promoted (bench/levers.md, round 6). A new empty map is
 * allocated young, and so are its tables: it dies young, after the patch that drains it.
 */
function youngChanges(view: StateView): void {
  if (view.changes.size === 0) view.changes = new Map();
}

export class SpatialGrid<T = unknown> {
  private readonly cells = new Map<number, Map<string, T>>();
  private readonly cellOf = new Map<string, number>();

  constructor(readonly cellSize: number) {}

  private cellKey(x: number, y: number): number {
    // Two 16-bit cell coordinates in one number: worlds up to 65536 cells on a side.
    return (Math.floor(x / this.cellSize) & 0xffff) * 0x10000 + (Math.floor(y / this.cellSize) & 0xffff);
  }

  /** Inserts or moves an entity (the grid keeps it, so a visit needs no lookup). */
  place(key: string, x: number, y: number, item: T): void {
    const cell = this.cellKey(x, y);
    const previous = this.cellOf.get(key);
    if (previous === cell) return;
    if (previous !== undefined) this.cells.get(previous)?.delete(key);
    let members = this.cells.get(cell);
    if (!members) this.cells.set(cell, (members = new Map()));
    members.set(key, item);
    this.cellOf.set(key, cell);
  }

  remove(key: string): void {
    const cell = this.cellOf.get(key);
    if (cell === undefined) return;
    this.cells.get(cell)?.delete(key);
    this.cellOf.delete(key);
  }

  /**
   * Puts in `out` the members of the cells around (x, y) that a circle of `radius` touches
   * (the non-empty ones), for a loop without a callback per entity.
   * @returns how many were put (from index 0)
   */
  cellsNear(x: number, y: number, radius: number, out: Array<ReadonlyMap<string, T>>): number {
    const firstX = Math.floor((x - radius) / this.cellSize);
    const lastX = Math.floor((x + radius) / this.cellSize);
    const firstY = Math.floor((y - radius) / this.cellSize);
    const lastY = Math.floor((y + radius) / this.cellSize);
    let count = 0;
    for (let cx = firstX; cx <= lastX; cx++) {
      for (let cy = firstY; cy <= lastY; cy++) {
        const members = this.cells.get((cx & 0xffff) * 0x10000 + (cy & 0xffff));
        if (members !== undefined && members.size > 0) out[count++] = members;
      }
    }
    return count;
  }
}

/**
 * The interest system: players come with their client's view and watch the others;
 * monsters and drops are added by their systems. Runs last in the tick, after everything
 * moved.
 */
export class InterestManager implements Interest, ZoneSystem {
  private readonly grid: SpatialGrid<Tracked>;
  private readonly watchers = new Map<string, Watcher>();
  /** Every entity the system holds, by key. */
  private readonly tracked = new Map<string, Tracked>();
  /** The same, by entity: its owner and watchers (the reverse of each watcher's `visible`). */
  private readonly seen = new Map<Entity, Tracked>();
  private readonly byView = new Map<StateView, Watcher>();
  /** The cells around a view being refreshed (reused). */
  private readonly near: Array<ReadonlyMap<string, Tracked>> = [];

  /** Counts refreshes: the mark of the one under way (see `refresh`). */
  private refreshes = 0;
  /** Which share of the watchers the next refreshing `update()` refreshes (see `shares`). */
  private phase = 0;
  /** Into how many shares the watchers are split, one share refreshed per refreshing update. */
  private shares: number;

  /**
   * Set by the room for a tick that a patch follows while its zone patches only every few
   * ticks (a crowded zone, see `pace`): that `update()` re-buckets the entities but
   * refreshes no view. The views' cost lands on the ticks without a patch, and the
   * heaviest tick, the one with the patch, is lighter.
   */
  quiet = false;

  /**
   * @param radius view radius in pixels (Infinity: everyone sees everyone)
   * @param refreshTicks each watcher's view is brought up to date every this many ticks,
   *   a share of the watchers on each tick (1: all of them every tick). The zone room uses
   *   {@link REFRESH_TICKS}.
   */
  constructor(
    readonly radius: number,
    readonly refreshTicks = 1,
  ) {
    this.grid = new SpatialGrid(Number.isFinite(radius) ? Math.max(64, radius) : 1 << 20);
    this.shares = Math.max(1, Math.floor(refreshTicks));
  }

  /**
   * Follows the room's patch cadence: with a patch every `ticksPerPatch` ticks, views are
   * refreshed only on the ticks without one (the room sets `quiet` on the others), in
   * fewer shares so that a view still waits at most about `refreshTicks` ticks: with a
   * patch every second tick and three ticks, two shares, each view every fourth tick
   * (a walker, 8 px a tick, enters or leaves a view at most 3 ticks, 24 px, late: inside
   * the leave margin).
   */
  pace(ticksPerPatch: number): void {
    const spread = Math.max(1, Math.floor(this.refreshTicks));
    this.shares = ticksPerPatch > 1 ? Math.max(1, Math.ceil(spread / ticksPerPatch)) : spread;
    this.phase = 0;
  }

  /**
   * Adds an entity: visible to watchers when near. A player's character comes with its
   * client's view and watches the others (it sees its own owner-only fields). A key added
   * again stands for the entity it comes with now.
   */
  add(key: string, player: Entity, view?: StateView): void {
    const before = this.tracked.get(key);
    if (before) before.gone = true; // the views holding it let it go at their next refresh
    const tracked: Tracked = { key, entity: player, x: player.x, y: player.y, gone: false, mark: 0, seers: [] };
    this.tracked.set(key, tracked);
    this.grid.remove(key);
    this.grid.place(key, tracked.x, tracked.y, tracked);
    this.seen.set(player, tracked);
    if (view) {
      view.add(player);
      view.add(player, OWNER_VIEW);
      const watcher: Watcher = { key, player, self: tracked, view, visible: [] };
      tracked.owner = watcher;
      this.watchers.set(key, watcher);
      this.byView.set(view, watcher);
      // Seeing at once, whichever share of the views the next tick refreshes.
      this.refresh(watcher);
    }
    // Seen at once: the views of the watchers near it (not every view of the zone). A view
    // still holding the entity this key stood for before takes the new one at its next
    // refresh, once it let the old one go: never both at once under one key.
    const enter = this.radius * this.radius;
    const cells = this.grid.cellsNear(tracked.x, tracked.y, this.scanRadius(), this.near);
    for (let i = 0; i < cells; i++) {
      for (const other of this.near[i].values()) {
        const watcher = other.owner;
        if (!watcher || other === tracked || (before !== undefined && before.seers.includes(watcher))) continue;
        const dx = tracked.x - other.x;
        const dy = tracked.y - other.y;
        if (dx * dx + dy * dy <= enter) this.show(watcher, tracked);
      }
    }
  }

  /** Removes an entity from the grid and from every view. */
  remove(key: string): void {
    const tracked = this.tracked.get(key);
    this.grid.remove(key);
    if (!tracked) return;
    this.tracked.delete(key);
    tracked.gone = true;
    const watcher = tracked.owner;
    if (watcher && this.watchers.get(key) === watcher) {
      for (let i = watcher.visible.length - 1; i >= 0; i--) this.hide(watcher, watcher.visible[i], i);
      this.watchers.delete(key);
      this.byView.delete(watcher.view);
    }
    if (this.seen.get(tracked.entity) === tracked) this.seen.delete(tracked.entity);
    for (let i = tracked.seers.length - 1; i >= 0; i--) this.hide(tracked.seers[i], tracked);
  }

  onPlayerEnter(session: PlayerSession): void {
    this.add(session.sessionId, session.player, session.view);
  }

  onPlayerLeave(session: PlayerSession): void {
    this.remove(session.sessionId);
  }

  /**
   * Reads where every entity is and re-buckets the moved ones, then brings views up to
   * date: every view when `refreshTicks` is 1, else the next share of them (each view once
   * every `shares` refreshing calls); none on a `quiet` tick.
   */
  update(): void {
    for (const tracked of this.tracked.values()) {
      tracked.x = tracked.entity.x;
      tracked.y = tracked.entity.y;
      this.grid.place(tracked.key, tracked.x, tracked.y, tracked);
    }
    if (this.quiet) return;
    const spread = this.shares;
    const phase = this.phase;
    this.phase = (phase + 1) % spread;
    let index = 0;
    for (const watcher of this.watchers.values()) {
      if (spread === 1 || index++ % spread === phase) this.refresh(watcher);
    }
  }

  /** The radius of the cells scanned around a position (the grid's single cell when unbounded). */
  private scanRadius(): number {
    return Number.isFinite(this.radius) ? this.radius : 0;
  }

  /** Brings one watcher's view up to date: who left its radius, who entered it. */
  private refresh(watcher: Watcher): void {
    const enter = this.radius * this.radius;
    const leave = (this.radius * LEAVE_FACTOR) ** 2;
    const self = watcher.self;
    const x = self.x;
    const y = self.y;
    // Leaving: visible entities now beyond the leave distance (or gone). Those that stay
    // are marked with this refresh's number: the entering pass skips them by their mark.
    const mark = ++this.refreshes;
    const visible = watcher.visible;
    for (let i = visible.length - 1; i >= 0; i--) {
      const other = visible[i];
      const dx = other.x - x;
      const dy = other.y - y;
      if (other.gone || dx * dx + dy * dy > leave) this.hide(watcher, other, i);
      else other.mark = mark;
    }
    // Entering: entities in nearby cells within the radius (the distance first: most
    // entities of the cells around are beyond it). What the grid holds is never gone, so
    // with the gone ones let go above, a key in the view stands for the entity marked.
    const cells = this.grid.cellsNear(x, y, this.scanRadius(), this.near);
    for (let i = 0; i < cells; i++) {
      for (const other of this.near[i].values()) {
        const dx = other.x - x;
        const dy = other.y - y;
        if (dx * dx + dy * dy > enter || other === self || other.mark === mark) continue;
        this.show(watcher, other);
        other.mark = mark;
      }
    }
  }

  /** Puts an entity in a watcher's view (and the watcher among the entity's seers). */
  private show(watcher: Watcher, tracked: Tracked): void {
    watcher.visible.push(tracked);
    youngChanges(watcher.view);
    watcher.view.add(tracked.entity);
    tracked.seers.push(watcher);
  }

  /**
   * Takes an entity out of a watcher's view (and the watcher out of the entity's seers).
   * @param at where the entity is in the watcher's `visible`, when the caller knows it
   */
  private hide(watcher: Watcher, tracked: Tracked, at = watcher.visible.indexOf(tracked)): void {
    if (at >= 0) removeAt(watcher.visible, at);
    youngChanges(watcher.view);
    watcher.view.remove(tracked.entity);
    const seer = tracked.seers.indexOf(watcher);
    if (seer >= 0) removeAt(tracked.seers, seer);
  }

  /**
   * Keys of the watchers that are one of `keys` or currently see one of them: who
   * should hear about something that happened to those entities.
   */
  watchersOf(keys: readonly string[]): string[] {
    const result = new Set<string>();
    for (const key of keys) {
      const seers = this.tracked.get(key);
      if (!seers) continue;
      if (seers.owner) result.add(seers.owner.key);
      for (const watcher of seers.seers) result.add(watcher.key);
    }
    return [...result];
  }

  /** An entity's owner and the watchers that see it, or undefined for an entity this system does not hold. */
  seersOf(entity: object): Seers | undefined {
    return this.seen.get(entity as Entity);
  }

  /** The watcher whose view this is, or undefined for a view this system does not manage. */
  watcherOfView(view: StateView): Watcher | undefined {
    return this.byView.get(view);
  }

  /** Keys of the entities a watcher currently sees (for tests and metrics). */
  visibleTo(key: string): string[] {
    return (this.watchers.get(key)?.visible ?? []).map((tracked) => tracked.key);
  }
}
