/**
 * The prompt engineer's phrasebook: for each kind of failure, the instructions a careful
 * engineer would write (best first; later ones are rephrasings for when an earlier one was
 * already tried), and how to spot a line of the current prompt that is about the same thing.
 * Written from the grader evidence alone, in the common phrasings real prompts use.
 */
import type { ThemeId } from "./reflector-evidence.js";

export interface ThemeTally {
  theme: ThemeId;
  /** Weighted number of FAILURE blocks that show this theme (each block counts once). */
  score: number;
  /** Evidence lines across blocks, the tie-breaker after `score`. */
  lines: number;
  facts: Array<Record<string, string>>;
  examples: Array<{ caseId: string; evidence: string }>;
}

export interface ThemeContext {
  /** Who the agent talks to: "customer" when the prompt or inputs say so, else "user". */
  person: string;
  /** A knowledge-base / search tool seen in the calls, for grounding instructions. */
  kbTool?: string;
}

/** When two themes tie, the one a prompt engineer would fix first (harm, then correctness). */
export const THEME_PRIORITY: readonly ThemeId[] = [
  "no_pii",
  "invented_policy",
  "call_tool",
  "wrong_tool",
  "tool_arguments",
  "json_only",
  "json_syntax",
  "json_key_names",
  "json_required_keys",
  "json_numbers",
  "iso_dates",
  "over_refusal",
  "under_refusal",
  "allowed_values",
  "json_extra_keys",
  "avoid_tool",
  "forbidden_terms",
  "fewer_steps",
  "concise",
];

/** Values of `key` across the facts, most frequent first (first seen breaks ties). */
export function topValues(facts: ReadonlyArray<Record<string, string>>, key: string): string[] {
  const counts = new Map<string, number>();
  for (const f of facts) {
    for (const v of (f[key] ?? "").split("|")) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([v]) => v);
}

/** The most frequent facts record whose `key` is the top value. */
function topFacts(
  facts: ReadonlyArray<Record<string, string>>,
  key: string,
): Record<string, string> {
  const best = topValues(facts, key)[0];
  return facts.find((f) => f[key] === best) ?? facts[0] ?? {};
}

