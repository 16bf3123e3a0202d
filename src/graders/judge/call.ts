import type { z } from "zod";
import { errorMessage, type Usage } from "../../core/index.js";
import { classifyProviderError, redactSecrets, usageFromSdk } from "../../providers/index.js";
import { JUDGE_SYSTEM_PROMPT } from "./prompt.js";
import { type JudgeCall, JudgeError, type JudgeRuntime } from "./types.js";

export interface JudgeCallOptions {
  retries?: number;
  signal?: AbortSignal;
  maxOutputTokens?: number;
}

function addUsage(a: Usage, b: Usage): Usage {
  const cached = (a.cached_input_tokens ?? 0) + (b.cached_input_tokens ?? 0);
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    ...(cached ? { cached_input_tokens: cached } : {}),
  };
}

/**
 * One judge verdict at temperature 0 with structured output. The value comes only from the
 * schema-validated object; a malformed or schema-violating answer is retried (bypassing the
 * response cache, which would replay it) and then becomes a JudgeError. Cost covers every call.
 */
export async function callJudge<T>(
  runtime: JudgeRuntime,
  spec: string,
  prompt: string,
  schema: z.ZodType<T>,
  options: JudgeCallOptions = {},
): Promise<JudgeCall<T>> {
  // Imported here, not at start-up: most runs have no judge (bench/runner, e2e part).
  const { generateText, NoObjectGeneratedError, Output } = await import("ai");
  const retries = options.retries ?? runtime.retries;
  let usage: Usage = { input_tokens: 0, output_tokens: 0 };
  let calls = 0;
  let lastProblem = "";
  for (let attempt = 0; attempt <= retries; attempt++) {
    calls++;
    try {
      const result = await generateText({
        model: attempt === 0 ? runtime.model(spec) : runtime.uncachedModel(spec),
        system: JUDGE_SYSTEM_PROMPT,
        prompt,
        temperature: 0,
        output: Output.object({ schema }),
        ...(options.maxOutputTokens ? { maxOutputTokens: options.maxOutputTokens } : {}),
        // A fresh cache key per retry; providers ignore the `ratchet` namespace.
        ...(attempt > 0 ? { providerOptions: { ratchet: { judge_attempt: attempt } } } : {}),
        ...(options.signal ? { abortSignal: options.signal } : {}),
      });
      usage = addUsage(usage, usageFromSdk(result.usage));
      return {
        value: result.output as T,
        model: spec,
        usage,
        cost_usd: runtime.price(spec, usage),
        calls,
      };
    } catch (error) {
      if (NoObjectGeneratedError.isInstance(error)) {
        if (error.usage) usage = addUsage(usage, usageFromSdk(error.usage));
        lastProblem = `malformed judge output (${redactSecrets(errorMessage(error.cause ?? error)).slice(0, 160)})`;
        continue;
      }
      const classified = classifyProviderError(error);
      throw new JudgeError(
        `judge ${spec} failed: ${classified.class}: ${redactSecrets(classified.message).slice(0, 200)}`,
        usage,
        runtime.price(spec, usage),
        calls,
      );
    }
  }
  throw new JudgeError(
    `judge ${spec} gave no valid verdict after ${calls} call(s): ${lastProblem}`,
    usage,
    runtime.price(spec, usage),
    calls,
  );
}
