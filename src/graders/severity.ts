import type { AttemptStatus, Severity } from "../core/index.js";
import { ExactSum } from "../stats/index.js";

/** The part of a stored attempt the run verdict needs. */
export interface AttemptSummary {
  case_id: string;
  severity: Severity;
  status: AttemptStatus;
  /** Weighted overall score 0..1. */
  overall: number;
}

export interface SeverityCounts {
  cases: number;
  attempts: number;
  /** Cases with at least one attempt that did not pass. */
  failed_cases: number;
}

export interface RunVerdict {
  passed: boolean;
  /**
   * Mean overall over blocking and warning attempts; exploratory attempts are excluded.
   * null when there is nothing to score.
   */
  score: number | null;
  threshold: number;
  /** Blocking cases with a failed or errored attempt: each one fails the run by itself. */
  blocking_failures: string[];
  /** Warning cases that failed: reported, counted in the score, never fail the run alone. */
  warning_failures: string[];
  /** Exploratory cases that failed: reported only. */
  exploratory_failures: string[];
  by_severity: Record<Severity, SeverityCounts>;
  /** One line per reason the run failed (empty when it passed). */
  reasons: string[];
}

const MAX_NAMED = 5;

function named(ids: string[]): string {
  const shown = ids.slice(0, MAX_NAMED).join(", ");
  return ids.length > MAX_NAMED ? `${shown} (+${ids.length - MAX_NAMED} more)` : shown;
}

/**
 * The run's verdict under the severity policy:
 * - `blocking`: any failed (or errored) attempt of a blocking case fails the run, whatever
 *   the score. With several epochs, one bad epoch is enough: blocking means "never".
 * - `warning`: counted in the score and reported, but a failure alone does not fail the run.
 * - `exploratory`: reported, excluded from the score and from the verdict.
 * - the run then passes when the score (mean overall of blocking + warning attempts) is at
 *   least `threshold`. With no scored attempts (none at all, or all exploratory) the run
 *   fails: a gate must not pass on missing data.
 * Pure and order-independent; feed it every attempt of the run (all variants or one).
 */
/**
 * The verdict built one attempt at a time, so a run of any size is judged in one streaming
 * pass; memory grows with the number of cases, not attempts.
 */
export class VerdictAccumulator {
  private readonly cases: Record<Severity, Map<string, boolean>> = {
    blocking: new Map(),
    warning: new Map(),
    exploratory: new Map(),
  };
  private readonly attemptCounts: Record<Severity, number> = {
    blocking: 0,
    warning: 0,
    exploratory: 0,
  };
  /** Order-free, so the verdict does not depend on the order attempts finished in. */
  private readonly sum = new ExactSum();

  add(a: AttemptSummary): void {
    const severity: Severity = a.severity in this.cases ? a.severity : "blocking";
    this.attemptCounts[severity]++;
    const ok = a.status === "passed";
    const seen = this.cases[severity];
    seen.set(a.case_id, (seen.get(a.case_id) ?? true) && ok);
    if (severity !== "exploratory") {
      this.sum.add(Number.isFinite(a.overall) ? a.overall : 0);
    }
  }

  verdict(threshold: number): RunVerdict {
    if (!(typeof threshold === "number" && threshold >= 0 && threshold <= 1)) {
      throw new RangeError(`threshold must be a number in 0..1, got ${String(threshold)}`);
    }
    const failedOf = (s: Severity) =>
      [...this.cases[s]]
        .filter(([, ok]) => !ok)
        .map(([id]) => id)
        .sort();
    const blocking_failures = failedOf("blocking");
    const warning_failures = failedOf("warning");
    const exploratory_failures = failedOf("exploratory");
    const score = this.sum.count === 0 ? null : this.sum.value() / this.sum.count;

    const reasons: string[] = [];
    if (blocking_failures.length > 0) {
      reasons.push(
        `${blocking_failures.length} blocking case${blocking_failures.length === 1 ? "" : "s"} failed: ${named(blocking_failures)}`,
      );
    }
    if (score === null) {
      reasons.push("no blocking or warning attempts to score");
    } else if (score < threshold) {
      reasons.push(`score ${score.toFixed(3)} is below the threshold ${threshold}`);
    }
    const counts = (s: Severity, failed: string[]): SeverityCounts => ({
      cases: this.cases[s].size,
      attempts: this.attemptCounts[s],
      failed_cases: failed.length,
    });
    return {
      passed: reasons.length === 0,
      score,
      threshold,
      blocking_failures,
      warning_failures,
      exploratory_failures,
      by_severity: {
        blocking: counts("blocking", blocking_failures),
        warning: counts("warning", warning_failures),
        exploratory: counts("exploratory", exploratory_failures),
      },
      reasons,
    };
  }
}

export function runVerdict(attempts: Iterable<AttemptSummary>, threshold: number): RunVerdict {
  const accumulator = new VerdictAccumulator();
  for (const a of attempts) accumulator.add(a);
  return accumulator.verdict(threshold);
}
