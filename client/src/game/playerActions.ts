/**
 * What the player does in a fight — select a target, attack, use an item, pick up a drop,
 * click the view — checked first against the shared rules (shared/src/actions.ts) on
 * what this screen shows, so a refusal is told at once and nothing is asked in vain, then
 * sent to the server as an intent. The server judges every intent again and has the
 * last word; its refusals come back as cues (combatCues.ts).
 *
 * The target does not outstay its use:
 * - it is dropped when it dies, leaves the state (area of interest), goes off screen
 *   (more than `TARGET_VIEW_MARGIN` past the edge), or gets out of reach: farther than
 *   `TARGET_DROP_DISTANCE` (the longest skill's range and a margin) and than
 *   `TARGET_DROP_MARGIN` beyond the closest it has been since it was selected (so a
 *   monster clicked far away is not dropped at once, only once the gap widens);
 * - when a monster other than the target bites the own character, the biter becomes the
 *   target — unless the target is within melee reach (a fight under way is not switched).
 *   With no target, the biter is selected too: the player sees what hits it.
 *
 * It reads the world through the narrow view it declares (`ActionWorld`, which the state
 * mirror implements) and the scene through another (`ActionScene`), and touches no DOM,
 * so the unit tests drive it with stubs.
 */
import { checkItemUse, checkPickUp, distance, PICKUP_REACH, Skill, SKILLS, skillRule, type DropLike } from "@oatnut/shared";
import type { ActorKind, Picked } from "../render/actorRefs.ts";
import type { InventorySlot, Point } from "../snapshot.ts";
import type { Refusal, SkillUseRefusal } from "./refusals.ts";

/**
 * A target this much beyond a skill's range (on this screen) is still asked for: the
 * server judges range against its own record of this screen, which may differ a little.
 */
export const RANGE_SLACK = 6;

/** How far beyond the longest skill's range a target may get before it is dropped (world pixels). */
export const TARGET_DROP_MARGIN = 64;
/** A target farther than this (and drifting away) is dropped: out of reach of every skill. */
export const TARGET_DROP_DISTANCE = Math.max(...Object.values(SKILLS).map((skill) => skill.range)) + TARGET_DROP_MARGIN;
/** A target drawn farther than this past the screen's edge (CSS pixels) is dropped. */
export const TARGET_VIEW_MARGIN = 24;
/** A target this close is being fought in melee: a bite from another monster does not switch to it. */
const MELEE_REACH = SKILLS[Skill.Melee].range + RANGE_SLACK;

/** The selected target, for the HUD's target frame. */
export interface TargetStatus {
  eid: number;
  name: string;
  hp: number;
  maxHp: number;
}

/** What asking for an action came to: sent to the server, or refused here (null: nothing worth saying). */
export type ActionOutcome = { sent: true } | { sent: false; refusal: Refusal | null };

/** The own character as drawn, with what the action checks read. */
export interface OwnCharacter extends Point {
  eid: number;
  name: string;
  hp: number;
  maxHp: number;
  inventory: InventorySlot[];
}

/** A monster or character as drawn, with its numbers (what targeting reads). */
export interface ActorView extends Point {
  eid: number;
  kind: ActorKind;
  /** Its key in the state and the scene. */
  key: string;
  name: string;
  hp: number;
  maxHp: number;
}

/** A drop on the ground, as a pick-up needs it. */
export interface DropView extends DropLike {
  id: number;
}

/** What the actions read of the world (the state mirror answers, with positions as drawn). */
export interface ActionWorld {
  /** The own character, or null before its state arrived. */
  self(): OwnCharacter | null;
  /** The living, visible monster or other player with entity id `eid`: what may be a target. */
  livingActor(eid: number): ActorView | null;
  livingMonsters(): Iterable<ActorView>;
  /** The character under `key` (alive or not) unless it is the own one. */
  otherCharacter(key: string): ActorView | null;
  /** The drop under `key`. */
  drop(key: string): DropView | undefined;
}

/** What the actions need of the scene (the zone's `ZoneScene`): where a click lands, and the target ring. */
export interface ActionScene {
  /** The world point under a point of the view (CSS pixels from the canvas' top-left). */
  worldAt(screenX: number, screenY: number): Point;
  /** What is drawn at a world point. */
  pick(x: number, y: number): Picked | null;
  setTarget(target: Picked | null): void;
  /** Whether a world point is drawn on screen, or at most `margin` CSS pixels past its edge. */
  inView(point: Point, margin: number): boolean;
}

/** The intents the actions send (the zone session puts them on the wire). */
export interface ActionIntents {
  /** Uses a skill on the entity `target` with the next input. */
  useSkill(skill: number, target: number): void;
  useItem(item: string): void;
  pickUp(id: number): void;
}

export interface PlayerActionsOptions {
  world: ActionWorld;
  intents: ActionIntents;
  /** Whether players may fight players in this zone (its map's `pvp`, once known). */
  pvp(): boolean;
}

const NOTHING_TO_SAY: ActionOutcome = { sent: false, refusal: null };
const SENT: ActionOutcome = { sent: true };

export class PlayerActions {
  private readonly world: ActionWorld;
  private scene: ActionScene | null = null;
  private targetEid: number | null = null;
  /** The target is dropped beyond this distance (see the file's comment); shrinks as it comes closer. */
  private keepWithin = TARGET_DROP_DISTANCE;

  constructor(private readonly options: PlayerActionsOptions) {
    this.world = options.world;
  }

