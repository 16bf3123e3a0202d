import { InputError } from "../core/index.js";
import type { OptimizationBudget, OptimizationSpend } from "./types.js";

/** Why the optimizer stopped before it was done. */
export class BudgetExhausted extends Error {
  constructor(readonly what: string) {
    super(`budget exhausted: ${what}`);
  }
}

/**
 * Hard limits on calls (rollouts + proposer calls), money and wall time. Checked before each
 * step with that step's worst-case cost, so a stop never leaves a half-validated candidate
 * counted as validated.
 */
export class BudgetTracker {
  readonly spend: OptimizationSpend = { rollouts: 0, proposer_calls: 0, usd: 0, seconds: 0 };
  readonly #started = Date.now();

  constructor(
    readonly budget: OptimizationBudget,
    /** Expected USD per rollout (from the base's runs), for checking money before a step. */
    readonly usdPerRollout: number,
  ) {}

  elapsedSeconds(): number {
    return (Date.now() - this.#started) / 1000;
  }

  calls(): number {
    return this.spend.rollouts + this.spend.proposer_calls;
  }

  /** Throws BudgetExhausted when a step of this many rollouts / proposer calls may not fit. */
  ensure(rollouts: number, proposerCalls: number, step: string): void {
    const b = this.budget;
    if (b.calls !== undefined && this.calls() + rollouts + proposerCalls > b.calls)
      throw new BudgetExhausted(
        `${step} needs up to ${rollouts + proposerCalls} calls; ${b.calls - this.calls()} of ${b.calls} left`,
      );
    const usd = rollouts * this.usdPerRollout;
    if (b.usd !== undefined && this.spend.usd + usd > b.usd)
      throw new BudgetExhausted(
        `${step} may cost $${usd.toFixed(4)}; $${(b.usd - this.spend.usd).toFixed(4)} of $${b.usd} left`,
      );
    if (b.seconds !== undefined && this.elapsedSeconds() >= b.seconds)
      throw new BudgetExhausted(`the time budget of ${b.seconds} s is spent`);
  }

  add(rollouts: number, proposerCalls: number, usd: number): void {
    this.spend.rollouts += rollouts;
    this.spend.proposer_calls += proposerCalls;
    this.spend.usd += usd;
    this.spend.seconds = this.elapsedSeconds();
  }
}

export interface BudgetPlan {
  /** Worst-case calls of one proposal carried through every stage. */
  perProposal: number;
  /** Calls of the cheapest useful step: one proposal and its targeted check. */
  perTargetedCheck: number;
  /** One-off: the base's scores on the splits, when not already stored. */
  baseline: number;
  text: string;
}

/**
 * What the budget buys, said before starting; a budget that cannot buy one proposal and its
 * targeted check is refused (the baseline is paid only when a candidate reaches the splits).
 */
export function planBudget(
  budget: OptimizationBudget,
  sizes: {
    target: number;
    train: number;
    validation: number;
    epochs: number;
    proposerCalls: number;
    /** The base's scores on the targets' cases that are not stored: paid before any proposal. */
    baselineTargets?: number;
  },
  usdPerRollout: number,
): BudgetPlan {
  const e = sizes.epochs;
  const upFront = (sizes.baselineTargets ?? 0) * e;
  const perTargetedCheck = sizes.proposerCalls + sizes.target * e;
  const perProposal = perTargetedCheck + (sizes.train + sizes.validation) * e;
  const baseline = (sizes.train + sizes.validation) * e;
  const limits: string[] = [];
  let proposals = Number.POSITIVE_INFINITY;
  let checks = Number.POSITIVE_INFINITY;
  if (budget.calls !== undefined) {
    if (budget.calls < upFront + perTargetedCheck) {
      throw new InputError(
        `a budget of ${budget.calls} calls cannot buy one proposal: a proposal and its targeted check take ${perTargetedCheck} calls (${sizes.proposerCalls} proposer + ${sizes.target} failing cases × ${e} epochs)${upFront > 0 ? `, after ${upFront} calls for the base's scores on the target clusters' cases (not stored for this seed)` : ""}`,
        { key: "--budget-calls" },
      );
    }
    proposals = Math.min(proposals, Math.floor((budget.calls - upFront - baseline) / perProposal));
    checks = Math.min(checks, Math.floor((budget.calls - upFront) / perTargetedCheck));
    limits.push(`${budget.calls} calls`);
  }
  if (budget.usd !== undefined) {
    const cost = (n: number) => n * usdPerRollout;
    if (usdPerRollout > 0 && budget.usd < cost(sizes.target * e)) {
      throw new InputError(
        `a budget of $${budget.usd} cannot buy one targeted check (about $${cost(sizes.target * e).toFixed(4)})`,
        { key: "--budget-usd" },
      );
    }
    if (usdPerRollout > 0) {
      proposals = Math.min(
        proposals,
        Math.floor((budget.usd - cost(baseline)) / cost(perProposal)),
      );
      checks = Math.min(checks, Math.floor(budget.usd / cost(sizes.target * e)));
    }
    limits.push(`$${budget.usd}`);
  }
  if (budget.seconds !== undefined) limits.push(`${budget.seconds} s`);
  const fmt = (n: number) => (Number.isFinite(n) ? String(Math.max(0, n)) : "unlimited");
  const text =
    limits.length === 0
      ? `no budget set: up to the round limit; one proposal takes at most ${perProposal} calls`
      : `the budget (${limits.join(", ")}) buys about ${fmt(proposals)} fully validated proposal(s) or ${fmt(checks)} targeted check(s); one proposal takes at most ${perProposal} calls, the base's scores on the splits ${baseline} once (0 when already stored)${upFront > 0 ? `, its scores on the targets ${upFront} first` : ""}`;
  return { perProposal, perTargetedCheck, baseline, text };
}
