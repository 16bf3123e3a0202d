import type { AssertionSpec, Dimension } from "../../core/index.js";
import type { JudgeStore } from "../../store/index.js";
import { compileAssertion } from "../compile.js";
import { JUDGE_TYPES, judgeSpecVersion } from "./identity.js";

export const DEFAULT_KAPPA_FLOOR = 0.6;

/** The part of the config judge warnings read (keeps this usable before config is loaded). */
export interface JudgeWarningConfig {
  evaluation: {
    assertions?: readonly AssertionSpec[];
    judge_model?: string | undefined;
    dimension_judges?: Partial<Record<Dimension, string>>;
    judge_kappa_floor?: number | undefined;
  };
}

/**
 * One line per judge the suite uses that is uncalibrated (no calibration for its exact
 * version) or whose latest calibration's kappa is below `evaluation.judge_kappa_floor`.
 * `extra` adds judge assertions found in suites (the config holds only the global ones).
 */
export async function judgeWarnings(
  store: { judges: JudgeStore },
  config: JudgeWarningConfig,
  extra: readonly AssertionSpec[] = [],
): Promise<string[]> {
  const floor = config.evaluation.judge_kappa_floor ?? DEFAULT_KAPPA_FLOOR;
  const runtime = {
    ...(config.evaluation.judge_model ? { defaultModel: config.evaluation.judge_model } : {}),
    dimensionModels: config.evaluation.dimension_judges ?? {},
  };
  const seen = new Set<string>();
  const warnings: string[] = [];
  for (const spec of [...(config.evaluation.assertions ?? []), ...extra]) {
    if (!JUDGE_TYPES.has(spec.type)) continue;
    let version: string;
    let model: string;
    try {
      const compiled = compileAssertion(spec, "judge", undefined);
      ({ version, model } = judgeSpecVersion(compiled, runtime));
    } catch {
      continue; // compile errors are reported by the eval's own validation
    }
    if (seen.has(version)) continue;
    seen.add(version);
    const name = typeof spec.name === "string" ? spec.name : spec.type;
    const latest = await store.judges.latestForVersion(version);
    if (!latest) {
      warnings.push(
        `judge \`${name}\` (${model}, version ${version}) is uncalibrated: run \`ratchet judge calibrate --labels <human.jsonl> --judge ${name}\``,
      );
    } else if (latest.kappa < floor) {
      warnings.push(
        `judge \`${name}\` (${model}, version ${version}) agrees weakly with human labels: kappa ${latest.kappa.toFixed(2)} ± ${latest.kappa_se.toFixed(2)} < floor ${floor} (n=${latest.n}, ${latest.created_at.slice(0, 10)})`,
      );
    }
  }
  return warnings;
}
