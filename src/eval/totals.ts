import type { Attempt, Dimension, RunTotals } from "../core/index.js";
import { checkRunTargets, type RunTargetConfig, VerdictAccumulator } from "../graders/index.js";
import { ExactSum, StreamingPercentiles } from "../stats/index.js";

const MAX_LISTED_BLOCKING = 50;

export interface TotalsOptions {
  threshold: number;
  targets?: RunTargetConfig;
}

/**
 * Run totals, one attempt at a time, so that nothing of the run is held or read back: the
 * runner adds each attempt as it is stored (a resumed run first adds those stored earlier).
 */
export class TotalsAccumulator {
  private count = 0;
  private passed = 0;
  private failed = 0;
  private errors = 0;
  // Sums rounded once whatever the order attempts finish in, so identical runs total alike.
  private readonly overallSum = new ExactSum();
  private readonly cost = new ExactSum();
  private costMax = 0;
  private inputTokens = 0;
  private outputTokens = 0;
  private readonly dimensionSums = new Map<Dimension, ExactSum>();
  private readonly latency = new StreamingPercentiles();
  // Costs are tiny numbers: keep them in micro-dollars so 3 significant digits survive.
  private readonly costs = new StreamingPercentiles({ unitsPerValue: 1e9 });
  private readonly verdict = new VerdictAccumulator();
  /** Each model of `--compare` (each variant) is judged on its own, not pooled. */
  private readonly byVariant = new Map<string, TotalsAccumulator>();

  constructor(private readonly splitVariants = true) {}

  add(attempt: Attempt): void {
    if (this.splitVariants) {
      const name = attempt.variant ?? "default";
      let child = this.byVariant.get(name);
      if (!child) {
        child = new TotalsAccumulator(false);
        this.byVariant.set(name, child);
      }
      child.add(attempt);
    }
    this.count++;
    if (attempt.status === "passed") this.passed++;
    else if (attempt.status === "failed") this.failed++;
    else this.errors++;
    this.overallSum.add(attempt.overall);
    this.cost.add(attempt.cost_usd);
    this.costMax = Math.max(this.costMax, attempt.cost_usd);
    this.inputTokens += attempt.usage.input_tokens;
    this.outputTokens += attempt.usage.output_tokens;
    for (const [dimension, score] of Object.entries(attempt.dimension_scores) as Array<
      [Dimension, number]
    >) {
      let sum = this.dimensionSums.get(dimension);
      if (!sum) {
        sum = new ExactSum();
        this.dimensionSums.set(dimension, sum);
      }
      sum.add(score);
    }
    this.latency.record(attempt.latency_ms);
    this.costs.record(attempt.cost_usd);
    this.verdict.add(attempt);
  }

  totals(options: TotalsOptions): RunTotals {
    const n = this.count;
    const dimension_scores: RunTotals["dimension_scores"] = {};
    for (const [dimension, sum] of this.dimensionSums) {
      dimension_scores[dimension] = sum.count ? sum.value() / sum.count : 0;
    }
    const totals: RunTotals = {
      attempts: n,
      passed: this.passed,
      failed: this.failed,
      errors: this.errors,
      score: n ? this.overallSum.value() / n : 0,
      pass_rate: n ? this.passed / n : 0,
      cost_usd: this.cost.value(),
      input_tokens: this.inputTokens,
      output_tokens: this.outputTokens,
      latency_p50_ms: n ? this.latency.percentile(50) : 0,
      latency_p95_ms: n ? this.latency.percentile(95) : 0,
      latency_p99_ms: n ? this.latency.percentile(99) : 0,
      dimension_scores,
      ...(n
        ? {
            cost_p50_usd: this.costs.percentile(50),
            cost_p95_usd: this.costs.percentile(95),
            cost_p99_usd: this.costs.percentile(99),
            cost_max_usd: this.costMax,
          }
        : {}),
    };
    const verdict = this.verdict.verdict(options.threshold);
    const targets = options.targets ? checkRunTargets(totals, options.targets) : undefined;
    totals.verdict = {
      passed: verdict.passed && (targets?.passed ?? true),
      score: verdict.score,
      threshold: verdict.threshold,
      reasons: [
        ...verdict.reasons,
        ...(targets?.checks.filter((check) => !check.passed).map((check) => check.reason) ?? []),
      ],
      blocking_failures: verdict.blocking_failures.slice(0, MAX_LISTED_BLOCKING),
      warning_failures: verdict.warning_failures.length,
      exploratory_failures: verdict.exploratory_failures.length,
    };
    if (targets?.checks.length) totals.targets = targets.checks;
    if (this.byVariant.size > 1) this.judgeVariantsApart(totals, options);
    return totals;
  }

  /**
   * With several variants the pooled verdict would let a good model hide a bad one (and fail
   * a case for both when one failed it): each variant gets its own totals and verdict, and
   * the run passes only when every variant does (the exit code is the worst).
   */
  private judgeVariantsApart(totals: RunTotals, options: TotalsOptions): void {
    const variants: Record<string, RunTotals> = {};
    for (const [name, child] of [...this.byVariant].sort(([a], [b]) => a.localeCompare(b))) {
      variants[name] = child.totals(options);
    }
    totals.variants = variants;
    const entries = Object.entries(variants);
    const pooled = totals.verdict;
    totals.verdict = {
      passed: entries.every(([, t]) => t.verdict?.passed === true),
      score: pooled?.score ?? null,
      threshold: options.threshold,
      reasons: entries.flatMap(([name, t]) =>
        (t.verdict?.reasons ?? []).map((reason) => `${name}: ${reason}`),
      ),
      blocking_failures: entries
        .flatMap(([name, t]) => (t.verdict?.blocking_failures ?? []).map((id) => `${name}: ${id}`))
        .slice(0, MAX_LISTED_BLOCKING),
      warning_failures: entries.reduce((n, [, t]) => n + (t.verdict?.warning_failures ?? 0), 0),
      exploratory_failures: entries.reduce(
        (n, [, t]) => n + (t.verdict?.exploratory_failures ?? 0),
        0,
      ),
    };
  }
}
