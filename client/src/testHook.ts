/**
 * Read-only hook for end-to-end tests: `window.__oatnut.snapshot()` tells which screen
 * is shown and where characters are drawn (predicted or interpolated positions, world
 * pixels), next to where the server and the prediction have the own character. Its type,
 * `OatnutSnapshot`, is written once in snapshot.ts, which the tests import too.
 */
import type { ZoneSnapshot } from "./game/zoneSession.ts";
import type { FightSnapshot, OatnutSnapshot, SelfSnapshot } from "./snapshot.ts";

declare global {
  interface Window {
    __oatnut: { snapshot(): OatnutSnapshot };
  }
}

/** The own character of a zone snapshot, with its numbers. */
export function selfSnapshot(zone: ZoneSnapshot | undefined): SelfSnapshot | null {
  const status = zone?.gameplay.status;
  if (!zone?.self || !status) return null;
  const { eid, hp, maxHp, level, xp, dead } = status;
  return { ...zone.self, eid, hp, maxHp, level, xp, dead, inventory: zone.gameplay.inventory };
}

/** The fight part of the snapshot. */
export function fightSnapshot(zone: ZoneSnapshot | undefined, deathScreen: boolean): FightSnapshot {
  const gameplay = zone?.gameplay;
  return {
    monsters: gameplay?.monsters ?? [],
    loot: gameplay?.loot ?? [],
    target: gameplay?.target ?? null,
    damageNumbersShown: gameplay?.damageNumbersShown ?? 0,
    lastEvents: gameplay?.lastEvents ?? [],
    deathScreen,
  };
}

/** Puts `window.__oatnut` on the page, frozen, for the tests to read. */
export function installTestHook(snapshot: () => OatnutSnapshot): void {
  Object.defineProperty(window, "__oatnut", {
    value: Object.freeze({ snapshot }),
    writable: false,
    configurable: false,
  });
}
