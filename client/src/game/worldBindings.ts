/**
 * The fighting world of one zone stay, bound to the scene: monsters and loot from the
 * synchronized state (area-of-interest filtered like players: they come and go), every
 * player's health and level, the own character's owner-only numbers (XP, inventory),
 * the `ServerMessage.Combat` cues turned into effects, and the player's fight actions
 * (target, attack, pick up, use an item) turned into intents for the server.
 *
 * The server decides everything; this module only shows what the state says and asks.
 * Monsters are interpolated like remote players (`predict.attachAll("monsters")`, lerp),
 * so a monster is drawn where the server's lag compensation will judge it to be.
 */
import { Callbacks, type Predict } from "@colyseus/sdk";
import {
  type CombatEvent, ClientMessage, distance, itemRule, type LootDrop, type Monster, monsterRule, PICKUP_REACH,
  type Player, ServerMessage, Skill, type SkillRefusal, skillRule, xpToNextLevel, type ZoneMap, type ZoneState,
} from "@oatnut/shared";
import type { ZoneRoom } from "../network/zone.ts";
import type { NumberStyle } from "../render/effects.ts";
import type { ActorKind, Picked, ZoneScene } from "../render/zoneScene.ts";
import { SNAP_DISTANCE } from "./prediction.ts";

/** Combat cues kept for the test hook. */
const EVENT_LOG_SIZE = 50;
/**
 * A target this much beyond a skill's range (on this screen) is still asked for: the
 * server judges range against its own record of this screen, which may differ a little.
 */
const RANGE_SLACK = 6;

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

/** One inventory slot. */
export interface InventorySlot {
  item: string;
  count: number;
}

/** The selected target, for the HUD's target frame. */
export interface TargetStatus {
  eid: number;
  name: string;
  hp: number;
  maxHp: number;
}

/** Something the player should be told about (the HUD shows it). */
export type GameplayCue =
  | { type: "levelUp"; level: number }
  | { type: "pickup"; item: string; count: number }
  /** The server carried out one of this player's skill uses (a hit event from it arrived). */
  | { type: "skillUsed"; skill: number }
  /** The server refused one of this player's skill uses, and why. */
  | { type: "refused"; skill: number; reason: SkillRefusal };

/** What asking for an action came to: sent to the server, or why not (a sentence to show). */
export type ActionOutcome = { sent: true } | { sent: false; reason: string };

/** What the test hook reads. */
export interface GameplaySnapshot {
  status: SelfStatus | null;
  inventory: InventorySlot[];
  /** Monsters as drawn (`x`, `y`: interpolated) and as last received (`server`). */
  monsters: Array<{
    eid: number; kind: string; x: number; y: number; hp: number; maxHp: number;
    server: { x: number; y: number } | null; screen: { x: number; y: number } | null;
  }>;
  loot: Array<{ id: number; item: string; count: number; x: number; y: number; owner: string; screen: { x: number; y: number } | null }>;
  target: number | null;
  damageNumbersShown: number;
  lastEvents: CombatEvent[];
}

export interface WorldBindingsOptions {
  room: ZoneRoom;
  predict: Predict<ZoneState>;
  /** Queues a skill use on the next input (`ZoneSession.useSkill`). */
  useSkill(skill: number, target: number): void;
  /** The zone's map, once known. */
  map(): ZoneMap | null;
  cue(cue: GameplayCue): void;
}

export class WorldBindings {
  private readonly room: ZoneRoom;
  private readonly players = new Map<string, Player>();
  private readonly monsters = new Map<string, Monster>();
  private readonly loot = new Map<string, LootDrop>();
  /** The scene the monsters and loot were added to (the zone's, once its state arrived). */
  private scene: ZoneScene | null = null;
  private targetEid: number | null = null;
  private readonly events: CombatEvent[] = [];
  private damageNumbers = 0;
  private disposed = false;

  /** Must be constructed synchronously right after the room was joined (like `ZoneSession`). */
  constructor(private readonly options: WorldBindingsOptions) {
    const room = options.room;
    this.room = room;
    const callbacks = Callbacks.get(room);
    callbacks.onAdd("players", (player, key) => this.players.set(key, player));
    callbacks.onRemove("players", (_player, key) => {
      this.players.delete(key);
    });
    callbacks.onAdd("monsters", (monster, key) => {
      this.monsters.set(key, monster);
      // Fields arrive in the same patch as the monster: x/y are current.
      this.scene?.addMonster(key, monster.kind, monster.x, monster.y, monster.facing, monster.hp, monster.maxHp);
    });
    callbacks.onRemove("monsters", (_monster, key) => {
      this.monsters.delete(key);
      this.scene?.removeMonster(key);
    });
    callbacks.onAdd("loot", (drop, key) => {
      this.loot.set(key, drop);
      this.scene?.addLoot(key, drop.item, drop.count, drop.x, drop.y, this.reservedForOther(drop));
    });
    callbacks.onRemove("loot", (_drop, key) => {
      this.loot.delete(key);
      this.scene?.removeLoot(key);
    });
    options.predict.attachAll("monsters", { fields: ["x", "y"], snap: SNAP_DISTANCE });
    room.onMessage(ServerMessage.Combat, (events: unknown) => this.onCombat(events));
  }

