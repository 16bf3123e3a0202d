import type { Span } from "../../core/index.js";
import { TRACE_ATTRIBUTES } from "../../store/index.js";
import { aiSdkDialect } from "./ai-sdk.js";
import { genAiLegacyDialect } from "./genai-legacy.js";
import { openInferenceDialect } from "./openinference.js";
import type { Dialect } from "./types.js";

export type { Dialect } from "./types.js";
export { aiSdkDialect, genAiLegacyDialect, openInferenceDialect };

/** The AI SDK's spans also carry the legacy `gen_ai.system`: its dialect maps them first. */
export const DIALECTS: readonly Dialect[] = [
  aiSdkDialect,
  openInferenceDialect,
  genAiLegacyDialect,
];

/**
 * Bring a span to the one internal shape (GenAI conventions), and give a root span the
 * trace-level attributes the mining module reads. Returns the names of dialects applied.
 */
export function normalizeSpan(span: Span, format: string): string[] {
  const isRoot = span.parent_span_id === undefined;
  const applied: string[] = [];
  for (const dialect of DIALECTS) {
    if (dialect.detect(span.attributes)) {
      dialect.apply(span, isRoot);
      applied.push(dialect.name);
    }
  }
  if (isRoot) {
    const a = span.attributes;
    if (a[TRACE_ATTRIBUTES.sourceFormat] === undefined) {
      a[TRACE_ATTRIBUTES.sourceFormat] =
        format === "otlp" && applied.includes(openInferenceDialect.name) ? "openinference" : format;
    }
    // An unhandled error at the root is the trace's outcome unless the sender said otherwise.
    if (a[TRACE_ATTRIBUTES.outcome] === undefined && span.status.code === "error") {
      a[TRACE_ATTRIBUTES.outcome] = "error";
    }
    const agent = a["gen_ai.agent.name"] ?? a["service.name"];
    if (a[TRACE_ATTRIBUTES.agentName] === undefined && typeof agent === "string" && agent !== "") {
      a[TRACE_ATTRIBUTES.agentName] = agent;
    }
  }
  return applied;
}
