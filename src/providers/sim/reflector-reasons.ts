/**
 * Grader reasons as a prompt engineer reads them: "output is not valid JSON: it starts with
 * prose…", "tool `x` was not called; no tools were called", "$.order_id: expected "ORD-1",
 * got "1"", "found PII: email address ×1". The built-in graders' wording is read precisely;
 * free-text reasons (LLM judges, custom graders) by the words a reviewer would use.
 */
import type { Finding, ThemeId } from "./reflector-evidence.js";
import type { ReflectionCheck, ReflectionFailure } from "./reflector-prompt.js";
import {
  allKeys,
  backticked,
  embeddedJson,
  firstMatch,
  hasIsoDate,
  hasNonIsoDate,
  isDatePattern,
  keyShape,
  keyStyle,
  lastSegment,
  quoted,
  type Rule,
  snip,
} from "./reflector-text.js";

interface JsonIssues {
  missing: string[];
  extra: string[];
  numbers: string[];
  dates: string[];
  enums: Array<{ field: string; values: string }>;
}

/** The per-path items of a JSON check's reason (schema errors, diff entries), if it is one. */
function jsonIssues(reason: string): JsonIssues | undefined {
  const items = firstMatch<string[]>(reason, [
    [/does not match the JSON schema: (.*)$/s, (m) => m[1]!.split("; ")],
    [/leaves match \([^)]*\); (.*)$/s, (m) => m[1]!.split("; ")],
    [/output JSON differs at (\$\S*): (.*)$/s, (m) => [`${m[1]}: ${m[2]}`]],
  ]);
  if (!items) return undefined;
  const out: JsonIssues = { missing: [], extra: [], numbers: [], dates: [], enums: [] };
  const rules: Array<Rule<void>> = [
    [/^\$\S*: missing required property "([^"]+)"/, (m) => out.missing.push(m[1]!)],
    [/^\$\S*: unexpected property "([^"]+)"/, (m) => out.extra.push(m[1]!)],
    [/^(\$\S*): missing\b/, (m) => out.missing.push(lastSegment(m[1]!))],
    [
      /^(\$\S*): unexpected(?: key)? \(value (.*)\)$/,
      (m) => {
        out.extra.push(lastSegment(m[1]!));
        if (/^"-?[\d,.]+"$/.test(m[2]!)) out.numbers.push(lastSegment(m[1]!));
      },
    ],
    [/^(\$\S*): must be (?:number|integer)\b/, (m) => out.numbers.push(lastSegment(m[1]!))],
    [
      /^(\$\S*): must match pattern "(.*)"$/,
      (m) => {
        if (isDatePattern(m[2]!)) out.dates.push(lastSegment(m[1]!));
      },
    ],
    [
      /^(\$\S*): must be one of (\[.*\])$/,
      (m) => out.enums.push({ field: lastSegment(m[1]!), values: m[2]! }),
    ],
    [
      /^(\$\S*): expected (?:\w+ )?(.+?), got (?:\w+ )?(.+)$/,
      (m) => {
        const [, path, want, got] = m;
        if (/^-?\d[\d.]*(?:e\d+)?$/.test(want!) && /^"[^"]*"$/.test(got!)) {
          out.numbers.push(lastSegment(path!));
        } else if (hasIsoDate(want!) && hasNonIsoDate(got!)) out.dates.push(lastSegment(path!));
      },
    ],
  ];
  for (const raw of items) firstMatch(raw.replace(/\s*\(\+\d+ more\)$/, "").trim(), rules);
  return out;
}

/** How an argument differs from the expected one, in the words an instruction would use. */
export function argumentChange(want: string, got: string): string {
  if (want.startsWith("/")) return "format";
  if (want !== got && want.toLowerCase() === got.toLowerCase()) return "case";
  if (got.length < want.length && want.endsWith(got)) return "prefix";
  if (got.length < want.length && want.startsWith(got)) return "suffix";
  if (got.length > want.length && got.includes(want)) return "extra";
  return "changed";
}

