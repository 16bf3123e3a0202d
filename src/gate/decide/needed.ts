import { moreCasesNeeded, moreEpochsNeeded } from "../../stats/index.js";
import type { CaseRegression, GateVerdict } from "../types.js";
import type { VarianceParts } from "./variance.js";

/**
 * Epochs that would settle a flaky blocking case: at least double the current count (and two
 * more). A heuristic, not a power calculation: a case that truly broke keeps failing, so a few
 * more epochs confirm it; a flaky one shows passes again and stops looking like a break.
 */
export function epochsForFlakyCases(flaky: readonly CaseRegression[]): number {
  const most = Math.max(1, ...flaky.map((r) => r.epochs));
  return Math.max(2 * most, most + 2);
}

/**
 * What more evidence would likely decide an inconclusive overall comparison, from the observed
 * between-case and within-case variance, aiming at the observed difference (planning the next
 * run, not a post-hoc power claim). Epochs first (cheaper: the cases are already set up); when
 * between-case spread alone keeps power under 80%, more cases.
 */
export function evidenceNeeded(
  parts: VarianceParts,
  alpha: number,
  flaky: readonly CaseRegression[],
): NonNullable<GateVerdict["needed"]> | undefined {
  const flakyEpochs = flaky.length > 0 ? epochsForFlakyCases(flaky) : undefined;
  const flakyWhy =
    flaky.length > 0
      ? `${flaky.length} blocking case(s) changed outcome unstably (${flaky
          .slice(0, 3)
          .map((r) => r.caseId)
          .join(", ")}); about ${flakyEpochs} epochs would tell a break from flakiness`
      : undefined;
  const delta = parts.meanDifference;
  let overall: { epochs?: number; cases?: number; why: string } | undefined;
  if (parts.cases >= 2 && Math.abs(delta) > 1e-9) {
    const e = moreEpochsNeeded({
      delta,
      sdCase: parts.sdCase,
      sdEpoch: parts.sdEpoch,
      cases: parts.cases,
      epochs: parts.epochs,
      alpha,
    });
    if (e && e.moreEpochs === 0) {
      overall = {
        why:
          `the observed variance already gives a paired t-test 80% power for Δ ` +
          `${delta.toFixed(4)} at ${parts.epochs} epochs; the reasons above hold the verdict, ` +
          "not too little evidence",
      };
    } else if (e) {
      overall = {
        epochs: e.neededEpochs,
        why:
          `with sd between cases ${parts.sdCase.toFixed(3)} and within a case ` +
          `${parts.sdEpoch.toFixed(3)}, about ${e.neededEpochs} epochs per case (now ` +
          `${parts.epochs}) would detect Δ ${delta.toFixed(4)} with 80% power`,
      };
    } else {
      const c = moreCasesNeeded(parts.differences, { delta, alpha });
      if (c && c.moreCases > 0)
        overall = {
          cases: c.neededCases,
          why:
            `the spread between cases (sd ${parts.sdCase.toFixed(3)}) dominates; more epochs ` +
            `will not do: about ${c.neededCases} cases (now ${parts.cases}) would detect ` +
            `Δ ${delta.toFixed(4)} with 80% power`,
        };
    }
  }
  if (!overall && !flakyWhy)
    return {
      why:
        `no sizeable difference to chase (Δ ${delta.toFixed(4)}): more epochs are unlikely ` +
        "to make this challenger a clear improvement",
    };
  const epochs = Math.max(flakyEpochs ?? 0, overall?.epochs ?? 0) || undefined;
  return {
    ...(epochs !== undefined ? { epochs } : {}),
    ...(overall?.cases !== undefined ? { cases: overall.cases } : {}),
    why: [flakyWhy, overall?.why].filter(Boolean).join("; "),
  };
}
