/**
 * Shows, in isolation, the two sources of old-generation garbage found in round 6 of
 * bench/levers.md: V8 gives a long-lived Map or Set's new tables (on `clear()` and on
 * growth) to the old generation.
 *
 *   node --expose-gc --max-semi-space-size=8 --import tsx bench/old-generation.ts
 *
 * Prints how much V8's old space grew for each case (nothing else runs in the process):
 * - a long-lived map cleared and refilled, as Colyseus's `view.changes` after each patch,
 *   against a new map each time (what OatNut's interest system does, `youngChanges`);
 * - a long-lived decoder decoding inputs: with OatNut's patch to @colyseus/schema, the
 *   decoder no longer clears its (empty) set of deleted references after each decode.
 *   `--unpatched` clears it as the unpatched decoder does, for the comparison.
 */
import v8 from "node:v8";
import { Decoder, Encoder } from "@colyseus/schema";
import { MoveInput } from "@oatnut/shared";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc (see the header of bench/old-generation.ts)");
const ROUNDS = 200_000;
const DECODES = 2_000_000;

function oldSpaceUsed(): number {
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === "old_space")!.space_used_size;
}

/** Old-space growth (MB) while `work` runs on objects made old first. */
function oldGrowth(work: () => void): number {
  for (let i = 0; i < 4; i++) gc!();
  const before = oldSpaceUsed();
  work();
  return (oldSpaceUsed() - before) / 2 ** 20;
}

const holder = { changes: new Map<number, number>() };
const reused = oldGrowth(() => {
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < 20; i++) holder.changes.set(i, i);
    holder.changes.clear();
  }
});
const fresh = oldGrowth(() => {
  for (let round = 0; round < ROUNDS; round++) {
    if (holder.changes.size === 0) holder.changes = new Map();
    for (let i = 0; i < 20; i++) holder.changes.set(i, i);
    holder.changes.clear();
  }
});

const sent = new MoveInput();
Object.assign(sent, { dx: 1, dy: -1, skill: 0, target: 0 });
const frame = new Encoder(sent).encodeAll().slice();
const decoder = new Decoder(new MoveInput());
const unpatched = process.argv.includes("--unpatched");
const deletedRefs = (decoder as unknown as { root: { deletedRefs: Set<number> } }).root.deletedRefs;
const decoding = oldGrowth(() => {
  for (let i = 0; i < DECODES; i++) {
    decoder.decode(frame);
    if (unpatched) deletedRefs.clear();
  }
});

const mb = (value: number): string => `${value.toFixed(1)} MB`;
console.log(`a long-lived map cleared and refilled ${ROUNDS} times: old space +${mb(reused)}`);
console.log(`a new map whenever the last one was drained:          old space +${mb(fresh)}`);
console.log(
  `${DECODES} inputs decoded (${unpatched ? "clearing the empty set, as unpatched" : "patched"}):      old space +${mb(decoding)}`,
);
