import type { Span } from "../../core/index.js";

export type TraceFormat = "jsonl" | "otlp-json" | "openinference" | "taubench" | "whowhen";
export const TRACE_FORMATS: readonly TraceFormat[] = [
  "jsonl",
  "otlp-json",
  "openinference",
  "taubench",
  "whowhen",
];

/** What `ratchet.source.format` says for each input format. */
export const SOURCE_FORMAT: Record<TraceFormat, string> = {
  jsonl: "jsonl",
  "otlp-json": "otlp",
  openinference: "openinference",
  taubench: "taubench",
  whowhen: "whowhen",
};

export interface ParseContext {
  /** 1-based line number (1 for a whole-file document). */
  line: number;
  /** Fallback start time for records without one (ms). */
  nowMs: number;
  /** The file's base name without extension, part of derived ids. */
  sourceName: string;
}

export interface ParsedRecord {
  spans: Span[];
  /** Problems that did not stop the record (e.g. some OTLP spans rejected). */
  issues?: string[];
  /** Spans of a Ratchet evaluation export, left out (they are not production traffic). */
  ownSpans?: number;
}

/** One input record (a parsed JSON line) → spans; throws `RecordError` when it is unusable. */
export type RecordParser = (value: unknown, ctx: ParseContext) => ParsedRecord;

export class RecordError extends Error {}
