import { randomFillSync } from "node:crypto";

/**
 * Ids are minted for every attempt and span; one `randomBytes` call each showed up in
 * profiles. Drawing from a pooled buffer refilled 4 KiB at a time keeps them cheap.
 */
const POOL = Buffer.allocUnsafe(4096);
let offset = POOL.length;

export function randomBytesFromPool(count: number): Buffer {
  if (count > POOL.length) throw new RangeError(`at most ${POOL.length} bytes at once`);
  if (offset + count > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const out = POOL.subarray(offset, offset + count);
  offset += count;
  return out;
}
