/**
 * Everything drawn for one zone: its tile layers, its portals, the loot on the ground,
 * its characters and monsters (drawn in y order, above the tiles), their name tags over
 * them all (laid out so none covers another or leaves the screen: labelLayout.ts), fight
 * effects over those, the camera that follows the player's own character, and the zone's
 * name shown for a moment on arrival. It also tells the HUD where the portals and the own
 * character are on screen (the portal markers). Actors are named by key: a character by
 * its session id, a monster by its eid, a drop by its id (as the state's maps key them).
 */
import { Container, Text } from "pixi.js";
import { PLAYER_HALF_SIZE, type Portal, type ZoneMap } from "@oatnut/shared";
import type { Box, NameLabelSnapshot, Point } from "../snapshot.ts";
import type { ActorKind, Picked } from "./actorRefs.ts";
import type { Art } from "./art.ts";
import { Camera, zoomForView } from "./camera.ts";
import { CharacterView } from "./characterView.ts";
import { Effects, type Anchor } from "./effects.ts";
import { layoutTags, type TagToPlace } from "./labelLayout.ts";
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
/** Half the width of a character's sprite (world pixels). */
const SPRITE_HALF_WIDTH = 12;
/** How long a removed monster is remembered, so a death cue arriving after it still shows. */
const GHOST_MS = 2000;

/** A portal as the HUD's marker needs it: where it leads and where it is drawn. */
export interface PortalGuide {
  /** The zone it leads to, and that zone's name. */
  zone: string;
  label: string;
  /** The portal's rectangle on screen (CSS pixels; may lie off screen). */
  screen: Box;
  /** Its distance from the own character (world pixels), or null before the character is drawn. */
  distance: number | null;
}

/** Tag priorities: the own character's name never moves, the target's moves only for it. */
const SELF_TAG = 3;
const TARGET_TAG = 2;
const CHARACTER_TAG = 1;
const MONSTER_TAG = 0;
/** How far past the view's edge (world pixels) an actor's tag is still kept on screen. */
const TAG_MARGIN = 16;
/** Name tags grow with the camera's zoom up to this one, and no further (a 4K screen zooms to 4). */
const TAG_MAX_ZOOM = 2;

/** How long the scene takes to fade in, and the zone title stays up. */
const FADE_IN_MS = 350;
const TITLE_MS = 2800;

export class ZoneScene {
  readonly root = new Container();
  private readonly world = new Container();
  private readonly tiles: TileMapView;
  private readonly portals: PortalView[] = [];
  private readonly portalDestinations: Array<{ portal: Portal; zone: string; label: string }> = [];
  private readonly actors = new Container();
  /** Name tags, above every actor. */
  private readonly tags = new Container();
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
  private viewW = 0;
  private viewH = 0;

  constructor(
    readonly map: ZoneMap,
    private readonly art: Art,
    destinationName: (zone: string) => string,
  ) {
    this.tiles = new TileMapView(map, art);
    const portalLayer = new Container();
    for (const portal of map.portals) {
      const view = new PortalView(portal);
      this.portals.push(view);
      this.portalDestinations.push({ portal, zone: portal.targetZone, label: destinationName(portal.targetZone) });
      portalLayer.addChild(view.container);
    }
    this.actors.sortableChildren = true;
    this.lootLayer.sortableChildren = true;
    this.effects = new Effects(art.firebolt);
    this.world.addChild(this.tiles.container, portalLayer, this.lootLayer, this.actors, this.tags, this.effects.container);
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
    this.tags.addChild(view.tag.container);
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
    this.tags.addChild(view.tag.container);
  }

  hasMonster(key: string): boolean {
    return this.monsters.has(key);
  }

