/**
 * The PixiJS application: one canvas filling the window (it follows resizes), the
 * generated tile art, and the zone scene currently shown.
 */
import { Application } from "pixi.js";
import { createTileTextures, type TileTextures } from "./tileTextures.ts";
import type { ZoneScene } from "./zoneScene.ts";

export class Stage {
  readonly app = new Application();
  private tileTextures: TileTextures | null = null;
  private scene: ZoneScene | null = null;
  private readonly frameCallbacks: Array<(now: number) => void> = [];

  /** Creates the renderer and mounts the canvas into `parent`. */
  async init(parent: HTMLElement): Promise<void> {
    await this.app.init({
      resizeTo: window,
      background: 0x142014,
      antialias: true,
      autoDensity: true,
      resolution: Math.min(window.devicePixelRatio || 1, 2),
    });
    parent.appendChild(this.app.canvas);
    this.app.ticker.add((ticker) => {
      for (const callback of this.frameCallbacks) callback(ticker.lastTime);
    });
  }

  get width(): number {
    return this.app.screen.width;
  }

  get height(): number {
    return this.app.screen.height;
  }

  /** The tile textures, painted on first use. */
  get textures(): TileTextures {
    this.tileTextures ??= createTileTextures(this.app.renderer);
    return this.tileTextures;
  }

  /** Calls `callback` with the frame's timestamp (ms, the rAF clock) on every frame once running. */
  onFrame(callback: (now: number) => void): void {
    this.frameCallbacks.push(callback);
  }

  /** Shows `scene`, replacing (and destroying) the one shown before. */
  show(scene: ZoneScene): void {
    this.clear();
    this.scene = scene;
    this.app.stage.addChild(scene.root);
  }

  /** Removes and destroys the scene shown, if any. */
  clear(): void {
    if (!this.scene) return;
    this.app.stage.removeChild(this.scene.root);
    this.scene.destroy();
    this.scene = null;
  }
}
