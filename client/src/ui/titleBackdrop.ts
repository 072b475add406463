/**
 * The picture behind the sign-in and character screens: the zone new characters start in,
 * drawn from its Tiled map with the game's own generated tileset (shared/zones/tilesets/,
 * bundled by Vite — nothing from elsewhere), pixel-crisp at twice its size or more so it
 * fills the window, centred on the spawn. A plain 2D canvas: PixiJS is the game view's.
 * Drawn once (at 1×, into an offscreen canvas) the first time it is shown, scaled again
 * when the window is resized. Hidden behind the game view in a zone (accountScreens.css).
 */
import type { ZoneMap } from "@oatnut/shared";
import { startingZoneMap } from "../game/zones.ts";
import { byId } from "./dom.ts";

/** Tileset images by their path relative to shared/zones/ (as `TilesetRef.image` says). */
const TILESET_URLS: Record<string, string> = Object.fromEntries(
  Object.entries(import.meta.glob<string>("../../../shared/zones/tilesets/*.png", { eager: true, query: "?url", import: "default" })).map(
    ([key, url]) => [key.replace("../../../shared/zones/", ""), url],
  ),
);

/** Smallest zoom of the map (tiles of 32 px drawn 64 px wide). */
const MIN_SCALE = 2;

let backdrop: TitleBackdrop | null = null;

/** Shows the backdrop (drawing it the first time); a failure to draw leaves the plain background. */
export function showTitleBackdrop(): void {
  try {
    backdrop ??= new TitleBackdrop(byId<HTMLCanvasElement>("title-backdrop"));
    backdrop.show();
  } catch (error) {
    console.error("the title backdrop cannot be drawn", error);
  }
}

class TitleBackdrop {
  private map: ZoneMap | null = null;
  /** The whole map at 1×, once its tilesets are loaded. */
  private picture: HTMLCanvasElement | null = null;
  private loading: Promise<void> | null = null;
  private resizeQueued = false;

  constructor(private readonly canvas: HTMLCanvasElement) {
    window.addEventListener("resize", () => {
      if (this.resizeQueued || !this.picture) return;
      this.resizeQueued = true;
      requestAnimationFrame(() => {
        this.resizeQueued = false;
        this.paint();
      });
    });
  }

  show(): void {
    this.loading ??= this.load().then(
      () => this.paint(),
      (error: unknown) => console.error("the title backdrop cannot be drawn", error),
    );
  }

  private async load(): Promise<void> {
    const map = startingZoneMap();
    const images = new Map<string, HTMLImageElement>();
    await Promise.all(
      map.tilesets.map(async (tileset) => {
        const url = TILESET_URLS[tileset.image];
        if (!url) throw new Error(`no bundled image for the tileset ${tileset.image}`);
        const image = new Image();
        image.src = url;
        await image.decode();
        images.set(tileset.image, image);
      }),
    );
    const size = map.tileSize;
    const picture = document.createElement("canvas");
    picture.width = map.width * size;
    picture.height = map.height * size;
    const context = picture.getContext("2d");
    if (!context) throw new Error("no 2D canvas");
    context.imageSmoothingEnabled = false;
    for (const layer of map.layers) {
      if (!layer.visible) continue;
      for (let row = 0; row < map.height; row++) {
        for (let col = 0; col < map.width; col++) {
          const gid = layer.data[row * map.width + col];
          if (gid === 0) continue;
          // The tileset of a gid: the last one whose first gid is not above it.
          let tileset = null;
          for (const candidate of map.tilesets) if (candidate.firstGid <= gid) tileset = candidate;
          if (!tileset || gid - tileset.firstGid >= tileset.tileCount) continue;
          const image = images.get(tileset.image)!;
          const local = gid - tileset.firstGid;
          const sx = (local % tileset.columns) * tileset.tileWidth;
          const sy = Math.floor(local / tileset.columns) * tileset.tileHeight;
          context.drawImage(image, sx, sy, tileset.tileWidth, tileset.tileHeight, col * size, row * size, size, size);
        }
      }
    }
    this.map = map;
    this.picture = picture;
  }

  /** Scales the picture to the window: whole-number zoom, centred on the spawn, covering the window. */
  private paint(): void {
    const { map, picture, canvas } = this;
    if (!map || !picture) return;
    const ratio = Math.min(window.devicePixelRatio || 1, 2);
    const width = Math.ceil(window.innerWidth * ratio);
    const height = Math.ceil(window.innerHeight * ratio);
    canvas.width = width;
    canvas.height = height;
    const scale = Math.max(Math.ceil(MIN_SCALE * ratio), Math.ceil(width / picture.width), Math.ceil(height / picture.height));
    const drawnWidth = picture.width * scale;
    const drawnHeight = picture.height * scale;
    const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
    const left = clamp(width / 2 - map.spawn.x * scale, width - drawnWidth, 0);
    const top = clamp(height / 2 - map.spawn.y * scale, height - drawnHeight, 0);
    const context = canvas.getContext("2d");
    if (!context) return;
    context.imageSmoothingEnabled = false;
    context.drawImage(picture, Math.round(left), Math.round(top), drawnWidth, drawnHeight);
  }
}
