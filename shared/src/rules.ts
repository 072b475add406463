/**
 * Game rules shared by server and client: skills, progression, monsters and items.
 * The server enforces them; the client uses the same numbers to show ranges, cooldowns
 * and bars. A rule is written once, here.
 */

/** A skill a player can use through its input (`MoveInput.skill`). */
export interface SkillRule {
  /** Wire id (`MoveInput.skill`); 0 means "no skill this step". */
  readonly id: number;
  readonly name: string;
  /** Largest distance, centre to centre in world pixels, at which it can hit. */
  readonly range: number;
  /** Time before the same skill can be used again. */
  readonly cooldownMs: number;
  /** Damage at level 1; each level above adds `damagePerLevel`. */
  readonly damage: number;
  readonly damagePerLevel: number;
  /** Whether walls between the user and the target block it. */
  readonly needsLineOfSight: boolean;
}

export const Skill = {
  /** A sword swing at an adjacent target. */
  Melee: 1,
  /** A firebolt at a target further away (blocked by walls). */
  Bolt: 2,
} as const;
export type Skill = (typeof Skill)[keyof typeof Skill];

export const SKILLS: Readonly<Record<Skill, SkillRule>> = {
  [Skill.Melee]: {
    id: Skill.Melee,
    name: "Strike",
    range: 44,
    cooldownMs: 600,
    damage: 10,
    damagePerLevel: 3,
    needsLineOfSight: false,
  },
  [Skill.Bolt]: {
    id: Skill.Bolt,
    name: "Firebolt",
    range: 224,
    cooldownMs: 1500,
    damage: 7,
    damagePerLevel: 2,
    needsLineOfSight: true,
  },
};

/** The skill with wire id `id`, or undefined for 0 and unknown ids. */
export function skillRule(id: number): SkillRule | undefined {
  return (SKILLS as Record<number, SkillRule | undefined>)[id];
}

/** Damage a player of `level` deals with `skill`. */
export function skillDamage(skill: SkillRule, level: number): number {
  return skill.damage + skill.damagePerLevel * (Math.max(1, level) - 1);
}

/** Highest level a character can reach. */
export const MAX_LEVEL = 50;

/** Maximum HP of a player at `level`. */
export function maxHpForLevel(level: number): number {
  return 100 + 20 * (Math.max(1, level) - 1);
}

/** XP needed to go from `level` to the next one. */
export function xpToNextLevel(level: number): number {
  return 20 * Math.max(1, level);
}

/**
 * Adds `gained` XP to a character at (`level`, `xp`): levels up as many times as the XP
 * allows (XP counts within the current level).
 */
export function addXp(level: number, xp: number, gained: number): { level: number; xp: number; levelsGained: number } {
  let l = Math.max(1, level);
  let x = Math.max(0, xp) + Math.max(0, gained);
  let levelsGained = 0;
  while (l < MAX_LEVEL && x >= xpToNextLevel(l)) {
    x -= xpToNextLevel(l);
    l++;
    levelsGained++;
  }
  if (l >= MAX_LEVEL) x = 0;
  return { level: l, xp: x, levelsGained };
}

/** Seconds a dead player waits before coming back at the zone's spawn. */
export const PLAYER_RESPAWN_SECONDS = 4;
/** Death penalty: this share of the XP earned within the current level is lost (never a level). */
export const DEATH_XP_PENALTY = 0.25;
/** HP a player comes back with, as a share of its maximum. */
export const RESPAWN_HP_SHARE = 0.5;

/**
 * Spawn protection: for this long after a player arrives — entering the world, coming
 * through a portal, respawning after death — monsters neither notice nor bite it and no
 * player can hurt it. It ends early when the player uses a skill. The state says who is
 * protected (`Player.spawnProtected`).
 */
export const SPAWN_PROTECTION_SECONDS = 5;

/**
 * Safe circles: monsters never enter a circle of the zone's `safeRadius` (zone.json)
 * around any of its spawn points — where characters enter, arrive through portals and
 * respawn. They stop at its edge, and give up a chase whose prey stands inside.
 */
export const DEFAULT_SAFE_RADIUS = 128;
/** Smallest `safeRadius` a zone may set, in pixels (four tiles across). */
export const MIN_SAFE_RADIUS = 64;
/** Largest `safeRadius` a zone may set, in pixels. */
export const MAX_SAFE_RADIUS = 1024;

