import type { Attempt, Message } from "../../core/index.js";
import type { Store } from "../../store/index.js";
import { anthropicRecord } from "./anthropic.js";
import { attemptMessages, type ConversationResult } from "./conversation.js";
import { checkOutputPath } from "./files.js";
import { digest, normalizedTurns } from "./keys.js";
import { openAiChatRecord } from "./openai.js";
import { type ExportRedactor, redactConversation } from "./redaction.js";
import { type RunSelection, RunTools, selectRuns, toolsFor } from "./runs.js";
import { ExampleSink } from "./sink.js";
import { approvedTraces } from "./traces.js";
import type { ChatFormat, Conversation, ExportSummary, ToolDefinition } from "./types.js";

export interface FinetuneOptions {
  format: ChatFormat;
  /** Passed attempts scoring at least this overall (0..1). */
  minScore: number;
  runs: RunSelection;
  /** Production traces too (see `approvedTraces` for which). */
  includeTraces: boolean;
  /** Epoch ms: traces that started at or after it. */
  tracesSinceMs?: number;
  /** The agent's tools for production traces (the project config's), if any. */
  traceTools?: readonly ToolDefinition[];
  validationShare: number;
  seed: number;
  out: string;
  redactor: ExportRedactor;
  /** Where a run's tool fixture file is read from (the project folder). */
  projectDir: string;
}

/** One example in the chosen format; undefined when the format cannot hold it. */
function record(format: ChatFormat, conversation: Conversation): unknown {
  return format === "anthropic" ? anthropicRecord(conversation) : openAiChatRecord(conversation);
}

function calledTools(messages: readonly Message[]): string[] {
  return messages.flatMap((m) => (m.tool_calls ?? []).map((c) => c.name));
}

/**
 * Supervised fine-tuning examples: passing, high-scoring attempts of evaluation runs (and
 * approved production traces), redacted, de-duplicated and split, streamed run by run.
 */
export async function exportFinetune(
  store: Store,
  options: FinetuneOptions,
): Promise<ExportSummary> {
  const runs = await selectRuns(store, options.runs);
  const out = await checkOutputPath(options.out);
  const sink = new ExampleSink({
    out,
    validationShare: options.validationShare,
    seed: options.seed,
  });
  const add = async (
    result: ConversationResult,
    tools: ToolDefinition[] | undefined,
    group: string,
  ) => {
    if (!result.ok) {
      sink.skip(result.reason);
      return;
    }
    const conversation = redactConversation(
      { messages: result.messages, ...(tools ? { tools } : {}) },
      options.redactor,
    );
    const line = record(options.format, conversation);
    if (line === undefined) {
      sink.skip("does not start with a user turn");
      return;
    }
    await sink.add(digest(normalizedTurns(conversation.messages)), group, line);
  };
  let traces = 0;
  try {
    const runTools = new RunTools(store, options.projectDir);
    for (const run of runs) {
      const declared = await runTools.of(run);
      let passed = 0;
      for await (const attempt of store.iterateAttempts(run.id, { statuses: ["passed"] })) {
        passed++;
        if (attempt.overall < options.minScore) {
          sink.skip("below --min-score");
          continue;
        }
        const result = attemptMessages(attempt);
        const tools = result.ok ? toolsFor(declared, calledTools(result.messages)) : undefined;
        await add(result, tools, groupOf(attempt));
      }
      const notPassed = (await store.countAttempts(run.id)) - passed;
      sink.skip("not passed", notPassed);
    }
    if (options.includeTraces) {
      for await (const trace of approvedTraces(store, {
        ...(options.tracesSinceMs !== undefined ? { sinceMs: options.tracesSinceMs } : {}),
        skip: (reason) => sink.skip(reason),
      })) {
        traces++;
        const called = trace.ok ? calledTools(trace.messages) : [];
        const tools = called.length ? toolsFor(options.traceTools, called) : undefined;
        await add(trace, tools, `trace:${trace.traceId}`);
      }
    }
  } catch (error) {
    await sink.abort();
    throw error;
  }
  return sink.finish({
    kind: "finetune",
    format: options.format,
    sources: { runs: runs.map((r) => r.id), decisions: [], traces },
  });
}

/** Every epoch and every run of one case lands on the same side of the split. */
function groupOf(attempt: Attempt): string {
  return `case:${attempt.case_id}`;
}
