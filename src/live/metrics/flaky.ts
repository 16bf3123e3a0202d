import type { Store } from "../../store/index.js";
import { decisionFacts } from "./evidence.js";
import { rateResult } from "./status.js";
import type { MetricContext, MetricResult, Offender } from "./types.js";

export async function flakyRate(store: Store, ctx: MetricContext): Promise<MetricResult> {
  let cases = 0;
  let flaky = 0;
  const items: Offender[] = [];
  for (const d of await store.loopMetrics.decisionsSince(ctx.sinceIso)) {
    const facts = decisionFacts(d.evidence);
    const unstable = facts.regressions.filter((r) => r.flaky).map((r) => r.caseId);
    cases += facts.cases;
    flaky += unstable.length;
    if (unstable.length > 0) {
      items.push({
        id: d.id,
        detail: `${d.prompt_name} gate ${d.created_at}: ${unstable.length} flaky of ${facts.cases} case(s): ${unstable.slice(0, 8).join(", ")}`,
      });
    }
  }
  return rateResult(
    {
      key: "flaky_rate",
      name: "flaky-case rate",
      numerator: flaky,
      denominator: cases,
      threshold: { kind: "max", value: ctx.settings.max_flaky_rate, unit: "rate" },
      how: "cases the gate marked flaky (outcome flipped within its epochs or by history) over cases compared, summed over the gate decisions in the window",
      action:
        "Give each flaky case an owner to repair it (tighten the grader, pin the fixture) or demote it from blocking; a flaky blocking case nobody owns should not gate releases.",
      items,
    },
    "no gate decision in the window",
  );
}
