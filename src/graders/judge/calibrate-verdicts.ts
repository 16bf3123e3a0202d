import { readFile } from "node:fs/promises";
import { InputError } from "../../core/index.js";
import type { Label } from "../../stats/index.js";
import { UNPARSED } from "./calibrate-agreement.js";
import { jsonlObjects } from "./jsonl.js";
import type { LabelSet } from "./labels.js";

/** One line of a verdicts file: a judge's stored answer for the labelled row with this id. */
export interface VerdictRow {
  line: number;
  id: string;
  /** `unparsed` when the stored verdict is null (the judge's reply did not parse). */
  verdict: Label;
  /** The verdict with the outputs swapped, in dataset numbering (pairwise only). */
  verdict_swapped?: Label;
}

/** A labelled row joined to its verdicts. */
export interface JudgedRow {
  truth: Label;
  verdict: Label;
  verdict_swapped?: Label;
}

const PASS = new Set(["pass", "passed", "true", "yes", "1", "correct"]);
const FAIL = new Set(["fail", "failed", "false", "no", "0", "incorrect"]);

function verdictValue(value: unknown, mode: LabelSet["mode"]): Label | undefined {
  if (value === null) return UNPARSED;
  if (mode === "pairwise") {
    if (value === 1 || value === "1") return 1;
    if (value === 2 || value === "2") return 2;
    if (value === "tie") return "tie";
    return undefined;
  }
  const key = typeof value === "string" ? value.trim().toLowerCase() : String(value);
  if (PASS.has(key)) return "pass";
  if (FAIL.has(key)) return "fail";
  return undefined;
}

/**
 * Stored verdicts, JSONL `{id, verdict, verdict_swapped?}`: pairwise 1 | 2 | "tie" | null,
 * pointwise pass/fail (also true/false, 1/0) | null; null means the judge's reply did not
 * parse and counts as wrong. Either every line has `verdict_swapped` or none. Malformed lines
 * and duplicate ids name the file and line.
 */
export function parseVerdicts(text: string, file: string, mode: LabelSet["mode"]): VerdictRow[] {
  const rows: VerdictRow[] = [];
  const seen = new Map<string, number>();
  let swappedSince: number | undefined;
  let plainSince: number | undefined;
  const expected =
    mode === "pairwise"
      ? "1, 2, tie or null (which output the judge preferred)"
      : "pass, fail (also true/false, 1/0) or null";
  const shape = "a JSON object {id, verdict, verdict_swapped?}";
  for (const { line, row: r, bad } of jsonlObjects(text, file, shape)) {
    const id = typeof r.id === "number" ? String(r.id) : r.id;
    if (typeof id !== "string" || id === "") {
      throw bad("`id` must be a non-empty string (the id of a row in --labels)", "id");
    }
    const first = seen.get(id);
    if (first !== undefined) throw bad(`duplicate id \`${id}\` (first on line ${first})`, "id");
    seen.set(id, line);
    if (!("verdict" in r)) throw bad("missing `verdict`", "verdict");
    const verdict = verdictValue(r.verdict, mode);
    if (verdict === undefined) {
      throw bad(`unknown verdict ${JSON.stringify(r.verdict)}: expected ${expected}`, "verdict");
    }
    const out: VerdictRow = { line, id, verdict };
    if ("verdict_swapped" in r) {
      if (mode !== "pairwise") {
        throw bad("`verdict_swapped` applies to pairwise labels only", "verdict_swapped");
      }
      const swapped = verdictValue(r.verdict_swapped, mode);
      if (swapped === undefined) {
        throw bad(
          `unknown verdict_swapped ${JSON.stringify(r.verdict_swapped)}: expected ${expected}`,
          "verdict_swapped",
        );
      }
      out.verdict_swapped = swapped;
      swappedSince ??= line;
    } else {
      plainSince ??= line;
    }
    if (swappedSince !== undefined && plainSince !== undefined) {
      throw bad(
        `some lines have \`verdict_swapped\` (line ${swappedSince}) and some do not (line ${plainSince}): give it on every line or on none`,
        "verdict_swapped",
      );
    }
    rows.push(out);
  }
  if (rows.length === 0) throw new InputError("no verdicts", { file });
  return rows;
}

/**
 * Joins verdicts to labels by id. Every verdict must name a labelled row and every labelled
 * row must have a verdict: a partial join would calibrate on a different set of items than
 * the label set's hash says.
 */
export function joinVerdicts(labels: LabelSet, verdicts: VerdictRow[], file: string): JudgedRow[] {
  const byId = new Map<string, number>();
  labels.rows.forEach((row, index) => {
    if (row.id === undefined) {
      throw new InputError("every labelled row needs an `id` to be joined with --verdicts", {
        file: labels.file,
        line: row.line,
        key: "id",
      });
    }
    const first = byId.get(row.id);
    if (first !== undefined) {
      throw new InputError(
        `duplicate id \`${row.id}\` (first on line ${labels.rows[first]!.line})`,
        { file: labels.file, line: row.line, key: "id" },
      );
    }
    byId.set(row.id, index);
  });
  const joined = new Array<JudgedRow | undefined>(labels.rows.length);
  for (const v of verdicts) {
    const index = byId.get(v.id);
    if (index === undefined) {
      throw new InputError(`unknown id \`${v.id}\`: no row with this id in ${labels.file}`, {
        file,
        line: v.line,
        key: "id",
      });
    }
    joined[index] = {
      truth: labels.rows[index]!.label,
      verdict: v.verdict,
      ...(v.verdict_swapped !== undefined ? { verdict_swapped: v.verdict_swapped } : {}),
    };
  }
  const missing = labels.rows.filter((_, i) => joined[i] === undefined);
  if (missing.length > 0) {
    const first = missing[0]!;
    throw new InputError(
      `${missing.length} labelled row(s) have no verdict in ${file}, the first \`${first.id}\`; give a null verdict for rows the judge could not answer`,
      { file: labels.file, line: first.line, key: "id" },
    );
  }
  return joined as JudgedRow[];
}

export async function readVerdicts(file: string, mode: LabelSet["mode"]): Promise<VerdictRow[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new InputError(`cannot read verdicts file ${file}`, { file });
  }
  return parseVerdicts(text, file, mode);
}
