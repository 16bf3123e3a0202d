/**
 * The reflector's judgement: which theme most failing cases share, which instruction fixes it,
 * and whether to add it, sharpen (replace) a prompt line about the same thing, or remove a
 * line that asks for the very mistake. Deterministic: the same prompt, the same patch.
 */
import { type Finding, findingsOf, type ThemeId } from "./reflector-evidence.js";
import type { ParsedReflectionPrompt, PatchOperation } from "./reflector-prompt.js";
import { wordCount } from "./reflector-text.js";
import {
  contradicts,
  relatedness,
  THEME_PRIORITY,
  type ThemeContext,
  type ThemeTally,
  themeInstructions,
} from "./reflector-themes.js";

export interface ReflectorPatch {
  operation: PatchOperation;
  instruction?: string;
  target?: string;
  rationale: string;
}

const THEME_LABEL: Record<ThemeId, string> = {
  json_only: "prose or a code fence around a JSON answer",
  json_syntax: "invalid or truncated JSON",
  json_key_names: "JSON keys spelled differently from the expected names",
  json_required_keys: "required JSON fields left out",
  json_extra_keys: "extra JSON fields",
  json_numbers: "numbers written as strings in the JSON",
  allowed_values: "values outside the allowed set",
  call_tool: "answers given without calling the required tool",
  wrong_tool: "the wrong tool called",
  avoid_tool: "a tool called that should not be",
  tool_arguments: "tool arguments that differ from what the user wrote",
  fewer_steps: "too many steps or repeated tool calls",
  iso_dates: "dates not in ISO 8601 (YYYY-MM-DD)",
  no_pii: "personal data repeated in the answer",
  over_refusal: "refusals of requests that should be answered",
  under_refusal: "harmful or out-of-scope requests answered instead of refused",
  invented_policy: "invented policy statements",
  forbidden_terms: "forbidden content in the answer",
  concise: "long, padded answers",
};

/** TARGET words (the failure cluster's label) that name a theme; they break near-ties. */
const TARGET_HINTS: Array<[RegExp, ThemeId[]]> = [
  [/\b(code fence|prose|markdown|wrapp)/i, ["json_only"]],
  [/\b(invalid json|truncat|malformed)/i, ["json_syntax"]],
  [/\b(camel|snake|key names?|renam)/i, ["json_key_names"]],
  [/\b(missing (?:field|key)|dropp)/i, ["json_required_keys"]],
  [/\bnumbers? as strings?|stringif/i, ["json_numbers"]],
  [/\b(skip|no tool|not called|without (?:calling|a tool))/i, ["call_tool"]],
  [/\bwrong tool/i, ["wrong_tool"]],
  [/\b(argument|prefix|verbatim)/i, ["tool_arguments"]],
  [/\bdates?\b/i, ["iso_dates"]],
  [/\b(pii|personal|e-?mail|phone|privacy|leak)/i, ["no_pii"]],
  [/\b(over-?refus|refus)/i, ["over_refusal"]],
  [/\b(invent|polic|hallucinat)/i, ["invented_policy"]],
  [/\b(verbose|padd|long|length|latency|concise|filler)/i, ["concise"]],
];

export function tallyThemes(parsed: ParsedReflectionPrompt): ThemeTally[] {
  const tallies = new Map<ThemeId, ThemeTally>();
  for (const failure of parsed.failures) {
    const byTheme = new Map<ThemeId, Finding[]>();
    for (const f of findingsOf(failure)) byTheme.set(f.theme, [...(byTheme.get(f.theme) ?? []), f]);
    for (const [theme, findings] of byTheme) {
      const t = tallies.get(theme) ?? { theme, score: 0, lines: 0, facts: [], examples: [] };
      t.score += Math.max(...findings.map((f) => f.weight));
      // Several checks often quote the same reason (json-valid, json-schema): count it once.
      t.lines += new Set(findings.map((f) => f.evidence.replace(/^[^:]*: /, ""))).size;
      t.facts.push(...findings.map((f) => f.facts));
      const strongest = findings.reduce((a, b) => (b.weight > a.weight ? b : a));
      t.examples.push({ caseId: failure.caseId, evidence: strongest.evidence });
      tallies.set(theme, t);
    }
  }
  for (const [re, themes] of TARGET_HINTS) {
    if (!re.test(parsed.target)) continue;
    for (const theme of themes) {
      const t = tallies.get(theme);
      if (t) t.score += 0.25;
    }
  }
  return [...tallies.values()].sort(
    (a, b) =>
      b.score - a.score ||
      b.lines - a.lines ||
      THEME_PRIORITY.indexOf(a.theme) - THEME_PRIORITY.indexOf(b.theme),
  );
}

