import {
  type Attributes,
  type AttributeValue,
  type Context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import { ExportResultCode, type ExportResult as SdkExportResult } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type IdGenerator,
  type ReadableSpan,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { type Attempt, errorMessage, InputError, RATCHET, type Span } from "../core/index.js";
import type { Store } from "../store/index.js";
import { derivedSpanId, derivedTraceId } from "./importers/ids.js";
import { OWN_EXPORT } from "./otlp/convert.js";

export interface ExportResult {
  url: string;
  attempts: number;
  spans: number;
}

/** `http://host:4318` → `http://host:4318/v1/traces`; a full traces URL is kept. */
export function otlpTracesUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InputError(`invalid OTLP endpoint "${endpoint}": expected http(s)://host:port`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InputError(
      `invalid OTLP endpoint "${endpoint}": only http(s) (OTLP/HTTP) is supported`,
    );
  }
  if (!url.pathname.endsWith("/v1/traces")) {
    url.pathname = `${url.pathname.replace(/\/+$/, "")}/v1/traces`;
  }
  return url.toString();
}

/**
 * Hands the SDK the ids we already have. The tracer asks for a trace id only for a span with
 * no parent and for a span id for every span, so setting `next` before each `startSpan`
 * re-creates the stored span with its original ids.
 */
class ReplayIdGenerator implements IdGenerator {
  next: { traceId?: string; spanId?: string } = {};
  generateTraceId(): string {
    const id = this.next.traceId ?? derivedTraceId("export", Math.random());
    this.next.traceId = undefined;
    return id;
  }
  generateSpanId(): string {
    const id = this.next.spanId ?? derivedSpanId("export", String(Math.random()));
    this.next.spanId = undefined;
    return id;
  }
}

