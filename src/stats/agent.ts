import { StatsInputError } from "./errors.js";
import { checkCount } from "./validate.js";

function checkNCK(n: number, c: number, k: number) {
  checkCount("n (attempts)", n, 1);
  checkCount("c (correct)", c);
  checkCount("k", k, 1);
  if (c > n) throw new StatsInputError(`correct attempts c (${c}) cannot exceed attempts n (${n})`);
  if (k > n) throw new StatsInputError(`k (${k}) cannot exceed the number of attempts n (${n})`);
}

/**
 * Unbiased pass@k for one task (Chen et al. 2021): 1 - C(n-c, k) / C(n, k), computed as
 * 1 - prod_{i=n-c+1..n} (1 - k / i) so no binomial coefficient is ever formed.
 */
export function passAtK(n: number, c: number, k: number): number {
  checkNCK(n, c, k);
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/**
 * pass^k for one task as tau-bench defines it: the chance that k attempts drawn without
 * replacement from the n all succeed, C(c, k) / C(n, k) = prod_{i=0..k-1} (c - i) / (n - i).
 */
export function passHatK(n: number, c: number, k: number): number {
  checkNCK(n, c, k);
  if (c < k) return 0;
  let prod = 1;
  for (let i = 0; i < k; i++) prod *= (c - i) / (n - i);
  return prod;
}

export interface TaskCounts {
  /** Attempts (epochs) of the task. */
  n: number;
  /** Successful attempts. */
  c: number;
}

function meanOver(
  tasks: readonly TaskCounts[],
  k: number,
  f: (n: number, c: number, k: number) => number,
): number {
  if (!Array.isArray(tasks) || tasks.length === 0)
    throw new StatsInputError("need at least one task");
  let s = 0;
  for (const t of tasks) s += f(t.n, t.c, k);
  return s / tasks.length;
}

/** pass@k averaged over tasks. */
export function meanPassAtK(tasks: readonly TaskCounts[], k: number): number {
  return meanOver(tasks, k, passAtK);
}

/** pass^k averaged over tasks (tau-bench's reported number). */
export function meanPassHatK(tasks: readonly TaskCounts[], k: number): number {
  return meanOver(tasks, k, passHatK);
}

export interface Flakiness {
  runs: number;
  passes: number;
  passRate: number;
  /** Changes of outcome between consecutive runs (in the order given). */
  flips: number;
  /** flips / (runs - 1); 0 for a single run (no pair to flip). */
  flipRate: number;
  /** Both outcomes were seen. */
  flaky: boolean;
}

/** Flakiness of one case from its outcomes across epochs or runs, in run order. */
export function flakiness(outcomes: readonly boolean[]): Flakiness {
  if (!Array.isArray(outcomes) || outcomes.length === 0)
    throw new StatsInputError("need at least one outcome");
  let passes = 0;
  let flips = 0;
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcomes[i];
    if (typeof o !== "boolean")
      throw new StatsInputError(`outcome ${i} must be a boolean, got ${String(o)}`);
    if (o) passes++;
    if (i > 0 && o !== outcomes[i - 1]) flips++;
  }
  const runs = outcomes.length;
  return {
    runs,
    passes,
    passRate: passes / runs,
    flips,
    flipRate: runs > 1 ? flips / (runs - 1) : 0,
    flaky: passes > 0 && passes < runs,
  };
}
