import type { CaseOutcomeRow } from "../store/index.js";
import type { CaseHistory } from "./types.js";

/**
 * Each case's record across earlier runs of a version: pass rate, and how often its outcome
 * flipped between consecutive epochs of one run — what tells a flaky case from a broken one.
 * Rows must come ordered by run, then case, then epoch (as the store yields them).
 */
export function caseHistories(
  rows: Iterable<CaseOutcomeRow>,
  excludeRuns: ReadonlySet<string>,
): Map<string, CaseHistory> {
  const totals = new Map<
    string,
    { attempts: number; passed: number; pairs: number; flips: number }
  >();
  let previous: CaseOutcomeRow | undefined;
  for (const row of rows) {
    if (excludeRuns.has(row.run_id)) continue;
    let entry = totals.get(row.case_id);
    if (!entry) {
      entry = { attempts: 0, passed: 0, pairs: 0, flips: 0 };
      totals.set(row.case_id, entry);
    }
    entry.attempts++;
    if (row.passed) entry.passed++;
    if (previous && previous.run_id === row.run_id && previous.case_id === row.case_id) {
      entry.pairs++;
      if (previous.passed !== row.passed) entry.flips++;
    }
    previous = row;
  }
  const histories = new Map<string, CaseHistory>();
  for (const [caseId, entry] of totals) {
    histories.set(caseId, {
      caseId,
      attempts: entry.attempts,
      passRate: entry.passed / entry.attempts,
      flipRate: entry.pairs > 0 ? entry.flips / entry.pairs : 0,
    });
  }
  return histories;
}
