import type { Attempt } from "../core/index.js";
import { redactSpan } from "./span.js";
import type { Redactor } from "./types.js";

/**
 * The attempt as it may be stored and reported: its output, messages, tool calls and results,
 * side effects, spans, error message and graders' reasons and details redacted. Grading has
 * already happened on the raw text, so a `no-pii` or `not-contains` failure stands; a reason
 * quoting what it found is masked with the rest.
 */
export function redactAttempt(attempt: Attempt, redactor: Redactor): Attempt {
  if (!redactor.active) return attempt;
  return {
    ...attempt,
    output: redactor.text(attempt.output),
    messages: redactor.value(attempt.messages),
    tool_calls: redactor.value(attempt.tool_calls),
    side_effects: redactor.value(attempt.side_effects),
    // Spans are built per attempt by the agent: redacting them in place copies nothing.
    spans: attempt.spans.map((span) => redactSpan(span, redactor)),
    scores: attempt.scores.map((score) => ({
      ...score,
      reason: redactor.text(score.reason),
      ...(score.details ? { details: redactor.value(score.details) } : {}),
    })),
    ...(attempt.error
      ? { error: { ...attempt.error, message: redactor.text(attempt.error.message) } }
      : {}),
  };
}
