/**
 * The zone's fighting world as the room's state tells it, mirrored into the scene:
 * monsters and loot (area-of-interest filtered like players: they come and go), every
 * player's health and level, and the own character's owner-only numbers (XP, inventory).
 * It only follows the state; what the player does with it is playerActions.ts's, and the
 * server's per-tick cues are combatCues.ts's — both read the world through this mirror.
 *
 * Monsters are interpolated like remote players (`predict.attachAll("monsters")`, lerp),
 * so a monster is drawn where the server's lag compensation will judge it to be; every
 * position this mirror hands out is the drawn one, since that is what the player aims at.
 */
import { Callbacks, type Predict } from "@colyseus/sdk";
import { mayTakeDrop, monsterRule, xpToNextLevel, type LootDrop, type Monster, type Player, type ZoneState } from "@oatnut/shared";
import type { ZoneRoom } from "../network/zone.ts";
import type { ActorRef } from "../render/actorRefs.ts";
import type { ZoneScene } from "../render/zoneScene.ts";
import type { InventorySlot, LootSnapshot, MonsterSnapshot, Point } from "../snapshot.ts";
import type { ActionWorld, ActorView, OwnCharacter } from "./playerActions.ts";
import { SNAP_DISTANCE } from "./prediction.ts";

/** The own character's numbers, for the HUD. */
export interface SelfStatus {
  /** Entity id in this zone (what combat cues name). */
  eid: number;
  name: string;
  hp: number;
  maxHp: number;
  level: number;
  /** XP within the current level, and what the next level needs. */
  xp: number;
  xpToNext: number;
  dead: boolean;
}

/** The mirror's part of the test hook's snapshot. */
export interface WorldSnapshot {
  status: SelfStatus | null;
  inventory: InventorySlot[];
  monsters: MonsterSnapshot[];
  loot: LootSnapshot[];
}

export class WorldMirror implements ActionWorld {
  private readonly players = new Map<string, Player>();
  private readonly monsters = new Map<string, Monster>();
  private readonly loot = new Map<string, LootDrop>();
  /** The scene the monsters and loot were added to (the zone's, once its state arrived). */
  private attached: ZoneScene | null = null;
  private disposed = false;

  /** Must be constructed synchronously right after the room was joined (like `ZoneSession`). */
  constructor(
    private readonly room: ZoneRoom,
    private readonly predict: Predict<ZoneState>,
  ) {
    const callbacks = Callbacks.get(room);
    callbacks.onAdd("players", (player, key) => this.players.set(key, player));
    callbacks.onRemove("players", (_player, key) => {
      this.players.delete(key);
    });
    callbacks.onAdd("monsters", (monster, key) => {
      this.monsters.set(key, monster);
      // Fields arrive in the same patch as the monster: x/y are current.
      this.attached?.addMonster(key, monster.kind, monster.x, monster.y, monster.facing, monster.hp, monster.maxHp);
    });
    callbacks.onRemove("monsters", (_monster, key) => {
      this.monsters.delete(key);
      this.attached?.removeMonster(key);
    });
    callbacks.onAdd("loot", (drop, key) => {
      this.loot.set(key, drop);
      this.attached?.addLoot(key, drop.item, drop.count, drop.x, drop.y, this.keptForOther(drop));
    });
    callbacks.onRemove("loot", (_drop, key) => {
      this.loot.delete(key);
      this.attached?.removeLoot(key);
    });
    predict.attachAll("monsters", { fields: ["x", "y"], snap: SNAP_DISTANCE });
  }

  /** The scene this mirror draws into, once the first frame after the zone's state attached it. */
  get scene(): ZoneScene | null {
    return this.attached;
  }

  /** Per frame, after the players were placed and before the scene renders. */
  frame(scene: ZoneScene): void {
    if (this.disposed) return;
    if (scene !== this.attached) this.attach(scene);
    for (const [key, monster] of this.monsters) {
      const { x, y } = this.drawn(monster);
      scene.placeMonster(key, x, y, monster.facing, monster.hp, monster.maxHp);
    }
    for (const [key, player] of this.players) scene.setCharacterStats(key, player.hp, player.maxHp, player.level);
    for (const [key, drop] of this.loot) scene.updateLoot(key, drop.count, this.keptForOther(drop));
  }

  /** Stops following (the stay is over). */
  dispose(): void {
    this.disposed = true;
    this.attached = null;
    this.players.clear();
    this.monsters.clear();
    this.loot.clear();
  }

  // ------------------------------------------------------------------ the own character

  /** The own character's numbers, or null before its state arrived. */
  status(): SelfStatus | null {
    const self = this.ownPlayer();
    if (!self) return null;
    const level = self.level || 1;
    return {
      eid: self.eid,
      name: self.name,
      hp: self.hp,
      maxHp: self.maxHp,
      level,
      xp: self.xp ?? 0,
      xpToNext: xpToNextLevel(level),
      dead: self.maxHp > 0 && self.hp <= 0,
    };
  }