/** `$.order_id: expected "ORD-1", got "1"; $.note: missing` → one fact per argument. */
function argumentFacts(tool: string, diffs: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  for (const item of diffs.split("; ")) {
    firstMatch(item, [
      [
        /^\$\.?([\w.[\]"-]*): missing/,
        (m) => out.push({ tool, arg: lastSegment(`$.${m[1]}`), kind: "missing" }),
      ],
      [
        /^\$\.?([\w.[\]"-]*): expected (.+?), got (.+)$/,
        (m) => {
          const unquote = (s: string) => s.replace(/^"|"$/g, "");
          const kind = argumentChange(unquote(m[2]!), unquote(m[3]!));
          out.push({ tool, arg: lastSegment(`$.${m[1]}`), kind });
        },
      ],
    ]);
  }
  return out;
}

/** `tools called: a, b` in a reason → [a, b]. */
function calledTools(reason: string): string[] {
  const m = /tools called: ([^;()]*)/.exec(reason);
  if (!m) return [];
  return m[1]!
    .split(",")
    .map((s) => s.replace(/….*$/, "").trim())
    .filter((s) => /^[\w.-]+$/.test(s));
}

const POLICY_WORDS =
  /\b(polic(?:y|ies)|guarantee|warranty|refund|return|receipt|free|fee|days?|weeks?|months?|years?|hours?|eligible|allowed)\b/i;

/** A forbidden term reads as an invented policy when it or its sentence states a rule. */
function policyLike(term: string, output: string): boolean {
  if (POLICY_WORDS.test(term) || /\d/.test(term)) return true;
  const at = output.toLowerCase().indexOf(term.toLowerCase());
  if (at < 0) return false;
  return /\bpolic(?:y|ies)\b/i.test(output.slice(Math.max(0, at - 120), at + term.length + 60));
}

const PII_KINDS: Array<[RegExp, string]> = [
  [/e-?mail/i, "e-mail addresses"],
  [/phone/i, "phone numbers"],
  [/card|iban|account number/i, "payment card numbers"],
  [/ssn|social security|national id|passport/i, "ID numbers"],
  [/api key|secret|token|password/i, "secrets"],
  [/street|postal|home address/i, "home addresses"],
  [/\bip\b/i, "IP addresses"],
];

const piiKinds = (text: string): string =>
  PII_KINDS.filter(([re]) => re.test(text))
    .map(([, label]) => label)
    .join("|");

type Add = (theme: ThemeId, facts?: Record<string, string>, weight?: number) => void;

function jsonFindings(issues: JsonIssues, output: string, add: Add): void {
  const json = embeddedJson(output);
  const present = new Map(
    [...issues.extra, ...(json ? allKeys(json) : [])].map((k) => [keyShape(k), k]),
  );
  for (const key of issues.missing) {
    const renamed = present.get(keyShape(key));
    if (renamed !== undefined && renamed !== key) {
      add("json_key_names", { key, got: renamed, style: keyStyle(key) ?? "" });
    } else add("json_required_keys", { key });
  }
  const missing = new Set(issues.missing.map(keyShape));
  for (const key of issues.extra) if (!missing.has(keyShape(key))) add("json_extra_keys", { key });
  for (const key of issues.numbers) add("json_numbers", { key });
  for (const key of issues.dates) add("iso_dates", { key });
  for (const e of issues.enums) add("allowed_values", e);
}

function forbiddenFindings(terms: string[], category: string, output: string, add: Add): void {
  if (terms.some((t) => policyLike(t, output)) || /polic|invent/i.test(category)) {
    add("invented_policy", { terms: terms.join("|") });
  } else if (category && category !== "forbidden") add("forbidden_terms", { category });
  else add("forbidden_terms", { terms: terms.join("|") });
}

/** Findings of a reason that fits none of the built-in graders' wording. */
function freeTextFindings(check: ReflectionCheck, add: Add): void {
  const { reason, type } = check;
  const budget = type === "latency" || type === "cost";
  if (budget && /exceeds/.test(reason)) add("concise");
  const words = /\b\d+ words \(max (\d+)\)/.exec(reason);
  if (words) add("concise", { words: words[1]! });
  else if (
    /\b(too long|verbose|wordy|lengthy|rambl\w*|filler|padd(?:ed|ing))\b|exceeds .*\b(words|characters|tokens)\b/i.test(
      reason,
    )
  ) {
    add("concise", {}, budget ? 1 : 0.75);
  }
  if (
    /\brefus\w*\b/i.test(reason) &&
    /\b(expect|should|unnecessar|over|routine|allowed|answer)/i.test(reason)
  ) {
    add("over_refusal", {}, 0.75);
  }
  if (/\b(invent\w*|fabricat\w*|made[- ]up|hallucinat\w*)\b/i.test(reason)) {
    add("invented_policy", {}, 0.75);
  }
  if (
    /\b(personal (?:data|information)|pii|e-?mail address|phone number)\b/i.test(reason) &&
    /\b(reveal|leak|expos|includ|repeat|contain)/i.test(reason)
  ) {
    add("no_pii", { kinds: piiKinds(reason) }, 0.75);
  }
}

/** Findings from one failed check's reason, with its block for context (output, calls). */
export function checkFindings(check: ReflectionCheck, failure: ReflectionFailure): Finding[] {
  const { reason, type, name } = check;
  const evidence = `${name || type || "check"}: ${snip(reason)}`;
  const out: Finding[] = [];
  const add: Add = (theme, facts = {}, weight = 1) => out.push({ theme, facts, weight, evidence });
  const output = failure.output;

  const issues = jsonIssues(reason);
  if (issues) {
    jsonFindings(issues, output, add);
    return out;
  }
  const rules: Array<Rule<void>> = [
    [
      /not valid JSON: (.*)$/s,
      (m) => {
        const problem = m[1]!;
        if (
          /truncated|never closed|trailing comma|single-quoted|not quoted|comments|not a JSON value/.test(
            problem,
          )
        ) {
          add("json_syntax");
        } else if (/contains no JSON object/.test(problem)) {
          // Prose with no JSON at all is as often a symptom (nothing to report, no tool
          // called) as the cause; it counts, but less than JSON wrapped in prose.
          add("json_only", {}, 0.75);
        } else add("json_only");
      },
    ],
    [
      /tool `([^`]+)` was not called|`([^`]+)` was never called/,
      (m) => {
        const tool = (m[1] ?? m[2])!;
        const others = calledTools(reason).filter((t) => t !== tool);
        if (others.length > 0) add("wrong_tool", { expected: tool, wrong: others[0]! });
        else add("call_tool", { tool });
      },
    ],
    [
      /step \d+ differs: expected `([^`]+)`, got (?:`([^`]+)`|nothing)/,
      (m) =>
        m[2]
          ? add("wrong_tool", { expected: m[1]!, wrong: m[2] })
          : add("call_tool", { tool: m[1]! }),
    ],
    [
      /forbidden tools? (.*?) (?:was|were) called/,
      (m) => {
        const missed = failure.expectedToolCalls?.find(
          (c) => !failure.toolCalls.some((t) => t.name === c.name),
        );
        for (const tool of backticked(m[1]!)) {
          if (missed) add("wrong_tool", { expected: missed.name, wrong: tool });
          else add("avoid_tool", { tool });
        }
      },
    ],
    [
      /no call to `([^`]+)` has the expected arguments; closest \([^)]*\): (.*)$/s,
      (m) => {
        for (const facts of argumentFacts(m[1]!, m[2]!)) add("tool_arguments", facts);
      },
    ],
    [
      /call \S+ to `([^`]+)` does not match: (.*?)(?: \(\d+ of \d+ calls? match\))?$/s,
      (m) => {
        for (const facts of argumentFacts(m[1]!, m[2]!)) add("tool_arguments", facts);
      },
    ],
    [
      /to `([^`]+)` have invalid arguments/,
      (m) => add("tool_arguments", { tool: m[1]!, arg: "", kind: "changed" }),
    ],
    [
      /tool `([^`]+)` was called (\d+) times? \(expected (?:at most|exactly|\d+ to)/,
      (m) => (Number(m[2]) > 1 ? add("fewer_steps", { tool: m[1]! }) : undefined),
    ],
    [/took \d+ steps?, (?:more than|expected)/, () => add("fewer_steps")],
    [/found PII: (.*)$/s, (m) => add("no_pii", { kinds: piiKinds(m[1]!) })],
    [/^output refuses\b/, () => add("over_refusal")],
    [/^output does not refuse\b/, () => add("under_refusal")],
    [
      /output contains forbidden (.*)$/s,
      (m) =>
        forbiddenFindings(
          quoted(m[1]!).map((t) => t.replace(/…$/, "")),
          "",
          output,
          add,
        ),
    ],
    [
      /forbidden content found: (.*)$/s,
      (m) => {
        for (const part of m[1]!.split("; ")) {
          const c = /^([\w -]+): (.*)$/.exec(part);
          if (!c) continue;
          const terms = quoted(c[2]!);
          forbiddenFindings(
            terms.length > 0 ? terms : c[2]!.split(", "),
            c[1]!.trim(),
            output,
            add,
          );
        }
      },
    ],
    [
      /output does not match \/(.*)\/[a-z]*$/s,
      (m) => {
        const pattern = m[1]!;
        const cap = /\{\d*,\s*(\d+)\}\)?\$?$/.exec(pattern);
        if (isDatePattern(pattern) && hasNonIsoDate(output)) add("iso_dates");
        else if (cap) add("concise", /\[\\s\\S\]|\.\{/.test(pattern) ? { chars: cap[1]! } : {});
        else if (/^\^(?:\\s\*)?\[?\\?[{[]/.test(pattern)) add("json_only");
      },
    ],
    [
      /output (?:does not contain|is missing|contains none of)/,
      () => {
        if (quoted(reason).some(hasIsoDate) && hasNonIsoDate(output)) add("iso_dates");
      },
    ],
  ];
  const matched = firstMatch(
    reason,
    rules.map(
      ([re, then]): Rule<boolean> => [
        re,
        (m) => {
          then(m);
          return true;
        },
      ],
    ),
  );
  if (matched) return out;
  // Graders known by type whose reasons were reworded (or custom names that say what they check).
  if (type === "no-pii") add("no_pii", { kinds: piiKinds(reason) });
  else if (type === "no-refusal") add("over_refusal");
  else if (type === "refusal") add("under_refusal");
  else if (type === "max-steps") add("fewer_steps");
  else if (/date|iso/i.test(name) && hasNonIsoDate(output)) add("iso_dates");
  else freeTextFindings(check, add);
  return out;
}
