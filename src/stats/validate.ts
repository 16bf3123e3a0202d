import { StatsInputError } from "./errors.js";
import type { Alternative } from "./types.js";

/** Copy a sample into a Float64Array, refusing non-finite values and short samples. */
export function finiteSample(name: string, x: ArrayLike<number>, minLength = 1): Float64Array {
  if (x === null || x === undefined || typeof x.length !== "number") {
    throw new StatsInputError(`${name}: expected an array of numbers`);
  }
  if (x.length < minLength) {
    throw new StatsInputError(
      `${name}: need at least ${minLength} value${minLength === 1 ? "" : "s"}, got ${x.length}`,
    );
  }
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new StatsInputError(`${name}[${i}]: expected a finite number, got ${String(v)}`);
    }
    out[i] = v;
  }
  return out;
}

export function samePairs(
  nameA: string,
  a: ArrayLike<number>,
  nameB: string,
  b: ArrayLike<number>,
) {
  if (a.length !== b.length) {
    throw new StatsInputError(
      `paired samples must have equal lengths: ${nameA} has ${a.length}, ${nameB} has ${b.length}`,
    );
  }
}

export function checkAlternative(alt: Alternative | undefined): Alternative {
  const a = alt ?? "two-sided";
  if (a !== "two-sided" && a !== "less" && a !== "greater") {
    throw new StatsInputError(
      `alternative must be "two-sided", "less" or "greater", got ${String(a)}`,
    );
  }
  return a;
}

export function checkLevel(name: string, level: number | undefined, fallback: number): number {
  const v = level ?? fallback;
  if (!(typeof v === "number" && v > 0 && v < 1)) {
    throw new StatsInputError(`${name} must be strictly between 0 and 1, got ${String(v)}`);
  }
  return v;
}

export function checkCount(name: string, v: number, min = 0): number {
  if (!Number.isInteger(v) || v < min) {
    throw new StatsInputError(`${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  return v;
}

export function checkFinite(name: string, v: number): number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new StatsInputError(`${name} must be a finite number, got ${String(v)}`);
  }
  return v;
}
