import { type Attempt, DIMENSIONS, type Run } from "../core/index.js";
import { csvQuote, csvText } from "./escape.js";
import { failedAssertionLines, truncate } from "./text.js";
import type { AttemptSource, Sink } from "./types.js";

export const CSV_OUTPUT_LIMIT = 500;

export const CSV_HEADERS: readonly string[] = [
  "run_id",
  "variant",
  "case_id",
  "epoch",
  "status",
  "overall",
  ...DIMENSIONS.map((dimension) => `score_${dimension}`),
  "latency_ms",
  "cost_usd",
  "input_tokens",
  "output_tokens",
  "retries",
  "error_class",
  "failed_assertions",
  "output",
];

function num(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? "" : String(n);
}

export function csvRow(attempt: Attempt): string {
  const cells = [
    csvText(attempt.run_id),
    csvText(attempt.variant),
    csvText(attempt.case_id),
    num(attempt.epoch),
    csvText(attempt.status),
    num(attempt.overall),
    ...DIMENSIONS.map((dimension) => num(attempt.dimension_scores[dimension])),
    num(attempt.latency_ms),
    num(attempt.cost_usd),
    num(attempt.usage.input_tokens),
    num(attempt.usage.output_tokens),
    num(attempt.retries),
    csvText(attempt.error?.class ?? ""),
    csvText(failedAssertionLines(attempt).join(" | ")),
    csvText(truncate(attempt.output, CSV_OUTPUT_LIMIT)),
  ];
  return `${cells.join(",")}\r\n`;
}

/** RFC 4180: CRLF line ends, a header row, one row per attempt. */
export async function writeCsv(sink: Sink, _run: Run, attempts: AttemptSource): Promise<void> {
  await sink.write(`${CSV_HEADERS.map(csvQuote).join(",")}\r\n`);
  for await (const attempt of attempts()) await sink.write(csvRow(attempt));
}
