import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3ToolCall,
} from "@ai-sdk/provider";
import type { ToolFixture } from "../config/index.js";
import {
  GENAI,
  type Message,
  type OpenSpan,
  RATCHET,
  SpanRecorder,
  systemClock,
  type Usage,
} from "../core/index.js";
import { simProviderOptions } from "../providers/index.js";
import { caseInputMessages, caseInputText } from "./messages.js";
import { MockToolbox } from "./mock-tools.js";
import {
  assistantMessage,
  caseToPrompt,
  contentText,
  parseToolInput,
  toolDefinitions,
  toolResultOutput,
  usageFromProvider,
} from "./model-prompt.js";
import type { Agent, AgentRunInput, AgentRunResult } from "./types.js";

export interface PromptModel {
  /** `provider:model` as the user wrote it. */
  spec: string;
  provider: string;
  modelId: string;
  model: LanguageModelV3;
  /** USD for one call's usage. */
  price(usage: Usage): number;
  /** One-time warm-up of the model (see `Agent.prepare`). */
  prepare?: () => Promise<void>;
}

export interface PromptAgentOptions {
  name: string;
  model: PromptModel;
  systemPrompt: string;
  tools: readonly ToolFixture[];
  maxSteps: number;
  temperature: number;
  maxTokens?: number;
}

/**
 * The classic agent: a system prompt, mocked tools and a multi-step tool loop.
 *
 * The loop drives the model through the AI SDK's provider interface (`doGenerate`) rather
 * than `generateText`: the orchestration layer re-validates the whole prompt with zod and
 * keeps step bookkeeping we do not use, which cost more CPU per call than the HTTP request
 * itself (bench/runner). The semantics follow `generateText` with `stopWhen:
 * stepCountIs(maxSteps)`: a step's tool calls are executed (concurrently) even on the last
 * step, and the loop ends when a step asks for no tools or the step budget is spent.
 */
export function createPromptAgent(options: PromptAgentOptions): Agent {
  const { model } = options;
  const tools = options.tools.length ? toolDefinitions(options.tools) : undefined;
  return {
    kind: "prompt",
    label: `prompt:${model.spec}`,
    concurrencyKey: model.provider,
    run: (input) => new PromptAgentRun(options, tools, input).run(),
    ...(model.prepare ? { prepare: model.prepare } : {}),
  };
}

/** One attempt's state: the growing prompt and transcript, the mocked world, the spans. */
class PromptAgentRun {
  private readonly recorder = new SpanRecorder();
  private readonly root: OpenSpan;
  private readonly toolbox: MockToolbox;
  private readonly usage: Usage = { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0 };
  private readonly prompt: LanguageModelV3Prompt;
  private readonly transcript: Message[];
  private cost = 0;
  private steps = 0;
  private allCached = true;

  constructor(
    private readonly options: PromptAgentOptions,
    private readonly tools: LanguageModelV3CallOptions["tools"],
    private readonly input: AgentRunInput,
  ) {
    const { model } = options;
    this.root = this.recorder.start(`invoke_agent ${options.name}`, {
      attributes: {
        [GENAI.operation]: "invoke_agent",
        [GENAI.agentName]: options.name,
        [GENAI.provider]: model.provider,
        [GENAI.requestModel]: model.modelId,
        [RATCHET.runId]: input.runId,
        [RATCHET.caseId]: input.case.id,
        [RATCHET.epoch]: input.epoch,
      },
    });
    this.toolbox = new MockToolbox(options.tools);
    this.prompt = caseToPrompt(options.systemPrompt, input.case.input);
    this.transcript = [
      { role: "system", content: options.systemPrompt },
      ...caseInputMessages(input.case.input),
    ];
  }

