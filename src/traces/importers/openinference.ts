import type { Span } from "../../core/index.js";
import { isObject, requireObject, timeMs } from "./fields.js";
import { RecordError, type RecordParser } from "./types.js";

type Attrs = Span["attributes"];

/** Phoenix exports attributes nested (`{llm: {model_name}}`); flatten to dotted keys. */
function flatten(value: unknown, prefix: string, out: Attrs): void {
  if (value === undefined || value === null) return;
  if (typeof value === "string" || typeof value === "boolean") {
    out[prefix] = value;
  } else if (typeof value === "number") {
    if (Number.isFinite(value)) out[prefix] = value;
  } else if (Array.isArray(value)) {
    if (value.every((v) => typeof v === "string")) out[prefix] = value as string[];
    else
      value.forEach((v, i) => {
        flatten(v, `${prefix}.${i}`, out);
      });
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  }
}

function idOf(v: unknown, what: string): string {
  if (typeof v !== "string" || v === "") throw new RecordError(`${what} is missing`);
  return v.replace(/^0x/i, "").toLowerCase();
}

const STATUS: Record<string, Span["status"]["code"]> = { OK: "ok", ERROR: "error", UNSET: "unset" };

/**
 * One OpenInference span per line, as Phoenix exports them: `{name, context: {trace_id,
 * span_id}, parent_id, span_kind, start_time, end_time, status_code, status_message,
 * attributes, events}`. Flat or nested attributes; the dialect maps them afterwards.
 */
export const parseOpenInferenceRecord: RecordParser = (value) => {
  const r = requireObject(value, "line");
  const context = isObject(r.context) ? r.context : {};
  const traceId = idOf(context.trace_id ?? r.trace_id ?? r.traceId, "context.trace_id");
  const spanId = idOf(context.span_id ?? r.span_id ?? r.spanId, "context.span_id");
  const parentRaw = r.parent_id ?? r.parent_span_id ?? r.parentSpanId;
  const start = timeMs(r.start_time ?? r.startTime, "start_time");
  if (start === undefined) throw new RecordError("`start_time` is missing");
  const end = timeMs(r.end_time ?? r.endTime, "end_time") ?? start;
  const attributes: Attrs = {};
  flatten(r.attributes ?? {}, "", attributes);
  const kind = r.span_kind ?? r.kind;
  if (typeof kind === "string" && attributes["openinference.span.kind"] === undefined) {
    attributes["openinference.span.kind"] = kind.toUpperCase();
  }
  const status: Span["status"] = {
    code: STATUS[String(r.status_code ?? "UNSET").toUpperCase()] ?? "unset",
  };
  if (typeof r.status_message === "string" && r.status_message !== "")
    status.message = r.status_message;
  const events: Span["events"] = Array.isArray(r.events)
    ? r.events.filter(isObject).map((e) => {
        const attrs: Attrs = {};
        flatten(e.attributes ?? {}, "", attrs);
        return {
          name: typeof e.name === "string" ? e.name : "",
          time_ms: timeMs(e.timestamp ?? e.time, "events.timestamp") ?? start,
          ...(Object.keys(attrs).length ? { attributes: attrs } : {}),
        };
      })
    : [];
  const span: Span = {
    trace_id: traceId,
    span_id: spanId,
    ...(typeof parentRaw === "string" && parentRaw !== ""
      ? { parent_span_id: idOf(parentRaw, "parent_id") }
      : {}),
    name: typeof r.name === "string" ? r.name : "",
    kind: "internal",
    start_ms: start,
    end_ms: Math.max(start, end),
    attributes,
    status,
    events,
  };
  return { spans: [span] };
};
