import { type ArmSummary, armFromMoments } from "../../stats/index.js";
import type { ArmMoments, CanaryRow, LiveStore } from "../../store/index.js";
import type { MetricArms } from "./look.js";
import { parseLiveMetric } from "./metrics.js";
import type { CanaryDoc, MetricRole } from "./types.js";

/** `name@hash`, as traces carry versions. */
export const qualified = (name: string, hash: string): string => `${name}@${hash}`;

/** An arm's summary from the store's moments; no traces is an empty arm. */
export function armOf(moments: ArmMoments | undefined): ArmSummary {
  return armFromMoments(moments?.n ?? 0, moments?.sum ?? 0, moments?.sumSquares ?? 0);
}

/** The canary's metrics with their roles, primary first. */
export function canaryMetrics(doc: CanaryDoc): Array<{ name: string; role: MetricRole }> {
  return [
    { name: doc.metric, role: "primary" },
    ...doc.guardrails
      .filter((g) => g !== doc.metric)
      .map((name) => ({ name, role: "guardrail" as const })),
  ];
}

/** Each metric's two arms from the traces ingested since the canary started. */
export async function readArms(
  live: LiveStore,
  canary: CanaryRow<CanaryDoc>,
  untilSeq?: number,
): Promise<MetricArms[]> {
  const control = qualified(canary.prompt_name, canary.control_hash);
  const candidate = qualified(canary.prompt_name, canary.candidate_hash);
  const arms: MetricArms[] = [];
  for (const { name, role } of canaryMetrics(canary.doc)) {
    const metric = parseLiveMetric(name);
    const moments = await live.armMoments({
      promptName: canary.prompt_name,
      versions: [control, candidate],
      metric: metric.storeMetric,
      afterSeq: canary.start_seq,
      ...(untilSeq !== undefined ? { untilSeq } : {}),
    });
    const [c, t] = moments;
    arms.push({
      metric,
      role,
      control: armOf(c),
      candidate: armOf(t),
    });
  }
  return arms;
}
