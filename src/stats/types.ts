/** Direction of the alternative hypothesis, named as in R (`alternative = "less"`). */
export type Alternative = "two-sided" | "less" | "greater";

/**
 * A confidence interval. One-sided alternatives give an infinite bound on one side, as R does
 * (`-Infinity` / `Infinity`; `JSON.stringify` writes these as `null`).
 */
export interface Interval {
  lower: number;
  upper: number;
  level: number;
}

/** The common shape of a hypothesis test result. */
export interface TestResult {
  /** Name of the test, e.g. `welch_t`, `mcnemar_exact`. */
  test: string;
  statistic: number;
  pValue: number;
  alternative: Alternative;
  /** Degrees of freedom when the reference distribution has them. */
  df?: number;
  ci?: Interval;
}

export interface TTestResult extends TestResult {
  df: number;
  ci: Interval;
  /** Mean (one-sample), mean difference (paired) or difference of means (two-sample). */
  estimate: number;
  /** Standard error of the estimate. */
  stderr: number;
}
