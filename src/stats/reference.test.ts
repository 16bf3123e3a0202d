/**
 * Every case in the shared reference file (R / SciPy / statsmodels published outputs) is a test.
 * An unknown `test` kind fails, so new reference cases cannot be silently skipped.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  binomialTest,
  bootstrapMean,
  mannWhitneyU,
  mcnemarTable,
  oneSampleTTest,
  onewayAnova,
  pairedTTest,
  propTest,
  studentTTest,
  welchAnova,
  welchTTest,
  wilcoxonSignedRank,
  wilson,
} from "./index.js";

interface RefCase {
  id: string;
  test: string;
  // The file is heterogeneous JSON; each branch below reads the fields its test kind defines.
  inputs: Record<string, unknown>;
  expected: Record<string, unknown>;
  tolerance?: string;
}

const path = fileURLToPath(new URL("../../../shared/data/stats/reference.json", import.meta.url));
const reference = JSON.parse(readFileSync(path, "utf8")) as { cases: RefCase[] };

/** Relative tolerance from the case's own text ("rtol 1e-6", "rtol=0.005"), else 5e-4 for R's printed digits. */
function rtolOf(c: RefCase): number {
  const m = c.tolerance?.match(/rtol\s*=?\s*([0-9.eE-]+)/);
  return m ? Number(m[1]) : 5e-4;
}

function close(actual: number, expected: number, rtol: number, atol = 0) {
  const ok = Math.abs(actual - expected) <= rtol * Math.abs(expected) + atol;
  if (!ok) throw new Error(`expected ${expected} (rtol ${rtol}, atol ${atol}), got ${actual}`);
}

const num = (v: unknown) => v as number;
const arr = (v: unknown) => v as number[];
const alt = (c: RefCase) =>
  (c.inputs.alternative as "two-sided" | "less" | "greater" | undefined) ?? "two-sided";

