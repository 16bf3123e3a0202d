import type { Attempt, AttemptStatus, Run } from "../core/index.js";

export type ReportFormat = "json" | "jsonl" | "csv" | "junit" | "markdown" | "html";

export const REPORT_FORMATS: readonly ReportFormat[] = [
  "json",
  "jsonl",
  "csv",
  "junit",
  "markdown",
  "html",
] as const;

/** File extension (lower case, with dot) → format. `.xml` means JUnit XML. */
export const EXTENSION_FORMATS: Readonly<Record<string, ReportFormat>> = {
  ".json": "json",
  ".jsonl": "jsonl",
  ".csv": "csv",
  ".xml": "junit",
  ".md": "markdown",
  ".html": "html",
};

/** Which attempts a writer asks for: the store filters them before decoding any. */
export interface AttemptSelection {
  statuses?: readonly AttemptStatus[];
  variant?: string;
}

/**
 * A fresh iterable on each call. Writers iterate it once, except where a format needs a
 * second ordering (HTML failures first, JUnit grouped by variant); those ask for the part they
 * want, and still check each attempt, so a source that ignores the selection stays correct.
 */
export type AttemptSource = (selection?: AttemptSelection) => AsyncIterable<Attempt>;

/** Where a format writer puts its text; `write` resolves once it is safe to write more. */
export interface Sink {
  write(text: string): Promise<void>;
}

export type FormatWriter = (sink: Sink, run: Run, attempts: AttemptSource) => Promise<void>;

export interface WriteReportOptions {
  format?: ReportFormat;
}

export interface TableOptions {
  /** Per-column alignment; default left. */
  align?: Array<"left" | "right">;
  /** Total line width; the widest columns are cut with an ellipsis to fit. */
  maxWidth?: number;
  /** Bold headers with ANSI. */
  color?: boolean;
  /** Spaces before each line. */
  indent?: number;
  /** Between columns; default two spaces. */
  gap?: string;
}