/**
 * The prompt's instructions as exact substrings (so a `target` can be found and replaced):
 * sentences within paragraphs and list items, without bullet markers.
 */
export function promptSentences(prompt: string): string[] {
  const items: string[] = [];
  for (const para of prompt.replace(/\r\n/g, "\n").split(/\n[ \t]*\n/)) {
    let current: string[] = [];
    const flush = () => {
      const text = current.join("\n").trim();
      if (text) items.push(text);
      current = [];
    };
    for (const line of para.split("\n")) {
      const bullet = /^\s*(?:[-*•+]|\d{1,3}[.)])\s+/.exec(line);
      if (bullet || /^\s*#/.test(line)) {
        flush();
        current.push(bullet ? line.slice(bullet[0].length) : line);
        if (!bullet) flush();
      } else current.push(line);
    }
    flush();
  }
  const out: string[] = [];
  for (const item of items) {
    let start = 0;
    for (const m of item.matchAll(/(?<=[.!?])\s+(?=[A-Z"'`(])/g)) {
      out.push(item.slice(start, m.index).trim());
      start = m.index + m[0].length;
    }
    out.push(item.slice(start).trim());
  }
  return out.filter((s) => s !== "" && prompt.includes(s));
}

const normWords = (text: string): string[] =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9_\s-]/g, " ")
    .split(/\s+/)
    .filter(Boolean);

/** Same instruction in other words: near-identical word sets, or one inside the other. */
export function similar(a: string, b: string): boolean {
  const x = normWords(a);
  const y = normWords(b);
  if (x.length === 0 || y.length === 0) return false;
  const xs = x.join(" ");
  const ys = y.join(" ");
  if (xs === ys || (xs.length > 20 && ys.includes(xs)) || (ys.length > 20 && xs.includes(ys))) {
    return true;
  }
  const sx = new Set(x);
  const sy = new Set(y);
  const common = [...sx].filter((w) => sy.has(w)).length;
  return common / (sx.size + sy.size - common) >= 0.6;
}

/** Shortens to `max` words at a clause boundary when it can, else at a word. */
export function fitWords(text: string, max: number): string {
  if (wordCount(text) <= max) return text;
  let cut = text;
  while (wordCount(cut) > max) {
    const at = Math.max(cut.lastIndexOf("; "), cut.lastIndexOf(", "), cut.lastIndexOf(": "));
    const paren = cut.lastIndexOf(" (");
    const boundary = Math.max(at, paren);
    if (boundary <= 0) break;
    cut = cut.slice(0, boundary);
  }
  if (wordCount(cut) <= max && wordCount(cut) >= 3) return `${cut.replace(/[,;:]$/, "")}.`;
  return `${text
    .split(/\s+/)
    .slice(0, max)
    .join(" ")
    .replace(/[,;:.]$/, "")}.`;
}

function context(parsed: ParsedReflectionPrompt): ThemeContext {
  const texts = [parsed.prompt, ...parsed.failures.map((f) => f.input)].join("\n");
  const tools = new Set<string>();
  for (const f of parsed.failures) {
    for (const c of [...f.toolCalls, ...(f.expectedToolCalls ?? [])]) tools.add(c.name);
    for (const check of f.failed)
      for (const m of check.reason.matchAll(/`([\w.-]+)`/g)) tools.add(m[1]!);
  }
  for (const m of parsed.prompt.matchAll(/\b[a-z]+(?:_[a-z]+)+\b/g)) tools.add(m[0]);
  const kbTool = [...tools].find((t) =>
    /(^|_)(kb|knowledge|faq|docs?|help_?center|polic(?:y|ies))(_|$)|^search(_|$)/i.test(t),
  );
  return {
    person: /\bcustomers?\b/i.test(texts) ? "customer" : "user",
    ...(kbTool ? { kbTool } : {}),
  };
}