function check(c: RefCase) {
  const e = c.expected;
  const rtol = rtolOf(c);
  const x = arr(c.inputs.x);
  const y = arr(c.inputs.y);
  switch (c.test) {
    case "welch_t_test":
    case "paired_t_test":
    case "one_sample_t_test": {
      const opts = {
        alternative: alt(c),
        confLevel: num(c.inputs.conf_level ?? 0.95),
        mu: num(c.inputs.mu ?? 0),
      };
      const r =
        c.test === "welch_t_test"
          ? welchTTest(x, y, opts)
          : c.test === "paired_t_test"
            ? pairedTTest(x, y, opts)
            : oneSampleTTest(x, opts);
      close(r.statistic, num(e.statistic), rtol);
      close(r.df, num(e.df), rtol);
      close(r.pValue, num(e.p_value), rtol);
      const ci = arr(e.conf_int);
      close(r.ci.lower, ci[0]!, rtol);
      close(r.ci.upper, ci[1]!, rtol);
      const est = e.estimate as Record<string, number> | undefined;
      if (est?.mean_x !== undefined) {
        const w = r as ReturnType<typeof welchTTest>;
        close(w.meanX, est.mean_x, rtol);
        close(w.meanY, est.mean_y!, rtol);
      }
      if (est?.mean_difference !== undefined) close(r.estimate, est.mean_difference, rtol);
      if (est?.mean !== undefined) close(r.estimate, est.mean, rtol);
      return;
    }
    case "welch_oneway_anova_two_groups": {
      const g = c.inputs.groups as number[][];
      const r = welchAnova(g);
      close(r.statistic, num(e.statistic), rtol);
      close(r.df[0], arr(e.df)[0]!, rtol);
      close(r.df[1], arr(e.df)[1]!, rtol);
      close(r.pValue, num(e.p_value), rtol);
      // The note: F equals the squared Welch t and the p-values agree.
      const t = welchTTest(g[0]!, g[1]!);
      close(t.statistic ** 2, r.statistic, 1e-12);
      close(t.pValue, r.pValue, 1e-8);
      return;
    }
    case "student_t_test_equal_var_via_anova": {
      const g = c.inputs.groups as number[][];
      const r = onewayAnova(g);
      close(r.statistic, num(e.statistic), rtol);
      expect(r.df).toEqual(arr(e.df));
      close(r.pValue, num(e.p_value), rtol);
      const t = studentTTest(g[0]!, g[1]!);
      close(t.statistic ** 2, num(e.statistic), rtol);
      close(t.df, arr(e.df)[1]!, 0);
      close(t.pValue, num(e.p_value), rtol);
      return;
    }
    case "mcnemar_chi2_continuity_corrected":
    case "mcnemar_chi2_uncorrected": {
      const r = mcnemarTable(
        c.inputs.table as number[][],
        c.test.endsWith("corrected") && !c.test.endsWith("uncorrected") ? "chisq-cc" : "chisq",
      );
      close(r.statistic, num(e.statistic), rtol);
      expect(r.df).toBe(num(e.df));
      close(r.pValue, num(e.p_value), rtol);
      return;
    }
    case "mcnemar_exact_binomial": {
      const r = mcnemarTable(c.inputs.table as number[][], "exact");
      expect(r.statistic).toBe(num(e.statistic));
      // Given to 6 decimals (assert_almost_equal decimal=6): |diff| < 1.5e-6.
      close(r.pValue, num(e.p_value), 0, 1.5e-6);
      return;
    }
    case "wilcoxon_signed_rank_exact": {
      const r = wilcoxonSignedRank(x, y, { alternative: alt(c) });
      expect(r.method).toBe("exact");
      expect(r.statistic).toBe(num(e.statistic));
      close(r.pValue, num(e.p_value), rtol);
      return;
    }
    case "wilcoxon_signed_rank_normal_approx_no_cc": {
      // inputs.d says the sample is y - x.
      expect(c.inputs.d).toMatch(/^y - x/);
      const d = y.map((v, i) => v - x[i]!);
      const r = wilcoxonSignedRank(d, undefined, {
        alternative: alt(c),
        exact: c.inputs.exact as boolean,
        correct: c.inputs.correct as boolean,
      });
      expect(r.method).toBe("normal");
      expect(r.statistic).toBe(num(e.statistic));
      close(r.pValue, num(e.p_value), rtol);
      return;
    }
    case "mann_whitney_u_exact":
    case "mann_whitney_u_normal_approx_no_cc": {
      const exact = c.test === "mann_whitney_u_exact";
      const r = mannWhitneyU(x, y, {
        alternative: alt(c),
        ...(exact
          ? {}
          : { exact: c.inputs.exact as boolean, correct: c.inputs.correct as boolean }),
      });
      expect(r.method).toBe(exact ? "exact" : "normal");
      expect(r.statistic).toBe(num(e.statistic));
      close(r.pValue, num(e.p_value), rtol);
      return;
    }
    case "bootstrap_ci_mean_one_sample": {
      expect(c.inputs.statistic).toBe("mean");
      const r = bootstrapMean(x, {
        resamples: num(c.inputs.n_resamples),
        confLevel: num(c.inputs.confidence_level),
        seed: 20240601,
      });
      for (const m of ["basic", "percentile", "bca"] as const) {
        const iv = arr(e[m]);
        close(r[m].lower, iv[0]!, rtol);
        close(r[m].upper, iv[1]!, rtol);
      }
      return;
    }
    case "binomial_exact_test_clopper_pearson": {
      const r = binomialTest(num(c.inputs.successes), num(c.inputs.trials), {
        p: num(c.inputs.p0),
        alternative: alt(c),
      });
      close(r.pValue, num(e.p_value), rtol);
      close(r.ci.lower, arr(e.conf_int)[0]!, rtol);
      close(r.ci.upper, arr(e.conf_int)[1]!, rtol);
      close(r.estimate, num(e.estimate), rtol);
      return;
    }
    case "wilson_score_ci":
    case "wilson_score_ci_continuity_corrected": {
      const xs = num(c.inputs.successes);
      const n = num(c.inputs.trials);
      const correct = c.inputs.correct as boolean;
      const r = propTest(xs, n, { p: num(c.inputs.p0), correct });
      close(r.statistic, num(e.statistic), rtol);
      close(r.pValue, num(e.p_value), rtol);
      close(r.estimate, num(e.estimate), rtol);
      const ci = arr(e.conf_int);
      close(r.ci.lower, ci[0]!, rtol);
      close(r.ci.upper, ci[1]!, rtol);
      const w = wilson(xs, n, { correct });
      close(w.lower, ci[0]!, rtol);
      close(w.upper, ci[1]!, rtol);
      return;
    }
    default:
      throw new Error(`no check written for reference test kind "${c.test}" (case ${c.id})`);
  }
}

describe("shared reference values", () => {
  it("has cases", () => {
    expect(reference.cases.length).toBeGreaterThan(10);
  });
  for (const c of reference.cases) {
    it(`${c.id} (${c.test})`, () => check(c));
  }
});
