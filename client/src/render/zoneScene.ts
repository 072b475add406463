/**
 * Everything drawn for one zone: its tile layers, its portals, its characters (drawn in
 * y order, above the tiles), the camera that follows the player's own character, and the
 * zone's name shown for a moment on arrival.
 */
import { Container, Text } from "pixi.js";
import type { ZoneMap } from "@oatnut/shared";
import type { Art } from "./art.ts";
import { Camera, zoomForView } from "./camera.ts";
import { CharacterView } from "./characterView.ts";
import { PortalView } from "./portalView.ts";
import { TileMapView } from "./tileMap.ts";

/** A character as currently drawn, in world pixels. */
export interface RenderedCharacter {
  name: string;
  x: number;
  y: number;
}

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
  private readonly camera = new Camera();
  private readonly title: Container;
  private selfKey: string | null = null;
  private cameraPlaced = false;
  private shownAt = -1;

  constructor(readonly map: ZoneMap, private readonly art: Art, destinationName: (zone: string) => string) {
    this.tiles = new TileMapView(map, art);
    const portalLayer = new Container();
    for (const portal of map.portals) {
      const view = new PortalView(portal, destinationName(portal.targetZone), map.width * map.tileSize);
      this.portals.push(view);
      portalLayer.addChild(view.container);
    }
    this.actors.sortableChildren = true;
    this.world.addChild(this.tiles.container, portalLayer, this.actors);
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

  /** Per-frame: animations, camera, fade-in and title. */
  render(now: number, viewW: number, viewH: number): void {
    if (this.shownAt < 0) this.shownAt = now;
    const age = now - this.shownAt;
    this.root.alpha = Math.min(1, age / FADE_IN_MS);
    this.title.alpha = age < 400 ? age / 400 : Math.max(0, 1 - (age - TITLE_MS + 600) / 600);
    this.title.visible = this.title.alpha > 0;
    this.title.position.set(Math.round(viewW / 2), Math.round(Math.max(90, viewH * 0.24)));

    this.tiles.update(now);
    for (const portal of this.portals) portal.update(now);
    for (const view of this.views.values()) view.update(now);
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
    style: { fontFamily: font, fontSize: 34, fontWeight: "700", fill: 0xfff4d6, stroke: { color: 0x1a1208, width: 5, join: "round" }, letterSpacing: 1 },
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
