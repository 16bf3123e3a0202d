import { StatsInputError } from "./errors.js";

function checkP(p: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (typeof v !== "number" || !(v >= 0 && v <= 1)) {
      throw new StatsInputError(`p-values must be in [0, 1]; p[${i}] = ${String(v)}`);
    }
    out.push(v);
  }
  return out;
}

/** Holm–Bonferroni step-down adjusted p-values (R `p.adjust(p, "holm")`), in input order. */
export function holm(pValues: ArrayLike<number>): number[] {
  const p = checkP(pValues);
  const n = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
  const out = new Array<number>(n);
  let running = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    running = Math.max(running, Math.min(1, (n - r) * p[i]!));
    out[i] = running;
  }
  return out;
}

/** Benjamini–Hochberg step-up adjusted p-values (R `p.adjust(p, "BH")`), in input order. */
export function benjaminiHochberg(pValues: ArrayLike<number>): number[] {
  const p = checkP(pValues);
  const n = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[b]! - p[a]!);
  const out = new Array<number>(n);
  let running = 1;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    const rank = n - r;
    running = Math.min(running, (n / rank) * p[i]!);
    out[i] = Math.min(1, running);
  }
  return out;
}
