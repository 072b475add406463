/**
 * One socket write for each WebSocket frame the server sends.
 *
 * `ws` hands each unmasked (server-to-client) frame to the socket as two buffers, its 2–10
 * byte header and the payload: a cork, two writes and an uncork, which Node's stream turns
 * into a `writev` with the bookkeeping of a two-chunk write. A zone sends a patch to each
 * client 10–20 times a second, so at 2,000 players that is 20,000 such writes a second, a
 * quarter of the server's busy time (bench/levers.md, round 10). Header and payload merged
 * into one buffer are one plain write, for the cost of copying the payload: 10–14% less CPU a
 * frame for a patch's 100–150 bytes, 4% less at 500–550, even at 900–950, and more above
 * (5% at 1,400, 10% at 4,000, 71% at 16 KB), measured by alternated pairs of
 * `npm run bench:frames -- --bytes <n>` (bench/frames.ts). So only payloads up to
 * `MERGE_LIMIT` are merged; larger ones (a join's full state, a crowded view) keep ws's two
 * buffers.
 *
 * Clients' frames (masked) and empty frames (pings, closes without a reason) are untouched.
 */
import * as ws from "ws";

/** Largest payload merged with its header: below the ~900 bytes where the copy costs what the write saves. */
export const MERGE_LIMIT = 512;

type Frame = (data: Buffer | string, options: { mask?: boolean }) => Array<Buffer | string>;
// ws exports its Sender class, which its type definitions leave out.
const { Sender } = ws as unknown as { Sender: { frame: Frame & { oneWrite?: true } } };

/** Makes every `ws` sender in this process send a server frame as one buffer. Idempotent. */
export function installOneWriteFrames(): void {
  const frame = Sender.frame;
  if (frame.oneWrite) return;
  const merged: Frame & { oneWrite?: true } = (data, options) => {
    const list = frame(data, options);
    if (list.length !== 2 || options.mask) return list;
    // ws passes a text payload on as the string itself (its length already measured).
    const [header, payload] = list as [Buffer, Buffer | string];
    const size = typeof payload === "string" ? Buffer.byteLength(payload) : payload.length;
    if (size > MERGE_LIMIT) return list;
    const one = Buffer.allocUnsafe(header.length + size);
    one.set(header, 0);
    if (typeof payload === "string") one.write(payload, header.length);
    else one.set(payload, header.length);
    return [one];
  };
  merged.oneWrite = true;
  Sender.frame = merged;
}
