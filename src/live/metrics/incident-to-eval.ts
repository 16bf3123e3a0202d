import type { SeriousFailureRow, Store, StoredEvalDraft } from "../../store/index.js";
import { addBusinessDays } from "./business-days.js";
import { rateResult } from "./status.js";
import type { MetricContext, MetricResult, Offender } from "./types.js";

/** One incident: a cluster holding serious failures, or a serious failure no cluster holds. */
interface Incident {
  id: string;
  clustered: boolean;
  firstSeen: string;
  severity: string;
  failureIds: Set<string>;
}

function incidents(failures: SeriousFailureRow[]): Incident[] {
  const byKey = new Map<string, Incident>();
  for (const f of failures) {
    const key = f.cluster_id ?? f.id;
    const seen = byKey.get(key);
    if (seen === undefined) {
      byKey.set(key, {
        id: key,
        clustered: f.cluster_id !== null,
        firstSeen: f.first_seen,
        severity: f.severity,
        failureIds: new Set([f.id]),
      });
      continue;
    }
    seen.failureIds.add(f.id);
    if (f.first_seen < seen.firstSeen) seen.firstSeen = f.first_seen;
    if (f.severity === "critical") seen.severity = "critical";
  }
  return [...byKey.values()];
}

/** When the incident's first eval case was approved, if one was. */
function approvedAt(incident: Incident, drafts: StoredEvalDraft[]): string | undefined {
  let first: string | undefined;
  for (const d of drafts) {
    const matches =
      (incident.clustered && d.cluster_id === incident.id) ||
      d.failure_ids.some((id) => incident.failureIds.has(id));
    const at = d.reviewed_at ?? d.created_at;
    if (matches && (first === undefined || at < first)) first = at;
  }
  return first;
}

export async function incidentToEval(store: Store, ctx: MetricContext): Promise<MetricResult> {
  const days = ctx.settings.incident_to_eval_days;
  const drafts = await store.evalDrafts.list({ status: ["approved"], limit: 1_000_000 });
  let converted = 0;
  let judged = 0;
  const items: Offender[] = [];
  for (const incident of incidents(await store.loopMetrics.seriousFailures(ctx.sinceIso))) {
    const deadline = addBusinessDays(incident.firstSeen, days);
    const approved = approvedAt(incident, drafts);
    const inTime = approved !== undefined && Date.parse(approved) <= deadline.getTime();
    // An incident still inside its deadline without an eval is not late yet.
    if (!inTime && deadline.getTime() > ctx.now.getTime()) continue;
    judged += 1;
    if (inTime) {
      converted += 1;
      continue;
    }
    const what = incident.clustered ? `cluster ${incident.id}` : `failure ${incident.id}`;
    items.push({
      id: incident.id,
      detail: `${what}: ${incident.severity} since ${incident.firstSeen}, due ${deadline.toISOString()}; ${
        approved === undefined ? "no approved eval case" : `eval approved late, ${approved}`
      }`,
    });
  }
  return rateResult(
    {
      key: "incident_to_eval",
      name: "incident-to-eval conversion",
      numerator: converted,
      denominator: judged,
      threshold: { kind: "min", value: ctx.settings.min_incident_to_eval, unit: "rate" },
      how: `serious (critical/high) production incidents first seen in the window — a cluster, or a failure no cluster holds — whose deadline of ${days} business days (Sat/Sun skipped) has passed or that are already converted; converted = an eval case drafted from it approved by the deadline`,
      action:
        "Draft and approve a regression case for each listed incident (`ratchet evals draft --failure <id>` or `--cluster <id>`, then `ratchet evals approve … --owner … --severity blocking`). A repeated incident without one should block the next release.",
      items,
    },
    `no serious production failure first seen in the window is past its ${days}-business-day deadline`,
  );
}
