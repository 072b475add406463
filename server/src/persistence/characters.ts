/**
 * A character's round trip between the database and a zone, in one place: the saved
 * document becomes the live character of a zone's state (`enterCharacter`), and the live
 * character becomes the record that is saved (`recordOf`). What the database holds, as
 * far as this process knows, is kept once, by the save service (saveService.ts), which
 * compares each new record with it and writes only what changed.
 */
import { Facing, isWalkable, maxHpForLevel, MAX_LEVEL, Player, type ZoneDefinition } from "@oatnut/shared";
import { inventorySnapshot, loadInventory } from "../rooms/gameplay/inventory.ts";

/** What is saved of a character: where it is and what it has earned and carries. */
export interface CharacterRecord {
  zone: string;
  x: number;
  y: number;
  level: number;
  xp: number;
  hp: number;
  inventory: Array<{ item: string; count: number }>;
}

/** The fields of a character document this module reads. */
export interface CharacterDocument {
  name: string;
  zone: string;
  x: number;
  y: number;
  level?: number | null;
  xp?: number | null;
  /** null for a new character: full health. */
  hp?: number | null;
  inventory?: ReadonlyArray<{ item?: unknown; count?: unknown }>;
}

/** Whether two records hold the same values. */
export function sameRecord(a: CharacterRecord | undefined, b: CharacterRecord): boolean {
  return (
    a !== undefined &&
    a.zone === b.zone &&
    a.x === b.x &&
    a.y === b.y &&
    a.level === b.level &&
    a.xp === b.xp &&
    a.hp === b.hp &&
    a.inventory.length === b.inventory.length &&
    a.inventory.every((stack, i) => stack.item === b.inventory[i].item && stack.count === b.inventory[i].count)
  );
}

/** A deep copy (a record may wait in a queue while the live character changes). */
export function copyRecord(record: CharacterRecord): CharacterRecord {
  return { ...record, inventory: record.inventory.map((stack) => ({ item: stack.item, count: stack.count })) };
}

/** The record of a live character standing at `place` (its zone and position). */
export function recordOf(player: Player, place: { zone: string; x: number; y: number }): CharacterRecord {
  return {
    zone: place.zone,
    x: place.x,
    y: place.y,
    level: player.level,
    xp: player.xp,
    hp: player.hp,
    inventory: inventorySnapshot(player.inventory),
  };
}

/**
 * Builds the live character of `zone` from its saved document: where it was saved when
 * that is a walkable place of this zone, else at the zone's spawn; its level, XP and HP
 * clamped to what the rules allow; only known items with sane counts (a hand-edited or
 * outdated document cannot crash a room).
 * @returns the character, and the record the database holds (the save baseline)
 */
export function enterCharacter(
  doc: CharacterDocument,
  zone: ZoneDefinition,
  eid: number,
  characterId: string,
  speed: number,
): { player: Player; saved: CharacterRecord; inZone: boolean } {
  const inZone = doc.zone === zone.id && isWalkable(doc, zone.map);
  const position = inZone ? { x: doc.x, y: doc.y } : zone.map.spawn;
  const player = new Player();
  player.eid = eid;
  player.name = doc.name;
  player.x = Math.fround(position.x);
  player.y = Math.fround(position.y);
  player.facing = Facing.Down;
  player.characterId = characterId;
  player.speed = speed;
  player.level = Math.min(MAX_LEVEL, Math.max(1, Math.floor(doc.level ?? 1)));
  player.xp = Math.max(0, Math.floor(doc.xp ?? 0));
  player.maxHp = maxHpForLevel(player.level);
  player.hp = doc.hp == null ? player.maxHp : Math.min(player.maxHp, Math.max(0, Math.floor(doc.hp)));
  loadInventory(player.inventory, doc.inventory);
  const saved: CharacterRecord = {
    zone: doc.zone,
    x: doc.x,
    y: doc.y,
    level: doc.level ?? 1,
    xp: doc.xp ?? 0,
    hp: doc.hp ?? player.maxHp,
    inventory: (doc.inventory ?? []).map((stack) => ({ item: String(stack.item), count: Number(stack.count) })),
  };
  return { player, saved, inZone };
}
