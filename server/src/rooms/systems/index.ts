/**
 * The systems of a zone, built on its context and wired to each other in one place. The
 * tick runs them in the order of `tick`, which reads like the tick itself; every system
 * hears every player entering and leaving the world.
 */
import { characterNameKey, type Portal } from "@oatnut/shared";
import { Character } from "../../db/models.ts";
import { findLive } from "../../world/liveCharacters.ts";
import type { PlayerSession, ZoneContext, ZoneSystem } from "../context.ts";
import { grantXp } from "../gameplay/progression.ts";
import { ArrivalSystem } from "./arrivals.ts";
import { ChatSystem } from "./chat.ts";
import { CombatSystem, type SeenBy } from "./combat.ts";
import type { InterestManager } from "./interest.ts";
import { ItemSystem } from "./items.ts";
import { LootSystem } from "./loot.ts";
import { MonsterSystem } from "./monsters.ts";
import { MovementSystem, type MovementDeps } from "./movement.ts";
import { PortalSystem } from "./portals.ts";

/**
 * What the systems need from the room besides its context: with the players' inputs the
 * movement system reads (Colyseus' input accessor; each input a plain copy of its fields).
 */
export interface ZoneSystemsDeps extends Omit<MovementDeps, "useSkill"> {
  /** The interest system (the context's `interest`), run last. */
  interest: InterestManager;
  /** Lag compensation: the world as a client drew it (Colyseus' rewind). */
  seenBy: SeenBy;
  /** Starts a transfer through a portal. */
  enterPortal(session: PlayerSession, portal: Portal): void;
  /** A room type's own systems, run after the gameplay systems and before interest. */
  extra: ZoneSystem[];
}

export interface ZoneSystems {
  arrivals: ArrivalSystem;
  movement: MovementSystem;
  combat: CombatSystem;
  monsters: MonsterSystem;
  loot: LootSystem;
  items: ItemSystem;
  chat: ChatSystem;
  portals: PortalSystem;
  interest: InterestManager;
  /** Every system, in tick order. */
  all: ZoneSystem[];
}

export function createZoneSystems(zone: ZoneContext, deps: ZoneSystemsDeps): ZoneSystems {
  const loot = new LootSystem(zone);
  const arrivals = new ArrivalSystem(zone);
  // Combat hits monsters and monsters bite players: each gets the other through a narrow interface.
  const combat: CombatSystem = new CombatSystem(
    zone,
    deps.seenBy,
    {
      find: (eid) => monsters.find(eid),
      damage: (eid, amount, by) => monsters.damage(eid, amount, by),
    },
    arrivals,
  );
  const monsters: MonsterSystem = new MonsterSystem(zone, {
    hurtPlayer: (session, amount, by) => combat.damagePlayer(session, amount, by),
    killed: (mob, killer) => {
      loot.dropFrom(mob.rule, mob.monster, killer.player.name);
      grantXp(zone, killer, mob.rule.xp);
    },
    isProtected: (session) => arrivals.isProtected(session),
  });
  const movement = new MovementSystem(zone, {
    inputsOf: deps.inputsOf,
    waiting: deps.waiting,
    inputsPerFrame: deps.inputsPerFrame,
    useSkill: (session, skill, target) => combat.useSkill(session, skill, target),
  });
  const items = new ItemSystem(zone);
  const chat = new ChatSystem(zone, async (name) => {
    const character = await Character.findOne({ nameKey: characterNameKey(name) }, { name: 1 }).lean();
    if (!character || !(await findLive(zone.presence, String(character._id)))) return undefined;
    return { id: String(character._id), name: character.name };
  });
  const portals = new PortalSystem(zone, deps.enterPortal);
  return {
    arrivals,
    movement,
    combat,
    monsters,
    loot,
    items,
    chat,
    portals,
    interest: deps.interest,
    all: [
      arrivals, // arrivals placed on a free spot near their spawn point; spawn protection runs out
      movement, // inputs: movement, and the skill uses they carry, judged by combat
      monsters, // behaviour, bites, deaths (loot, XP)
      combat, // respawns (placed by arrivals)
      loot, // pick-ups by walking over, ownership and lifetime
      items,
      chat,
      portals, // transfers start here
      ...deps.extra,
      deps.interest, // last: who sees what, after everything moved
    ],
  };
}