/** Counts what reached the collector and keeps the first failure (the batch processor hides them). */
class CountingExporter implements SpanExporter {
  exported = 0;
  failure: string | undefined;
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: (result: SdkExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.exported += spans.length;
      else this.failure ??= describeExportError(result.error);
      done(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

function describeExportError(error: unknown): string {
  const first = Array.isArray(error) ? error[0] : error;
  if (first === undefined || first === null) return "export failed";
  const code = (first as { code?: unknown }).code;
  return `${errorMessage(first)}${typeof code === "number" ? ` (HTTP ${code})` : ""}`;
}

const KIND: Record<Span["kind"], SpanKind> = {
  internal: SpanKind.INTERNAL,
  client: SpanKind.CLIENT,
  server: SpanKind.SERVER,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

const isHex = (s: string | undefined, n: number) =>
  s !== undefined && s.length === n && /^[0-9a-f]+$/.test(s) && !/^0+$/.test(s);

function attributeValue(v: unknown): AttributeValue | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  return JSON.stringify(v);
}

function attributesOf(record: Record<string, unknown> | undefined): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(record ?? {})) {
    const value = attributeValue(v);
    if (value !== undefined) out[k] = value;
  }
  return out;
}

const BATCH = 512;

/**
 * Export one evaluation run over OTLP/HTTP (protobuf) with the OpenTelemetry SDK: each
 * attempt's stored spans with their original ids and times, and every score as a
 * `gen_ai.evaluation.result` event on the attempt's root span (or on a span made for the
 * attempt when it recorded none).
 */
export async function exportRunOverOtlp(
  store: Store,
  runId: string,
  endpoint: string,
  headers: Record<string, string> = {},
): Promise<ExportResult> {
  const run = await store.getRun(runId);
  if (run === undefined) throw new InputError(`no run ${runId}`);
  const url = otlpTracesUrl(endpoint);
  const ids = new ReplayIdGenerator();
  const exporter = new CountingExporter(new OTLPTraceExporter({ url, headers }));
  const provider = new BasicTracerProvider({
    // Marked as Ratchet's own evaluation spans, so that a Ratchet receiver does not take them
    // for production traffic (spend, failures) when they come back to it.
    resource: resourceFromAttributes({
      "service.name": OWN_EXPORT.serviceName,
      [OWN_EXPORT.sourceKey]: OWN_EXPORT.sourceValue,
      [RATCHET.runId]: run.id,
      "ratchet.pipeline": run.pipeline,
    }),
    idGenerator: ids,
    spanProcessors: [
      new BatchSpanProcessor(exporter, {
        maxExportBatchSize: BATCH,
        maxQueueSize: BATCH * 4,
        scheduledDelayMillis: 60_000,
      }),
    ],
  });
  const tracer = provider.getTracer(OWN_EXPORT.scopeName, "0.1.0");
  let ended = 0;
  let attempts = 0;

  const replay = (span: Span, extra: Attributes, attempt: Attempt | undefined) => {
    let context: Context = ROOT_CONTEXT;
    const traceId = isHex(span.trace_id, 32) ? span.trace_id : derivedTraceId(span.trace_id);
    if (span.parent_span_id !== undefined) {
      context = trace.setSpanContext(ROOT_CONTEXT, {
        traceId,
        spanId: isHex(span.parent_span_id, 16)
          ? span.parent_span_id
          : derivedSpanId(span.trace_id, span.parent_span_id),
        traceFlags: TraceFlags.SAMPLED,
      });
    } else {
      ids.next.traceId = traceId;
    }
    ids.next.spanId = isHex(span.span_id, 16)
      ? span.span_id
      : derivedSpanId(span.trace_id, span.span_id);
    const s = tracer.startSpan(
      span.name,
      {
        kind: KIND[span.kind] ?? SpanKind.INTERNAL,
        startTime: span.start_ms,
        attributes: {
          ...attributesOf(span.attributes),
          ...extra,
          ...(traceId !== span.trace_id ? { "ratchet.source.trace_id": span.trace_id } : {}),
        },
      },
      context,
    );
    for (const event of span.events) {
      s.addEvent(event.name, attributesOf(event.attributes), event.time_ms);
    }
    if (attempt) {
      const at = Date.parse(attempt.finished_at);
      for (const score of attempt.scores) {
        s.addEvent(
          "gen_ai.evaluation.result",
          {
            "gen_ai.evaluation.name": score.grader,
            "gen_ai.evaluation.score.value": score.score,
            "gen_ai.evaluation.score.label": score.passed ? "pass" : "fail",
            "gen_ai.evaluation.explanation": score.reason,
            "ratchet.evaluation.dimension": score.dimension,
          },
          Number.isFinite(at) ? at : span.end_ms,
        );
      }
    }
    if (span.status.code !== "unset") {
      s.setStatus({
        code: span.status.code === "error" ? SpanStatusCode.ERROR : SpanStatusCode.OK,
        ...(span.status.message ? { message: span.status.message } : {}),
      });
    }
    s.end(Math.max(span.end_ms, span.start_ms));
  };

  try {
    for await (const attempt of store.iterateAttempts(run.id)) {
      attempts++;
      const attemptAttributes: Attributes = {
        [RATCHET.runId]: run.id,
        [RATCHET.caseId]: attempt.case_id,
        [RATCHET.epoch]: attempt.epoch,
        "ratchet.attempt.id": attempt.id,
        "ratchet.attempt.variant": attempt.variant,
        "ratchet.attempt.status": attempt.status,
        "ratchet.attempt.overall": attempt.overall,
      };
      let root = attempt.spans.find((s) => s.parent_span_id === undefined);
      if (root === undefined) {
        const start = Date.parse(attempt.started_at);
        const end = Date.parse(attempt.finished_at);
        const traceId = attempt.spans[0]?.trace_id ?? derivedTraceId("attempt", attempt.id);
        root = {
          trace_id: traceId,
          span_id: derivedSpanId(traceId, `attempt:${attempt.id}`),
          name: `ratchet.attempt ${attempt.case_id}`,
          kind: "internal",
          start_ms: Number.isFinite(start) ? start : 0,
          end_ms: Number.isFinite(end) ? end : 0,
          attributes: {},
          status: attempt.status === "error" ? { code: "error" } : { code: "unset" },
          events: [],
        };
        replay(root, attemptAttributes, attempt);
      }
      for (const span of attempt.spans) {
        replay(span, span === root ? attemptAttributes : {}, span === root ? attempt : undefined);
        if (++ended % BATCH === 0) await provider.forceFlush();
      }
      ended += attempt.spans.includes(root) ? 0 : 1;
    }
    await provider.forceFlush();
  } catch (error) {
    // The SDK rejects a flush with the list of export errors; keep the first readable one.
    exporter.failure ??= describeExportError(error);
  } finally {
    await provider.shutdown().catch(() => undefined);
  }
  if (exporter.failure !== undefined) {
    throw new InputError(
      `OTLP export to ${url} failed after ${exporter.exported} spans: ${exporter.failure}`,
    );
  }
  return { url, attempts, spans: exporter.exported };
}
