/**
 * The tile layers of a zone, drawn from the shared map data (the Tiled map the server
 * collides against): one container per visible layer, in the map's order, one sprite per
 * non-empty cell, textures cut from the tileset images by gid. Tiles with a Tiled
 * animation cycle through their frames on the shared clock, as in Tiled itself.
 * Tiles are grouped in chunks of CHUNK x CHUNK cells; chunks outside the camera's view
 * are skipped (culled) each frame, so a large map costs what the screen shows.
 */
import { Container, Sprite, type Texture } from "pixi.js";
import type { ZoneMap } from "@oatnut/shared";
import { Art } from "./art.ts";

/** Side of a culling chunk, in tiles. */
const CHUNK = 8;

interface Animation {
  frames: Texture[];
  /** End time of each frame within one cycle, in ms. */
  ends: number[];
  total: number;
  sprites: Sprite[];
  shown: number;
}

export class TileMapView {
  readonly container = new Container();
  private readonly animations = new Map<number, Animation>();
  private readonly chunks: Array<{ container: Container; x: number; y: number; size: number }> = [];

  constructor(map: ZoneMap, art: Art) {
    const textures = new Map<number, Texture | null>();
    const textureFor = (gid: number): Texture | null => {
      let texture = textures.get(gid);
      if (texture !== undefined) return texture;
      const ref = Art.tilesetFor(map, gid);
      texture = ref ? (art.tilesOf(ref.tileset).get(ref.localId) ?? null) : null;
      textures.set(gid, texture);
      if (ref && texture) {
        const frames = ref.tileset.animations.get(ref.localId);
        if (frames && frames.length > 1) {
          const tiles = art.tilesOf(ref.tileset);
          let end = 0;
          const animation: Animation = { frames: [], ends: [], total: 0, sprites: [], shown: 0 };
          for (const frame of frames) {
            end += Math.max(1, frame.duration);
            animation.frames.push(tiles.get(frame.tileId) ?? texture);
            animation.ends.push(end);
          }
          animation.total = end;
          this.animations.set(gid, animation);
        }
      }
      return texture;
    };

    const size = map.tileSize;
    for (const layer of map.layers) {
      if (!layer.visible) continue;
      const layerContainer = new Container({ label: layer.name });
      for (let chunkRow = 0; chunkRow < map.height; chunkRow += CHUNK) {
        for (let chunkCol = 0; chunkCol < map.width; chunkCol += CHUNK) {
          const chunk = new Container();
          for (let row = chunkRow; row < Math.min(map.height, chunkRow + CHUNK); row++) {
            for (let col = chunkCol; col < Math.min(map.width, chunkCol + CHUNK); col++) {
              const gid = layer.data[row * map.width + col];
              if (gid === 0) continue;
              const texture = textureFor(gid);
              if (!texture) continue;
              const sprite = new Sprite(texture);
              sprite.position.set(col * size, row * size);
              if (texture.frame.width !== size || texture.frame.height !== size) sprite.setSize(size, size);
              chunk.addChild(sprite);
              this.animations.get(gid)?.sprites.push(sprite);
            }
          }
          if (chunk.children.length === 0) {
            chunk.destroy();
            continue;
          }
          layerContainer.addChild(chunk);
          this.chunks.push({ container: chunk, x: chunkCol * size, y: chunkRow * size, size: CHUNK * size });
        }
      }
      this.container.addChild(layerContainer);
    }
    for (const [gid, animation] of this.animations) if (animation.sprites.length === 0) this.animations.delete(gid);
  }

  /** Hides the chunks outside the world rectangle shown (with a one-tile margin). */
  cull(left: number, top: number, width: number, height: number): void {
    const margin = 32;
    for (const chunk of this.chunks) {
      chunk.container.visible =
        chunk.x < left + width + margin &&
        chunk.x + chunk.size > left - margin &&
        chunk.y < top + height + margin &&
        chunk.y + chunk.size > top - margin;
    }
  }

  /** Shows each animated tile's frame for time `now` (ms). */
  update(now: number): void {
    for (const animation of this.animations.values()) {
      const t = now % animation.total;
      let frame = 0;
      while (frame < animation.ends.length - 1 && t >= animation.ends[frame]) frame++;
      if (frame === animation.shown) continue;
      animation.shown = frame;
      const texture = animation.frames[frame];
      for (const sprite of animation.sprites) sprite.texture = texture;
    }
  }

  destroy(): void {
    this.container.destroy({ children: true });
  }
}
