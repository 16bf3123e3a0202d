import type { PairedObservation } from "../types.js";
import { OVERALL, summarizeCases } from "./cases.js";
import { caseChanges } from "./regressions.js";

/**
 * Cases worth another epoch, most uncertain first: the next round of `--until-decided` runs
 * only these. A case is uncertain when
 *  - it is a blocking case whose regression is unconfirmed (near the decision: one more
 *    epoch can confirm or clear it) — these come first;
 *  - or either side mixed pass and fail across epochs (p(1 − p) per side);
 *  - or its overall difference varies across epochs (variance of its mean difference);
 *  - or it has a single epoch (nothing known about its noise yet).
 * Cases that behaved identically in every epoch on both sides are settled and left out;
 * exploratory cases never matter to the verdict and are left out.
 */
export function casesToRerun(observations: Iterable<PairedObservation>, limit?: number): string[] {
  const cases = summarizeCases(observations, []).filter((c) => c.severity !== "exploratory");
  const unconfirmed = new Set(
    caseChanges(cases)
      .regressions.filter((r) => r.severity === "blocking" && r.flaky)
      .map((r) => r.caseId),
  );
  const scored: Array<{ caseId: string; score: number }> = [];
  for (const c of cases) {
    let score = unconfirmed.has(c.caseId) ? 10 : 0;
    if (c.epochs < 2) score += 1;
    const pa = c.championPasses / c.epochs;
    const pb = c.challengerPasses / c.epochs;
    score += pa * (1 - pa) + pb * (1 - pb);
    const pairs = c.scores.get(OVERALL) ?? [];
    if (pairs.length >= 2) {
      const ds = pairs.map(([a, b]) => b - a);
      const m = ds.reduce((s, v) => s + v, 0) / ds.length;
      score += ds.reduce((s, v) => s + (v - m) ** 2, 0) / (ds.length - 1) / ds.length;
    }
    if (score > 1e-12) scored.push({ caseId: c.caseId, score });
  }
  scored.sort((a, b) => b.score - a.score || (a.caseId < b.caseId ? -1 : 1));
  const ids = scored.map((s) => s.caseId);
  return limit === undefined ? ids : ids.slice(0, Math.max(0, limit));
}