  removeMonster(key: string): void {
    const view = this.monsters.get(key);
    if (!view) return;
    this.monsters.delete(key);
    view.container.removeFromParent();
    view.tag.container.removeFromParent();
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
   * Whether a world point is drawn on screen, or at most `margin` CSS pixels beyond its
   * edge (true before the first frame: nothing is known to be out of view yet).
   */
  inView(point: Point, margin = 0): boolean {
    if (this.viewW <= 0 || this.viewH <= 0) return true;
    const at = this.screenAt(point.x, point.y);
    return at.x >= -margin && at.y >= -margin && at.x <= this.viewW + margin && at.y <= this.viewH + margin;
  }

  /** Where the own character is drawn on screen (CSS pixels), or null when it is not shown. */
  selfScreen(): Point | null {
    const view = this.selfKey ? this.views.get(this.selfKey) : undefined;
    return view ? this.screenAt(view.x, view.y) : null;
  }

  /**
   * The screen box (CSS pixels) around the own character as drawn: its sprite and its name
   * tag — what the HUD's floating markers keep off. Null when it is not shown.
   */
  selfBox(): Box | null {
    const view = this.selfKey ? this.views.get(this.selfKey) : undefined;
    if (!view) return null;
    const tag = view.tag.labelBox();
    const left = Math.min(tag.left, view.x - SPRITE_HALF_WIDTH);
    const right = Math.max(tag.left + tag.width, view.x + SPRITE_HALF_WIDTH);
    const top = Math.min(tag.top, view.y + CHARACTER_TOP);
    const bottom = view.y + PLAYER_HALF_SIZE + 2;
    const corner = this.screenAt(left, top);
    const zoom = this.camera.zoom;
    return { x: corner.x, y: corner.y, width: (right - left) * zoom, height: (bottom - top) * zoom };
  }

  /** The zone's portals: where each leads and where it is drawn on screen. */
  portalGuides(): PortalGuide[] {
    const self = this.selfKey ? this.views.get(this.selfKey) : undefined;
    const zoom = this.camera.zoom;
    return this.portalDestinations.map(({ portal, zone, label }) => {
      const corner = this.screenAt(portal.x, portal.y);
      const centre = { x: portal.x + portal.width / 2, y: portal.y + portal.height / 2 };
      return {
        zone,
        label,
        screen: { x: corner.x, y: corner.y, width: portal.width * zoom, height: portal.height * zoom },
        distance: self ? Math.hypot(centre.x - self.x, centre.y - self.y) : null,
      };
    });
  }

  /** The name labels drawn on screen, where they are (CSS pixels). */
  renderedLabels(): NameLabelSnapshot[] {
    const zoom = this.camera.zoom;
    const labels: NameLabelSnapshot[] = [];
    for (const view of [...this.views.values(), ...this.monsters.values()]) {
      if (!view.tag.visible || !view.container.visible) continue;
      const box = view.tag.labelBox();
      const corner = this.screenAt(box.left, box.top);
      const on = { x: corner.x, y: corner.y, width: box.width * zoom, height: box.height * zoom };
      if (on.x + on.width <= 0 || on.y + on.height <= 0 || on.x >= this.viewW || on.y >= this.viewH) continue;
      labels.push({ text: view.tag.label.text, box: on });
    }
    return labels;
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
    this.viewW = viewW;
    this.viewH = viewH;
    const zoom = this.camera.zoom;
    const view = { left: -this.world.x / zoom, top: -this.world.y / zoom, width: viewW / zoom, height: viewH / zoom };
    this.tiles.cull(view.left, view.top, view.width, view.height);
    this.layoutTags(view, now);
  }

  /** Places every name tag: over its actor, on screen, none covering another (labelLayout.ts). */
  private layoutTags(view: { left: number; top: number; width: number; height: number }, now: number): void {
    const shown: Array<{ actor: CharacterView | MonsterView; priority: number }> = [];
    for (const [key, actor] of this.views) {
      const targeted = this.target?.kind === "character" && this.target.key === key;
      shown.push({ actor, priority: key === this.selfKey ? SELF_TAG : targeted ? TARGET_TAG : CHARACTER_TAG });
    }
    for (const [key, actor] of this.monsters) {
      if (actor.dead) continue;
      const targeted = this.target?.kind === "monster" && this.target.key === key;
      shown.push({ actor, priority: targeted ? TARGET_TAG : MONSTER_TAG });
    }
    // Only the actors on screen (or just past its edge) take part: the others' tags are off
    // screen, over their actors (kept inside the view, they would float beside nothing).
    const right = view.left + view.width;
    const bottom = view.top + view.height;
    const near: typeof shown = [];
    for (const entry of shown) {
      const { actor } = entry;
      const onScreen =
        actor.x > view.left - TAG_MARGIN && actor.x < right + TAG_MARGIN && actor.y > view.top && actor.y < bottom + 2 * TAG_MARGIN;
      if (onScreen) near.push(entry);
      else actor.tag.place(actor.x, actor.y, 0, 0, now);
    }
    const scale = Math.min(1, TAG_MAX_ZOOM / this.camera.zoom);
    for (const { actor } of shown) actor.tag.setScale(scale);
    const tags: TagToPlace[] = near.map(({ actor, priority }) => {
      const box = actor.tag.box();
      return { box: { ...box, left: box.left + actor.x, top: box.top + actor.y }, priority };
    });
    const shifts = layoutTags(tags, view);
    near.forEach(({ actor }, i) => actor.tag.place(actor.x, actor.y, shifts[i].dx, shifts[i].dy, now));
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