const GENERIC = [
  "Before answering, check that the reply uses facts from your tools, follows the requested format exactly and adds nothing extra.",
  "Read the request carefully and answer exactly what it asks, in the requested format, using tool results rather than assumptions.",
];

function rationale(t: ThemeTally | undefined, total: number, action: string): string {
  if (!t) return `The ${total} failing cases share no single evidence pattern; ${action}`;
  const n = t.examples.length;
  const e = t.examples[0]!;
  return `${n} of ${total} failing cases show ${THEME_LABEL[t.theme]} (e.g. ${e.caseId || "a case"}: ${e.evidence}); ${action}`;
}

const quoteLine = (line: string): string => {
  const flat = line.replace(/\s+/g, " ");
  return `"${flat.length > 60 ? `${flat.slice(0, 59)}…` : flat}"`;
};

/** The patch for a parsed reflection prompt; undefined when no allowed operation applies. */
export function decidePatch(parsed: ParsedReflectionPrompt): ReflectorPatch | undefined {
  const allowed = new Set(parsed.operations);
  const ctx = context(parsed);
  const sentences = promptSentences(parsed.prompt);
  const total = parsed.failures.length;
  const fresh = (text: string) =>
    !parsed.avoid.some((a) => similar(a, text)) && !sentences.some((s) => similar(s, text));

  const tallies = tallyThemes(parsed);
  for (const t of tallies) {
    const candidates = themeInstructions(t, ctx)
      .map((i) => fitWords(i, parsed.maxInstructionWords))
      .filter(fresh);
    const related = sentences
      .map((line) => ({ line, score: relatedness(t, line), conflict: contradicts(t, line) }))
      .filter((r) => r.score >= 1 || r.conflict);
    const conflict = related.find((r) => r.conflict);
    const sound = related.filter((r) => !r.conflict).sort((a, b) => b.score - a.score)[0];

    if (conflict && sound && allowed.has("remove")) {
      return {
        operation: "remove",
        target: conflict.line,
        rationale: rationale(
          t,
          total,
          `the line ${quoteLine(conflict.line)} asks for it and contradicts ${quoteLine(sound.line)}, so remove it.`,
        ),
      };
    }
    const instruction = candidates[0];
    const replaceable = conflict ?? sound;
    if (instruction !== undefined && replaceable && allowed.has("replace")) {
      return {
        operation: "replace",
        instruction,
        target: replaceable.line,
        rationale: rationale(
          t,
          total,
          replaceable.conflict
            ? `the line ${quoteLine(replaceable.line)} asks for the wrong thing, so replace it.`
            : `the existing line ${quoteLine(replaceable.line)} evidently does not prevent it, so replace it with a sharper one.`,
        ),
      };
    }
    if (instruction !== undefined && allowed.has("add")) {
      return {
        operation: "add",
        instruction,
        rationale: rationale(t, total, "add an explicit instruction against it."),
      };
    }
    if (conflict && allowed.has("remove")) {
      return {
        operation: "remove",
        target: conflict.line,
        rationale: rationale(t, total, `the line ${quoteLine(conflict.line)} asks for it.`),
      };
    }
  }
  const generic = GENERIC.map((g) => fitWords(g, parsed.maxInstructionWords)).find(fresh);
  if (generic && allowed.has("add")) {
    const seen = tallies[0];
    return {
      operation: "add",
      instruction: generic,
      rationale: seen
        ? `${seen.examples.length} of ${total} failing cases show ${THEME_LABEL[seen.theme]}, but every instruction I would write for it is already tried (AVOID) or in the prompt; add a general self-check.`
        : rationale(undefined, total, "add a general self-check."),
    };
  }
  return undefined;
}