function list(items: readonly string[], joiner: "and" | "or"): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} ${joiner} ${items[items.length - 1]}`;
}

const VERB_WORDS: Record<string, string> = {
  lookup: "look up",
  signup: "sign up",
  login: "log in",
};
const PREPOSITIONS = new Set(["to", "for", "with", "from", "by", "in", "on", "as"]);

/** `issue_refund` → "issue the refund", `escalate_to_human` → "escalate to human". */
export function toolPurpose(tool: string): string {
  const parts = tool
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[_\-.]+/)
    .filter(Boolean);
  if (parts.length < 2) return `use ${tool}`;
  const [verb, ...rest] = parts;
  const head = VERB_WORDS[verb!] ?? verb!;
  if (PREPOSITIONS.has(rest[0]!)) return `${head} ${rest.join(" ")}`;
  return `${head} the ${rest.join(" ")}`;
}

const STYLE_EXAMPLE: Record<string, string> = {
  snake_case: "order_id, never orderId",
  camelCase: "orderId, never order_id",
  PascalCase: "OrderId, never orderId",
  "kebab-case": "order-id, never orderId",
};

/** Instructions for a theme, best first. */
export function themeInstructions(t: ThemeTally, ctx: ThemeContext): string[] {
  const p = ctx.person;
  switch (t.theme) {
    case "json_only":
      return [
        "When asked for JSON, respond with only the raw JSON object: no prose, no markdown, no code fences.",
        "Output JSON answers as a bare JSON object only; add no text before or after it and never wrap it in ``` fences.",
        "If the request wants JSON, reply with just the JSON itself, starting with { and ending with }, with no explanation or markdown.",
      ];
    case "json_syntax":
      return [
        "Return strictly valid, complete JSON: double-quoted keys and strings, no trailing commas, no comments, every bracket closed.",
        "Make sure every JSON answer parses: use double quotes, close all brackets, and never add comments or trailing commas.",
      ];
    case "json_key_names": {
      const style = topValues(t.facts, "style")[0] ?? "";
      const keys = topValues(t.facts, "key").slice(0, 3);
      const pair = t.facts.find((f) => f.key && f.got && f.style === style);
      const example = pair ? `${pair.key}, never ${pair.got}` : (STYLE_EXAMPLE[style] ?? "");
      if (!style) {
        return [
          `Use the exact JSON key names given (${keys.join(", ")}); never rename, re-case or abbreviate keys.`,
          `Spell every JSON key exactly as requested (${keys.join(", ")}), character for character.`,
        ];
      }
      const other = style === "snake_case" ? "camelCase" : "snake_case";
      return [
        `Use the exact JSON key names given, in ${style} (e.g. ${example}); never rename keys.`,
        `Never rename JSON fields: spell every key exactly as specified, in ${style}, not ${other}.`,
        `JSON keys must match the requested names exactly (${keys.join(", ")}), using ${style}.`,
      ];
    }
    case "json_required_keys": {
      const keys = topValues(t.facts, "key").slice(0, 4);
      const named = keys.length > 0 ? ` (${keys.join(", ")})` : "";
      return [
        `Always include every required field in the JSON${named}, even when a value is empty or unknown (use null).`,
        `Every JSON answer must contain all requested keys${named}; never drop a field.`,
        `Before answering, check that the JSON has each required key${named}; a missing field makes the answer invalid.`,
      ];
    }
    case "json_extra_keys":
      return [
        "Include only the requested JSON fields; do not add extra keys.",
        "Return exactly the fields that were asked for in the JSON, nothing more.",
      ];
    case "json_numbers":
      return [
        "Write numbers as plain JSON numbers, not strings: no quotes, thousands separators or units.",
        'Numeric fields must be JSON numbers like 1250.5, never quoted text like "1,250.50".',
        "Never put numeric values in quotes; counts, amounts and totals are JSON numbers.",
      ];
    case "allowed_values": {
      const f = topFacts(t.facts, "field");
      return [
        `Use only the allowed values for ${f.field}: ${(f.values ?? "").replace(/^\[|\]$/g, "").replace(/,/g, ", ")}.`,
        `Never invent new values for ${f.field}; pick one of the allowed values exactly as spelled.`,
      ];
    }
    case "call_tool": {
      const tools = topValues(t.facts, "tool").slice(0, 3);
      if (tools.length <= 1) {
        const tool = tools[0] ?? "the right tool";
        return [
          `Always call ${tool} before answering; never guess or answer from memory.`,
          `Never answer without calling ${tool} first; base the reply on the tool result, not on assumptions.`,
          `Use your tools: whenever a request needs ${tool}, call it and wait for the result before you reply.`,
        ];
      }
      return [
        `Always call the matching tool (${tools.join(", ")}) before answering; never guess or answer from memory.`,
        `Never answer a request that needs ${list(tools, "or")} without calling that tool first; rely on tool results, not assumptions.`,
        `Use your tools: call ${list(tools, "or")} whenever the request needs it, and answer only from the result.`,
      ];
    }
    case "wrong_tool": {
      const f = topFacts(t.facts, "expected");
      const expected = f.expected ?? "the expected tool";
      const wrong = f.wrong ?? "another tool";
      return [
        `Use ${expected} to ${toolPurpose(expected)}; do not use ${wrong} instead.`,
        `When the ${p} asks you to ${toolPurpose(expected)}, call ${expected} itself; ${wrong} is not a substitute.`,
        `Always call ${expected} (never ${wrong}) for requests to ${toolPurpose(expected)}.`,
      ];
    }
    case "avoid_tool": {
      const tool = topValues(t.facts, "tool")[0] ?? "that tool";
      return [
        `Do not call ${tool} unless the ${p} explicitly asks for it.`,
        `Only use ${tool} when it is clearly required; never call it by default.`,
      ];
    }
    case "tool_arguments": {
      const f = topFacts(t.facts, "arg");
      const arg = f.arg || "each argument";
      const tool = f.tool ?? "the tool";
      switch (f.kind) {
        case "prefix":
          return [
            `Pass ${arg} to ${tool} exactly as the ${p} wrote it, including any prefix.`,
            `Copy ${arg} verbatim from the message when calling ${tool}; never strip prefixes, letters or dashes.`,
            `Never shorten or normalise ${arg}: send it to ${tool} exactly as written, prefix included.`,
          ];
        case "suffix":
          return [
            `Pass ${arg} to ${tool} exactly as the ${p} wrote it, complete; never cut off the end.`,
            `Copy ${arg} verbatim from the message when calling ${tool}; never truncate it.`,
          ];
        case "case":
          return [
            `Pass ${arg} to ${tool} exactly as the ${p} wrote it, keeping its letter case.`,
            `Copy ${arg} verbatim when calling ${tool}; never change upper or lower case.`,
          ];
        case "extra":
          return [
            `Pass ${arg} to ${tool} exactly as the ${p} wrote it; do not add anything to it.`,
            `Copy ${arg} verbatim when calling ${tool}, with no extra words or characters.`,
          ];
        case "missing":
          return [
            `Always include the ${arg} argument when calling ${tool}.`,
            `Never call ${tool} without ${arg}; take its value from the ${p}'s message.`,
          ];
        default:
          return [
            `Pass ${arg} to ${tool} exactly as the ${p} wrote it; do not change or reformat it.`,
            `Copy ${arg} verbatim from the message when calling ${tool}; never paraphrase or reformat values.`,
          ];
      }
    }
    case "fewer_steps": {
      const tool = topValues(t.facts, "tool")[0];
      return [
        tool
          ? `Call ${tool} at most once per request and stop as soon as you have the answer; never repeat a tool call.`
          : "Answer in as few steps as possible: call each tool at most once and stop as soon as you have the answer.",
        "Do not repeat tool calls; one call per tool is enough, then answer.",
      ];
    }
    case "iso_dates":
      return [
        "Always write dates in ISO 8601 format (YYYY-MM-DD), in text and JSON alike; never MM/DD/YYYY or month names.",
        "Format every date as YYYY-MM-DD (ISO 8601), exactly as the tools return it; never convert dates to another format.",
        "Dates must be year-month-day with dashes (ISO 8601, e.g. 2024-01-31).",
      ];
    case "no_pii": {
      const kinds = topValues(t.facts, "kinds").filter((k) => k !== "secrets");
      const secrets = topValues(t.facts, "kinds").includes("secrets");
      if (secrets && kinds.length === 0) {
        return [
          "Never reveal or repeat API keys, passwords, tokens or other secrets, even partially.",
          "Do not include any secret or credential in replies; refer to it without quoting it.",
        ];
      }
      const shown = [...new Set([...kinds, "e-mail addresses", "phone numbers"])].slice(0, 3);
      return [
        `Never reveal or repeat personal data such as ${list(shown, "or")}, even if the ${p} shared them.`,
        `Do not include personal information (${shown.join(", ")}) in replies; refer to it generically, e.g. "your e-mail".`,
        "Protect privacy: never echo contact details or other PII back in an answer.",
      ];
    }
    case "over_refusal":
      return [
        `Do not refuse routine requests you are allowed to handle; help the ${p} directly instead of declining.`,
        "Only decline requests that are clearly harmful or outside your role; answer every ordinary request helpfully.",
        `Never say you cannot help with a normal ${p} request; use your tools and resolve it.`,
      ];
    case "under_refusal":
      return [
        "Politely refuse requests that are harmful, against policy or outside your role, and briefly say why.",
        "Decline anything you are not allowed to do instead of complying; keep the refusal short and polite.",
      ];
    case "invented_policy": {
      const kb = ctx.kbTool;
      if (kb) {
        return [
          `Do not invent policies; only state policies found in the knowledge base (${kb}).`,
          `Never make up rules, time limits or guarantees; check ${kb} and state only what it says.`,
          `If ${kb} does not confirm a policy, say you will check rather than guess; never state unverified policy.`,
        ];
      }
      return [
        "Do not invent policies or facts; only state what your instructions or tool results confirm.",
        "Never make up rules, time limits or guarantees; if you are unsure, say you will check.",
      ];
    }
    case "forbidden_terms": {
      const categories = topValues(t.facts, "category").map((c) => c.replace(/[_-]+/g, " "));
      if (categories.length > 0) {
        return [
          `Never mention or include ${list(categories.slice(0, 3), "or")} in your answers.`,
          `Keep ${list(categories.slice(0, 3), "and")} out of every reply.`,
        ];
      }
      const terms = topValues(t.facts, "terms")
        .slice(0, 3)
        .map((x) => `"${x}"`);
      return [
        `Never use these phrases: ${terms.join(", ")}.`,
        `Avoid the wording ${list(terms, "and")} entirely.`,
      ];
    }
    case "concise": {
      const words = topValues(t.facts, "words")[0];
      const chars = topValues(t.facts, "chars")[0];
      const limit = words
        ? `under ${words} words`
        : chars
          ? `under ${chars} characters`
          : "short and to the point";
      return [
        `Be concise: keep answers ${limit}, with no filler, pleasantries or extra paragraphs.`,
        "Keep every reply brief: answer in two or three sentences, then stop; no closing offers or small talk.",
        "Answer only what was asked, as briefly as possible; do not pad replies with background or summaries.",
      ];
    }
  }
}

