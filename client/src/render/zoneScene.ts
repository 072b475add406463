/**
 * Everything drawn for one zone: its tile layers, its portals, the loot on the ground,
 * its characters and monsters (drawn in y order, above the tiles), fight effects over
 * them, the camera that follows the player's own character, and the zone's name shown
 * for a moment on arrival. Actors are named by key: a character by its session id, a
 * monster by its eid, a drop by its id (as the state's maps key them).
 */
import { Container, Text } from "pixi.js";
import { PLAYER_HALF_SIZE, type ZoneMap } from "@oatnut/shared";
import type { ActorKind, Picked } from "./actorRefs.ts";
import type { Art } from "./art.ts";
import { Camera, zoomForView } from "./camera.ts";
import { CharacterView } from "./characterView.ts";
import { Effects, type Anchor } from "./effects.ts";
import { LootView } from "./lootView.ts";
import { MonsterView } from "./monsterView.ts";
import { PortalView } from "./portalView.ts";
import { TileMapView } from "./tileMap.ts";

/** A character as currently drawn, in world pixels. */
export interface RenderedCharacter {
  name: string;
  x: number;
  y: number;
}

/** A monster as currently drawn. */
export interface RenderedMonster {
  key: string;
  kind: string;
  x: number;
  y: number;
  hp: number;
  maxHp: number;
}

/** A drop as currently drawn. */
export interface RenderedLoot {
  key: string;
  item: string;
  count: number;
  x: number;
  y: number;
}

/** Height of a character's head above its position (for numbers and effects). */
const CHARACTER_TOP = PLAYER_HALF_SIZE - 31;
/** How long a removed monster is remembered, so a death cue arriving after it still shows. */
const GHOST_MS = 2000;

/** How long the scene takes to fade in, and the zone title stays up. */
const FADE_IN_MS = 350;
const TITLE_MS = 2800;

export class ZoneScene {
  readonly root = new Container();
  private readonly world = new Container();
  private readonly tiles: TileMapView;
  private readonly portals: PortalView[] = [];
  private readonly actors = new Container();
  private readonly views = new Map<string, CharacterView>();
  private readonly monsters = new Map<string, MonsterView>();
  private readonly loot = new Map<string, LootView>();
  private readonly lootLayer = new Container();
  /** Monsters recently removed: where and how they were last drawn. */
  private readonly ghosts = new Map<string, { view: MonsterView; at: number }>();
  private target: Picked | null = null;
  readonly effects: Effects;
  private now = 0;
  private readonly camera = new Camera();
  private readonly title: Container;
  private selfKey: string | null = null;
  private cameraPlaced = false;
  private shownAt = -1;

  constructor(
    readonly map: ZoneMap,
    private readonly art: Art,
    destinationName: (zone: string) => string,
  ) {
    this.tiles = new TileMapView(map, art);
    const portalLayer = new Container();
    for (const portal of map.portals) {
      const view = new PortalView(portal, destinationName(portal.targetZone), map.width * map.tileSize);
      this.portals.push(view);
      portalLayer.addChild(view.container);
    }
    this.actors.sortableChildren = true;
    this.lootLayer.sortableChildren = true;
    this.effects = new Effects(art.firebolt);
    this.world.addChild(this.tiles.container, portalLayer, this.lootLayer, this.actors, this.effects.container);
    this.title = zoneTitle(map);
    this.root.addChild(this.world, this.title);
    this.root.alpha = 0;
    // Until the own character appears, look at the spawn point.
    this.camera.x = map.spawn.x;
    this.camera.y = map.spawn.y;
  }

  /** Adds a character drawn at (x, y) at once — its current position, never a slide from elsewhere. */
  addCharacter(key: string, name: string, isSelf: boolean, x: number, y: number, facing: number): void {
    this.removeCharacter(key);
    const view = new CharacterView(name, isSelf, this.art);
    view.setPosition(x, y);
    view.setFacing(facing);
    this.views.set(key, view);
    this.actors.addChild(view.container);
    if (isSelf) this.selfKey = key;
    if (this.target?.kind === "character" && this.target.key === key) view.setTargeted(true);
  }

  hasCharacter(key: string): boolean {
    return this.views.has(key);
  }

  removeCharacter(key: string): void {
    const view = this.views.get(key);
    if (!view) return;
    view.destroy();
    this.views.delete(key);
    if (key === this.selfKey) this.selfKey = null;
  }

  renameCharacter(key: string, name: string): void {
    this.views.get(key)?.setName(name);
  }

  /** Moves a character to where it should be drawn this frame. */
  placeCharacter(key: string, x: number, y: number, facing: number): void {
    const view = this.views.get(key);
    if (!view) return;
    view.setPosition(x, y);
    view.setFacing(facing);
  }

  /** Health and level of a character. */
  setCharacterStats(key: string, hp: number, maxHp: number, level: number): void {
    this.views.get(key)?.setStats(hp, maxHp, level);
  }

