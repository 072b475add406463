/**
 * Read-only hook for end-to-end tests: `window.__oatnut.snapshot()` tells which screen
 * is shown and where characters are drawn (interpolated positions, world pixels).
 */
import type { Screen } from "./ui/screens.ts";

export interface RenderedCharacterSnapshot {
  name: string;
  x: number;
  y: number;
}

export interface OatnutSnapshot {
  screen: Screen;
  zone: string | null;
  self: RenderedCharacterSnapshot | null;
  /** The own character's last position from the server (not smoothed). */
  selfServer: { x: number; y: number } | null;
  others: RenderedCharacterSnapshot[];
}

declare global {
  interface Window {
    __oatnut: { snapshot(): OatnutSnapshot };
  }
}

export function installTestHook(snapshot: () => OatnutSnapshot): void {
  Object.defineProperty(window, "__oatnut", {
    value: Object.freeze({ snapshot }),
    writable: false,
    configurable: false,
  });
}
