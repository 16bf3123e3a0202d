/**
 * Stats benchmarks: `npx tsx bench/stats/index.ts`. Single thread. Times are the median of
 * several runs after a warm-up; ratios compare against plain loops doing the irreducible part.
 */
import { performance } from "node:perf_hooks";
import { createRng, rngFor } from "../../src/core/index.js";
import {
  bootstrapPairedDiff,
  discordant,
  mcnemar,
  wilcoxonSignedRank,
} from "../../src/stats/index.js";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time<T>(label: string, runs: number, f: () => T): { ms: number; value: T } {
  let value = f(); // warm-up
  const ts: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    value = f();
    ts.push(performance.now() - t0);
  }
  const ms = median(ts);
  console.log(`${label.padEnd(58)} ${ms.toFixed(1).padStart(9)} ms`);
  return { ms, value };
}

const rng = createRng(42);
const PAIRS = 10_000;
const RESAMPLES = 10_000;
const a = new Float64Array(PAIRS);
const b = new Float64Array(PAIRS);
for (let i = 0; i < PAIRS; i++) {
  a[i] = rng.next();
  b[i] = Math.min(1, a[i]! + 0.02 * (rng.next() - 0.3));
}
const d = new Float64Array(PAIRS);
for (let i = 0; i < PAIRS; i++) d[i] = b[i]! - a[i]!;

console.log(
  `Paired bootstrap: ${PAIRS} pairs x ${RESAMPLES} resamples (= ${(PAIRS * RESAMPLES) / 1e6}M draws)`,
);
const boot = time("bootstrapPairedDiff (percentile + basic + BCa)", 5, () =>
  bootstrapPairedDiff(b, a, { resamples: RESAMPLES, seed: 1 }),
);

// Floor 1: the same RNG stream, the same indices, only summing d[i] (no sort, no intervals).
// Written as a function over its arguments so V8 optimises it as it does the library loop.
function sumSameIndices(data: Float64Array, resamples: number, next: () => number): number {
  const n = data.length;
  let total = 0;
  for (let k = 0; k < resamples; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += data[(next() * n) | 0]!;
    total += s;
  }
  return total;
}
const plain = time("plain loop: same RNG indices, sum only", 5, () =>
  sumSameIndices(d, RESAMPLES, rngFor(1, "bootstrap-paired").next),
);

// Floor 2: the same number of reads, sequential, no RNG: what memory bandwidth allows.
function sumSequential(data: Float64Array, resamples: number): number {
  let total = 0;
  for (let k = 0; k < resamples; k++) for (let i = 0; i < data.length; i++) total += data[i]!;
  return total;
}
const seq = time("plain loop: sequential reads, no RNG", 5, () => sumSequential(d, RESAMPLES));

console.log(`  ratio bootstrap / same-indices loop:  ${(boot.ms / plain.ms).toFixed(2)}x`);
console.log(`  ratio bootstrap / sequential reads:   ${(boot.ms / seq.ms).toFixed(2)}x`);
const bi = boot.value.bca;
console.log(
  `  (delta ${boot.value.estimate.toFixed(5)}, BCa [${bi.lower.toFixed(5)}, ${bi.upper.toFixed(5)}])`,
);

const N = 100_000;
const passA: boolean[] = [];
const passB: boolean[] = [];
const x = new Float64Array(N);
const y = new Float64Array(N);
for (let i = 0; i < N; i++) {
  passA.push(rng.next() < 0.7);
  passB.push(rng.next() < 0.72);
  x[i] = rng.next();
  y[i] = x[i]! + 0.01 * (rng.next() - 0.45);
}
console.log(`\n${N} pairs`);
const mc = time("McNemar exact (count flips + binomial p)", 9, () => {
  const { b01, b10 } = discordant(passA, passB);
  return mcnemar(b01, b10, "exact");
});
const wx = time("Wilcoxon signed-rank (normal approx, ties)", 9, () => wilcoxonSignedRank(y, x));
const sortFloor = time("plain: differences + typed-array sort of |d|", 9, () => {
  const t = new Float64Array(N);
  for (let i = 0; i < N; i++) t[i] = Math.abs(y[i]! - x[i]!);
  return t.sort()[0];
});
console.log(`  ratio Wilcoxon / sort floor:          ${(wx.ms / sortFloor.ms).toFixed(2)}x`);
console.log(
  `  (McNemar b01=${mc.value.b} b10=${mc.value.c} p=${mc.value.pValue.toExponential(3)}; Wilcoxon V=${wx.value.statistic} p=${wx.value.pValue.toExponential(3)})`,
);