  /** Per frame, after the players were placed and before the scene renders. */
  frame(scene: ZoneScene): void {
    if (this.disposed) return;
    if (scene !== this.scene) this.attach(scene);
    const predict = this.options.predict;
    for (const [key, monster] of this.monsters) {
      scene.placeMonster(key, predict.value(monster, "x"), predict.value(monster, "y"), monster.facing, monster.hp, monster.maxHp);
    }
    for (const [key, player] of this.players) scene.setCharacterStats(key, player.hp, player.maxHp, player.level);
    for (const [key, drop] of this.loot) scene.updateLoot(key, drop.count, this.reservedForOther(drop));
    // A target that died or went out of sight is no longer selected.
    if (this.targetEid !== null && !this.targetActor(this.targetEid)) this.setTarget(null);
  }

  /** Stops reacting (the stay is over). */
  dispose(): void {
    this.disposed = true;
    this.scene = null;
    this.players.clear();
    this.monsters.clear();
    this.loot.clear();
  }

  // ------------------------------------------------------------------ what the HUD reads

  /** The own character's numbers, or null before its state arrived. */
  status(): SelfStatus | null {
    const self = this.self();
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
    const stacks = this.self()?.inventory;
    if (!stacks) return [];
    const slots: InventorySlot[] = [];
    for (const stack of stacks) if (stack && stack.count > 0) slots.push({ item: stack.item, count: stack.count });
    return slots;
  }

  /** How many of `item` the own character carries. */
  countOf(item: string): number {
    return this.inventory().reduce((sum, slot) => sum + (slot.item === item ? slot.count : 0), 0);
  }

  /** The selected target, or null. */
  target(): TargetStatus | null {
    if (this.targetEid === null) return null;
    const actor = this.targetActor(this.targetEid);
    if (!actor) return null;
    if (actor.kind === "monster") {
      const monster = this.monsters.get(actor.key)!;
      return { eid: this.targetEid, name: monsterRule(monster.kind)?.name ?? monster.kind, hp: monster.hp, maxHp: monster.maxHp };
    }
    const player = this.players.get(actor.key)!;
    return { eid: this.targetEid, name: player.name, hp: player.hp, maxHp: player.maxHp };
  }

  // ------------------------------------------------------------------ actions

  /**
   * Uses a skill on the selected target; without one, on the nearest living monster in
   * the skill's range (which becomes the target). Only asks: the server checks cooldown,
   * range and line of sight, and answers with a hit cue when it carried it out.
   */
  attack(skill: number): ActionOutcome {
    const rule = skillRule(skill);
    const self = this.self();
    if (!rule || !self) return { sent: false, reason: "" };
    if (self.hp <= 0) return { sent: false, reason: "You are dead." };
    const from = this.drawnPosition(self);
    let targetEid = this.targetEid !== null && this.targetActor(this.targetEid) ? this.targetEid : null;
    if (targetEid === null) {
      targetEid = this.nearestMonster(from, rule.range + RANGE_SLACK);
      if (targetEid === null) return { sent: false, reason: `No enemy within reach of ${rule.name}.` };
      this.setTarget(targetEid);
    }
    const target = this.targetActor(targetEid)!;
    const at = this.drawnPosition(target.kind === "monster" ? this.monsters.get(target.key)! : this.players.get(target.key)!);
    if (distance(from, at) > rule.range + RANGE_SLACK) {
      return { sent: false, reason: skill === Skill.Melee ? "Too far away: get closer." : "Out of range." };
    }
    this.options.useSkill(skill, targetEid);
    return { sent: true };
  }

