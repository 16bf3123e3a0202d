/**
 * Rule from evidence: what the failing checks say was expected, turned into instructions a
 * prompt engineer would write. Reads only the graders' evidence, the cases and the agent's
 * output — never the inside of a model — so it works offline and on any agent.
 */
import type { FailedCheck, FailureEvidence } from "./types.js";

/** One problem the evidence points at, with the instructions that address it, best first. */
export interface Theme {
  /** Stable key, e.g. `tool_required:lookup_order`. */
  key: string;
  /** Severity-weighted count of failing cases that show it. */
  weight: number;
  cases: string[];
  /** Alternative phrasings, tried in order when an earlier one did not work. */
  instructions: string[];
  /** Matches an instruction already in the prompt about the same thing (for `replace`). */
  related: RegExp;
  /** One sentence: what the evidence says. */
  evidence: string;
}

const SEVERITY_WEIGHT: Record<FailureEvidence["severity"], number> = {
  blocking: 3,
  warning: 1,
  exploratory: 0.5,
};

const NOT_ISO_DATE =
  /\b\d{1,2}\/\d{1,2}\/\d{2,4}\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(st|nd|rd|th)?,? \d{4}\b|\b\d{1,2} (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{4}\b/i;
const ISO_HINT = /\\d\{4\}-\\d\{2\}-\\d\{2\}|\b\d{4}-\d{2}-\d{2}\b|yyyy-mm-dd|iso ?8601|date/i;
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

type Found = Omit<Theme, "weight" | "cases">;

/** The themes one failed check shows, given the rest of its case. */
function themesOf(check: FailedCheck, evidence: FailureEvidence): Found[] {
  const { type, reason } = check;
  const out: Found[] = [];
  const called = new Set(evidence.toolCalls.map((c) => c.name));
  const expected = new Set((evidence.expectedToolCalls ?? []).map((c) => c.name));

  if (
    /not valid JSON/i.test(reason) &&
    /prose|fence|markdown|starts with|followed by/i.test(reason)
  ) {
    out.push({
      key: "json_only",
      instructions: [
        "When asked for JSON, reply with only the raw JSON object: no prose, no markdown and no code fences.",
        "Output JSON only: nothing but the JSON object itself, without any explanation before or after it.",
      ],
      related: /\bjson\b/i,
      evidence: "answers that should be JSON come wrapped in prose or a code fence",
    });
  }

  // A tool that should have been called and was not: skipped, or another tool instead.
  const missing = [
    ...reason.matchAll(/(?:tool )?`([\w.-]+)` (?:was not called|was never called)/g),
  ].map((m) => m[1] as string);
  for (const tool of new Set(missing)) {
    const instead = [...called].filter((name) => name !== tool && !expected.has(name));
    if (instead.length > 0) {
      const other = instead[0] as string;
      out.push({
        key: `wrong_tool:${tool}:${other}`,
        instructions: [
          `When the request needs ${tool}, call ${tool} to do it; do not use ${other} instead.`,
          `Use ${tool} for these requests, never ${other}: always call ${tool} when it applies.`,
        ],
        related: new RegExp(`\\b${escapeRegex(tool)}\\b`, "i"),
        evidence: `${other} was called where ${tool} was expected`,
      });
    } else {
      out.push({
        key: `tool_required:${tool}`,
        instructions: [
          `Always call ${tool} before answering; never guess or answer from memory.`,
          `You must use the tools before answering: look it up with ${tool} first and base the answer on its result.`,
        ],
        related: new RegExp(`\\b${escapeRegex(tool)}\\b`, "i"),
        evidence: `${tool} was not called; the answer was made up without it`,
      });
    }
  }

  const args = /(?:`([\w.-]+)`[^$]*)?\$\.([\w.[\]]+): expected "([^"]*)", got "([^"]*)"/.exec(
    reason,
  );
  if (args && /tool/i.test(type)) {
    const tool = /`([\w.-]+)`/.exec(reason)?.[1] ?? [...expected][0] ?? "the tool";
    const arg = (args[2] ?? "argument").replace(/\[\d+\]/g, "");
    const want = args[3] ?? "";
    const got = args[4] ?? "";
    const prefixDropped = want.length > got.length && want.endsWith(got) && got !== "";
    out.push({
      key: `exact_args:${tool}:${arg}`,
      instructions: [
        prefixDropped
          ? `Pass ${arg} to ${tool} exactly as given by the user, including any prefix; never shorten it.`
          : `Pass ${arg} to ${tool} exactly as written by the user, verbatim and unchanged.`,
        `Copy the ${arg} value verbatim from the user's message into the ${tool} call, including the prefix.`,
      ],
      related: new RegExp(`\\b${escapeRegex(arg)}\\b`, "i"),
      evidence: `${tool} got ${arg} "${got}" where "${want}" was expected`,
    });
  }

  const dateCheck =
    (ISO_HINT.test(reason) || (check.name !== undefined && /date/i.test(check.name))) &&
    NOT_ISO_DATE.test(evidence.output);
  if (dateCheck) {
    out.push({
      key: "iso_dates",
      instructions: [
        "Write every date in ISO 8601 format (YYYY-MM-DD).",
        "Always format dates as YYYY-MM-DD (ISO 8601), never as MM/DD/YYYY or in words.",
      ],
      related: /\bdates?\b/i,
      evidence: "dates are written in a local format where ISO 8601 was expected",
    });
  }

  if (
    type === "no-pii" ||
    /\b(e-?mail|phone)\b.*\b(found|leak|contains)|personal data/i.test(reason)
  ) {
    out.push({
      key: "no_pii",
      instructions: [
        "Never reveal or repeat personal data such as e-mail addresses or phone numbers.",
        "Do not include personal information or contact details (e-mail addresses, phone numbers) in replies.",
      ],
      related: /personal|e-?mail|phone|contact/i,
      evidence: "replies repeat the customer's contact details",
    });
  }

  if (type === "no-refusal" || (/refus/i.test(reason) && type !== "refusal")) {
    out.push({
      key: "no_refusal",
      instructions: [
        "Do not refuse routine requests you are allowed to handle; you are authorized to help with them.",
        "Never refuse a request that is within your role: you are allowed to handle it, so do it.",
      ],
      related: /refus|allowed|authori[sz]ed/i,
      evidence: "routine requests are refused",
    });
  }

  if (
    ["not-contains", "forbidden-content", "output-must-not-contain"].includes(type) ||
    /forbidden (rubric )?term/i.test(reason)
  ) {
    out.push({
      key: "no_invented",
      instructions: [
        "Do not invent policies, terms or promises; only state policies found in the knowledge base or the tools' results.",
        "Never make up policy details; only cite what the knowledge base says.",
      ],
      related: /invent|make up|polic/i,
      evidence: "answers add claims (policies, promises) that are not in the sources",
    });
  }

  // A length cap: a latency or word-count check, a regex bounding the whole output
  // (`/^[\s\S]{1,400}$/`), or an answer far longer than the expected one.
  const cap = /does not match \/\^?[^/]*\{\d*,(\d+)\}\$?\//.exec(reason)?.[1];
  if (
    type === "latency" ||
    cap !== undefined ||
    /too long|words? \(max|at most \d+ words|verbose|padding|filler/i.test(reason) ||
    (evidence.expectedOutput !== undefined &&
      evidence.output.length > 400 &&
      evidence.output.length > 2.5 * evidence.expectedOutput.length)
  ) {
    out.push({
      key: "concise",
      instructions: [
        cap
          ? `Be concise: keep answers short (under ${cap} characters), with no filler or pleasantries.`
          : "Be concise: keep answers short, with no filler or pleasantries.",
        "Answer in at most 3 sentences; do not pad the reply.",
      ],
      related: /concise|brief|short|filler|sentences/i,
      evidence: cap
        ? `answers run past the ${cap}-character limit`
        : "answers are padded far beyond what was asked",
    });
  }

  // Keys the answer renamed (camelCase for snake_case…) show up as missing required properties
  // beside the same names, spelt differently, in the answer's JSON.
  const missingKeys = [
    ...reason.matchAll(/required property ['"]([\w-]+)['"]|missing (?:key|field) [`'"]?([\w-]+)/g),
  ]
    .map((m) => m[1] ?? m[2])
    .filter((x): x is string => x !== undefined);
  const fold = (key: string) => key.toLowerCase().replace(/[_-]/g, "");
  const outputKeys = jsonKeys(evidence.output);
  const renamed = missingKeys.filter((k) => outputKeys.some((o) => o !== k && fold(o) === fold(k)));
  const extraKeys =
    /additional propert|must NOT have additional|unexpected (key|field|property)|renamed/i;
  if (renamed.length > 0 || extraKeys.test(reason)) {
    out.push({
      key: "json_keys",
      instructions: [
        "Use exactly the JSON field names given, in snake_case; never rename fields or change their case.",
        "Keep JSON keys exactly as specified (snake_case), with no extra or renamed keys.",
      ],
      related: /\b(keys?|field names?)\b/i,
      evidence: `JSON keys are renamed${renamed.length > 0 ? ` (${renamed.slice(0, 2).join(", ")} spelt differently)` : ""}`,
    });
  }
  const dropped = missingKeys.filter((k) => !renamed.includes(k));
  if (dropped.length > 0 && renamed.length === 0 && !extraKeys.test(reason)) {
    out.push({
      key: "json_required",
      instructions: [
        `Always include every required field in the JSON, such as ${[...new Set(dropped)].slice(0, 2).join(" and ")}.`,
        "Never drop a field from the JSON: include every key the format asks for.",
      ],
      related: /\b(every|all|required) (field|key)s?\b/i,
      evidence: `JSON answers miss required fields (${dropped.join(", ")})`,
    });
  }
  if (
    /must be (number|integer)|expected (a )?number|got "[\d,.]+"/i.test(reason) &&
    /json|\$\./i.test(reason)
  ) {
    out.push({
      key: "json_numbers",
      instructions: [
        "Write numbers as plain JSON numbers, not strings, and without thousands separators.",
        "Numeric fields must be JSON numbers, never quoted strings.",
      ],
      related: /\bnumbers?\b/i,
      evidence: "numbers come back as strings",
    });
  }
  return out;
}

/** Top-level keys of the JSON object in a text (fenced or bare); none when there is none. */
function jsonKeys(text: string): string[] {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end <= start) return [];
  try {
    const value: unknown = JSON.parse(text.slice(start, end + 1));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? Object.keys(value)
      : [];
  } catch {
    return [];
  }
}

/**
 * The themes across all failing cases, most weighty first. A case counts once per theme,
 * weighted by its severity. A failure with evidence no rule reads yields no theme.
 */
export function adviseFromEvidence(evidence: readonly FailureEvidence[]): Theme[] {
  const byKey = new Map<string, Theme>();
  for (const item of evidence) {
    const seen = new Set<string>();
    for (const check of item.failed) {
      for (const found of themesOf(check, item)) {
        if (seen.has(found.key)) continue;
        seen.add(found.key);
        const theme = byKey.get(found.key) ?? { ...found, weight: 0, cases: [] };
        theme.weight += SEVERITY_WEIGHT[item.severity];
        theme.cases.push(item.caseId);
        byKey.set(found.key, theme);
      }
    }
  }
  return [...byKey.values()].sort(
    (a, b) => b.weight - a.weight || b.cases.length - a.cases.length || a.key.localeCompare(b.key),
  );
}
