import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { InputError } from "../../core/index.js";
import { jsonlObjects } from "./jsonl.js";

export type PointwiseLabel = "pass" | "fail";

export interface PointwiseRow {
  line: number;
  id?: string;
  input: string;
  output: string;
  reference?: string;
  label: PointwiseLabel;
}

export interface PairwiseRow {
  line: number;
  id?: string;
  instruction: string;
  output_1: string;
  output_2: string;
  label: 1 | 2;
}

export type LabelSet =
  | { mode: "pointwise"; file: string; rows: PointwiseRow[] }
  | { mode: "pairwise"; file: string; rows: PairwiseRow[] };

const PASS = new Set(["pass", "passed", "good", "yes", "true", "1", "correct"]);
const FAIL = new Set(["fail", "failed", "bad", "no", "false", "0", "incorrect"]);

function pointwiseLabel(value: unknown): PointwiseLabel | undefined {
  const key = typeof value === "string" ? value.trim().toLowerCase() : String(value);
  if (PASS.has(key)) return "pass";
  if (FAIL.has(key)) return "fail";
  return undefined;
}

const canonicalRow = (row: PointwiseRow | PairwiseRow): string =>
  "output_1" in row
    ? JSON.stringify(["pairwise", row.instruction, row.output_1, row.output_2, row.label])
    : JSON.stringify(["pointwise", row.input, row.output, row.reference ?? null, row.label]);

/**
 * The label set's identity: a hash of what is judged and how humans labelled it (row order,
 * ids, line numbers and label spellings such as `true`/`pass` do not count). Drift compares
 * only calibrations with the same hash: kappa on other items is not the same measurement.
 */
export function labelSetHash(labels: LabelSet): string {
  const rows: string[] = labels.rows.map(canonicalRow).sort();
  const hash = createHash("sha256");
  for (const row of rows) hash.update(row).update("\n");
  return hash.digest("hex").slice(0, 16);
}

/**
 * Human labels, JSONL: `{input, output, label}` (pointwise: pass/fail, true/false, 1/0) or
 * `{instruction, output_1, output_2, label: 1|2}` (pairwise, the LLMBar format). Every
 * problem names the file and line.
 */
export function parseLabels(text: string, file: string): LabelSet {
  const pointwise: PointwiseRow[] = [];
  const pairwise: PairwiseRow[] = [];
  for (const { line, row: r, bad } of jsonlObjects(text, file, "a JSON object")) {
    const str = (key: string): string => {
      const v = r[key];
      if (typeof v !== "string") throw bad(`\`${key}\` must be a string`, key);
      return v;
    };
    if ("output_1" in r || "output_2" in r || "instruction" in r) {
      const label = r.label === "1" ? 1 : r.label === "2" ? 2 : r.label;
      if (label !== 1 && label !== 2) {
        throw bad(
          `unknown pairwise label ${JSON.stringify(r.label)}: expected 1 or 2 (which output is better)`,
          "label",
        );
      }
      pairwise.push({
        line,
        ...(typeof r.id === "string" ? { id: r.id } : {}),
        instruction: str("instruction"),
        output_1: str("output_1"),
        output_2: str("output_2"),
        label,
      });
    } else {
      const label = pointwiseLabel(r.label);
      if (label === undefined) {
        throw bad(
          `unknown label ${JSON.stringify(r.label)}: expected pass or fail (also true/false, 1/0)`,
          "label",
        );
      }
      const reference = r.reference ?? r.expected;
      pointwise.push({
        line,
        ...(typeof r.id === "string" ? { id: r.id } : {}),
        input: str("input"),
        output: str("output"),
        ...(typeof reference === "string" ? { reference } : {}),
        label,
      });
    }
    if (pointwise.length > 0 && pairwise.length > 0) {
      throw bad(
        "mixes pointwise rows ({input, output, label}) with pairwise rows (output_1/output_2)",
      );
    }
  }
  if (pairwise.length > 0) return { mode: "pairwise", file, rows: pairwise };
  if (pointwise.length > 0) return { mode: "pointwise", file, rows: pointwise };
  throw new InputError("no labelled rows", { file });
}

export async function readLabels(file: string): Promise<LabelSet> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new InputError(`cannot read labels file ${file}`, { file });
  }
  return parseLabels(text, file);
}
