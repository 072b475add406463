/**
 * The server's per-tick fight cues (`ServerMessage.Combat`: `CombatEvent[]`) turned into
 * what the player sees: slashes, firebolts, flashes and floating numbers in the scene,
 * level-up and respawn bursts, and the cues the HUD and the controls act on (a level up,
 * a pickup, a skill use carried out, a refused action). The state stays the truth: a cue
 * only shows a moment of it, and a cue about an entity out of view is skipped.
 */
import { itemRule, ServerMessage, Skill, type CombatEvent } from "@oatnut/shared";
import type { ZoneRoom } from "../network/zone.ts";
import type { ActorKind, ActorRef } from "../render/actorRefs.ts";
import type { Anchor, Effects, NumberStyle } from "../render/effects.ts";
import type { ZoneFightSnapshot } from "../snapshot.ts";
import type { DropView } from "./playerActions.ts";
import type { Refusal } from "./refusals.ts";

/** Combat cues kept for the test hook. */
const EVENT_LOG_SIZE = 50;

/** Something the player should be told about (the HUD and the controls act on it). */
export type GameplayCue =
  | { type: "levelUp"; level: number }
  | { type: "pickup"; item: string; count: number }
  /** The server carried out one of this player's skill uses (a hit event from it arrived). */
  | { type: "skillUsed"; skill: number }
  /** The server refused one of this player's actions (a skill use, an item use, a pick-up), and why. */
  | { type: "refused"; refusal: Refusal };

/** What the cues draw with (the zone's `ZoneScene`): actors' places, their reactions, effects. */
export interface CueScene {
  readonly effects: Pick<Effects, "number" | "slash" | "bolt" | "burst">;
  anchor(kind: ActorKind, key: string): Anchor;
  actorTop(kind: ActorKind, key: string): number;
  flash(kind: ActorKind, key: string): void;
  lunge(kind: ActorKind, key: string, toward: Anchor): void;
  showMonsterDeath(key: string): void;
}

/** What the cues read of the world (the state mirror answers): the scene to draw in, who is who. */
export interface CueWorld {
  /** The scene the world is drawn in, once there is one. */
  readonly scene: CueScene | null;
  /** The own character's entity id, once its state arrived. */
  selfEid(): number | undefined;
  /** Any monster or character (alive or not, the own one included) with entity id `eid`. */
  actorOf(eid: number): ActorRef | null;
  /** The drop under `key` (its id, as a string), while in view. */
  drop(key: string): DropView | undefined;
}

export interface CombatCuesOptions {
  /** The room whose cues to show. */
  room: Pick<ZoneRoom, "onMessage">;
  world: CueWorld;
  /** A cue for the HUD and the controls. */
  cue(cue: GameplayCue): void;
  /** The entity `eid` died (a selected target is dropped at once, before the state says so). */
  died(eid: number): void;
  /** The monster `source` bit the own character (the targeting may switch to it). */
  bitten?(source: number): void;
}

export class CombatCues {
  private readonly world: CueWorld;
  private readonly events: CombatEvent[] = [];
  private damageNumbers = 0;
  private disposed = false;

  /** Must be constructed synchronously right after the room was joined (like `ZoneSession`). */
  constructor(private readonly options: CombatCuesOptions) {
    this.world = options.world;
    options.room.onMessage(ServerMessage.Combat, (events: unknown) => this.receive(events));
  }

  /** Stops showing cues (the stay is over). */
  dispose(): void {
    this.disposed = true;
  }

  /** What the test hook shows: the damage numbers shown and the last cues received. */
  snapshot(): Pick<ZoneFightSnapshot, "damageNumbersShown" | "lastEvents"> {
    return { damageNumbersShown: this.damageNumbers, lastEvents: [...this.events] };
  }

  private receive(message: unknown): void {
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
    const selfEid = this.world.selfEid();
    const scene = this.world.scene;
    switch (event.type) {
      case "hit":
      case "bite": {
        if (event.type === "hit" && event.source === selfEid) this.options.cue({ type: "skillUsed", skill: event.skill });
        if (event.type === "bite" && event.target === selfEid && selfEid !== undefined) this.options.bitten?.(event.source);
        if (!scene) return;
        const source = this.world.actorOf(event.source);
        const target = this.world.actorOf(event.target);
        if (!target) return;
        const to = scene.anchor(target.kind, target.key);
        const top = scene.actorTop(target.kind, target.key);
        const style: NumberStyle =
          event.amount <= 0 ? "miss" : event.target === selfEid ? "taken" : event.source === selfEid ? "dealt" : "other";
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
        this.options.cue({ type: "refused", refusal: { kind: "skill", skill: event.skill, reason: event.reason } });
        return;
      case "itemRefused":
        this.options.cue({ type: "refused", refusal: { kind: "item", item: event.item, reason: event.reason } });
        return;
      case "pickUpRefused": {
        // Whom it is kept for, while this client still sees the drop.
        const owner = this.world.drop(String(event.id))?.owner;
        this.options.cue({ type: "refused", refusal: { kind: "pickUp", reason: event.reason, owner } });
        return;
      }
      case "death": {
        const actor = this.world.actorOf(event.eid);
        if (!actor || actor.kind === "monster") scene?.showMonsterDeath(String(event.eid));
        this.options.died(event.eid);
        return;
      }
      case "levelUp": {
        if (event.eid === selfEid) this.options.cue({ type: "levelUp", level: event.level });
        const actor = this.world.actorOf(event.eid);
        if (!scene || !actor) return;
        scene.effects.burst(scene.anchor(actor.kind, actor.key), 0xffd84d);
        scene.effects.number(scene.anchor(actor.kind, actor.key), scene.actorTop(actor.kind, actor.key) - 8, "Level up!", "info");
        return;
      }
      case "heal": {
        const actor = this.world.actorOf(event.eid);
        if (!scene || !actor) return;
        scene.effects.number(scene.anchor(actor.kind, actor.key), scene.actorTop(actor.kind, actor.key), `+${event.amount}`, "heal");
        return;
      }
      case "respawn": {
        const actor = this.world.actorOf(event.eid);
        if (scene && actor) scene.effects.burst(scene.anchor(actor.kind, actor.key), 0x9fe8ff);
        return;
      }
      case "pickup": {
        if (event.eid !== selfEid) return;
        this.options.cue({ type: "pickup", item: event.item, count: event.count });
        const actor = this.world.actorOf(event.eid);
        if (!scene || !actor) return;
        const name = itemRule(event.item)?.name ?? event.item;
        scene.effects.number(
          scene.anchor(actor.kind, actor.key),
          scene.actorTop(actor.kind, actor.key) - 6,
          `+${event.count} ${name}`,
          "info",
        );
        return;
      }
    }
  }
}
