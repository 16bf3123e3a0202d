import { DetectorSchema, type MiningConfig, MiningSchema } from "../config/index.js";
import { InputError } from "../core/index.js";
import { BUILTIN_DETECTORS, CODE_DETECTORS } from "./builtin.js";
import { judgeDetector } from "./judge.js";
import { ruleDetector } from "./rules.js";
import type { Detector, JudgeFn } from "./types.js";

export interface DetectorOptions {
  /** Used only when `mining.judge.enabled` is true. */
  judge?: JudgeFn;
}

/** The mining config with every default applied (what runs without a `mining:` section). */
export function defaultMiningConfig(): MiningConfig {
  return MiningSchema.parse({});
}

/**
 * Built-ins (unless switched off), replaced by same-named config detectors, then the config's
 * own, minus `disable`. The judge joins only when enabled and a judge function is given.
 */
export function buildDetectors(
  config: MiningConfig = defaultMiningConfig(),
  options: DetectorOptions = {},
): Detector[] {
  const byName = new Map<string, Detector>();
  if (config.builtin_detectors) {
    for (const spec of BUILTIN_DETECTORS) {
      const parsed = DetectorSchema.parse(spec);
      byName.set(parsed.name, ruleDetector(parsed));
    }
    for (const detector of CODE_DETECTORS) byName.set(detector.name, detector);
  }
  for (const spec of config.detectors) byName.set(spec.name, ruleDetector(spec));
  if (config.judge.enabled) {
    if (!options.judge) {
      throw new InputError(
        "mining.judge.enabled is true but no judge is available; configure a judge or set it to false",
        { key: "mining.judge.enabled" },
      );
    }
    const judge = judgeDetector(options.judge, config.judge);
    byName.set(judge.name, judge);
  }
  for (const name of config.disable) byName.delete(name);
  return [...byName.values()];
}
