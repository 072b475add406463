/**
 * The zone rooms' input class on the server. Colyseus decodes each input frame into one
 * MoveInput per client, then buffers `clone()` of it until a tick applies it. A schema
 * clone builds a whole change tree per input (Schema.initialize, a for-in over the
 * metadata, a setter per field): 7.4% of the server's busy time at 1,000 walkers over
 * four zones (CPU profile, bench/levers.md). The buffer and the movement system only read
 * the four fields, so the copies buffered here are plain records of them.
 *
 * Nor are the records new ones: each client's input instance (one per client, living as
 * long as it) hands out the records of a small ring in turn. An input waits up to a few
 * ticks in the buffer, long enough to outlive two scavenges in a busy process, so a new
 * record per input was promoted to the old generation and died there: the largest share of
 * the old-generation garbage at 1,000 walkers (bench/levers.md, round 7).
 *
 * The copy is also where the axes are clamped into MOVE_AXIS_RANGE (shared's `clampAxis`,
 * the movement step's own rule): on plain numbers, where Colyseus's `sanitize` option would
 * write the clamped values back into the decoded schema instance through its setters
 * (change tracking and all) on every input (round 11).
 */
import { clampAxis, INPUT_BUFFER_SIZE, MoveInput } from "@oatnut/shared";

/** What is buffered of an input: its fields, nothing else. */
export interface MoveSnapshot {
  readonly dx: number;
  readonly dy: number;
  readonly skill: number;
  readonly target: number;
}

interface Slot {
  dx: number;
  dy: number;
  skill: number;
  target: number;
}

/** A client's ring: its records and the next one's index. */
interface Ring {
  slots: Slot[];
  turn: number;
}

/**
 * Where an input instance keeps its ring. A symbol, not a class field: Colyseus's typings
 * require `clone()` to return the class, which its plain records are typed as, and a
 * declared field would make them lack it.
 */
const RING = Symbol("input ring");

/**
 * Records in a client's ring. Colyseus's buffer (bufferMaxSize: INPUT_BUFFER_SIZE) holds at
 * most INPUT_BUFFER_SIZE inputs waiting; when a push overflows it, it drops the oldest,
 * which is the record that push's copy rewrote if the ring is exactly that size. The tick
 * reads the input it applies while no frame is decoded (both run on the one thread). So a
 * ring of INPUT_BUFFER_SIZE never rewrites a record anyone still reads; two more are a
 * margin. `server/test/moveInput.test.ts` checks this against Colyseus's own buffer (and
 * fails with a ring one record shorter than the buffer).
 */
export const INPUT_RING_SIZE = INPUT_BUFFER_SIZE + 2;

export class BufferedMoveInput extends MoveInput {
  /**
   * A copy of the fields in the ring's next record, the axes clamped into MOVE_AXIS_RANGE.
   * Typed as the class because Colyseus's typings ask `clone()` for one; what reads it
   * (Colyseus's input buffer, the movement system) reads only the fields (MoveSnapshot),
   * and only while the input is buffered or being applied.
   */
  override clone(): this {
    // Made on first use: the schema's decoder builds instances of the class too.
    const holder = this as unknown as { [RING]?: Ring };
    const ring = (holder[RING] ??= {
      slots: Array.from({ length: INPUT_RING_SIZE }, () => ({ dx: 0, dy: 0, skill: 0, target: 0 })),
      turn: 0,
    });
    const slot = ring.slots[ring.turn];
    ring.turn = ring.turn + 1 === INPUT_RING_SIZE ? 0 : ring.turn + 1;
    slot.dx = clampAxis(this.dx);
    slot.dy = clampAxis(this.dy);
    slot.skill = this.skill;
    slot.target = this.target;
    return slot as unknown as this;
  }
}
