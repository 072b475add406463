/**
 * Read-only hook for end-to-end tests: `window.__oatnut.snapshot()` tells which screen
 * is shown and where characters are drawn (predicted or interpolated positions, world
 * pixels), next to where the server and the prediction have the own character.
 */
import type { CombatEvent } from "@oatnut/shared";
import type { ZoneSnapshot } from "./game/zoneSession.ts";
import type { Screen } from "./ui/screens.ts";

export interface RenderedCharacterSnapshot {
  name: string;
  x: number;
  y: number;
}

/** The own character as drawn, with its numbers and what it carries. */
export interface SelfSnapshot extends RenderedCharacterSnapshot {
  /** Entity id in this zone (what combat cues name). */
  eid: number;
  hp: number;
  maxHp: number;
  level: number;
  xp: number;
  dead: boolean;
  inventory: Array<{ item: string; count: number }>;
}

/** The fight as the player sees it. */
export interface FightSnapshot {
  /** Monsters as drawn (interpolated positions, world pixels; `screen`: CSS pixels in the view). */
  monsters: Array<{ eid: number; kind: string; x: number; y: number; hp: number; maxHp: number; screen: { x: number; y: number } | null }>;
  /** Drops on the ground (`owner`: who alone may pick it up for now, "" = anyone). */
  loot: Array<{ id: number; item: string; count: number; x: number; y: number; owner: string; screen: { x: number; y: number } | null }>;
  /** The selected target's eid. */
  target: number | null;
  /** Floating damage numbers shown (hits and bites) in this zone stay. */
  damageNumbersShown: number;
  /** The last combat cues received (up to 50), oldest first. */
  lastEvents: CombatEvent[];
  /** Whether the death screen is up. */
  deathScreen: boolean;
}

export interface OatnutSnapshot extends FightSnapshot {
  screen: Screen;
  zone: string | null;
  self: SelfSnapshot | null;
  /** The own character's last position from the server (not smoothed). */
  selfServer: { x: number; y: number } | null;
  /** The own character's predicted position (exact, not smoothed); null while not predicted. */
  selfPredicted: { x: number; y: number } | null;
  others: RenderedCharacterSnapshot[];
  /** Frames drawn in the current zone stay (0 outside the game). */
  frame: number;
  /** The last input round trip to the zone room (send → acknowledgement), ms; 0 if none. */
  rttMs: number;
}

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

export function installTestHook(snapshot: () => OatnutSnapshot): void {
  Object.defineProperty(window, "__oatnut", {
    value: Object.freeze({ snapshot }),
    writable: false,
    configurable: false,
  });
}