const THEME_WORDS: Record<ThemeId, RegExp> = {
  json_only: /\bjson\b/i,
  json_syntax: /\bjson\b/i,
  json_key_names: /\b(keys?|field names?|snake_case|camelcase|snake case|camel case)\b/i,
  json_required_keys: /\b(required (?:fields?|keys?)|every (?:field|key)|all (?:fields|keys))\b/i,
  json_extra_keys: /\b(extra (?:fields|keys)|only the requested)\b/i,
  json_numbers: /\b(numbers?|numeric)\b/i,
  allowed_values: /\b(allowed values?|one of)\b/i,
  call_tool: /\btools?\b/i,
  wrong_tool: /$^/,
  avoid_tool: /$^/,
  tool_arguments: /\b(exactly as|verbatim|as written|as given|prefix)\b/i,
  fewer_steps: /\b(steps?|at most once|repeat)\b/i,
  iso_dates: /\bdates?\b/i,
  no_pii: /\b(personal|privacy|pii|e-?mail address(?:es)?|phone numbers?|contact details)\b/i,
  over_refusal: /\b(refus\w*|declin\w*)\b/i,
  under_refusal: /\b(refus\w*|declin\w*)\b/i,
  invented_policy: /\b(polic(?:y|ies)|invent\w*|make up|made up)\b/i,
  forbidden_terms: /\b(never (?:mention|use|say))\b/i,
  concise: /\b(concise|brief|short|verbose|length|filler|wordy)\b/i,
};

