/**
 * The zone rooms' input class on the server. Colyseus decodes each input frame into one
 * MoveInput per client, then buffers `clone()` of it until a tick applies it. A schema
 * clone builds a whole change tree per input (Schema.initialize, a for-in over the
 * metadata, a setter per field): 7.4% of the server's busy time at 1,000 walkers over
 * four zones (CPU profile, bench/levers.md). The buffer and the movement system only read
 * the four fields, so the copies buffered here are plain records of them.
 */
import { MoveInput } from "@oatnut/shared";

/** What is buffered of an input: its fields, nothing else. */
export interface MoveSnapshot {
  readonly dx: number;
  readonly dy: number;
  readonly skill: number;
  readonly target: number;
}

export class BufferedMoveInput extends MoveInput {
  /**
   * A plain copy of the fields. Typed as the class because Colyseus's typings ask `clone()`
   * for one; what reads it (Colyseus's input buffer, the movement system, the traffic log)
   * reads only the fields (MoveSnapshot).
   */
  override clone(): this {
    const snapshot: MoveSnapshot = { dx: this.dx, dy: this.dy, skill: this.skill, target: this.target };
    return snapshot as unknown as this;
  }
}
