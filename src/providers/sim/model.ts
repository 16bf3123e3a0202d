import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import { type Clock, hash32, rngFor, systemClock } from "../../core/index.js";
import { recordCall } from "../call-stats.js";
import type { AnswerContext } from "./answer.js";
import { baseDraft } from "./answer.js";
import { promptTexts, readConversation } from "./conversation.js";
import { applyHabits, flakeHabit, type HabitContext } from "./habits.js";
import type { SimProfile } from "./profile.js";
import { readReference } from "./reference.js";
import { getTokenizer } from "./tokenizer.js";

/** Tokens a chat format adds per message (role and separators), as real APIs bill them. */
const PER_MESSAGE_OVERHEAD = 3;

export interface SimModelOptions {
  profile: SimProfile;
  /** Fixed latency per call; overrides the profile's latency model (0 = no waiting at all). */
  latencyMs?: number;
  /** Overrides the profile's flake rate. */
  flakeRate?: number;
  /** Provider name used in call statistics (a configured sim provider may be renamed). */
  providerName?: string;
  clock?: Clock;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * A deterministic, seeded stand-in for an LLM. It answers from the case reference passed in
 * `providerOptions.sim`, then applies its profile's habits (failure modes) unless the system
 * prompt, within the profile's context budget, contains an instruction that cures them.
 * Other roles (judge, embedder) will be separate classes dispatched on the model id.
 */
export class SimLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = "v3" as const;
  readonly provider = "sim";
  readonly modelId: string;
  readonly supportedUrls: Record<string, RegExp[]> = {};
  private readonly clock: Clock;

  constructor(private readonly options: SimModelOptions) {
    this.modelId = options.profile.name;
    this.clock = options.clock ?? systemClock;
  }

  /** Loads the tokenizer (seconds on a busy machine) so that no call pays for it. */
  async prepare(): Promise<void> {
    await getTokenizer(this.options.profile.tokenizer);
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    recordCall(this.options.providerName ?? "sim", "sim");
    const { result, latencyMs } = await this.answer(options);
    await this.wait(latencyMs, options.abortSignal);
    return result;
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    recordCall(this.options.providerName ?? "sim", "sim");
    const { result, latencyMs } = await this.answer(options);
    // The whole latency is spent before the first part: a simple time-to-first-token model.
    await this.wait(latencyMs, options.abortSignal);
    const parts: LanguageModelV3StreamPart[] = [
      { type: "stream-start", warnings: [] },
      { type: "response-metadata", ...result.response },
    ];
    for (const item of result.content) {
      if (item.type === "text") {
        parts.push({ type: "text-start", id: "0" });
        for (const chunk of item.text.match(/\S+\s*|\s+/g) ?? []) {
          parts.push({ type: "text-delta", id: "0", delta: chunk });
        }
        parts.push({ type: "text-end", id: "0" });
      } else if (item.type === "tool-call") {
        parts.push({ type: "tool-input-start", id: item.toolCallId, toolName: item.toolName });
        parts.push({ type: "tool-input-delta", id: item.toolCallId, delta: item.input });
        parts.push({ type: "tool-input-end", id: item.toolCallId });
        parts.push(item);
      }
    }
    parts.push({ type: "finish", usage: result.usage, finishReason: result.finishReason });
    const signal = options.abortSignal;
    let index = 0;
    return {
      stream: new ReadableStream<LanguageModelV3StreamPart>({
        pull(controller) {
          if (signal?.aborted) {
            controller.error(abortError(signal));
            return;
          }
          const part = parts[index++];
          if (part) controller.enqueue(part);
          else controller.close();
        },
      }),
    };
  }

  private async wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    throwIfAborted(signal);
    if (ms > 0) await this.clock.sleep(ms, signal);
  }

  private async answer(
    options: LanguageModelV3CallOptions,
  ): Promise<{ result: LanguageModelV3GenerateResult; latencyMs: number }> {
    throwIfAborted(options.abortSignal);
    const profile = this.options.profile;
    const reference = readReference(options.providerOptions);
    const view = readConversation(options.prompt, options.tools);
    const tokenizer = await getTokenizer(profile.tokenizer);

    const refCase = reference.case;
    const inputText = refCase?.input ?? view.userTexts.join("\n");
    const caseId = refCase?.id ?? `anon-${hash32(view.userTexts.join("\n")).toString(36)}`;
    const { epoch, seed } = reference;
    const answerCtx: AnswerContext = {
      profile,
      view,
      reference,
      inputText,
      tags: refCase?.tags ?? [],
      jsonMode: options.responseFormat?.type === "json",
      toolChoice: options.toolChoice,
    };
    const habitCtx: HabitContext = {
      ...answerCtx,
      caseId,
      epoch,
      seed,
      readableSystem: tokenizer.truncate(view.system, profile.context_budget_tokens),
      forcedHabit: flakeHabit(
        profile.habits,
        this.options.flakeRate ?? profile.flake_rate,
        seed,
        caseId,
        epoch,
      ),
    };
    const { draft, fired } = applyHabits(profile.habits, baseDraft(answerCtx), habitCtx);

    const inputTokens = promptTexts(options.prompt, options.tools).reduce(
      (sum, text) => sum + tokenizer.count(text) + PER_MESSAGE_OVERHEAD,
      0,
    );
    const turn = view.assistantTurns;
    let content: LanguageModelV3Content[];
    let finishReason: LanguageModelV3FinishReason;
    let outputTokens: number;
    if (draft.kind === "tool") {
      const input = JSON.stringify(draft.args);
      content = [
        {
          type: "tool-call",
          toolCallId: `call_${hash32(`${caseId}\u0000${epoch}\u0000${turn}`).toString(36)}`,
          toolName: draft.toolName,
          input,
        },
      ];
      outputTokens = tokenizer.count(draft.toolName) + tokenizer.count(input);
      finishReason = { unified: "tool-calls", raw: "tool_calls" };
    } else {
      let text = draft.text;
      outputTokens = tokenizer.count(text);
      finishReason = { unified: "stop", raw: "stop" };
      const max = options.maxOutputTokens;
      if (max !== undefined && outputTokens > max) {
        text = tokenizer.truncate(text, max);
        outputTokens = tokenizer.count(text);
        finishReason = { unified: "length", raw: "length" };
      }
      content = [{ type: "text", text }];
    }

    const usage: LanguageModelV3Usage = {
      inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
    };
    const result: LanguageModelV3GenerateResult = {
      content,
      finishReason,
      usage,
      response: {
        id: `sim-${hash32(`${seed}\u0000${caseId}\u0000${epoch}\u0000${turn}`).toString(36)}`,
        modelId: `sim:${profile.name}`,
        timestamp: new Date(this.clock.now()),
      },
      warnings: [],
      ...(fired.length > 0 ? { providerMetadata: { sim: { habits: fired } } } : {}),
    };
    return { result, latencyMs: this.latency(outputTokens, seed, caseId, epoch, turn) };
  }

  private latency(
    outputTokens: number,
    seed: number,
    caseId: string,
    epoch: number,
    turn: number,
  ): number {
    if (this.options.latencyMs !== undefined) return Math.max(0, this.options.latencyMs);
    const { base_ms, per_output_token_ms, jitter } = this.options.profile.latency;
    const r = rngFor(seed, caseId, epoch, "latency", turn).next();
    return Math.max(
      0,
      Math.round((base_ms + per_output_token_ms * outputTokens) * (1 + jitter * (2 * r - 1))),
    );
  }
}
