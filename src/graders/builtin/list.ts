import { z } from "zod";
import { outputJson } from "../derived.js";
import { levenshteinSimilarity } from "../strings.js";
import { quote } from "../text.js";
import type { GradeInput, GraderDefinition } from "../types.js";
import { fail, pass } from "../verdict.js";

export type ListFormat = "auto" | "lines" | "json" | "comma";

const BULLET = /^\s*(?:[-*•‣◦+]|\d{1,3}[.)]|[a-zA-Z][.)](?=\s))\s+/;

/**
 * The items of a list answer. `auto`: a JSON array if the whole output is one; else the
 * non-empty lines with bullets / numbering removed; a single line is split on `,` / `;`.
 */
export function listItems(input: GradeInput, format: ListFormat): string[] {
  // Only a bracketed output can be a JSON array; skipping the parse (and its diagnosis of
  // why prose is not JSON) keeps the common bullet-list case cheap.
  const bracketed = /^\s*\[/.test(input.output);
  if (format === "json" || (format === "auto" && bracketed)) {
    const parsed = outputJson(input);
    if (parsed.ok && Array.isArray(parsed.value)) {
      return parsed.value.map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
    }
    if (format === "json") return [];
  }
  const lines = input.output
    .split(/\r?\n/)
    .map((l) => l.replace(BULLET, "").trim())
    .filter((l) => l !== "");
  if (format === "comma" || (format === "auto" && lines.length === 1)) {
    return lines
      .flatMap((l) => l.split(/[,;]|\s+(?:and|or)\s+/i))
      .map((s) => s.replace(/^\s*(?:and|or)\s+/i, "").trim())
      .filter((s) => s !== "");
  }
  return lines;
}

function canon(text: string, ignoreCase: boolean): string {
  const t = text
    .replace(/\*\*|__|`/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[.;:,!]+$/, "");
  return ignoreCase ? t.toLowerCase() : t;
}

const listParams = z
  .strictObject({
    value: z.array(z.string().min(1)).min(1),
    match: z.enum(["all", "any"]).default("all"),
    format: z.enum(["auto", "lines", "json", "comma"]).default("auto"),
    ignore_case: z.boolean().default(true),
    /** `true` (0.8) or a similarity threshold: an item matches when its edit similarity is at least this. */
    fuzzy: z.union([z.boolean(), z.number().min(0).max(1)]).default(false),
    /** When false, output items that match no expected item fail the check. */
    allow_extra: z.boolean().default(true),
  })
  .transform((p) => ({
    ...p,
    threshold: p.fuzzy === true ? 0.8 : p.fuzzy === false ? 1 : p.fuzzy,
    wanted: p.value.map((v) => canon(v, p.ignore_case)),
  }));

export const listContains: GraderDefinition<z.output<typeof listParams>> = {
  type: "list-contains",
  dimension: "accuracy",
  params: listParams,
  negatable: true,
  description:
    "the output's items (JSON array, lines/bullets, or comma list) contain `all`/`any` of `value`; `fuzzy` edit-similarity matching; `allow_extra`",
  grade(input, p) {
    const items = listItems(input, p.format);
    if (items.length === 0)
      return fail(`no list items found in the output ${quote(input.output, 40)}`);
    const canonical = items.map((i) => canon(i, p.ignore_case));
    const used = new Set<number>();
    const found: string[] = [];
    const missing: string[] = [];
    p.wanted.forEach((want, k) => {
      let bestIndex = -1;
      let bestScore = -1;
      canonical.forEach((have, i) => {
        if (used.has(i)) return;
        const s = have === want ? 1 : p.threshold < 1 ? levenshteinSimilarity(have, want) : 0;
        if (s > bestScore) {
          bestScore = s;
          bestIndex = i;
        }
      });
      if (bestIndex >= 0 && bestScore >= p.threshold) {
        used.add(bestIndex);
        found.push(p.value[k]!);
      } else missing.push(p.value[k]!);
    });
    const extra = items.filter((_, i) => !used.has(i));
    const list = (xs: string[]) =>
      xs
        .slice(0, 5)
        .map((x) => quote(x, 30))
        .join(", ");
    if (p.match === "any") {
      return found.length > 0
        ? pass(`list contains ${list(found)} (any of ${p.value.length})`)
        : fail(`list contains none of ${list(missing)}; items: ${list(items)}`);
    }
    const extraBad = !p.allow_extra && extra.length > 0;
    if (missing.length === 0 && !extraBad) {
      return pass(`list contains all ${p.value.length} expected items (${items.length} items)`);
    }
    const total = p.value.length + (p.allow_extra ? 0 : extra.length);
    const problems = [
      ...(missing.length ? [`missing ${list(missing)}`] : []),
      ...(extraBad ? [`unexpected ${list(extra)}`] : []),
    ];
    return {
      score: found.length / total,
      passed: false,
      reason: `list ${problems.join(" and ")} (found ${found.length} of ${p.value.length})`,
      details: { missing, ...(extraBad ? { extra } : {}) },
    };
  },
};