/**
 * Players arriving at a spawn point are placed at least this far (px, centre to centre)
 * from every other player, on a free spot near it, so nobody stands — and no name is
 * drawn — on top of another.
 */
export const ARRIVAL_SPACING = 32;

/** What lies on the ground or in an inventory. */
export interface ItemRule {
  readonly id: string;
  readonly name: string;
  /** Most of this item one inventory slot holds. */
  readonly stack: number;
  /** HP restored when used; items without it cannot be used. */
  readonly heal?: number;
}

export const ITEMS: Readonly<Record<string, ItemRule>> = {
  potion: { id: "potion", name: "Healing potion", stack: 20, heal: 40 },
  pelt: { id: "pelt", name: "Wolf pelt", stack: 50 },
  gel: { id: "gel", name: "Slime gel", stack: 50 },
  bone: { id: "bone", name: "Old bone", stack: 50 },
};

export function itemRule(id: string): ItemRule | undefined {
  return Object.hasOwn(ITEMS, id) ? ITEMS[id] : undefined;
}

/** Slots in a character's inventory. */
export const INVENTORY_SLOTS = 16;
/** Time between two uses of an item. */
export const ITEM_COOLDOWN_MS = 1000;

/** A character picks up loot lying this close (centre to centre) by walking over it… */
export const PICKUP_RADIUS = 20;
/** …or by asking for it (a click) from this close. */
export const PICKUP_REACH = 64;
/** Only the killer may pick a drop up for this long; then anyone may. */
export const LOOT_OWNER_SECONDS = 30;
/** A drop nobody picked up disappears after this long. */
export const LOOT_LIFETIME_SECONDS = 90;

/** One possible drop of a monster. */
export interface LootRule {
  readonly item: string;
  /** Chance in 0..1 that it drops. */
  readonly chance: number;
  readonly min: number;
  readonly max: number;
}

/** A kind of monster (referenced by `monster` on a map's monsterArea objects). */
export interface MonsterRule {
  readonly kind: string;
  readonly name: string;
  readonly maxHp: number;
  /** Pixels per second when chasing; wandering is half as fast. */
  readonly speed: number;
  /** Notices a living player this close (centre to centre)… */
  readonly noticeRange: number;
  /** …and gives up the chase this far from its spawn area's centre. */
  readonly leashRange: number;
  readonly attackRange: number;
  readonly attackCooldownMs: number;
  readonly damage: number;
  /** XP for the player who lands the killing blow. */
  readonly xp: number;
  readonly respawnSeconds: number;
  readonly loot: readonly LootRule[];
}

export const MONSTERS: Readonly<Record<string, MonsterRule>> = {
  slime: {
    kind: "slime",
    name: "Slime",
    maxHp: 24,
    speed: 70,
    noticeRange: 128,
    leashRange: 320,
    attackRange: 30,
    attackCooldownMs: 1200,
    damage: 4,
    xp: 12,
    respawnSeconds: 12,
    loot: [
      { item: "gel", chance: 0.8, min: 1, max: 2 },
      { item: "potion", chance: 0.5, min: 1, max: 1 },
    ],
  },
  wolf: {
    kind: "wolf",
    name: "Wolf",
    maxHp: 32,
    speed: 120,
    noticeRange: 160,
    leashRange: 384,
    attackRange: 32,
    attackCooldownMs: 1000,
    damage: 5,
    xp: 20,
    respawnSeconds: 15,
    loot: [
      { item: "pelt", chance: 0.9, min: 1, max: 1 },
      { item: "potion", chance: 0.4, min: 1, max: 1 },
    ],
  },
  skeleton: {
    kind: "skeleton",
    name: "Skeleton",
    maxHp: 60,
    speed: 90,
    noticeRange: 192,
    leashRange: 416,
    attackRange: 34,
    attackCooldownMs: 1100,
    damage: 9,
    xp: 40,
    respawnSeconds: 20,
    loot: [
      { item: "bone", chance: 1, min: 1, max: 3 },
      { item: "potion", chance: 0.6, min: 1, max: 2 },
    ],
  },
};

export function monsterRule(kind: string): MonsterRule | undefined {
  return Object.hasOwn(MONSTERS, kind) ? MONSTERS[kind] : undefined;
}

/** Distance between two points. */
export function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}
