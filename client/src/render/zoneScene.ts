/**
 * Everything drawn for one zone: its tile map, its characters (drawn in y order) and the
 * camera that follows the player's own character.
 */
import { Container } from "pixi.js";
import type { ZoneMap } from "@oatnut/shared";
import { Camera, zoomForView } from "./camera.ts";
import { CharacterView } from "./characterView.ts";
import { TileMapView } from "./tileMap.ts";
import type { TileTextures } from "./tileTextures.ts";

/** A character as currently drawn, in world pixels. */
export interface RenderedCharacter {
  name: string;
  x: number;
  y: number;
}

export class ZoneScene {
  readonly root = new Container();
  private readonly world = new Container();
  private readonly ground: TileMapView;
  private readonly actors = new Container();
  private readonly views = new Map<string, CharacterView>();
  private readonly camera = new Camera();
  private selfKey: string | null = null;
  private cameraPlaced = false;

  constructor(readonly map: ZoneMap, textures: TileTextures) {
    this.ground = new TileMapView(map, textures);
    this.actors.sortableChildren = true;
    this.world.addChild(this.ground.container, this.actors);
    this.root.addChild(this.world);
    // Until the own character appears, look at the spawn point.
    this.camera.x = map.spawn.x;
    this.camera.y = map.spawn.y;
  }

  addCharacter(key: string, name: string, isSelf: boolean, x: number, y: number): void {
    this.removeCharacter(key);
    const view = new CharacterView(name, isSelf);
    view.setPosition(x, y);
    this.views.set(key, view);
    this.actors.addChild(view.container);
    if (isSelf) this.selfKey = key;
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

  /** Per-frame: animations and camera. */
  render(now: number, viewW: number, viewH: number): void {
    this.ground.update(now);
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
    this.ground.destroy();
    this.root.destroy({ children: true });
  }
}
