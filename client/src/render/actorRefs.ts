/**
 * How the scene names what it draws — types only, so the game logic that aims at actors
 * (targeting, cues) names them without loading the renderer. A character is named by its
 * session id, a monster by its eid, a drop by its id (as the state's maps key them).
 */

/** The kinds of actors: what can be a target, hit, flash or lunge. */
export type ActorKind = "character" | "monster";

/** One actor in the scene. */
export interface ActorRef {
  kind: ActorKind;
  key: string;
}

/** What a click can land on: an actor or a drop. */
export type Picked = { kind: ActorKind | "loot"; key: string };
