import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import type { Case } from "../../core/index.js";
import { errorMessage, InputError } from "../../core/index.js";
import { suggestionSuffix } from "../did-you-mean.js";
import { parseWith } from "../issues.js";
import { CaseInputSchema } from "../schema/case.js";
import { finishCase } from "./case.js";

const PLAIN_COLUMNS = [
  "id",
  "input",
  "expected_output",
  "expected_json",
  "context",
  "tags",
  "severity",
  "owner",
  "expires_at",
] as const;
const ASSERT_PREFIX = "assert:";

function checkHeader(header: string[], file: string): void {
  header.forEach((name, i) => {
    if (name.startsWith(ASSERT_PREFIX)) {
      if (name.length === ASSERT_PREFIX.length) {
        throw new InputError("`assert:` column needs a grader type, e.g. `assert:contains`", {
          file,
          line: 1,
          key: `column ${i + 1}`,
        });
      }
      return;
    }
    if (!(PLAIN_COLUMNS as readonly string[]).includes(name)) {
      throw new InputError(
        `unknown column \`${name}\`${suggestionSuffix(name, PLAIN_COLUMNS)} (columns: ${PLAIN_COLUMNS.join(", ")}, assert:<type>)`,
        { file, line: 1, key: name },
      );
    }
  });
  for (const required of ["id", "input"]) {
    if (!header.includes(required)) {
      throw new InputError(`the header has no \`${required}\` column`, {
        file,
        line: 1,
        key: required,
      });
    }
  }
}

function jsonCell(text: string, file: string, line: number, column: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`invalid JSON: ${errorMessage(error)}`, { file, line, key: column });
  }
}

/** Cells become case fields; empty cells are absent rather than empty strings. */
function rowToCase(
  header: string[],
  row: string[],
  file: string,
  line: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  const assertions: Array<Record<string, unknown>> = [];
  header.forEach((column, i) => {
    const cell = row[i] ?? "";
    if (cell === "") return;
    if (column.startsWith(ASSERT_PREFIX)) {
      // A JSON object/array cell carries structured params; anything else is the value.
      const trimmed = cell.trim();
      const value =
        trimmed.startsWith("{") || trimmed.startsWith("[")
          ? jsonCell(trimmed, file, line, column)
          : cell;
      assertions.push({ type: column.slice(ASSERT_PREFIX.length), value });
      return;
    }
    switch (column) {
      case "expected_output":
        expected.output = cell;
        break;
      case "expected_json":
        expected.json = jsonCell(cell, file, line, column);
        break;
      case "context":
        out.context = jsonCell(cell, file, line, column);
        break;
      case "tags":
        out.tags = cell
          .split(";")
          .map((t) => t.trim())
          .filter((t) => t !== "");
        break;
      default:
        out[column] = cell;
    }
  });
  if (Object.keys(expected).length > 0) out.expected = expected;
  if (assertions.length > 0) out.assertions = assertions;
  return out;
}

/** Streams rows through csv-parse; only one row is held at a time. */
export async function* readCsvSuite(file: string, label: string): AsyncGenerator<Case> {
  const parser = createReadStream(file).pipe(
    parse({ bom: true, info: true, skip_empty_lines: true, relax_column_count: true }),
  );
  let header: string[] | undefined;
  try {
    for await (const item of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const { record, info } = item;
      if (header === undefined) {
        header = record.map((h) => h.trim());
        checkHeader(header, file);
        continue;
      }
      // info.lines is where the record ends; quoted newlines move its start up.
      const line = info.lines - record.reduce((n, cell) => n + (cell.split("\n").length - 1), 0);
      const raw = rowToCase(header, record, file, line);
      const parsed = parseWith(CaseInputSchema, raw, { file, line, locate: () => ({ line }) });
      yield finishCase(parsed, `${label}:${line}`);
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const line = (error as { lines?: number }).lines;
    throw new InputError(`invalid CSV: ${errorMessage(error)}`, {
      file,
      ...(typeof line === "number" ? { line } : {}),
    });
  } finally {
    parser.destroy();
  }
}
