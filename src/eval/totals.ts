import type { Attempt, Dimension, RunTotals } from "../core/index.js";
import { StreamingPercentiles } from "../stats/index.js";

/**
 * Run totals from the stored attempts, in one streaming pass. Computed from the store
 * (not from in-memory counters) so that a resumed run's totals include earlier attempts.
 */
export async function computeTotals(attempts: AsyncIterable<Attempt>): Promise<RunTotals> {
  const accumulator = new TotalsAccumulator();
  for await (const attempt of attempts) accumulator.add(attempt);
  return accumulator.totals();
}

export class TotalsAccumulator {
  private count = 0;
  private passed = 0;
  private failed = 0;
  private errors = 0;
  private overallSum = 0;
  private cost = 0;
  private inputTokens = 0;
  private outputTokens = 0;
  private readonly dimensionSums = new Map<Dimension, { sum: number; n: number }>();
  private readonly latency = new StreamingPercentiles();

  add(attempt: Attempt): void {
    this.count++;
    if (attempt.status === "passed") this.passed++;
    else if (attempt.status === "failed") this.failed++;
    else this.errors++;
    this.overallSum += attempt.overall;
    this.cost += attempt.cost_usd;
    this.inputTokens += attempt.usage.input_tokens;
    this.outputTokens += attempt.usage.output_tokens;
    for (const [dimension, score] of Object.entries(attempt.dimension_scores) as Array<
      [Dimension, number]
    >) {
      const entry = this.dimensionSums.get(dimension) ?? { sum: 0, n: 0 };
      entry.sum += score;
      entry.n++;
      this.dimensionSums.set(dimension, entry);
    }
    this.latency.record(attempt.latency_ms);
  }

  totals(): RunTotals {
    const n = this.count;
    const dimension_scores: RunTotals["dimension_scores"] = {};
    for (const [dimension, { sum, n: count }] of this.dimensionSums) {
      dimension_scores[dimension] = count ? sum / count : 0;
    }
    return {
      attempts: n,
      passed: this.passed,
      failed: this.failed,
      errors: this.errors,
      score: n ? this.overallSum / n : 0,
      pass_rate: n ? this.passed / n : 0,
      cost_usd: this.cost,
      input_tokens: this.inputTokens,
      output_tokens: this.outputTokens,
      latency_p50_ms: n ? this.latency.percentile(50) : 0,
      latency_p95_ms: n ? this.latency.percentile(95) : 0,
      latency_p99_ms: n ? this.latency.percentile(99) : 0,
      dimension_scores,
    };
  }
}
