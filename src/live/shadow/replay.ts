import {
  type AgentRunResult,
  createPromptAgent,
  type PromptAgentOptions,
  pickResponse,
} from "../../agents/index.js";
import type { ToolFixture, ToolResponse } from "../../config/index.js";
import { type AttemptError, errorMessage } from "../../core/index.js";
import type { ReplayInput, ToolSource } from "./types.js";

/** The challenger's tools for one trace, and how to tell where each call was answered from. */
export interface ReplayTools {
  fixtures: ToolFixture[];
  sourceOf(name: string, args: Record<string, unknown>): ToolSource;
}

/**
 * The challenger's tools for one replayed trace. Nothing real ever runs: a call with the
 * arguments of a recorded call gets the recorded result (or error); else the agent's mocked
 * responses answer as in an evaluation; else a mock error that says the trace recorded no
 * result, which the model reads like any tool error.
 */
export function replayTools(
  traceId: string,
  tools: readonly ToolFixture[],
  recorded: ReplayInput["recorded_tools"],
): ReplayTools {
  const fromRecord = new Set<ToolResponse>();
  const fallbacks = new Set<ToolResponse>();
  const fixtures = tools.map((tool): ToolFixture => {
    const mine: ToolResponse[] = [];
    for (const call of recorded) {
      if (call.name !== tool.name || call.arguments === undefined) continue;
      const response: ToolResponse =
        call.error !== undefined
          ? { when: call.arguments, error: call.error, effects: [] }
          : { when: call.arguments, result: call.result ?? null, effects: [] };
      fromRecord.add(response);
      mine.push(response);
    }
    const fallback: ToolResponse = {
      default: true,
      error: `shadow replay: trace ${traceId} recorded no result of ${tool.name} for these arguments and no mocked response matches them (no real tool runs in a shadow)`,
      effects: [],
    };
    fallbacks.add(fallback);
    return { ...tool, responses: [...mine, ...tool.responses, fallback] };
  });
  const byName = new Map(fixtures.map((f) => [f.name, f]));
  return {
    fixtures,
    sourceOf(name, args) {
      const fixture = byName.get(name);
      if (!fixture) return "unanswered";
      const response = pickResponse(fixture.responses, args);
      if (response === undefined || fallbacks.has(response)) return "unanswered";
      return fromRecord.has(response) ? "recorded" : "mock";
    },
  };
}

export interface ReplayOutcome {
  result?: AgentRunResult;
  error?: AttemptError;
  tools: Record<ToolSource, number>;
  latency_ms: number;
}

/** Runs the challenger on one production input with that trace's replay tools. */
export async function replayOne(
  base: PromptAgentOptions,
  input: ReplayInput,
  run: { id: string; seed: number; signal: AbortSignal },
): Promise<ReplayOutcome> {
  const tools = replayTools(input.trace_id, base.tools, input.recorded_tools);
  const agent = createPromptAgent({ ...base, tools: tools.fixtures });
  const counts: Record<ToolSource, number> = { recorded: 0, mock: 0, unanswered: 0 };
  const started = performance.now();
  try {
    const result = await agent.run({
      case: {
        id: input.trace_id,
        input: input.input,
        assertions: [],
        tags: ["shadow"],
        severity: "warning",
      },
      epoch: 0,
      seed: run.seed,
      runId: run.id,
      signal: run.signal,
    });
    for (const call of result.tool_calls) counts[tools.sourceOf(call.name, call.arguments)]++;
    return { result, tools: counts, latency_ms: performance.now() - started };
  } catch (error) {
    return {
      error: { class: "agent_error", message: errorMessage(error) },
      tools: counts,
      latency_ms: performance.now() - started,
    };
  }
}
