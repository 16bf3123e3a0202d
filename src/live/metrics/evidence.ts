import type { JsonValue } from "../../core/index.js";

/** What the loop metrics read from a stored gate decision's evidence. */
export interface DecisionFacts {
  /** Cases the gate compared. */
  cases: number;
  /** Regressed cases of the final verdict and of its confirmation, by case id. */
  regressions: Array<{ caseId: string; severity: string; flaky: boolean }>;
}

type JsonObject = { [key: string]: JsonValue };

function object(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
}

function regressionsOf(verdict: JsonObject | undefined): DecisionFacts["regressions"] {
  const list = verdict?.regressions;
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    const r = object(item);
    if (r === undefined || typeof r.caseId !== "string") return [];
    return [
      {
        caseId: r.caseId,
        severity: typeof r.severity === "string" ? r.severity : "blocking",
        flaky: r.flaky === true,
      },
    ];
  });
}

/**
 * Evidence is stored as the gate wrote it at the time; older or foreign rows may lack a
 * field, which then counts as nothing rather than failing the whole report.
 */
export function decisionFacts(evidence: JsonValue): DecisionFacts {
  const e = object(evidence);
  const cases = typeof e?.cases === "number" && Number.isFinite(e.cases) ? e.cases : 0;
  const byCase = new Map<string, DecisionFacts["regressions"][number]>();
  const confirmation = object(e?.confirmation);
  for (const r of [
    ...regressionsOf(object(e?.verdict)),
    ...regressionsOf(object(confirmation?.verdict)),
  ]) {
    const seen = byCase.get(r.caseId);
    byCase.set(r.caseId, seen ? { ...seen, flaky: seen.flaky || r.flaky } : r);
  }
  return { cases, regressions: [...byCase.values()] };
}
