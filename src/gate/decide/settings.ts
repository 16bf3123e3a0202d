import { InputError } from "../../core/index.js";
import type { GateSettings, GateTest } from "../types.js";

const TESTS: readonly GateTest[] = [
  "welch_t_test",
  "paired_t_test",
  "paired_bootstrap",
  "wilcoxon",
  "mcnemar",
];

/**
 * Refuse settings the rules cannot honour, naming the config key (`promotion.gatekeeper.…`),
 * so a bad config is exit 2 rather than a silently wrong verdict.
 */
export function checkSettings(s: GateSettings): void {
  const key = (k: string) => ({ key: `promotion.gatekeeper.${k}` });
  if (!TESTS.includes(s.test))
    throw new InputError(
      `unknown statistical test ${JSON.stringify(s.test)}; use one of ${TESTS.join(", ")}`,
      key("statistical_test"),
    );
  if (!(s.alpha > 0 && s.alpha < 1))
    throw new InputError(
      `significance level must be strictly between 0 and 1, got ${s.alpha}`,
      key("significance_level"),
    );
  if (!(s.minimumScore >= 0 && s.minimumScore <= 1))
    throw new InputError(
      `minimum score must be in [0, 1], got ${s.minimumScore}`,
      key("minimum_score"),
    );
  if (!(s.regressionTolerance >= 0 && s.regressionTolerance < 1))
    throw new InputError(`regression tolerance must be in [0, 1), got ${s.regressionTolerance}`, {
      key: "patching.regression_tolerance",
    });
  if (!(Number.isInteger(s.resamples) && s.resamples >= 100))
    throw new InputError(
      `bootstrap resamples must be an integer ≥ 100, got ${s.resamples}`,
      key("resamples"),
    );
  if (!Number.isInteger(s.seed)) throw new InputError(`seed must be an integer, got ${s.seed}`);
}
