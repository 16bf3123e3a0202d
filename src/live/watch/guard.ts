import type { RatchetConfig } from "../../config/index.js";
import type { PromptLabelEvent, Store } from "../../store/index.js";
import { armOf, qualified } from "../canary/arms.js";
import { lookAtCanary, type MetricArms } from "../canary/look.js";
import { parseLiveMetric } from "../canary/metrics.js";
import type { CanaryDecision, MetricLook } from "../canary/types.js";
import { rollBackLabel } from "./rollback.js";

/** The metrics a freshly promoted version is held to against the one it replaced. */
const GUARD_METRICS = ["failure_rate", "error_rate"] as const;

export interface GuardResult {
  prompt: string;
  label: string;
  /** The label move under probation. */
  move: PromptLabelEvent;
  looks: MetricLook[];
  decision: CanaryDecision;
  acted: "none" | "rolled_back" | "rollback_suppressed" | "already_done";
}

/**
 * Probation after a label moves to a new version (a gate promotion, a canary's, or a person's):
 * the new version's traces since the move against the previous version's traces before it,
 * by the canary's always-valid test. Worse beyond noise rolls the label back one step, once
 * per move (the event is keyed by the move), and only while the label still points there.
 * Probation ends when the new version has served `max_samples` requests.
 */
export async function guardPromotions(
  store: Store,
  config: RatchetConfig,
  options: { actor: string; now: Date; label?: string },
): Promise<GuardResult[]> {
  const label = options.label ?? "production";
  const settings = config.live.canary;
  const results: GuardResult[] = [];
  for (const current of await store.prompts.listLabels()) {
    if (current.label !== label) continue;
    const name = current.name;
    const history = await store.prompts.labelHistory(name, label);
    const move = history.at(-1);
    if (
      move === undefined ||
      move.to_hash !== current.hash ||
      move.from_hash === undefined ||
      move.kind === "rollback" ||
      move.kind === "remove"
    ) {
      continue;
    }
    const key = `rollback:${name}:${label}:${move.id}`;
    if (await store.live.hasEvent(key)) continue;
    const moveSeq = await store.live.seqAt(move.at);
    const arms: MetricArms[] = [];
    for (const [i, metricName] of GUARD_METRICS.entries()) {
      const metric = parseLiveMetric(metricName);
      const [before] = await store.live.armMoments({
        promptName: name,
        versions: [qualified(name, move.from_hash)],
        metric: metric.storeMetric,
        afterSeq: 0,
        untilSeq: moveSeq,
      });
      const [after] = await store.live.armMoments({
        promptName: name,
        versions: [qualified(name, move.to_hash)],
        metric: metric.storeMetric,
        afterSeq: moveSeq,
      });
      arms.push({
        metric,
        role: i === 0 ? "primary" : "guardrail",
        control: armOf(before),
        candidate: armOf(after),
      });
    }
    const served = Math.max(...arms.map((arm) => arm.candidate.n));
    if (served >= settings.max_samples) continue;
    const { looks, decision } = lookAtCanary(
      arms,
      {},
      {
        alpha: settings.alpha,
        effectSize: settings.effect_size,
        minSamples: settings.min_samples,
        maxSamples: Number.POSITIVE_INFINITY,
      },
    );
    let acted: GuardResult["acted"] = "none";
    if (decision.action === "rollback") {
      const at = options.now.toISOString();
      const doc = {
        from: move.to_hash,
        to: move.from_hash,
        move: move.id,
        reasons: decision.reasons,
        evidence: looks.map((look) => ({
          metric: look.metric,
          before: { n: look.control.n, mean: look.control.mean },
          after: { n: look.candidate.n, mean: look.candidate.mean },
          interval: [look.lower, look.upper],
          p_value: look.p_value,
        })),
      };
      if (!config.rollback.enabled) {
        const recorded = await store.live.recordEvent({
          key: `${key}:suppressed`,
          kind: "rollback_suppressed",
          prompt_name: name,
          actor: options.actor,
          at,
          doc: { ...doc, note: "rollback.enabled is false" },
        });
        acted = recorded ? "rollback_suppressed" : "none";
      } else {
        const recorded = await rollBackLabel(store, {
          key,
          name,
          label,
          from: move.to_hash,
          to: move.from_hash,
          actor: options.actor,
          at,
          reason: `live metrics after the move of ${move.at}: ${decision.reasons.join("; ")}`,
          doc,
        });
        acted = recorded ? "rolled_back" : "already_done";
      }
    }
    results.push({ prompt: name, label, move, looks, decision, acted });
  }
  return results;
}
