import type { RatchetConfig } from "../../config/index.js";
import { hash32, InputError } from "../../core/index.js";
import { judgePointwise, judgeRuntimeFromConfig } from "../../graders/index.js";
import { buildTraceView, traceText } from "../../mining/index.js";
import type { CanaryRow, Store } from "../../store/index.js";
import { qualified } from "./arms.js";
import { parseLiveMetric } from "./metrics.js";
import type { CanaryDoc } from "./types.js";

const BUILTIN_RUBRICS: Record<string, string> = {
  helpfulness:
    "Score how well the assistant's final answer resolves what the user asked: correct, complete, on point, and honest about what it could not do. Ignore style.",
};

/** The rubric a `judge:<name>` metric names: the config's, else a built-in one. */
export function rubricFor(config: RatchetConfig, name: string): string {
  const rubric = config.live.canary.rubrics[name] ?? BUILTIN_RUBRICS[name];
  if (rubric === undefined) {
    const known = [...Object.keys(BUILTIN_RUBRICS), ...Object.keys(config.live.canary.rubrics)];
    throw new InputError(
      `judge:${name} names no rubric; add it under live.canary.rubrics (known: ${known.join(", ")})`,
      { key: "--metric" },
    );
  }
  return rubric;
}

export function judgeModelFor(config: RatchetConfig): string {
  const model = config.live.canary.judge_model ?? config.evaluation.judge_model;
  if (model === undefined) {
    throw new InputError(
      "a judge:<rubric> metric needs a judge model: set live.canary.judge_model or evaluation.judge_model (sim:judge works offline)",
      { key: "live.canary.judge_model" },
    );
  }
  return model;
}

/** Checks, before a canary starts, that its judge metrics can be scored. */
export function checkJudgeMetrics(config: RatchetConfig, metrics: readonly string[]): void {
  for (const name of metrics) {
    const metric = parseLiveMetric(name);
    if (metric.judge === undefined) continue;
    rubricFor(config, metric.judge);
    judgeModelFor(config);
  }
}

/**
 * Scores a sample of both arms' new traces for each `judge:` metric of a canary. Sampling is
 * by trace id, so a restart judges the same traces; each score is stored once.
 */
export async function scoreCanarySample(
  store: Store,
  config: RatchetConfig,
  canary: CanaryRow<CanaryDoc>,
  options: { cwd: string; limit?: number; now?: Date },
): Promise<number> {
  const metrics = [canary.doc.metric, ...canary.doc.guardrails]
    .map((name) => parseLiveMetric(name))
    .filter((m) => m.judge !== undefined);
  if (metrics.length === 0) return 0;
  const model = judgeModelFor(config);
  const runtime = judgeRuntimeFromConfig(config, { cwd: options.cwd, store });
  const share = config.live.canary.judge_sample;
  const limit = options.limit ?? 200;
  const at = (options.now ?? new Date()).toISOString();
  let scored = 0;
  for (const metric of metrics) {
    const storeName = metric.storeMetric.slice("score:".length);
    const rubric = rubricFor(config, metric.judge as string);
    for (const hash of [canary.control_hash, canary.candidate_hash]) {
      let after = canary.start_seq;
      let budget = limit;
      while (budget > 0) {
        const page = await store.live.unscoredTraces({
          promptName: canary.prompt_name,
          version: qualified(canary.prompt_name, hash),
          metric: storeName,
          afterSeq: after,
          limit: 100,
        });
        if (page.length === 0) break;
        for (const { trace_id, seq } of page) {
          after = seq;
          if (hash32(`${trace_id}\u0000${storeName}`) / 2 ** 32 >= share) continue;
          const trace = await store.traces.getTrace(trace_id);
          if (trace === undefined) continue;
          const verdict = await judgePointwise(runtime, model, {
            rubric,
            scale: { min: 0, max: 10 },
            candidate: traceText(buildTraceView(trace_id, trace.spans)),
          });
          await store.live.saveScore(trace_id, storeName, verdict.normalized, at);
          scored++;
          if (--budget === 0) break;
        }
      }
    }
  }
  return scored;
}
