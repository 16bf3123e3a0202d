// The span model and GenAI names live in core (every module records spans); this module
// owns the wire formats: OTLP in and out, importers, and dialect mapping.
export type { GenAiOperation, OpenSpan } from "../core/index.js";
export { GENAI, newSpanId, newTraceId, RATCHET, SpanRecorder } from "../core/index.js";
export { redactSpan } from "../redact/index.js";
export type { TraceOutcome, TraceSummary } from "../store/index.js";
export { TRACE_ATTRIBUTES, TRACE_OUTCOMES } from "../store/index.js";
export type { Dialect } from "./dialects/index.js";
export {
  aiSdkDialect,
  DIALECTS,
  genAiLegacyDialect,
  normalizeSpan,
  openInferenceDialect,
} from "./dialects/index.js";
export type { ExportResult } from "./export.js";
export { exportRunOverOtlp, otlpTracesUrl } from "./export.js";
export type { Conversation, ConversationMessage } from "./importers/conversation.js";
export { conversationToSpans } from "./importers/conversation.js";
export type { TraceFormat } from "./importers/types.js";
export { TRACE_FORMATS } from "./importers/types.js";
export type { WhoWhenMessage, WhoWhenRow } from "./importers/whowhen.js";
export { parseWhoWhenRow, whoWhenSpeaker } from "./importers/whowhen.js";
export type { IngestOptions, IngestSummary, LineProblem } from "./ingest.js";
export { detectFormat, ingestFile } from "./ingest.js";
export type { ConvertResult } from "./otlp/convert.js";
export { convertExportRequest, isOwnEvalResource, nanosToMs, OWN_EXPORT } from "./otlp/convert.js";
export { OTLP_TRACE_DESCRIPTOR } from "./otlp/descriptor.js";
export type { OtlpExportRequest, OtlpSpan } from "./otlp/types.js";
export type { PartialSuccess } from "./otlp/wire.js";
export {
  decodeExportRequest,
  decodeExportResponse,
  decodeRpcStatus,
  encodeExportRequest,
  encodeExportResponse,
  encodeRpcStatus,
  exportResponseJson,
} from "./otlp/wire.js";