  /** Drinks (uses) one `item` from the inventory. */
  useItem(item: string): ActionOutcome {
    const self = this.self();
    const rule = itemRule(item);
    if (!self || !rule) return { sent: false, reason: "" };
    if (self.hp <= 0) return { sent: false, reason: "You are dead." };
    if (this.countOf(item) <= 0) return { sent: false, reason: `You have no ${rule.name.toLowerCase()}.` };
    if (rule.heal === undefined) return { sent: false, reason: `${rule.name} cannot be used.` };
    if (self.hp >= self.maxHp) return { sent: false, reason: "You are already at full health." };
    this.room.send(ClientMessage.UseItem, { item });
    return { sent: true };
  }

  /**
   * A click on the view at (screenX, screenY), CSS pixels from the canvas' corner: picks
   * up a drop in reach, selects a monster (or, where player combat is allowed, another
   * player) as the target, or clears the target on empty ground.
   */
  click(screenX: number, screenY: number): ActionOutcome | null {
    const scene = this.scene;
    const self = this.self();
    if (!scene || !self) return null;
    const point = scene.worldAt(screenX, screenY);
    const picked = scene.pick(point.x, point.y);
    if (!picked) {
      this.setTarget(null);
      return null;
    }
    if (picked.kind === "loot") return this.pickUp(picked.key);
    if (picked.kind === "monster") {
      this.setTarget(Number(picked.key));
      return null;
    }
    if (picked.key !== this.room.sessionId && this.options.map()?.pvp) {
      const player = this.players.get(picked.key);
      if (player && player.hp > 0) this.setTarget(player.eid);
    }
    return null;
  }

  /** Clears the target. */
  clearTarget(): void {
    this.setTarget(null);
  }

  /** What the test hook shows. */
  snapshot(): GameplaySnapshot {
    const scene = this.scene;
    return {
      status: this.status(),
      inventory: this.inventory(),
      monsters: (scene?.renderedMonsters() ?? []).map((m) => ({
        eid: Number(m.key), kind: m.kind, x: m.x, y: m.y, hp: m.hp, maxHp: m.maxHp, screen: scene!.screenAt(m.x, m.y),
        server: this.monsters.has(m.key) ? { x: this.monsters.get(m.key)!.x, y: this.monsters.get(m.key)!.y } : null,
      })),
      loot: (scene?.renderedLoot() ?? []).map((l) => ({
        id: Number(l.key), item: l.item, count: l.count, x: l.x, y: l.y, owner: this.loot.get(l.key)?.owner ?? "",
        screen: scene!.screenAt(l.x, l.y - 6),
      })),
      target: this.targetEid,
      damageNumbersShown: this.damageNumbers,
      lastEvents: [...this.events],
    };
  }

  // ------------------------------------------------------------------ internals

  private self(): Player | undefined {
    return this.players.get(this.room.sessionId);
  }

  /** Adds what is known to a new scene (the zone's state arrived after the entities). */
  private attach(scene: ZoneScene): void {
    this.scene = scene;
    for (const [key, m] of this.monsters) {
      if (!scene.hasMonster(key)) scene.addMonster(key, m.kind, this.options.predict.value(m, "x"), this.options.predict.value(m, "y"), m.facing, m.hp, m.maxHp);
    }
    for (const [key, drop] of this.loot) {
      if (!scene.hasLoot(key)) scene.addLoot(key, drop.item, drop.count, drop.x, drop.y, this.reservedForOther(drop));
    }
    this.setTarget(this.targetEid);
  }

  /** A drop only another character may pick up for now. */
  private reservedForOther(drop: LootDrop): boolean {
    const name = this.self()?.name;
    return drop.owner !== "" && drop.owner !== name;
  }

  private pickUp(key: string): ActionOutcome {
    const drop = this.loot.get(key);
    const self = this.self();
    if (!drop || !self) return { sent: false, reason: "" };
    if (self.hp <= 0) return { sent: false, reason: "You are dead." };
    if (this.reservedForOther(drop)) return { sent: false, reason: `That belongs to ${drop.owner} for now.` };
    if (distance(this.drawnPosition(self), drop) > PICKUP_REACH) return { sent: false, reason: "Too far away to pick that up." };
    this.room.send(ClientMessage.PickUp, { id: drop.id });
    return { sent: true };
  }

  private setTarget(eid: number | null): void {
    const actor = eid === null ? null : this.targetActor(eid);
    this.targetEid = actor ? eid : null;
    this.scene?.setTarget(actor);
  }

  /** The living, visible monster or player with entity id `eid`. */
  private targetActor(eid: number): Picked & { kind: ActorKind } | null {
    const monster = this.monsters.get(String(eid));
    if (monster) return monster.hp > 0 ? { kind: "monster", key: String(eid) } : null;
    for (const [key, player] of this.players) {
      if (player.eid === eid) return player.hp > 0 && key !== this.room.sessionId ? { kind: "character", key } : null;
    }
    return null;
  }

