import type { MiningConfig, RatchetConfig } from "../config/index.js";
import { hash32 } from "../core/index.js";
import { judgePointwise, judgeRuntimeFromConfig } from "../graders/index.js";
import type { CacheStore } from "../store/index.js";
import { traceText } from "./trace-view.js";
import type { Detector, JudgeFn, Signal, TraceView } from "./types.js";

export const JUDGE_DETECTOR = "llm-judge";

/**
 * The optional judge detector. Sampling is by trace id (not random), so re-mining the same
 * traces asks the judge about the same ones and the upsert stays idempotent.
 */
export function judgeDetector(judge: JudgeFn, options: MiningConfig["judge"]): Detector {
  return {
    name: JUDGE_DETECTOR,
    type: "llm_judge_fail",
    severity: options.severity,
    weight: options.weight,
    description: "an LLM judge scored the trace below threshold",
    async detect(trace: TraceView): Promise<Signal | undefined> {
      if (options.sample_rate < 1 && hash32(trace.trace_id) / 2 ** 32 >= options.sample_rate) {
        return undefined;
      }
      const verdict = await judge(traceText(trace));
      if (verdict.pass && verdict.score >= options.threshold) return undefined;
      return {
        detector: JUDGE_DETECTOR,
        signal_type: "llm_judge_fail",
        severity: options.severity,
        weight: options.weight,
        reason: `judge score ${verdict.score} (threshold ${options.threshold}): ${verdict.reason}`,
        evidence: verdict.reason,
      };
    },
  };
}

/**
 * The judge behind `mining.judge`: one pointwise rubric call per sampled trace, through the
 * same runtime (providers, cache, prices) as the eval's judges. Undefined when mining's judge
 * is off or no model is configured for it.
 */
export function miningJudgeFromConfig(
  config: RatchetConfig,
  options: { cwd: string; store?: CacheStore },
): JudgeFn | undefined {
  const settings = config.mining.judge;
  const model = settings.model ?? config.evaluation.judge_model;
  if (!settings.enabled || !model) return undefined;
  const runtime = judgeRuntimeFromConfig(config, {
    cwd: options.cwd,
    ...(options.store ? { store: options.store } : {}),
  });
  return async (text) => {
    const verdict = await judgePointwise(runtime, model, {
      rubric: settings.rubric,
      scale: { min: 0, max: 10 },
      candidate: text,
    });
    return {
      pass: verdict.label === "pass",
      score: verdict.normalized,
      reason: verdict.reasoning,
    };
  };
}
