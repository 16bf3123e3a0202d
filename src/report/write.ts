import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import type { Writable } from "node:stream";
import { InputError, type Run } from "../core/index.js";
import { writeCsv } from "./csv.js";
import { writeHtml } from "./html.js";
import { writeJson, writeJsonl } from "./json.js";
import { writeJunit } from "./junit.js";
import { writeMarkdown } from "./markdown.js";
import { StreamSink } from "./sink.js";
import {
  type AttemptSource,
  EXTENSION_FORMATS,
  type FormatWriter,
  REPORT_FORMATS,
  type ReportFormat,
  type WriteReportOptions,
} from "./types.js";

const WRITERS: Record<ReportFormat, FormatWriter> = {
  json: writeJson,
  jsonl: writeJsonl,
  csv: writeCsv,
  junit: writeJunit,
  markdown: writeMarkdown,
  html: writeHtml,
};

const ALIASES: Readonly<Record<string, ReportFormat>> = { xml: "junit", md: "markdown" };

function knownFormats(): string {
  return Object.entries(EXTENSION_FORMATS)
    .map(([ext, format]) => `${ext} (${format})`)
    .join(", ");
}

/** A `--format` value (format name or extension without dot) → format; unknown → InputError. */
export function parseReportFormat(name: string): ReportFormat {
  const key = name.trim().toLowerCase().replace(/^\./, "");
  const format = (REPORT_FORMATS as readonly string[]).includes(key)
    ? (key as ReportFormat)
    : ALIASES[key];
  if (!format) {
    throw new InputError(
      `unknown report format "${name}"; known formats: ${REPORT_FORMATS.join(", ")}`,
      { key: "format" },
    );
  }
  return format;
}

/** The format a path's extension names; unknown → InputError naming the path and the known formats. */
export function reportFormatFor(path: string): ReportFormat {
  const format = EXTENSION_FORMATS[extname(path).toLowerCase()];
  if (!format) {
    throw new InputError(
      `cannot tell the report format from "${path}"; known extensions: ${knownFormats()}`,
      { file: path },
    );
  }
  return format;
}

/**
 * Stream a report to any writable (stdout for `--output -`). Ends the stream when done.
 * Attempts are read through `attempts()` as they come and never collected.
 */
export async function writeReportToStream(
  stream: Writable,
  format: ReportFormat,
  run: Run,
  attempts: AttemptSource,
): Promise<void> {
  const sink = new StreamSink(stream);
  await WRITERS[format](sink, run, attempts);
  await sink.end();
}

/**
 * Write a report file. The format comes from `options.format` or the extension. The file is
 * written beside its target and renamed into place, so a failed run never leaves half a report.
 */
export async function writeReport(
  path: string,
  run: Run,
  attempts: AttemptSource,
  options: WriteReportOptions = {},
): Promise<void> {
  const format = options.format ?? reportFormatFor(path);
  await mkdir(dirname(path), { recursive: true });
  const temp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`,
  );
  const stream = createWriteStream(temp, { encoding: "utf8" });
  const closed = () =>
    stream.closed
      ? Promise.resolve()
      : new Promise<void>((resolve) => stream.once("close", () => resolve()));
  try {
    await writeReportToStream(stream, format, run, attempts);
    await closed();
    await rename(temp, path);
  } catch (error) {
    // The file is opened asynchronously: wait until the stream has let go of it, or the open
    // may land after the removal and leave the temp file behind.
    stream.destroy();
    await closed();
    await rm(temp, { force: true });
    throw error;
  }
}