  /** Any actor (alive or not) with entity id `eid`, for cues. */
  private actorOf(eid: number): { kind: ActorKind; key: string } | null {
    if (this.monsters.has(String(eid))) return { kind: "monster", key: String(eid) };
    for (const [key, player] of this.players) if (player.eid === eid) return { kind: "character", key };
    return null;
  }

  private drawnPosition(entity: Player | Monster): { x: number; y: number } {
    return { x: this.options.predict.value(entity, "x"), y: this.options.predict.value(entity, "y") };
  }

  private nearestMonster(from: { x: number; y: number }, within: number): number | null {
    let best: number | null = null;
    let bestDistance = within;
    for (const monster of this.monsters.values()) {
      if (monster.hp <= 0) continue;
      const d = distance(from, this.drawnPosition(monster));
      if (d <= bestDistance) {
        bestDistance = d;
        best = monster.eid;
      }
    }
    return best;
  }

  private onCombat(message: unknown): void {
    if (this.disposed || !Array.isArray(message)) return;
    for (const event of message as CombatEvent[]) {
      if (!event || typeof event !== "object" || typeof event.type !== "string") continue;
      this.events.push(event);
      if (this.events.length > EVENT_LOG_SIZE) this.events.shift();
      try {
        this.show(event);
      } catch (error) {
        console.error("could not show a combat cue", event, error);
      }
    }
  }

  /** Turns one combat cue into effects (and HUD cues for the own character). */
  private show(event: CombatEvent): void {
    const selfEid = this.self()?.eid;
    const scene = this.scene;
    switch (event.type) {
      case "hit":
      case "bite": {
        if (event.type === "hit" && event.source === selfEid) this.options.cue({ type: "skillUsed", skill: event.skill });
        if (!scene) return;
        const source = this.actorOf(event.source);
        const target = this.actorOf(event.target);
        if (!target) return;
        const to = scene.anchor(target.kind, target.key);
        const top = scene.actorTop(target.kind, target.key);
        const style: NumberStyle = event.amount <= 0 ? "miss"
          : event.target === selfEid ? "taken" : event.source === selfEid ? "dealt" : "other";
        const land = () => {
          scene.flash(target.kind, target.key);
          if (scene.effects.number(to, top, event.amount > 0 ? String(event.amount) : "miss", style)) this.damageNumbers++;
        };
        const from = source ? scene.anchor(source.kind, source.key) : () => null;
        if (event.type === "hit" && event.skill === Skill.Bolt) {
          scene.effects.bolt(from, to, top, land);
          return;
        }
        if (source) scene.lunge(source.kind, source.key, to);
        if (event.type === "hit") scene.effects.slash(from, to, top);
        land();
        return;
      }
      case "refused":
        this.options.cue({ type: "refused", skill: event.skill, reason: event.reason });
        return;
      case "death": {
        const actor = this.actorOf(event.eid);
        if (!actor || actor.kind === "monster") scene?.showMonsterDeath(String(event.eid));
        if (event.eid === this.targetEid) this.setTarget(null);
        return;
      }
      case "levelUp": {
        if (event.eid === selfEid) this.options.cue({ type: "levelUp", level: event.level });
        const actor = this.actorOf(event.eid);
        if (!scene || !actor) return;
        scene.effects.burst(scene.anchor(actor.kind, actor.key), 0xffd84d);
        scene.effects.number(scene.anchor(actor.kind, actor.key), scene.actorTop(actor.kind, actor.key) - 8, "Level up!", "info");
        return;
      }
      case "heal": {
        const actor = this.actorOf(event.eid);
        if (!scene || !actor) return;
        scene.effects.number(scene.anchor(actor.kind, actor.key), scene.actorTop(actor.kind, actor.key), `+${event.amount}`, "heal");
        return;
      }
      case "respawn": {
        const actor = this.actorOf(event.eid);
        if (scene && actor) scene.effects.burst(scene.anchor(actor.kind, actor.key), 0x9fe8ff);
        return;
      }
      case "pickup": {
        if (event.eid !== selfEid) return;
        this.options.cue({ type: "pickup", item: event.item, count: event.count });
        const actor = this.actorOf(event.eid);
        if (!scene || !actor) return;
        const name = itemRule(event.item)?.name ?? event.item;
        scene.effects.number(scene.anchor(actor.kind, actor.key), scene.actorTop(actor.kind, actor.key) - 6, `+${event.count} ${name}`, "info");
        return;
      }
    }
  }
}