  /** Adds a monster drawn at (x, y) at once. */
  addMonster(key: string, kind: string, x: number, y: number, facing: number, hp: number, maxHp: number): void {
    this.removeMonster(key);
    this.ghosts.delete(key);
    const view = new MonsterView(kind, this.art);
    view.setPosition(x, y);
    view.setFacing(facing);
    view.setHp(hp, maxHp);
    view.setTargeted(this.target?.kind === "monster" && this.target.key === key);
    this.monsters.set(key, view);
    this.actors.addChild(view.container);
  }

  hasMonster(key: string): boolean {
    return this.monsters.has(key);
  }

  removeMonster(key: string): void {
    const view = this.monsters.get(key);
    if (!view) return;
    this.monsters.delete(key);
    view.container.removeFromParent();
    this.ghosts.set(key, { view, at: this.now });
  }

  /** Moves a monster to where it should be drawn this frame, with its health. */
  placeMonster(key: string, x: number, y: number, facing: number, hp: number, maxHp: number): void {
    const view = this.monsters.get(key);
    if (!view) return;
    view.setPosition(x, y);
    view.setFacing(facing);
    view.setHp(hp, maxHp);
  }

  /** Shows a monster's death where it is (or was last drawn, if already removed). */
  showMonsterDeath(key: string): void {
    const view = this.monsters.get(key) ?? this.ghosts.get(key)?.view;
    if (view) this.effects.corpse(view.texture, view.x, view.y, PLAYER_HALF_SIZE);
  }

  /** Adds a drop lying at (x, y). */
  addLoot(key: string, item: string, count: number, x: number, y: number, dimmed: boolean): void {
    this.removeLoot(key);
    const view = new LootView(item, this.art);
    view.setPosition(x, y);
    view.setCount(count);
    view.setDimmed(dimmed);
    this.loot.set(key, view);
    this.lootLayer.addChild(view.container);
  }

  hasLoot(key: string): boolean {
    return this.loot.has(key);
  }

  updateLoot(key: string, count: number, dimmed: boolean): void {
    const view = this.loot.get(key);
    if (!view) return;
    view.setCount(count);
    if (view.dimmed !== dimmed) view.setDimmed(dimmed);
  }

  removeLoot(key: string): void {
    const view = this.loot.get(key);
    if (!view) return;
    view.destroy();
    this.loot.delete(key);
  }

  /** Marks the selected target (a character or a monster), or none. */
  setTarget(target: Picked | null): void {
    if (this.target) this.targetView(this.target)?.setTargeted(false);
    this.target = target;
    if (target) this.targetView(target)?.setTargeted(true);
  }

  /** Where an actor is drawn, followed frame by frame (null once it is gone). */
  anchor(kind: ActorKind, key: string): Anchor {
    return () => {
      const view = kind === "character" ? this.views.get(key) : this.monsters.get(key);
      return view ? { x: view.x, y: view.y } : null;
    };
  }

  /** Height of an actor's head above its position (negative: up). */
  actorTop(kind: ActorKind, key: string): number {
    return kind === "monster" ? (this.monsters.get(key)?.top ?? CHARACTER_TOP) : CHARACTER_TOP;
  }

  /** The actor flashes (it was hit). */
  flash(kind: ActorKind, key: string): void {
    (kind === "character" ? this.views.get(key) : this.monsters.get(key))?.reactions.flash();
  }

  /** The actor lunges toward another (it attacked). */
  lunge(kind: ActorKind, key: string, toward: Anchor): void {
    const view = kind === "character" ? this.views.get(key) : this.monsters.get(key);
    const to = toward();
    if (view && to) view.reactions.lunge(to.x - view.x, to.y - view.y);
  }

  /** The world point under a point of the view (CSS pixels from the canvas' top-left). */
  worldAt(screenX: number, screenY: number): { x: number; y: number } {
    const zoom = this.camera.zoom;
    return { x: (screenX - this.world.x) / zoom, y: (screenY - this.world.y) / zoom };
  }

  /** The view point (CSS pixels) where a world point is drawn. */
  screenAt(x: number, y: number): { x: number; y: number } {
    const zoom = this.camera.zoom;
    return { x: this.world.x + x * zoom, y: this.world.y + y * zoom };
  }

  /**
   * What is drawn under the world point (x, y): the nearest drop, monster or character
   * whose picture covers it (loot first: it lies under the actors), or null.
   */
  pick(x: number, y: number): Picked | null {
    let best: Picked | null = null;
    let bestDistance = Infinity;
    const consider = (kind: Picked["kind"], key: string, cx: number, cy: number, halfW: number, top: number, bottom: number) => {
      if (Math.abs(x - cx) > halfW || y < cy + top || y > cy + bottom) return;
      const d = Math.hypot(x - cx, y - (cy + (top + bottom) / 2));
      if (d < bestDistance) {
        bestDistance = d;
        best = { kind, key };
      }
    };
    for (const [key, view] of this.loot) consider("loot", key, view.x, view.y, 10, -16, 4);
    if (best) return best;
    for (const [key, view] of this.monsters) if (!view.dead) consider("monster", key, view.x, view.y, 15, view.top, PLAYER_HALF_SIZE + 2);
    for (const [key, view] of this.views) consider("character", key, view.x, view.y, 12, CHARACTER_TOP, PLAYER_HALF_SIZE + 2);
    return best;
  }

