/**
 * The client's netcode settings and the binding of the own character's prediction —
 * kept apart from the zone session (no rendering, no DOM) so the unit tests drive the
 * very same code against a real room with a frame clock of their own.
 *
 * Everyone else (remote players) is interpolated: `Predict` in "lerp" mode renders them
 * `INTERPOLATION_DELAY_MS` (+ half the RTT) in the past between two patch samples — twice the
 * zone's patch interval, which the state says (`patchMs`: longer while the zone is crowded).
 *
 * The own character is predicted: `predict.reconciler(player, { input, step })` runs the
 * server's own step (`applyMoveInput` from the shared workspace) on every input the
 * moment it is sent, keeps the unacknowledged ones, and when a patch acknowledges input
 * `n` compares its prediction at `n` with the server's state. Equal (the normal case —
 * the step is deterministic and rounds to float32 like the wire): nothing happens.
 * Different (the server put the character back, it died, an input was dropped): the
 * prediction restarts from the server's state, replays the inputs still in flight, and
 * the rendered position glides from where it was drawn to the corrected one over
 * `SELF_SMOOTH_MS` — or jumps at once when the correction is larger than `SNAP_DISTANCE`
 * (a teleport: respawn, put back after a failed transfer).
 */
import { Callbacks, Predict, type InputHandle, type Reconciler, type Room } from "@colyseus/sdk";
import {
  applyMoveInput,
  CROWDED_PATCH_RATE_MS,
  PATCH_RATE_MS,
  TILE_SIZE,
  type CollisionMap,
  type MoveIntent,
  type Player,
  type Walker,
  type ZoneState,
} from "@oatnut/shared";
import type { MoveInputData } from "./movePump.ts";

/**
 * How far in the past remote characters are drawn in a zone that patches every
 * `patchMs`: two patch intervals absorb jitter.
 */
export function interpolationDelay(patchMs: number): number {
  return 2 * patchMs;
}

/** The interpolation delay of a zone that patches every tick (the usual case). */
export const INTERPOLATION_DELAY_MS = interpolationDelay(PATCH_RATE_MS);

/**
 * A position change larger than this is a teleport: snap, don't glide. For remote
 * characters it is the jump between two patches (at most one step of 8 px when walking);
 * for the own character it is a reconcile's correction, which is 0 unless the server
 * overruled the prediction (a death freezes a few steps of predicted walking: tens of px).
 */
export const SNAP_DISTANCE = 3 * TILE_SIZE;

/**
 * Time constant of the own character's correction glide (ms): ~63% of a correction is
 * gone after this long, ~95% after three times as long. Two patch intervals: a
 * correction is seen as a short glide rather than a pop, and is over within ~0.3 s.
 */
export const SELF_SMOOTH_MS = 2 * PATCH_RATE_MS;

/**
 * What the reconciler predicts, mirrors from the server and compares: what the step
 * writes. The step also reads `speed` and `hp`, but those are the server's to decide
 * (level, potions, damage, regeneration): they are read from the decoded player, at its
 * latest value, on every live and replayed step — never predicted, smoothed or counted
 * as a misprediction. Listing `hp` here would make every hit a "correction" and let a
 * large heal (hundreds of HP, in px units to the reconciler) trip the teleport snap.
 * The default (every scalar field) would also include strings (`name`), which turn off
 * the reconciler's cheap "prediction matched" check.
 */
export const SELF_PREDICTED_FIELDS = ["x", "y", "facing"] as const;

/** The room a zone session plays in (its state's classes come from the handshake). */
export type PredictedRoom = Room<unknown, ZoneState>;

/** The own character's reconciler: its `state` is the exact predicted x, y and facing. */
export type SelfReconciler = Reconciler<Player, MoveInputData>;

/**
 * The room's prediction driver: every player's x/y interpolated ("lerp"), teleports
 * snapped. The own character's reconciler, once bound, overlays its entry.
 */
export function createPredict(room: PredictedRoom): Predict<ZoneState> {
  const predict = Predict.get(room, { mode: "lerp", delay: INTERPOLATION_DELAY_MS });
  predict.attachAll("players", { fields: ["x", "y"], snap: SNAP_DISTANCE });
  // A crowded zone patches every second tick (state.patchMs): draw the others that much further behind.
  Callbacks.get(room).listen("patchMs", (patchMs) => followPatchInterval(predict, patchMs));
  return predict;
}

/** The SDK's per-profile controls (what its debug panel tunes): not in its public typings. */
interface TunablePredict {
  snapshotProfiles(): Array<{ id: number; mode: string }>;
  setProfile(id: number, options: { delay: number }): void;
}

/**
 * Draws the others `interpolationDelay(patchMs)` behind: the defaults (which lag
 * compensation's render delay follows, so the server still rewinds to what the player
 * saw) and every interpolated group (`attachAll` freezes a copy of the defaults). A
 * value a zone cannot send (outside PATCH_RATE_MS..CROWDED_PATCH_RATE_MS) counts as
 * PATCH_RATE_MS.
 */
export function followPatchInterval(predict: Predict<ZoneState>, patchMs: number): void {
  const interval = Number.isInteger(patchMs) && patchMs >= PATCH_RATE_MS && patchMs <= CROWDED_PATCH_RATE_MS ? patchMs : PATCH_RATE_MS;
  const delay = interpolationDelay(interval);
  predict.setDefaults({ delay });
  const tunable = predict as unknown as TunablePredict;
  for (const profile of tunable.snapshotProfiles()) if (profile.mode === "lerp") tunable.setProfile(profile.id, { delay });
}

/**
 * Binds the prediction of the own character `player` (the decoded instance, keyed by
 * the room's session id) walking on `map`. From now on every `input.send()` is stepped
 * at once, `predict.tick(now)` reconciles it with the server and returns the fixed
 * steps due, and `predict.value(player, "x" | "y")` reads the predicted, smoothed
 * position. Dispose it when the character leaves the state or the stay ends.
 */
export function predictSelf(
  predict: Predict<ZoneState>,
  player: Player,
  input: InputHandle<MoveInputData>,
  map: CollisionMap,
): SelfReconciler {
  // One scratch walker: the predicted fields plus the server's speed and hp.
  const walker: Walker = { x: 0, y: 0, facing: 0, speed: 0, hp: 0 };
  return predict.reconciler(player, {
    input,
    fields: SELF_PREDICTED_FIELDS,
    smoothMs: SELF_SMOOTH_MS,
    snap: SNAP_DISTANCE,
    step: (ctx, state, command: MoveIntent) => {
      walker.x = state.x;
      walker.y = state.y;
      walker.facing = state.facing;
      walker.speed = player.speed;
      walker.hp = player.hp;
      applyMoveInput(walker, command, ctx.dt, map);
      state.x = walker.x;
      state.y = walker.y;
      state.facing = walker.facing;
    },
  });
}