  /**
   * Per frame, after the mirror placed everything: shows the target on a new scene, and
   * drops a target that died, left the view or got out of reach.
   */
  frame(scene: ActionScene): void {
    if (scene !== this.scene) {
      this.scene = scene;
      this.setTarget(this.targetEid);
    }
    if (this.targetEid === null) return;
    const target = this.world.livingActor(this.targetEid);
    if (!target || !scene.inView(target, TARGET_VIEW_MARGIN)) {
      this.setTarget(null);
      return;
    }
    const self = this.world.self();
    if (!self) return;
    const d = distance(self, target);
    if (d > this.keepWithin) this.setTarget(null);
    else this.keepWithin = Math.max(TARGET_DROP_DISTANCE, Math.min(this.keepWithin, d + TARGET_DROP_MARGIN));
  }

  /**
   * The monster `eid` bit the own character: it becomes the target, unless the target is
   * already that monster or within melee reach.
   */
  attackedBy(eid: number): void {
    if (eid === this.targetEid) return;
    const attacker = this.world.livingActor(eid);
    const self = this.world.self();
    if (!attacker || attacker.kind !== "monster" || !self || self.hp <= 0) return;
    const target = this.targetEid === null ? null : this.world.livingActor(this.targetEid);
    if (target && distance(self, target) <= MELEE_REACH) return;
    this.setTarget(eid);
  }

  /** Stops acting (the stay is over). */
  dispose(): void {
    this.scene = null;
    this.targetEid = null;
  }

  /** The selected target's entity id, or null. */
  get selected(): number | null {
    return this.targetEid;
  }

  /** The selected target, or null. */
  target(): TargetStatus | null {
    const actor = this.targetEid === null ? null : this.world.livingActor(this.targetEid);
    return actor ? { eid: actor.eid, name: actor.name, hp: actor.hp, maxHp: actor.maxHp } : null;
  }

  /** Clears the target. */
  clearTarget(): void {
    this.setTarget(null);
  }

  /** The entity `eid` died: it is no longer the target. */
  forget(eid: number): void {
    if (eid === this.targetEid) this.setTarget(null);
  }

  /**
   * Uses a skill on the selected target; without one, on the nearest living monster in
   * the skill's range (which becomes the target). Only asks: the server checks cooldown,
   * range and line of sight, and answers with a hit cue when it carried it out.
   */
  attack(skill: number): ActionOutcome {
    const rule = skillRule(skill);
    const self = this.world.self();
    if (!rule || !self) return NOTHING_TO_SAY;
    const refused = (reason: SkillUseRefusal): ActionOutcome => ({ sent: false, refusal: { kind: "skill", skill, reason } });
    if (self.hp <= 0) return refused("dead");
    const reach = rule.range + RANGE_SLACK;
    let target = this.targetEid === null ? null : this.world.livingActor(this.targetEid);
    if (!target) {
      target = this.nearestMonster(self, reach);
      if (!target) return refused("noTarget");
      this.setTarget(target.eid);
    }
    if (distance(self, target) > reach) return refused("range");
    this.options.intents.useSkill(skill, target.eid);
    return SENT;
  }

  /**
   * Uses (drinks) one `item` from the inventory. The item cooldown is timed by the
   * controls (cooldowns.ts), so it is not checked here.
   */
  useItem(item: string): ActionOutcome {
    const self = this.world.self();
    if (!self) return NOTHING_TO_SAY;
    const check = checkItemUse(self, item);
    if ("refused" in check) return { sent: false, refusal: { kind: "item", item, reason: check.refused } };
    this.options.intents.useItem(item);
    return SENT;
  }

  /**
   * A click on the view at (screenX, screenY), CSS pixels from the canvas' corner: picks
   * up a drop in reach, selects a monster (or, where player combat is allowed, another
   * player) as the target, or clears the target on empty ground.
   * @returns what a pick-up came to; null when the click only selected
   */
  click(screenX: number, screenY: number): ActionOutcome | null {
    const scene = this.scene;
    if (!scene || !this.world.self()) return null;
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
    const other = this.options.pvp() ? this.world.otherCharacter(picked.key) : null;
    if (other && other.hp > 0) this.setTarget(other.eid);
    return null;
  }

  /** Picks up the drop under `key` from where the own character is drawn. */
  private pickUp(key: string): ActionOutcome {
    const self = this.world.self();
    if (!self) return NOTHING_TO_SAY;
    const drop = this.world.drop(key);
    const reason = checkPickUp(self, drop, PICKUP_REACH);
    if (reason) return { sent: false, refusal: { kind: "pickUp", reason, owner: drop?.owner } };
    this.options.intents.pickUp(drop!.id);
    return SENT;
  }

  private setTarget(eid: number | null): void {
    const actor = eid === null ? null : this.world.livingActor(eid);
    this.targetEid = actor ? actor.eid : null;
    const self = this.world.self();
    this.keepWithin = Math.max(TARGET_DROP_DISTANCE, actor && self ? distance(self, actor) + TARGET_DROP_MARGIN : 0);
    this.scene?.setTarget(actor ? ringOf(actor) : null);
  }

  /** The nearest living monster within `within` of `from` that is in view (what an attack picks: what a target may be). */
  private nearestMonster(from: Point, within: number): ActorView | null {
    let best: ActorView | null = null;
    let bestDistance = within;
    for (const monster of this.world.livingMonsters()) {
      if (this.scene && !this.scene.inView(monster, TARGET_VIEW_MARGIN)) continue;
      const d = distance(from, monster);
      if (d <= bestDistance) {
        bestDistance = d;
        best = monster;
      }
    }
    return best;
  }
}

/** What the scene's target ring is drawn around. */
function ringOf(actor: ActorView): Picked {
  return { kind: actor.kind, key: actor.key };
}
