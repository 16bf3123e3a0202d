import { readFile, stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import {
  DEFAULT_MAX_LINE_CHARS,
  errorMessage,
  InputError,
  readLines,
  type Span,
} from "../core/index.js";
import { defaultRedactor, type Redactor, redactSpan } from "../redact/index.js";
import type { InsertSpansResult, TraceStore } from "../store/index.js";
import { normalizeSpan } from "./dialects/index.js";
import { isObject } from "./importers/fields.js";
import { parseGenericRecord } from "./importers/jsonl.js";
import { parseOpenInferenceRecord } from "./importers/openinference.js";
import { parseOtlpJsonRecord } from "./importers/otlp-json.js";
import { parseTaubenchRecord } from "./importers/taubench.js";
import {
  type ParseContext,
  RecordError,
  type RecordParser,
  SOURCE_FORMAT,
  type TraceFormat,
} from "./importers/types.js";
import { parseWhoWhenRecord } from "./importers/whowhen.js";

const PARSERS: Record<TraceFormat, RecordParser> = {
  jsonl: parseGenericRecord,
  "otlp-json": parseOtlpJsonRecord,
  openinference: parseOpenInferenceRecord,
  taubench: parseTaubenchRecord,
  whowhen: parseWhoWhenRecord,
};

export interface IngestOptions {
  format?: TraceFormat | "auto";
  /** Fail on the first problem line (after reading the whole file) and store nothing. */
  strict?: boolean;
  redactor?: Redactor;
  /** Spans per transaction. Default 2000. */
  batchSize?: number;
  /** Start time for records without one; default now. */
  nowMs?: number;
  /** How many bad lines to keep in the summary (all are counted). Default 100. */
  maxReported?: number;
  /** Longer lines are reported as bad and skipped unread. Default 64 Mi characters. */
  maxLineChars?: number;
}

export interface LineProblem {
  line: number;
  message: string;
}

export interface IngestSummary {
  file: string;
  format: TraceFormat;
  lines: number;
  records: number;
  spans: number;
  inserted: number;
  duplicates: number;
  traces: number;
  badLines: number;
  /** Spans of a Ratchet evaluation export (`ratchet export otlp`), not stored as production. */
  ownSpans: number;
  /** The first `maxReported` problems (bad lines and partly rejected records). */
  problems: LineProblem[];
}

/** Pick the format from the first record. */
export function detectFormat(value: unknown): TraceFormat | undefined {
  if (!isObject(value)) return undefined;
  if (Array.isArray(value.resourceSpans)) return "otlp-json";
  if ("task_id" in value && "reward" in value && Array.isArray(value.messages)) return "taubench";
  if (Array.isArray(value.messages)) return "jsonl";
  if (Array.isArray(value.history) && "mistake_agent" in value) return "whowhen";
  if (isObject(value.context) && ("span_kind" in value || "start_time" in value))
    return "openinference";
  const attributes = isObject(value.attributes) ? value.attributes : {};
  if ("span_kind" in value || "openinference.span.kind" in attributes) return "openinference";
  if ("task_id" in value && "reward" in value && Array.isArray(value.traj)) return "taubench";
  if ("input" in value || "output" in value || "inputs" in value || "outputs" in value)
    return "jsonl";
  return undefined;
}

function describe(error: unknown): string {
  // V8 quotes the line around the error (`Unexpected token 's', "…sk-pro"... is not valid
  // JSON`): a cut-off secret no redaction rule would recognize. Keep only the reason.
  if (error instanceof SyntaxError)
    return `invalid JSON: ${error.message.split(/, "|, \.\.\."/)[0]}`;
  return errorMessage(error);
}

interface RawRecord {
  line: number;
  value?: unknown;
  error?: string;
}

/** Each non-empty line as a parsed JSON value (or its parse error); or the whole document. */
async function* records(path: string, maxLineChars?: number): AsyncGenerator<RawRecord> {
  let first = true;
  for await (const next of readLines(path, maxLineChars ? { maxLineChars } : {})) {
    if (next.tooLong) {
      yield {
        line: next.line,
        error: `line of ${mebibytes(next.tooLong.chars)} is over the ${mebibytes(
          maxLineChars ?? DEFAULT_MAX_LINE_CHARS,
        )} limit; skipped without reading it into memory`,
      };
      first = false;
      continue;
    }
    const text = next.text.trim();
    if (text === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (first && (text === "{" || text === "[" || text.startsWith('{"resourceSpans'))) {
        // A pretty-printed (or otherwise multi-line) single document: OTLP JSON file.
        yield* wholeDocument(path);
        return;
      }
      yield { line: next.line, error: describe(error) };
      first = false;
      continue;
    }
    first = false;
    yield { line: next.line, value };
  }
}

const mebibytes = (chars: number) =>
  chars < 1024 * 1024
    ? `${(chars / 1024).toFixed(1)} KiB`
    : `${(chars / 1024 / 1024).toFixed(1)} MiB`;

async function* wholeDocument(path: string): AsyncGenerator<RawRecord> {
  const size = (await stat(path)).size;
  if (size > 512 * 1024 * 1024) {
    yield { line: 1, error: "a multi-line JSON document over 512 MiB; write one request per line" };
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    yield { line: 1, error: describe(error) };
    return;
  }
  // A JSON array of records (tau-bench's raw trajectory files): each element is a record.
  if (Array.isArray(value)) for (const element of value) yield { line: 1, value: element };
  else yield { line: 1, value };
}

/**
 * Stream a trace file into the store: line by line, spans normalized to the GenAI shape,
 * redacted, and written `batchSize` per transaction. Bad lines are reported by number and
 * skipped, or with `strict` the file is checked first and nothing is stored if any is bad.
 */
export async function ingestFile(
  traces: TraceStore,
  path: string,
  options: IngestOptions = {},
): Promise<IngestSummary> {
  try {
    await stat(path);
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${errorMessage(error)}`);
  }
  const format =
    options.format === undefined || options.format === "auto"
      ? await sniff(path, options.maxLineChars)
      : options.format;
  const nowMs = options.nowMs ?? Date.now();
  const ctxBase = { nowMs, sourceName: basename(path, extname(path)) };
  const maxReported = options.maxReported ?? 100;
  const redactor = options.redactor ?? defaultRedactor;
  // Problem messages may quote a field's value (`got "…"`); they are printed, so redact them.
  const problem = (p: LineProblem): LineProblem => ({ ...p, message: redactor.text(p.message) });
  if (options.strict) {
    const problems: LineProblem[] = [];
    let count = 0;
    for await (const r of parsed(path, format, ctxBase, options.maxLineChars)) {
      if (r.problems.length) {
        count += r.problems.length;
        if (problems.length < 20) problems.push(...r.problems.map(problem));
      }
    }
    if (count > 0) {
      const shown = problems.slice(0, 20).map((p) => `  ${path}:${p.line}: ${p.message}`);
      throw new InputError(
        `${count} bad line${count === 1 ? "" : "s"} in ${path} (--strict: nothing stored):\n${shown.join("\n")}${
          count > shown.length ? `\n  … and ${count - shown.length} more` : ""
        }`,
      );
    }
  }
  const batchSize = Math.max(1, options.batchSize ?? 2000);
  const summary: IngestSummary = {
    file: path,
    format,
    lines: 0,
    records: 0,
    spans: 0,
    inserted: 0,
    duplicates: 0,
    traces: 0,
    badLines: 0,
    ownSpans: 0,
    problems: [],
  };
  let batch: Span[] = [];
  const insertOptions = { sourceFormat: SOURCE_FORMAT[format] };
  const flush = async () => {
    if (batch.length === 0) return;
    const result: InsertSpansResult = await traces.insertSpans(batch, insertOptions);
    summary.inserted += result.inserted;
    summary.duplicates += result.duplicates;
    batch = [];
  };
  for await (const r of parsed(path, format, ctxBase, options.maxLineChars)) {
    summary.lines = r.line;
    if (r.spans) summary.records++;
    if (r.bad) summary.badLines++;
    summary.ownSpans += r.ownSpans ?? 0;
    for (const p of r.problems) {
      if (summary.problems.length < maxReported) summary.problems.push(problem(p));
    }
    for (const span of r.spans ?? []) {
      batch.push(redactSpan(span, redactor));
      // A trace has one root: counting roots counts traces without remembering ids.
      if (span.parent_span_id === undefined) summary.traces++;
    }
    summary.spans += r.spans?.length ?? 0;
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  if (summary.records === 0 && summary.badLines > 0) {
    // Nothing was stored: that is bad input, not a partial import.
    throw new InputError(
      `no line of ${path} was accepted as ${format} (${summary.badLines} bad line${
        summary.badLines === 1 ? "" : "s"
      }); first problems:\n${summary.problems
        .slice(0, 5)
        .map((p) => `  ${path}:${p.line}: ${p.message}`)
        .join("\n")}\n${ACCEPTED_FORMATS}`,
    );
  }
  return summary;
}

/** What ingest accepts, for messages about input it could not read. */
export const ACCEPTED_FORMATS = `accepted formats (--format), one JSON record per line:
  jsonl          {trace_id?, messages: [{role, content, tool_calls?}], outcome?, feedback?, metadata?}
                 or {trace_id? | id?, input, output, error?, tool_calls? | tools?, metadata?}
  otlp-json      {resourceSpans: [...]} (an OTLP ExportTraceServiceRequest; also a whole file)
  openinference  {name, context: {trace_id, span_id}, span_kind, start_time, attributes} (Phoenix)
  taubench       {task_id, trial?, reward, messages | traj, info?} (task_id and reward may be null)
see docs/traces-jsonl.md`;

interface ParsedLine {
  line: number;
  spans?: Span[];
  ownSpans?: number;
  bad: boolean;
  problems: LineProblem[];
}

async function* parsed(
  path: string,
  format: TraceFormat,
  ctxBase: Omit<ParseContext, "line">,
  maxLineChars: number | undefined,
): AsyncGenerator<ParsedLine> {
  const parse = PARSERS[format];
  const sourceFormat = SOURCE_FORMAT[format];
  for await (const r of records(path, maxLineChars)) {
    if (r.error !== undefined) {
      yield { line: r.line, bad: true, problems: [{ line: r.line, message: r.error }] };
      continue;
    }
    try {
      const { spans, issues, ownSpans } = parse(r.value, { ...ctxBase, line: r.line });
      for (const span of spans) normalizeSpan(span, sourceFormat);
      yield {
        line: r.line,
        spans,
        ...(ownSpans ? { ownSpans } : {}),
        bad: false,
        problems: (issues ?? []).map((message) => ({ line: r.line, message })),
      };
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      yield { line: r.line, bad: true, problems: [{ line: r.line, message: error.message }] };
    }
  }
}

/** Detect the format from the first record that parses. */
async function sniff(path: string, maxLineChars: number | undefined): Promise<TraceFormat> {
  let firstProblem: string | undefined;
  for await (const r of records(path, maxLineChars)) {
    if (r.error !== undefined) {
      firstProblem ??= `${r.line}: ${r.error}`;
      continue;
    }
    const format = detectFormat(r.value);
    if (format) return format;
    throw new InputError(
      `cannot tell the format of ${path} from line ${r.line} (keys: ${
        isObject(r.value) ? Object.keys(r.value).slice(0, 8).join(", ") || "none" : typeof r.value
      }); pass --format\n${ACCEPTED_FORMATS}`,
    );
  }
  throw new InputError(
    `${path} has no JSON records${firstProblem ? ` (first problem: ${path}:${firstProblem})` : ""}\n${ACCEPTED_FORMATS}`,
  );
}