  /** Every monster as drawn. */
  renderedMonsters(): RenderedMonster[] {
    return [...this.monsters].map(([key, view]) => ({ key, kind: view.kind, x: view.x, y: view.y, hp: view.hp, maxHp: view.maxHp }));
  }

  /** Every drop as drawn. */
  renderedLoot(): RenderedLoot[] {
    return [...this.loot].map(([key, view]) => ({ key, item: view.item, count: view.count, x: view.x, y: view.y }));
  }

  /** Per-frame: animations, camera, fade-in and title. */
  render(now: number, viewW: number, viewH: number): void {
    this.now = now;
    if (this.shownAt < 0) this.shownAt = now;
    const age = now - this.shownAt;
    this.root.alpha = Math.min(1, age / FADE_IN_MS);
    this.title.alpha = age < 400 ? age / 400 : Math.max(0, 1 - (age - TITLE_MS + 600) / 600);
    this.title.visible = this.title.alpha > 0;
    this.title.position.set(Math.round(viewW / 2), Math.round(Math.max(90, viewH * 0.24)));

    this.tiles.update(now);
    for (const portal of this.portals) portal.update(now);
    for (const view of this.views.values()) view.update(now);
    for (const view of this.monsters.values()) view.update(now);
    for (const view of this.loot.values()) view.update(now);
    this.effects.update(now);
    for (const [key, ghost] of this.ghosts) {
      if (now - ghost.at > GHOST_MS) {
        ghost.view.destroy();
        this.ghosts.delete(key);
      }
    }
    const self = this.selfKey ? this.views.get(this.selfKey) : undefined;
    const worldW = this.map.width * this.map.tileSize;
    const worldH = this.map.height * this.map.tileSize;
    this.camera.zoom = zoomForView(viewW, viewH, this.map.tileSize);
    if (self) {
      this.camera.follow(self.x, self.y, viewW, viewH, worldW, worldH);
      this.cameraPlaced = true;
    } else if (!this.cameraPlaced) {
      this.camera.follow(this.map.spawn.x, this.map.spawn.y, viewW, viewH, worldW, worldH);
    }
    this.camera.apply(this.world, viewW, viewH);
    const zoom = this.camera.zoom;
    this.tiles.cull(-this.world.x / zoom, -this.world.y / zoom, viewW / zoom, viewH / zoom);
  }

  /** The own character as drawn, or null when it is not shown. */
  renderedSelf(): RenderedCharacter | null {
    const view = this.selfKey ? this.views.get(this.selfKey) : undefined;
    return view ? { name: view.name, x: view.x, y: view.y } : null;
  }

  private targetView(target: Picked): CharacterView | MonsterView | undefined {
    if (target.kind === "character") return this.views.get(target.key);
    if (target.kind === "monster") return this.monsters.get(target.key);
    return undefined;
  }

  /** Every other character as drawn. */
  renderedOthers(): RenderedCharacter[] {
    const others: RenderedCharacter[] = [];
    for (const [key, view] of this.views) {
      if (key !== this.selfKey) others.push({ name: view.name, x: view.x, y: view.y });
    }
    return others;
  }

  destroy(): void {
    for (const view of this.views.values()) view.destroy();
    this.views.clear();
    for (const view of this.monsters.values()) view.destroy();
    this.monsters.clear();
    for (const ghost of this.ghosts.values()) ghost.view.destroy();
    this.ghosts.clear();
    for (const view of this.loot.values()) view.destroy();
    this.loot.clear();
    this.effects.destroy();
    for (const portal of this.portals) portal.destroy();
    this.tiles.destroy();
    this.root.destroy({ children: true });
  }
}

/** The zone's name (and a PvP warning) to show on arrival. */
function zoneTitle(map: ZoneMap): Container {
  const title = new Container();
  const font = "Georgia, 'Times New Roman', serif";
  const name = new Text({
    text: map.displayName,
    resolution: 2,
    style: {
      fontFamily: font,
      fontSize: 34,
      fontWeight: "700",
      fill: 0xfff4d6,
      stroke: { color: 0x1a1208, width: 5, join: "round" },
      letterSpacing: 1,
    },
  });
  name.anchor.set(0.5, 0.5);
  title.addChild(name);
  if (map.pvp) {
    const warning = new Text({
      text: "Player combat allowed",
      resolution: 2,
      style: { fontFamily: font, fontSize: 15, fontStyle: "italic", fill: 0xff8a7a, stroke: { color: 0x1a0808, width: 4, join: "round" } },
    });
    warning.anchor.set(0.5, 0.5);
    warning.position.set(0, 30);
    title.addChild(warning);
  }
  title.alpha = 0;
  return title;
}
