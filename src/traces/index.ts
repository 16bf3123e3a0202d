// The span model and GenAI names live in core (every module records spans); this module
// will own OTLP receive/export and trace import.
export type { GenAiOperation, OpenSpan } from "../core/index.js";
export { GENAI, newSpanId, newTraceId, RATCHET, SpanRecorder } from "../core/index.js";
