/**
 * One validation stage: the candidate against its parent on the same cases, epochs and seed.
 * Noise-tolerant by design: a case counts as fixed when the candidate passes most epochs where
 * the parent failed most, and as a regression only when it flipped in every epoch (one noisy
 * judge verdict neither fixes nor breaks a case).
 */
import { pairedTTest, StatsInputError } from "../stats/index.js";
import { type CaseOutcome, failsEvery, passesEvery, passesMajority } from "./evaluate.js";
import type { SplitScore } from "./types.js";

export function compareStage(
  caseIds: readonly string[],
  parent: ReadonlyMap<string, CaseOutcome>,
  candidate: ReadonlyMap<string, CaseOutcome>,
  severityOf: (caseId: string) => string,
): SplitScore {
  const left: number[] = [];
  const right: number[] = [];
  let passed = 0;
  let fixed = 0;
  let checksBefore = 0;
  let checksFixed = 0;
  const regressions: Array<{ caseId: string; severity: string }> = [];
  for (const id of caseIds) {
    const a = parent.get(id);
    const b = candidate.get(id);
    if (!a || !b) continue;
    left.push(a.mean);
    right.push(b.mean);
    if (passesMajority(b)) passed++;
    if (!passesMajority(a) && passesMajority(b)) fixed++;
    // Check level: a case with several problems is partly fixed when some of its checks pass now.
    for (const [key, count] of Object.entries(a.failedChecks)) {
      checksBefore += count;
      checksFixed += Math.max(0, count - (b.failedChecks[key] ?? 0));
    }
    if (passesEvery(a) && failsEvery(b)) regressions.push({ caseId: id, severity: severityOf(id) });
  }
  const n = right.length;
  const mean = n > 0 ? right.reduce((x, v) => x + v, 0) / n : 0;
  const delta = n > 0 ? mean - left.reduce((x, v) => x + v, 0) / n : 0;
  let pValue: number | undefined;
  if (n >= 2) {
    try {
      pValue = pairedTTest(right, left).pValue;
    } catch (e) {
      if (!(e instanceof StatsInputError)) throw e;
      pValue = delta === 0 ? 1 : 0; // every difference equal: no spread to test
    }
  }
  return {
    cases: n,
    mean,
    passRate: n > 0 ? passed / n : 0,
    delta,
    ...(pValue !== undefined ? { pValue } : {}),
    fixed,
    checks: { failing: checksBefore, fixed: checksFixed },
    regressions,
  };
}

/** Why a stage rejects the candidate, or undefined when it passes. */
export function stageRejection(
  stage: SplitScore,
  tolerance: number,
  name: string,
): string | undefined {
  const blocking = (stage.regressions ?? []).filter((r) => r.severity === "blocking");
  if (blocking.length > 0)
    return `${name}: ${blocking.length} blocking case(s) passed for the parent in every epoch and failed for the candidate in every epoch (${blocking
      .slice(0, 3)
      .map((r) => r.caseId)
      .join(", ")})`;
  if ((stage.delta ?? 0) < -tolerance)
    return `${name}: mean score dropped ${(-(stage.delta ?? 0) * 100).toFixed(1)} pts, more than the tolerance ${(tolerance * 100).toFixed(1)} pts`;
  return undefined;
}
