/**
 * Seeded randomness. Every stochastic choice in Ratchet (sim habits, flakes, jitter in
 * tests, bootstrap resamples) draws from a stream derived from a seed and a key, so that
 * the same (seed, case, epoch) always gives the same result regardless of scheduling order.
 */

/** 32-bit FNV-1a over a string, mixed; stable across platforms. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: small, fast, good enough for simulation and resampling. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (items) => {
      if (items.length === 0) throw new RangeError("pick from an empty list");
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
  };
}

/** A stream keyed by parts, e.g. `rngFor(seed, caseId, epoch, "flake")`. */
export function rngFor(seed: number, ...parts: Array<string | number>): Rng {
  return createRng(hash32(`${seed}\u0000${parts.join("\u0000")}`));
}
