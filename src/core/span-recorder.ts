import { randomBytesFromPool } from "./random-pool.js";
import type { Span } from "./types.js";

type Attributes = Span["attributes"];

export function newTraceId(): string {
  return randomBytesFromPool(16).toString("hex");
}

export function newSpanId(): string {
  return randomBytesFromPool(8).toString("hex");
}

export interface OpenSpan {
  readonly span: Span;
  set(attributes: Attributes): void;
  event(name: string, attributes?: Record<string, unknown>): void;
  end(status?: Span["status"], endMs?: number): Span;
}

/**
 * Collects the spans of one attempt. Spans are plain records (not SDK objects) so they can
 * be stored with the attempt and exported later over OTLP without a live tracer.
 */
export class SpanRecorder {
  readonly traceId: string;
  private readonly finished: Span[] = [];
  /** Start order, the tie-break when spans share a start millisecond (parents start first). */
  private readonly startOrder = new WeakMap<Span, number>();
  private started = 0;

  constructor(
    traceId: string = newTraceId(),
    private readonly now: () => number = Date.now,
  ) {
    this.traceId = traceId;
  }

  start(
    name: string,
    options: {
      parent?: OpenSpan | string;
      kind?: Span["kind"];
      attributes?: Attributes;
      startMs?: number;
    } = {},
  ): OpenSpan {
    const parentId =
      typeof options.parent === "string" ? options.parent : options.parent?.span.span_id;
    const span: Span = {
      trace_id: this.traceId,
      span_id: newSpanId(),
      ...(parentId ? { parent_span_id: parentId } : {}),
      name,
      kind: options.kind ?? "internal",
      start_ms: options.startMs ?? this.now(),
      end_ms: 0,
      attributes: { ...(options.attributes ?? {}) },
      status: { code: "unset" },
      events: [],
    };
    this.startOrder.set(span, this.started++);
    let ended = false;
    return {
      span,
      set: (attributes) => {
        Object.assign(span.attributes, attributes);
      },
      event: (eventName, attributes) => {
        span.events.push({
          name: eventName,
          time_ms: this.now(),
          ...(attributes ? { attributes } : {}),
        });
      },
      end: (status, endMs) => {
        if (ended) return span;
        ended = true;
        span.end_ms = endMs ?? this.now();
        if (status) span.status = status;
        this.finished.push(span);
        return span;
      },
    };
  }

  /** Finished spans, parents before children when they share a start time. */
  spans(): Span[] {
    const order = (span: Span) => this.startOrder.get(span) ?? 0;
    return [...this.finished].sort((a, b) => a.start_ms - b.start_ms || order(a) - order(b));
  }
}
