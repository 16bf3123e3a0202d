import type { MiningConfig } from "../config/index.js";
import { hash32 } from "../core/index.js";
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