  /** What the own character carries (owner-only state). */
  inventory(): InventorySlot[] {
    const stacks = this.ownPlayer()?.inventory;
    if (!stacks) return [];
    const slots: InventorySlot[] = [];
    for (const stack of stacks) if (stack && stack.count > 0) slots.push({ item: stack.item, count: stack.count });
    return slots;
  }

  /** The own character as drawn, or null before its state arrived. */
  self(): OwnCharacter | null {
    const self = this.ownPlayer();
    if (!self) return null;
    return { eid: self.eid, name: self.name, hp: self.hp, maxHp: self.maxHp, ...this.drawn(self), inventory: this.inventory() };
  }

  /** The own character's entity id, or undefined before its state arrived. */
  selfEid(): number | undefined {
    return this.ownPlayer()?.eid;
  }

  // ------------------------------------------------------------------ everything else in view

  /** The living, visible monster or other player with entity id `eid`: what may be a target. */
  livingActor(eid: number): ActorView | null {
    const key = String(eid);
    const monster = this.monsters.get(key);
    if (monster) return monster.hp > 0 ? this.monsterView(key, monster) : null;
    for (const [key, player] of this.players) {
      if (player.eid === eid) return player.hp > 0 && key !== this.room.sessionId ? this.characterView(key, player) : null;
    }
    return null;
  }

  /** The living monsters in view. */
  livingMonsters(): ActorView[] {
    const living: ActorView[] = [];
    for (const [key, monster] of this.monsters) if (monster.hp > 0) living.push(this.monsterView(key, monster));
    return living;
  }

  /** The character under `key` (alive or not) unless it is the own one. */
  otherCharacter(key: string): ActorView | null {
    const player = this.players.get(key);
    return player && key !== this.room.sessionId ? this.characterView(key, player) : null;
  }

  /** Any monster or character (alive or not, the own one included) with entity id `eid`, for cues. */
  actorOf(eid: number): ActorRef | null {
    if (this.monsters.has(String(eid))) return { kind: "monster", key: String(eid) };
    for (const [key, player] of this.players) if (player.eid === eid) return { kind: "character", key };
    return null;
  }

  /** The drop under `key` (its id, as a string). */
  drop(key: string): LootDrop | undefined {
    return this.loot.get(key);
  }

  /** What the test hook shows: the numbers, and monsters and loot as drawn. */
  snapshot(): WorldSnapshot {
    const scene = this.attached;
    return {
      status: this.status(),
      inventory: this.inventory(),
      monsters: (scene?.renderedMonsters() ?? []).map((m) => {
        const received = this.monsters.get(m.key);
        return {
          eid: Number(m.key),
          kind: m.kind,
          x: m.x,
          y: m.y,
          hp: m.hp,
          maxHp: m.maxHp,
          screen: scene!.screenAt(m.x, m.y),
          server: received ? { x: received.x, y: received.y } : null,
        };
      }),
      loot: (scene?.renderedLoot() ?? []).map((l) => ({
        id: Number(l.key),
        item: l.item,
        count: l.count,
        x: l.x,
        y: l.y,
        owner: this.loot.get(l.key)?.owner ?? "",
        screen: scene!.screenAt(l.x, l.y - 6),
      })),
    };
  }

  // ------------------------------------------------------------------ internals

  private ownPlayer(): Player | undefined {
    return this.players.get(this.room.sessionId);
  }

  /** Adds what is known to a new scene (the zone's state arrived after the entities). */
  private attach(scene: ZoneScene): void {
    this.attached = scene;
    for (const [key, m] of this.monsters) {
      if (!scene.hasMonster(key)) {
        const { x, y } = this.drawn(m);
        scene.addMonster(key, m.kind, x, y, m.facing, m.hp, m.maxHp);
      }
    }
    for (const [key, drop] of this.loot) {
      if (!scene.hasLoot(key)) scene.addLoot(key, drop.item, drop.count, drop.x, drop.y, this.keptForOther(drop));
    }
  }

  /** A drop only another character may pick up for now (drawn dimmed). */
  private keptForOther(drop: LootDrop): boolean {
    return !mayTakeDrop(this.ownPlayer()?.name ?? "", drop);
  }

  private drawn(entity: Player | Monster): Point {
    return { x: this.predict.value(entity, "x"), y: this.predict.value(entity, "y") };
  }

  private monsterView(key: string, monster: Monster): ActorView {
    const { eid, hp, maxHp } = monster;
    return { eid, kind: "monster", key, name: monsterRule(monster.kind)?.name ?? monster.kind, hp, maxHp, ...this.drawn(monster) };
  }

  private characterView(key: string, player: Player): ActorView {
    const { eid, name, hp, maxHp } = player;
    return { eid, kind: "character", key, name, hp, maxHp, ...this.drawn(player) };
  }
}
