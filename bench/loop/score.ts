/** Scores a method against the seeded modes: fixed, regressions, spend, and at a call budget. */
import { addSpend, calls, noSpend, type Spend } from "./accounting.js";
import type { MethodResult, Step } from "./method.js";

export interface Score {
  /** Seeded modes absent at the end. */
  fixed: string[];
  regressions: string[];
  /** Spend up to the step read (a baseline's closing step holds what it spent after its best). */
  spend: Spend;
  finalTokens: number;
  finalMean: number;
  /** Index of the step the score is read at (-1: none within the budget). */
  atStep: number;
}

export interface Progress {
  step: Step;
  /** Spend up to and including this step. */
  cumulative: Spend;
}

export function progress(result: MethodResult): Progress[] {
  let cumulative = noSpend();
  return result.steps.map((step) => {
    cumulative = addSpend(cumulative, step.spend);
    return { step, cumulative };
  });
}

const fixedAt = (seeded: readonly string[], step: Step | undefined) =>
  step ? seeded.filter((id) => !step.present.includes(id)) : [];

/** The method's outcome when it may spend at most `budget` calls (default: all it spent). */
export function scoreAt(
  result: MethodResult,
  seeded: readonly string[],
  plain: { tokens: number; mean: number },
  budget = Number.POSITIVE_INFINITY,
): Score {
  const points = progress(result);
  let at = -1;
  for (const [i, p] of points.entries()) if (calls(p.cumulative) <= budget) at = i;
  const last = points[at];
  return {
    fixed: fixedAt(seeded, last?.step),
    regressions: points.slice(0, at + 1).flatMap((p) => p.step.regressions),
    spend: last?.cumulative ?? noSpend(),
    finalTokens: last?.step.promptTokens ?? plain.tokens,
    finalMean: last?.step.mean ?? plain.mean,
    atStep: at,
  };
}

/** Rollouts the method had spent when it first fixed at least `n` seeded modes. */
export function rolloutsToFix(
  result: MethodResult,
  seeded: readonly string[],
  n: number,
): number | undefined {
  for (const p of progress(result))
    if (fixedAt(seeded, p.step).length >= n) return p.cumulative.rollouts;
  return undefined;
}
