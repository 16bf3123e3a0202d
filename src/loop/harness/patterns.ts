import type { Habit } from "./types.js";

/**
 * The words that tie a failure to a part of the harness. They are matched against error
 * texts, tool results and detectors' reasons (each clipped to `MAX_SCAN` characters, so the
 * time stays linear in what is stored), never against what the user wrote.
 */

export const MAX_SCAN = 4000;

/** The prompt or the answer did not fit: context window, output budget, truncation. */
export const CONTEXT_RE =
  /context[ _-]?(?:length|window)|maximum context|context_length_exceeded|too many tokens|prompt is too long|(?:input|prompt) too long|token limit|max(?:imum)?[ _]tokens? (?:exceeded|reached)|truncated|truncation|(?:finish|stop)[ _]reasons?\W{0,6}(?:length|max_tokens)\b/i;

/** A finish reason that means the answer was cut at the output budget. */
export const LENGTH_FINISH_RE = /^\W*(?:length|max_tokens|model_length)\W*$/i;

/** The model provider refused or failed: rate limits, quotas, overload, 5xx. */
export const PROVIDER_RE =
  /rate[ _-]?limit|too many requests|\b429\b|quota (?:exceeded|exhausted)|insufficient_quota|overloaded|service unavailable|bad gateway|internal server error|provider[ _]error|\b(?:status|http)[ :=]{0,3}5\d\d\b|errored \((?:rate_limit|provider_error)\)/i;

/** A time limit was hit: the attempt's timeout, a deadline, a latency budget. */
export const TIMEOUT_RE =
  /timed? ?out|timeout|deadline exceeded|etimedout|latency (?:budget|target|limit)|took (?:too long|longer than)/i;

/** The agent asked for a tool the harness does not have. */
export const MISSING_TOOL_RE =
  /unknown tool|no such tool|not a valid tool|tool_not_found|tool\b.{0,40}\bnot (?:found|available|defined|registered)/i;

/** A tool turning down what the model passed, as opposed to failing on its own. */
export const REJECTED_RE =
  /not found|invalid|must be|\bexpected\b|malformed|bad request|validation|unprocessable|\b(?:400|404|422)\b|missing (?:required )?(?:argument|parameter|field)|unknown (?:argument|parameter|field)/i;

/** A search that found nothing, in a tool's result or error or a detector's reason. */
export const NO_RESULTS_RE =
  /no (?:relevant )?(?:results?|documents?|matches|hits|articles|passages|entries|chunks)\b(?: were| was)?(?: (?:found|returned))?|nothing (?:was )?found|\b0 (?:results|hits|documents)\b|empty (?:search )?results?|not (?:covered )?in the knowledge base/i;

/** A grader or judge saying the answer states what no source supports. */
export const INVENTED_RE =
  /hallucinat|unsupported (?:claim|fact)|not supported by the (?:context|sources?|documents?|retrieved)|fabricat|made[- ]up (?:facts?|policy|numbers?)/i;

/** Words in a tool's name that make it a retrieval tool. */
const RETRIEVAL_WORDS = new Set([
  "kb",
  "knowledge",
  "doc",
  "docs",
  "document",
  "documents",
  "faq",
  "rag",
  "vector",
  "semantic",
  "wiki",
  "article",
  "articles",
]);

export function isRetrievalTool(name: string): boolean {
  return name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .some((word) => RETRIEVAL_WORDS.has(word) || /^(?:search|retriev)/.test(word));
}

const RESULT_KEYS = ["results", "documents", "docs", "hits", "items", "matches", "passages"];

/** A tool result that carries nothing: empty text, `[]`, `{}`, `null`, `{"results": []}`. */
export function isEmptyResult(result: string): boolean {
  const text = result.trim();
  if (text === "" || text === '""' || text === "null") return true;
  if (NO_RESULTS_RE.test(text.slice(0, MAX_SCAN))) return true;
  if (!text.startsWith("[") && !text.startsWith("{")) return false;
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed.length === 0;
    if (parsed === null || typeof parsed !== "object") return false;
    const record = parsed as Record<string, unknown>;
    if (Object.keys(record).length === 0) return true;
    return RESULT_KEYS.some((key) => Array.isArray(record[key]) && record[key].length === 0);
  } catch {
    return false;
  }
}

/** Graders whose failure is a habit a prompt can change, by habit. */
export const HABIT_GRADERS: Readonly<Record<string, Habit>> = {
  "json-valid": "format",
  "json-schema": "format",
  "json-diff": "format",
  regex: "format",
  equals: "format",
  levenshtein: "format",
  "no-pii": "personal data",
  "forbidden-content": "personal data",
  "output-must-not-contain": "personal data",
  refusal: "refusal",
  "no-refusal": "refusal",
  "tool-called": "tool use",
  "tool-not-called": "tool use",
  "tool-sequence": "tool use",
  "tool-args-match": "tool use",
  "tool-args-schema": "tool use",
  "max-steps": "tool use",
  "step-count": "tool use",
  "side-effect": "tool use",
  "forbidden-side-effect": "tool use",
};

/** Words in a reason that name a format habit. */
export const FORMAT_RE = /\bjson\b|\bschema\b|\bformat(?:ted|ting)?\b|\bdates?\b|\bmarkdown\b/i;
/** Words in a reason that name a personal-data habit. */
export const PERSONAL_DATA_RE = /personal data|\bpii\b|<(?:EMAIL|PHONE|CARD|IBAN|SECRET)>/;