/**
 * How strongly a prompt line is about this theme: 0 = unrelated, 1 or more = a line that a
 * sharper instruction for the theme should replace.
 */
export function relatedness(t: ThemeTally, line: string): number {
  const words = THEME_WORDS[t.theme].test(line) ? 1 : 0;
  const names = (key: string) => topValues(t.facts, key).filter((v) => v.length > 2);
  const mentions = (items: string[]) => items.filter((n) => line.includes(n)).length;
  switch (t.theme) {
    case "call_tool": {
      // A line routing one tool to one purpose ("Use search_kb for policy questions") keeps
      // its job unless the new instruction is about exactly the tools it names.
      const tools = names("tool").slice(0, 3);
      return words + (tools.length > 0 && mentions(tools) === tools.length ? 1 : 0);
    }
    case "wrong_tool":
      return mentions(names("expected").slice(0, 1));
    case "avoid_tool":
      return mentions(names("tool").slice(0, 1));
    case "tool_arguments":
      return words > 0 && mentions([...names("arg"), ...names("tool")]) > 0 ? 2 : 0;
    case "json_key_names":
    case "json_required_keys":
    case "json_numbers":
    case "allowed_values":
      return words + mentions([...names("key"), ...names("field")]);
    default:
      return words;
  }
}

const NEGATED = /\b(not|never|no|avoid|don't|do not|without|instead of|rather than)\b/i;

/** A line that asks for the very thing the evidence shows going wrong. */
export function contradicts(t: ThemeTally, line: string): boolean {
  if (NEGATED.test(line)) return false;
  switch (t.theme) {
    case "iso_dates":
      return /\b(MM\/DD|DD\/MM|DD\.MM|month names?|spell(?:ed)? out)\b/i.test(line);
    case "concise":
      return /\b(detailed|thorough|elaborate|long|extensive|in depth)\b/i.test(line);
    case "over_refusal":
      return /\b(refuse|decline)\b/i.test(line) && !/\bonly\b/i.test(line);
    case "json_key_names":
      return /\bcamel ?case\b/i.test(line) && topValues(t.facts, "style")[0] === "snake_case";
    case "json_numbers":
      return /\b(as strings?|thousands? separators?|quote (?:all |the )?numbers)\b/i.test(line);
    case "json_only":
      return /\b(code (?:fence|block)|markdown|```)/i.test(line);
    default:
      return false;
  }
}
