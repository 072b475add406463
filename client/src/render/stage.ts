/**
 * The PixiJS application: one canvas filling the window (it follows resizes), the game's
 * images, the zone scene currently shown, and a veil that darkens the view while the
 * player travels between zones.
 */
// Pixi generates its shader and uniform-upload functions with `new Function` unless this
// module swaps in plain ones; the game page's Content-Security-Policy has no 'unsafe-eval'.
import "pixi.js/unsafe-eval";
import { Application, Graphics } from "pixi.js";
import { Art } from "./art.ts";
import type { ZoneScene } from "./zoneScene.ts";

/** How fast the travel veil closes and opens, in alpha per millisecond. */
const VEIL_SPEED = 1 / 220;
/** How dark the veil gets while travelling. */
const VEIL_MAX = 0.85;

export class Stage {
  readonly app = new Application();
  readonly art = new Art();
  private scene: ZoneScene | null = null;
  private readonly veil = new Graphics();
  private veilTarget = 0;
  private lastFrame = -1;
  private readonly frameCallbacks: Array<(now: number) => void> = [];

  /** Creates the renderer, mounts the canvas into `parent` and loads the images. */
  async init(parent: HTMLElement): Promise<void> {
    await this.app.init({
      resizeTo: window,
      background: 0x0c0e0d,
      antialias: false,
      autoDensity: true,
      resolution: Math.min(window.devicePixelRatio || 1, 2),
    });
    parent.appendChild(this.app.canvas);
    this.veil.alpha = 0;
    this.app.stage.addChild(this.veil);
    this.app.ticker.add((ticker) => {
      const now = ticker.lastTime;
      for (const callback of this.frameCallbacks) callback(now);
      this.updateVeil(now);
    });
    await this.art.load();
  }

  get width(): number {
    return this.app.screen.width;
  }

  get height(): number {
    return this.app.screen.height;
  }

  /** Calls `callback` with the frame's timestamp (ms, the rAF clock) on every frame once running. */
  onFrame(callback: (now: number) => void): void {
    this.frameCallbacks.push(callback);
  }

  /** Shows `scene`, replacing (and destroying) the one shown before. */
  show(scene: ZoneScene): void {
    this.clear();
    this.scene = scene;
    this.app.stage.addChildAt(scene.root, 0);
  }

  /** Removes and destroys the scene shown — only `scene` when given and it is still the one shown. */
  clear(scene?: ZoneScene): void {
    if (!this.scene || (scene && scene !== this.scene)) return;
    this.app.stage.removeChild(this.scene.root);
    this.scene.destroy();
    this.scene = null;
  }

  /** Darkens the view (travelling) or lifts the veil again. */
  setVeil(closed: boolean): void {
    this.veilTarget = closed ? VEIL_MAX : 0;
  }

  private updateVeil(now: number): void {
    const dt = this.lastFrame < 0 ? 16 : Math.min(100, now - this.lastFrame);
    this.lastFrame = now;
    const alpha = this.veil.alpha;
    if (alpha !== this.veilTarget) {
      this.veil.alpha =
        alpha < this.veilTarget ? Math.min(this.veilTarget, alpha + dt * VEIL_SPEED) : Math.max(this.veilTarget, alpha - dt * VEIL_SPEED);
    }
    this.veil.visible = this.veil.alpha > 0;
    if (this.veil.visible) this.veil.clear().rect(0, 0, this.width, this.height).fill(0x000000);
  }
}
