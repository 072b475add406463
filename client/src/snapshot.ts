/**
 * What the test hook's `window.__oatnut.snapshot()` returns, written once for the client
 * that fills it (testHook.ts, the zone session and its parts) and the end-to-end tests
 * that read it (e2e/browser.ts, with `import type`).
 *
 * Types only, and no DOM: e2e/tsconfig.json compiles this file, and nothing here may pull
 * the browser-only client into the tests' program — so it imports nothing but shared types.
 */
import type { CombatEvent } from "@oatnut/shared";

/** A position in world pixels, or, for `screen` fields, CSS pixels in the game view. */
export interface Point {
  x: number;
  y: number;
}

/** A box in CSS pixels of the game view (x, y: its top-left corner). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A name label drawn over a character or a monster, where it is on screen. */
export interface NameLabelSnapshot {
  text: string;
  box: Box;
}

/** A portal's marker: its label over the portal, or at the screen edge with an arrow toward it. */
export interface PortalMarkerSnapshot {
  /** The zone it leads to (its id), and the name the marker shows. */
  zone: string;
  label: string;
  /** Where the portal's centre is drawn (may be off screen). */
  portal: Point;
  /** Whether the portal's centre is on screen (then the label sits over it). */
  onScreen: boolean;
  /** The nearest portal to the own character: its marker is the pointer. */
  nearest: boolean;
  /** The marker's box, or null when it is not shown (no free place for it). */
  box: Box | null;
  /** Where its arrow points: radians in screen axes (0 right, π/2 down), from the own character toward the portal. */
  angle: number;
  /** The screen edge an off-screen marker sits at; null on screen. */
  edge: "left" | "right" | "top" | "bottom" | null;
}

/** What guides a new player: the controls hint, the portal markers, the touch controls. */
export interface GuidanceSnapshot {
  /** Whether the controls hint is shown. */
  controlsHint: boolean;
  /** Whether the touch controls (stick, large action bar) are on. */
  touchControls: boolean;
  portals: PortalMarkerSnapshot[];
}

/** The screen on show (ui/screens.ts switches between them). */
export type Screen = "auth" | "characters" | "game";

/** One inventory slot of the own character (owner-only state). */
export interface InventorySlot {
  item: string;
  count: number;
}

/** A character as drawn (predicted or interpolated position, world pixels). */
export interface CharacterSnapshot extends Point {
  name: string;
}

/** The own character as drawn, with its numbers and what it carries. */
export interface SelfSnapshot extends CharacterSnapshot {
  /** Entity id in this zone (what combat cues name). */
  eid: number;
  hp: number;
  maxHp: number;
  level: number;
  /** XP within the current level. */
  xp: number;
  dead: boolean;
  inventory: InventorySlot[];
}

/** A monster as drawn (`x`, `y`: interpolated) and as last received from the server (`server`). */
export interface MonsterSnapshot extends Point {
  eid: number;
  kind: string;
  hp: number;
  maxHp: number;
  server: Point | null;
  /** Where to click it: CSS pixels in the game view. */
  screen: Point | null;
}

/** A drop on the ground as drawn. */
export interface LootSnapshot extends Point {
  id: number;
  item: string;
  count: number;
  /** Who alone may pick it up for now; "" = anyone. */
  owner: string;
  /** Where to click it: CSS pixels in the game view. */
  screen: Point | null;
}

/** The fight of one zone stay, as its parts record it. */
export interface ZoneFightSnapshot {
  monsters: MonsterSnapshot[];
  loot: LootSnapshot[];
  /** The selected target's eid. */
  target: number | null;
  /** Floating damage numbers shown (hits and bites) in this zone stay. */
  damageNumbersShown: number;
  /** The last combat cues received (up to 50), oldest first. */
  lastEvents: CombatEvent[];
}

/** The fight as the player sees it. */
export interface FightSnapshot extends ZoneFightSnapshot {
  /** Whether the death screen is up. */
  deathScreen: boolean;
}

/** What `window.__oatnut.snapshot()` returns. */
export interface OatnutSnapshot extends FightSnapshot {
  screen: Screen;
  zone: string | null;
  self: SelfSnapshot | null;
  /** The own character's last position from the server (not smoothed). */
  selfServer: Point | null;
  /** The own character's predicted position (exact, not smoothed); null while not predicted. */
  selfPredicted: Point | null;
  others: CharacterSnapshot[];
  /** Frames drawn in the current zone stay (0 outside the game). */
  frame: number;
  /** The last input round trip to the zone room (send → acknowledgement), ms; 0 if none. */
  rttMs: number;
  /**
   * Whether the room clock has settled: round trips measured, and the render timeline
   * (what others are drawn at) within a few ms of the estimated server time. Before that,
   * others may be drawn from the end of the buffer instead of interpolated.
   */
  clockSettled: boolean;
  /** Server time (ms since the room started) of the last state patch received; 0 before one. */
  serverTimeMs: number;
  /** The name labels drawn over characters and monsters on screen. */
  nameLabels: NameLabelSnapshot[];
  guidance: GuidanceSnapshot;
}
