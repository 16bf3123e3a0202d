import type { CaseHistory, CaseRegression } from "../types.js";
import type { CaseSummary } from "./cases.js";

/**
 * A champion history is flaky when its epochs flip often or it fails often: then one gate's
 * all-pass / all-fail can be chance rather than a break. The thresholds are deliberately low
 * (one flip in ten consecutive epochs, or a pass rate under 90%) because a flaky verdict only
 * asks for more epochs; calling a real break flaky never lets it through.
 */
export const FLAKY_FLIP_RATE = 0.1;
export const FLAKY_PASS_RATE = 0.9;

export function historyIsFlaky(h: CaseHistory | undefined): boolean {
  if (!h || h.attempts < 2) return false;
  return h.flipRate >= FLAKY_FLIP_RATE || h.passRate < FLAKY_PASS_RATE;
}

/**
 * A history steady enough to confirm a regression seen in a single epoch: enough attempts
 * and not flaky. Without one, a single epoch cannot tell a break from one flip (a case that
 * passes 95% of the time fails one epoch in twenty), so it takes two epochs here.
 */
export const STEADY_HISTORY_ATTEMPTS = 5;

function historyIsSteady(h: CaseHistory | undefined): boolean {
  return h !== undefined && h.attempts >= STEADY_HISTORY_ATTEMPTS && !historyIsFlaky(h);
}

export interface CaseChanges {
  regressions: CaseRegression[];
  fixes: string[];
}

/**
 * A case regressed when the champion passed it in a majority of this gate's epochs and the
 * challenger failed it in a majority (one epoch: passed vs failed). It is CONFIRMED (not
 * flaky) only when the champion passed every epoch, the challenger failed every epoch, its
 * history (when given) is not flaky, and there were at least `minimumEpochs` epochs (two
 * for the fixed gate, three for the sequential one; fewer with a steady history). Fixes are the mirror image (majority both ways).
 * Regressions are ordered blocking first, then by the size of the drop.
 */
export function caseChanges(
  cases: readonly CaseSummary[],
  history?: ReadonlyMap<string, CaseHistory>,
  minimumEpochs = 2,
): CaseChanges {
  const regressions: CaseRegression[] = [];
  const fixes: string[] = [];
  for (const c of cases) {
    if (c.epochs === 0) continue;
    const champ = c.championPasses / c.epochs;
    const chall = c.challengerPasses / c.epochs;
    if (champ > 0.5 && chall < 0.5) {
      const h = history?.get(c.caseId);
      const clean =
        c.championPasses === c.epochs &&
        c.challengerPasses === 0 &&
        (c.epochs >= minimumEpochs || historyIsSteady(h));
      regressions.push({
        caseId: c.caseId,
        severity: c.severity,
        championPassRate: champ,
        challengerPassRate: chall,
        epochs: c.epochs,
        flaky: !clean || historyIsFlaky(h),
      });
    } else if (champ < 0.5 && chall > 0.5) {
      fixes.push(c.caseId);
    }
  }
  const rank = { blocking: 0, warning: 1, exploratory: 2 } as const;
  regressions.sort(
    (a, b) =>
      rank[a.severity] - rank[b.severity] ||
      b.championPassRate - b.challengerPassRate - (a.championPassRate - a.challengerPassRate) ||
      (a.caseId < b.caseId ? -1 : 1),
  );
  return { regressions, fixes };
}
