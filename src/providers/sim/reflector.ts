import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamResult,
} from "@ai-sdk/provider";
import { hash32, rngFor } from "../../core/index.js";
import { recordCall } from "../call-stats.js";
import { parseSimIdSettings } from "./id-settings.js";
import { decidePatch, fitWords, type ReflectorPatch } from "./reflector-decide.js";
import { type ParsedReflectionPrompt, parseReflectionPrompt } from "./reflector-prompt.js";
import { wordCount } from "./reflector-text.js";
import { promptText, streamOf, textResult } from "./text-call.js";

/**
 * `sim:reflector` settings, written in the model id: `sim:reflector?garbage_rate=0.1&seed=3`.
 * - garbage_rate: share of calls answered with prose instead of JSON (0..1).
 * - truncate_rate: share answered with a JSON object cut off mid-string (0..1).
 * - copy_rate: share whose instruction quotes a failing case's INPUT verbatim, to exercise
 *   the optimizer's overfitting guard (0..1).
 * - seed: the dice stream.
 */
export interface SimReflectorOptions {
  garbage_rate: number;
  truncate_rate: number;
  copy_rate: number;
  seed: number;
}

export const DEFAULT_SIM_REFLECTOR_OPTIONS: SimReflectorOptions = {
  garbage_rate: 0,
  truncate_rate: 0,
  copy_rate: 0,
  seed: 0,
};

/** `reflector` or `reflector?key=value&…` → options; unknown keys and bad values are input errors. */
export function parseSimReflectorId(modelId: string): SimReflectorOptions | undefined {
  return parseSimIdSettings("reflector", modelId, DEFAULT_SIM_REFLECTOR_OPTIONS);
}

export const REFLECTOR_REFUSAL =
  "I can only propose prompt changes for prompts that follow the reflection protocol (MODE: reflect).";

const GARBAGE = [
  "Looking at these failures, the agent mostly struggles with following the expected format. I would tighten the system prompt so that it is clearer about what a good answer looks like.",
  "Here is my analysis: several cases fail for related reasons, and a clearer instruction in the system prompt should help. Let me know if you would like a concrete patch.",
];

/** The patch as JSON, keys in the protocol's order; absent fields are left out. */
function patchJson(patch: ReflectorPatch): string {
  return JSON.stringify({
    operation: patch.operation,
    ...(patch.instruction !== undefined ? { instruction: patch.instruction } : {}),
    ...(patch.target !== undefined ? { target: patch.target } : {}),
    rationale: patch.rationale,
  });
}

/** An instruction that quotes a case's input word for word: the overfitting a guard must catch. */
function copyInput(
  patch: ReflectorPatch,
  parsed: ParsedReflectionPrompt,
  pick: number,
): ReflectorPatch {
  const inputs = parsed.failures.map((f) => f.input.trim()).filter((i) => i !== "");
  if (patch.instruction === undefined || inputs.length === 0) return patch;
  const input = inputs[pick % inputs.length]!;
  const room = Math.max(4, parsed.maxInstructionWords - wordCount(input) - 3);
  const base = fitWords(patch.instruction, room);
  return {
    ...patch,
    instruction: `When asked "${input}": ${base.charAt(0).toLowerCase()}${base.slice(1)}`,
  };
}

/** Cut inside the longest string value, so the object can never be parsed. */
function truncate(json: string): string {
  const m = /"(instruction|rationale|target)":"/.exec(json);
  const at = m ? m.index + m[0].length : Math.floor(json.length / 2);
  const rest = json.slice(at);
  return json.slice(0, at + Math.max(1, Math.floor(rest.length / 3)));
}

/**
 * A deterministic reflection model for prompt optimization. It reads only the reflection
 * prompt it is sent (grader evidence from failing cases, the current system prompt, the
 * instructions to avoid) and answers with one JSON patch, the way a prompt engineer would.
 * Same prompt, settings and attempt → same answer.
 */
export class SimReflectorModel implements LanguageModelV3 {
  readonly specificationVersion = "v3" as const;
  readonly provider = "sim";
  readonly modelId: string;
  readonly supportedUrls: Record<string, RegExp[]> = {};

  constructor(
    readonly settings: SimReflectorOptions = DEFAULT_SIM_REFLECTOR_OPTIONS,
    private readonly providerName = "sim",
    modelId = "reflector",
  ) {
    this.modelId = modelId;
  }

  /** The text a reflection model would answer with; `attempt` re-rolls the dice on a retry. */
  reflectionText(prompt: string, attempt = 0, fallback?: string): string {
    const o = this.settings;
    const key = hash32(prompt);
    const roll = (name: string) => rngFor(o.seed, key, attempt, name);
    const parsed =
      parseReflectionPrompt(prompt) ??
      (fallback !== undefined ? parseReflectionPrompt(fallback) : undefined);
    if (!parsed) return REFLECTOR_REFUSAL;
    if (o.garbage_rate > 0 && roll("garbage").next() < o.garbage_rate) {
      return roll("garbage-text").pick(GARBAGE);
    }
    let patch = decidePatch(parsed);
    if (!patch) {
      return "I cannot propose a change here: none of the allowed operations fits the evidence.";
    }
    const copy = roll("copy");
    if (o.copy_rate > 0 && copy.next() < o.copy_rate)
      patch = copyInput(patch, parsed, copy.int(1e6));
    const json = patchJson(patch);
    if (o.truncate_rate > 0 && roll("truncate").next() < o.truncate_rate) return truncate(json);
    return json;
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    recordCall(this.providerName, "sim");
    if (options.abortSignal?.aborted) throw options.abortSignal.reason;
    const { system, user } = promptText(options);
    const attempt = Number(options.providerOptions?.ratchet?.attempt ?? 0);
    const text = this.reflectionText(
      user,
      Number.isFinite(attempt) ? attempt : 0,
      `${system}\n${user}`,
    );
    return textResult(text, { system, user }, { prefix: "simreflector", modelId: this.modelId });
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    return streamOf(await this.doGenerate(options));
  }
}
