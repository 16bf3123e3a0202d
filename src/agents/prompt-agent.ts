import { generateText, jsonSchema, type LanguageModel, stepCountIs, type ToolSet, tool } from "ai";
import type { ToolFixture } from "../config/index.js";
import {
  GENAI,
  type Message,
  RATCHET,
  SpanRecorder,
  systemClock,
  type ToolCall,
  type Usage,
} from "../core/index.js";
import { simProviderOptions } from "../providers/index.js";
import { caseInputMessages, caseInputText, caseToModelMessages } from "./messages.js";
import { MockToolbox } from "./mock-tools.js";
import type { Agent, AgentRunInput, AgentRunResult } from "./types.js";

export interface PromptModel {
  /** `provider:model` as the user wrote it. */
  spec: string;
  provider: string;
  modelId: string;
  model: LanguageModel;
  /** USD for one call's usage. */
  price(usage: Usage): number;
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

/** The classic agent: a system prompt, mocked tools and a multi-step tool loop. */
export function createPromptAgent(options: PromptAgentOptions): Agent {
  const { model } = options;
  return {
    kind: "prompt",
    label: `prompt:${model.spec}`,
    concurrencyKey: model.provider,
    run: (input) => runPromptAgent(options, input),
  };
}

async function runPromptAgent(
  options: PromptAgentOptions,
  input: AgentRunInput,
): Promise<AgentRunResult> {
  const { model } = options;
  const recorder = new SpanRecorder();
  const root = recorder.start(`invoke_agent ${options.name}`, {
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
  const toolbox = new MockToolbox(options.tools);
  const usage: Usage = { input_tokens: 0, output_tokens: 0 };
  let cost = 0;
  let steps = 0;
  let allCached = true;
  let stepStart = Date.now();

  const tools: ToolSet = {};
  for (const fixture of options.tools) {
    tools[fixture.name] = tool({
      description: fixture.description ?? fixture.name,
      inputSchema: jsonSchema(
        (fixture.parameters as Parameters<typeof jsonSchema>[0] | undefined) ?? {
          type: "object",
          properties: {},
        },
      ),
      execute: async (args, { toolCallId, abortSignal }) => {
        const span = recorder.start(`execute_tool ${fixture.name}`, {
          parent: root,
          attributes: {
            [GENAI.operation]: "execute_tool",
            [GENAI.toolName]: fixture.name,
            [GENAI.toolCallId]: toolCallId,
            [GENAI.toolType]: "function",
            [GENAI.toolArguments]: JSON.stringify(args ?? {}),
          },
        });
        const effectsBefore = toolbox.effects.length;
        const outcome = toolbox.call(
          toolCallId,
          fixture.name,
          (args ?? {}) as Record<string, unknown>,
        );
        if (outcome.latencyMs > 0)
          await systemClock.sleep(outcome.latencyMs, abortSignal ?? input.signal);
        const effects = toolbox.effects.slice(effectsBefore).map((effect) => effect.effect);
        span.set({
          [GENAI.toolResult]: JSON.stringify(outcome.result),
          ...(effects.length ? { [RATCHET.sideEffects]: effects } : {}),
        });
        span.end(
          outcome.isError
            ? { code: "error", message: JSON.stringify(outcome.result) }
            : { code: "ok" },
        );
        return outcome.result;
      },
    });
  }

  const inputText = caseInputText(input.case.input);
  try {
    const result = await generateText({
      model: model.model,
      system: options.systemPrompt,
      messages: caseToModelMessages(input.case.input),
      ...(options.tools.length ? { tools } : {}),
      stopWhen: stepCountIs(options.maxSteps),
      temperature: options.temperature,
      ...(options.maxTokens ? { maxOutputTokens: options.maxTokens } : {}),
      maxRetries: 0,
      abortSignal: input.signal,
      // Only the sim provider reads this: it answers from the case's reference and applies its
      // habits. Real providers ignore it, but it keys the response cache per case and epoch.
      providerOptions: simProviderOptions({
        case: {
          id: input.case.id,
          tags: input.case.tags,
          input: inputText,
          ...(input.case.expected ? { expected: input.case.expected } : {}),
        },
        epoch: input.epoch,
        seed: input.seed,
      }),
      prepareStep: () => {
        stepStart = Date.now();
        return undefined;
      },
      onStepFinish: (step) => {
        steps++;
        const stepUsage: Usage = {
          input_tokens: step.usage.inputTokens ?? 0,
          output_tokens: step.usage.outputTokens ?? 0,
          cached_input_tokens: step.usage.inputTokenDetails?.cacheReadTokens ?? 0,
        };
        const cached = isCacheHit(step.providerMetadata);
        allCached &&= cached;
        const stepCost = cached ? 0 : model.price(stepUsage);
        cost += stepCost;
        usage.input_tokens += stepUsage.input_tokens;
        usage.output_tokens += stepUsage.output_tokens;
        usage.cached_input_tokens =
          (usage.cached_input_tokens ?? 0) + (stepUsage.cached_input_tokens ?? 0);
        const chat = recorder.start(`chat ${model.modelId}`, {
          parent: root,
          kind: "client",
          startMs: stepStart,
          attributes: {
            [GENAI.operation]: "chat",
            [GENAI.provider]: model.provider,
            [GENAI.requestModel]: model.modelId,
            [GENAI.responseModel]: step.response.modelId ?? model.modelId,
            [GENAI.requestTemperature]: options.temperature,
            [GENAI.inputTokens]: stepUsage.input_tokens,
            [GENAI.outputTokens]: stepUsage.output_tokens,
            [GENAI.finishReasons]: [step.finishReason],
            [RATCHET.costUsd]: stepCost,
            [RATCHET.cached]: cached,
          },
        });
        chat.end({ code: "ok" });
      },
    });

    const toolCalls: ToolCall[] = toolbox.calls.map((call) => ({ ...call }));
    const messages: Message[] = [
      { role: "system", content: options.systemPrompt },
      ...caseInputMessages(input.case.input),
      ...responseToMessages(result.response.messages),
    ];
    root.set({
      [GENAI.inputTokens]: usage.input_tokens,
      [GENAI.outputTokens]: usage.output_tokens,
      [RATCHET.costUsd]: cost,
    });
    root.end({ code: "ok" });
    return {
      output: result.text,
      messages,
      tool_calls: toolCalls,
      side_effects: [...toolbox.effects],
      spans: recorder.spans(),
      usage,
      cost_usd: cost,
      steps,
      cached: steps > 0 && allCached,
    };
  } catch (error) {
    root.end({ code: "error", message: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

function isCacheHit(metadata: unknown): boolean {
  const ratchet = (metadata as { ratchet?: { cached?: unknown } } | undefined)?.ratchet;
  return ratchet?.cached === true;
}

type ResponseMessages = Awaited<ReturnType<typeof generateText>>["response"]["messages"];

function responseToMessages(messages: ResponseMessages): Message[] {
  const out: Message[] = [];
  for (const message of messages) {
    if (message.role === "assistant") {
      if (typeof message.content === "string") {
        out.push({ role: "assistant", content: message.content });
        continue;
      }
      let text = "";
      const calls: ToolCall[] = [];
      for (const part of message.content) {
        if (part.type === "text") text += part.text;
        else if (part.type === "tool-call") {
          calls.push({
            id: part.toolCallId,
            name: part.toolName,
            arguments: (part.input ?? {}) as Record<string, unknown>,
          });
        }
      }
      out.push({
        role: "assistant",
        content: text,
        ...(calls.length ? { tool_calls: calls } : {}),
      });
    } else {
      for (const part of message.content) {
        if (part.type !== "tool-result") continue;
        const output = part.output;
        const content =
          output.type === "text" || output.type === "error-text"
            ? output.value
            : JSON.stringify("value" in output ? output.value : output);
        out.push({ role: "tool", content, tool_call_id: part.toolCallId, name: part.toolName });
      }
    }
  }
  return out;
}
