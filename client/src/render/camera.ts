/**
 * A camera that centres a target in the view and stops at the map's edges. A map
 * smaller than the view is centred instead. The world is offset by whole screen pixels
 * so tile sprites never land between pixels (no seams, no shimmer).
 */
import type { Container } from "pixi.js";

export class Camera {
  /** World point shown at the centre of the view. */
  x = 0;
  y = 0;
  /** Screen pixels per world pixel. */
  zoom = 1;

  /** Points the camera at (targetX, targetY), clamped to a world of worldW x worldH. */
  follow(targetX: number, targetY: number, viewW: number, viewH: number, worldW: number, worldH: number): void {
    this.x = clampAxis(targetX, viewW / this.zoom, worldW);
    this.y = clampAxis(targetY, viewH / this.zoom, worldH);
  }

  /** Positions the world container so the camera's point is at the view's centre. */
  apply(world: Container, viewW: number, viewH: number): void {
    world.scale.set(this.zoom);
    world.position.set(Math.round(viewW / 2 - this.x * this.zoom), Math.round(viewH / 2 - this.y * this.zoom));
  }
}

function clampAxis(target: number, visible: number, world: number): number {
  if (world <= visible) return world / 2;
  const half = visible / 2;
  return Math.min(world - half, Math.max(half, target));
}

/** Rows and columns of tiles the view shows at least (before rounding the zoom down). */
const MIN_VISIBLE_ROWS = 12;
const MIN_VISIBLE_COLUMNS = 16;
/** The closest the camera zooms in (a 4K screen). */
const MAX_ZOOM = 4;

/**
 * Zoom for a view of viewW x viewH screen pixels: as large as possible while showing at
 * least MIN_VISIBLE_ROWS tile rows and MIN_VISIBLE_COLUMNS columns (a phone held upright
 * shows fewer columns: its zoom stays 1), in steps of 0.5 (a 32 px tile stays a whole
 * number of pixels), between 1 and MAX_ZOOM. 800x600 gets 1.5, 1024x768 and 1280x800 2,
 * 1920x1080 2.5, 3840x2160 4.
 */
export function zoomForView(viewW: number, viewH: number, tileSize = 32): number {
  const fit = Math.min(viewH / (MIN_VISIBLE_ROWS * tileSize), viewW / (MIN_VISIBLE_COLUMNS * tileSize));
  return Math.max(1, Math.min(MAX_ZOOM, Math.floor(fit * 2) / 2));
}
