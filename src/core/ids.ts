import { randomBytesFromPool } from "./random-pool.js";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * Time-sortable ids (`run_01jd…`): a 10-char base32 millisecond timestamp then 10 random
 * chars, so that `ORDER BY id` is creation order and ids stay short enough to type.
 */
export function newId(prefix: string, now: number = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytesFromPool(10);
  let rand = "";
  for (const b of bytes) rand += ALPHABET[b % 32];
  return `${prefix}_${time}${rand}`;
}