  async run(): Promise<AgentRunResult> {
    const { options, input } = this;
    const callOptions = this.callOptions();
    try {
      let output = "";
      for (;;) {
        input.signal.throwIfAborted();
        const startMs = Date.now();
        const result = await options.model.model.doGenerate(callOptions);
        this.steps++;
        this.recordStep(result, startMs);
        output = contentText(result.content);
        const calls = result.content.filter(
          (part): part is LanguageModelV3ToolCall =>
            part.type === "tool-call" && part.providerExecuted !== true,
        );
        await this.answerToolCalls(result.content, calls, output);
        if (calls.length === 0 || this.steps >= options.maxSteps) break;
      }
      this.root.set({
        [GENAI.inputTokens]: this.usage.input_tokens,
        [GENAI.outputTokens]: this.usage.output_tokens,
        [RATCHET.costUsd]: this.cost,
      });
      this.root.end({ code: "ok" });
      return {
        output,
        messages: this.transcript,
        tool_calls: this.toolbox.calls.map((call) => ({ ...call })),
        side_effects: [...this.toolbox.effects],
        spans: this.recorder.spans(),
        usage: this.usage,
        cost_usd: this.cost,
        steps: this.steps,
        cached: this.steps > 0 && this.allCached,
      };
    } catch (error) {
      this.root.end({
        code: "error",
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  }

  /** The same object every step: the prompt array grows in place. */
  private callOptions(): LanguageModelV3CallOptions {
    const { options, input } = this;
    return {
      prompt: this.prompt,
      ...(this.tools ? { tools: this.tools, toolChoice: { type: "auto" } } : {}),
      temperature: options.temperature,
      ...(options.maxTokens ? { maxOutputTokens: options.maxTokens } : {}),
      abortSignal: input.signal,
      // Only the sim provider reads this: it answers from the case's reference and applies its
      // habits. Real providers ignore it, but it keys the response cache per case and epoch.
      providerOptions: simProviderOptions({
        case: {
          id: input.case.id,
          tags: input.case.tags,
          input: caseInputText(input.case.input),
          ...(input.case.expected ? { expected: input.case.expected } : {}),
        },
        epoch: input.epoch,
        seed: input.seed,
      }),
    };
  }

  private recordStep(result: LanguageModelV3GenerateResult, startMs: number): void {
    const { options } = this;
    const { model } = options;
    const stepUsage = usageFromProvider(result.usage);
    const cached = isCacheHit(result.providerMetadata);
    this.allCached &&= cached;
    const stepCost = cached ? 0 : model.price(stepUsage);
    this.cost += stepCost;
    this.usage.input_tokens += stepUsage.input_tokens;
    this.usage.output_tokens += stepUsage.output_tokens;
    this.usage.cached_input_tokens =
      (this.usage.cached_input_tokens ?? 0) + (stepUsage.cached_input_tokens ?? 0);
    const chat = this.recorder.start(`chat ${model.modelId}`, {
      parent: this.root,
      kind: "client",
      startMs,
      attributes: {
        [GENAI.operation]: "chat",
        [GENAI.provider]: model.provider,
        [GENAI.requestModel]: model.modelId,
        [GENAI.responseModel]: result.response?.modelId ?? model.modelId,
        [GENAI.requestTemperature]: options.temperature,
        [GENAI.inputTokens]: stepUsage.input_tokens,
        [GENAI.outputTokens]: stepUsage.output_tokens,
        [GENAI.finishReasons]: [result.finishReason.unified],
        [RATCHET.costUsd]: stepCost,
        [RATCHET.cached]: cached,
        ...(result.warnings.length
          ? { [RATCHET.providerWarnings]: result.warnings.map((w) => JSON.stringify(w)) }
          : {}),
        ...simHabits(result.providerMetadata),
      },
    });
    chat.end({ code: "ok" });
  }

  /**
   * Records the assistant turn, runs its tool calls against the mocked world concurrently
   * (as generateText does) and appends the turn and the results to prompt and transcript.
   */
  private async answerToolCalls(
    content: readonly LanguageModelV3Content[],
    calls: readonly LanguageModelV3ToolCall[],
    text: string,
  ): Promise<void> {
    const parsed = calls.map((call) => ({ call, args: parseToolInput(call.input) }));
    this.transcript.push(
      assistantMessage(
        text,
        parsed.map(({ call, args }) => ({
          id: call.toolCallId,
          name: call.toolName,
          arguments: args.ok ? args.value : {},
        })),
      ),
    );
    // A turn without tool calls ends the loop: the prompt is not sent again.
    if (calls.length === 0) return;
    this.prompt.push(assistantTurn(content, parsed));
    const answered = await Promise.all(
      parsed.map(async ({ call, args }) => ({
        call,
        outcome: args.ok
          ? await this.executeTool(call, args.value)
          : this.toolbox.refuse(call.toolCallId, call.toolName, args.error),
      })),
    );
    const toolMessage: LanguageModelV3Message = { role: "tool", content: [] };
    for (const { call, outcome } of answered) {
      const output = toolResultOutput(outcome.result, outcome.isError);
      toolMessage.content.push({
        type: "tool-result",
        toolCallId: call.toolCallId,
        toolName: call.toolName,
        output,
      });
      this.transcript.push({
        role: "tool",
        content: output.type === "json" ? JSON.stringify(output.value) : output.value,
        tool_call_id: call.toolCallId,
        name: call.toolName,
      });
    }
    this.prompt.push(toolMessage);
  }

  private async executeTool(
    call: LanguageModelV3ToolCall,
    args: Record<string, unknown>,
  ): Promise<{ result: unknown; isError: boolean }> {
    const name = call.toolName;
    const span = this.recorder.start(`execute_tool ${name}`, {
      parent: this.root,
      attributes: {
        [GENAI.operation]: "execute_tool",
        [GENAI.toolName]: name,
        [GENAI.toolCallId]: call.toolCallId,
        [GENAI.toolType]: "function",
        [GENAI.toolArguments]: JSON.stringify(args),
      },
    });
    const effectsBefore = this.toolbox.effects.length;
    const outcome = this.toolbox.call(call.toolCallId, name, args);
    if (outcome.latencyMs > 0) await systemClock.sleep(outcome.latencyMs, this.input.signal);
    const effects = this.toolbox.effects.slice(effectsBefore).map((effect) => effect.effect);
    span.set({
      [GENAI.toolResult]: JSON.stringify(outcome.result),
      ...(effects.length ? { [RATCHET.sideEffects]: effects } : {}),
    });
    span.end(
      outcome.isError ? { code: "error", message: JSON.stringify(outcome.result) } : { code: "ok" },
    );
    return outcome;
  }
}

/** The model's turn as the next step's prompt sees it, provider metadata kept (signatures). */
function assistantTurn(
  content: readonly LanguageModelV3Content[],
  parsed: readonly {
    call: LanguageModelV3ToolCall;
    args: ReturnType<typeof parseToolInput>;
  }[],
): LanguageModelV3Message {
  const turn: LanguageModelV3Message = { role: "assistant", content: [] };
  for (const part of content) {
    const providerOptions = "providerMetadata" in part ? part.providerMetadata : undefined;
    const extra = providerOptions ? { providerOptions } : {};
    if (part.type === "text") turn.content.push({ type: "text", text: part.text, ...extra });
    else if (part.type === "reasoning")
      turn.content.push({ type: "reasoning", text: part.text, ...extra });
  }
  for (const { call, args } of parsed) {
    turn.content.push({
      type: "tool-call",
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      input: args.ok ? args.value : call.input,
      ...(call.providerMetadata ? { providerOptions: call.providerMetadata } : {}),
    });
  }
  return turn;
}

function isCacheHit(metadata: unknown): boolean {
  const ratchet = (metadata as { ratchet?: { cached?: unknown } } | undefined)?.ratchet;
  return ratchet?.cached === true;
}

/** The sim's habits behind an answer, kept on the span for benchmarks (see RATCHET.simHabits). */
function simHabits(
  metadata: LanguageModelV3GenerateResult["providerMetadata"],
): Record<string, string[]> {
  const habits = metadata?.sim?.habits;
  return Array.isArray(habits) && habits.length > 0
    ? { [RATCHET.simHabits]: habits.filter((h): h is string => typeof h === "string") }
    : {};
}
