import type { Clock } from "../../core/index.js";
import { loadSimProfile, parseSimProfile, type SimProfileLookup } from "./load.js";
import { SimLanguageModel } from "./model.js";
import type { SimProfile, SimProfileInput } from "./profile.js";

export type { SimJudgeOptions } from "./judge.js";
export { DEFAULT_SIM_JUDGE_OPTIONS, parseSimJudgeId, SimJudgeModel } from "./judge.js";
export type { JudgeMode, ParsedJudgePrompt } from "./judge-prompt.js";
export { parseJudgePrompt } from "./judge-prompt.js";
export type { SimProfileInfo, SimProfileLookup } from "./load.js";
export { listSimProfiles, loadSimProfile, parseSimProfile, RESERVED_SIM_IDS } from "./load.js";
export { SimLanguageModel, type SimModelOptions } from "./model.js";
export type {
  SimCureGroup,
  SimHabit,
  SimHabitEffect,
  SimProfile,
  SimProfileInput,
  SimTemplate,
  SimTriggerCondition,
} from "./profile.js";
export { simProfileSchema } from "./profile.js";
export type { SimCallReference } from "./reference.js";
export { simProviderOptions } from "./reference.js";
export type { SimReflectorOptions } from "./reflector.js";
export {
  DEFAULT_SIM_REFLECTOR_OPTIONS,
  parseSimReflectorId,
  REFLECTOR_REFUSAL,
  SimReflectorModel,
} from "./reflector.js";
export type { ReflectorPatch } from "./reflector-decide.js";
export type {
  ParsedReflectionPrompt,
  PatchOperation,
  ReflectionCheck,
  ReflectionFailure,
  ReflectionToolCall,
} from "./reflector-prompt.js";
export { parseReflectionPrompt } from "./reflector-prompt.js";
export { getTokenizer, type Tokenizer, type TokenizerName } from "./tokenizer.js";

/**
 * A sim model outside the resolver: from a bundled name, a YAML path, or a profile object
 * (validated here).
 */
export function createSimModel(
  profile: string | SimProfileInput | SimProfile,
  options: SimProfileLookup & { latencyMs?: number; flakeRate?: number; clock?: Clock } = {},
): SimLanguageModel {
  const resolved =
    typeof profile === "string" ? loadSimProfile(profile, options) : parseSimProfile(profile);
  return new SimLanguageModel({
    profile: resolved,
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.flakeRate !== undefined ? { flakeRate: options.flakeRate } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}
