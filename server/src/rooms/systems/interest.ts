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
  view: StateView;
  /** Entities currently in the view, by key. */
  visible: Map<string, Entity>;
}

/** Who sees an entity: its owner (a player's own client) and the other watchers that see it. */
export interface Seers {
  owner?: Watcher;
  seers: Set<Watcher>;
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

  /** Calls `visit` for every entity in the cells around (x, y) that a circle of `radius` touches. */
  forEachNear(x: number, y: number, radius: number, visit: (key: string, item: T) => void): void {
    const firstX = Math.floor((x - radius) / this.cellSize);
    const lastX = Math.floor((x + radius) / this.cellSize);
    const firstY = Math.floor((y - radius) / this.cellSize);
    const lastY = Math.floor((y + radius) / this.cellSize);
    for (let cx = firstX; cx <= lastX; cx++) {
      for (let cy = firstY; cy <= lastY; cy++) {
        const members = this.cells.get((cx & 0xffff) * 0x10000 + (cy & 0xffff));
        members?.forEach((item, key) => visit(key, item));
      }
    }
  }
}

/**
 * The interest system: players come with their client's view and watch the others;
 * monsters and drops are added by their systems. Runs last in the tick, after everything
 * moved.
 */
export class InterestManager implements Interest, ZoneSystem {
  private readonly grid: SpatialGrid<Entity>;
  private readonly watchers = new Map<string, Watcher>();
  private readonly entities = new Map<string, Entity>();
  /** Each entity's owner and watchers (the reverse of each watcher's `visible`). */
  private readonly seen = new Map<Entity, Seers>();
  private readonly byView = new Map<StateView, Watcher>();

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
   * client's view and watches the others (it sees its own owner-only fields).
   */
  add(key: string, player: Entity, view?: StateView): void {
    this.entities.set(key, player);
    this.grid.remove(key); // the grid keeps the entity itself: a key added again brings its new one
    this.grid.place(key, player.x, player.y, player);
    const seers: Seers = { seers: new Set() };
    this.seen.set(player, seers);
    if (view) {
      view.add(player);
      view.add(player, OWNER_VIEW);
      const watcher: Watcher = { key, player, view, visible: new Map() };
      seers.owner = watcher;
      this.watchers.set(key, watcher);
      this.byView.set(view, watcher);
    }
    // Seen and seeing at once, whichever share of the views the next tick refreshes: the
    // newcomer's own view, and the views of the watchers near it (not every view of the zone).
    const own = this.watchers.get(key);
    if (own) this.refresh(own);
    const enter = this.radius * this.radius;
    this.grid.forEachNear(player.x, player.y, Number.isFinite(this.radius) ? this.radius : 0, (otherKey) => {
      const watcher = this.watchers.get(otherKey);
      if (!watcher || otherKey === key || watcher.visible.has(key)) return;
      const dx = player.x - watcher.player.x;
      const dy = player.y - watcher.player.y;
      if (dx * dx + dy * dy <= enter) this.show(watcher, key, player);
    });
  }

  /** Removes an entity from the grid and from every view. */
  remove(key: string): void {
    const player = this.entities.get(key);
    this.entities.delete(key);
    this.grid.remove(key);
    const watcher = this.watchers.get(key);
    if (watcher) {
      for (const [otherKey, other] of watcher.visible) this.hide(watcher, otherKey, other);
      this.watchers.delete(key);
      this.byView.delete(watcher.view);
    }
    if (!player) return;
    const seers = this.seen.get(player);
    this.seen.delete(player);
    if (seers) for (const other of seers.seers) this.hide(other, key, player);
  }

  onPlayerEnter(session: PlayerSession): void {
    this.add(session.sessionId, session.player, session.view);
  }

  onPlayerLeave(session: PlayerSession): void {
    this.remove(session.sessionId);
  }

  /**
   * Re-buckets moved entities and brings views up to date: every view when `refreshTicks`
   * is 1, else the next share of them (each view once every `refreshTicks` calls).
   */
  update(): void {
    for (const [key, player] of this.entities) this.grid.place(key, player.x, player.y, player);
    if (this.quiet) return;
    const spread = this.shares;
    const phase = this.phase;
    this.phase = (phase + 1) % spread;
    let index = 0;
    for (const watcher of this.watchers.values()) {
      if (spread === 1 || index++ % spread === phase) this.refresh(watcher);
    }
  }

  /** Brings one watcher's view up to date: who left its radius, who entered it. */
  private refresh(watcher: Watcher): void {
    const enter = this.radius * this.radius;
    const leave = (this.radius * LEAVE_FACTOR) ** 2;
    const { x, y } = watcher.player;
    // Leaving: visible entities now beyond the leave distance (or gone).
    for (const [key, other] of watcher.visible) {
      const dx = other.x - x;
      const dy = other.y - y;
      if (!this.entities.has(key) || dx * dx + dy * dy > leave) this.hide(watcher, key, other);
    }
    // Entering: entities in nearby cells within the radius (the distance first: most
    // entities of the cells around are beyond it, and it needs no lookup).
    this.grid.forEachNear(x, y, Number.isFinite(this.radius) ? this.radius : 0, (key, other) => {
      const dx = other.x - x;
      const dy = other.y - y;
      if (dx * dx + dy * dy > enter || key === watcher.key || watcher.visible.has(key)) return;
      this.show(watcher, key, other);
    });
  }

  /** Puts an entity in a watcher's view (and the watcher among the entity's seers). */
  private show(watcher: Watcher, key: string, entity: Entity): void {
    watcher.visible.set(key, entity);
    watcher.view.add(entity);
    this.seen.get(entity)?.seers.add(watcher);
  }

  /** Takes an entity out of a watcher's view (and the watcher out of the entity's seers). */
  private hide(watcher: Watcher, key: string, entity: Entity): void {
    watcher.visible.delete(key);
    watcher.view.remove(entity);
    this.seen.get(entity)?.seers.delete(watcher);
  }

  /**
   * Keys of the watchers that are one of `keys` or currently see one of them: who
   * should hear about something that happened to those entities.
   */
  watchersOf(keys: readonly string[]): string[] {
    const result = new Set<string>();
    for (const key of keys) {
      const entity = this.entities.get(key);
      const seers = entity && this.seen.get(entity);
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
    return [...(this.watchers.get(key)?.visible.keys() ?? [])];
  }
}
