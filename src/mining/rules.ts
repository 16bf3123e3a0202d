import type {
  AttributeCondition,
  Condition,
  DetectorConfig,
  MessageRule,
} from "../config/index.js";
import type { Span } from "../core/index.js";
import { spanException } from "./trace-view.js";
import type { Detector, Signal, TraceMessage, TraceView } from "./types.js";

type Value = string | number | boolean | string[] | undefined;

/** `span.*` names read the span itself rather than an attribute. */
function pseudo(span: Span, name: string): Value | null {
  switch (name) {
    case "span.name":
      return span.name;
    case "span.kind":
      return span.kind;
    case "span.status":
      return span.status.code;
    case "span.status_message":
      return span.status.message;
    case "span.exception":
      return spanException(span);
    default:
      return null;
  }
}

function lookup(span: Span, root: Span | undefined, name: string): Value {
  const p = pseudo(span, name);
  if (p !== null) return p;
  // Trace-level attributes (outcome, feedback) live on the root; every span sees them.
  return span.attributes[name] ?? root?.attributes[name];
}

function asNumber(v: string | number | boolean): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

const regexCache = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern, "i");
    regexCache.set(pattern, re);
  }
  return re;
}

function compareOne(actual: string | number | boolean, c: AttributeCondition): boolean {
  const expected = c.value;
  switch (c.op) {
    case "eq":
    case "ne": {
      let equal: boolean;
      const a = asNumber(actual);
      const b = expected === undefined ? undefined : asNumber(expected);
      if (a !== undefined && b !== undefined) equal = a === b;
      else equal = String(actual) === String(expected);
      return c.op === "eq" ? equal : !equal;
    }
    case "lt":
    case "lte":
    case "gt":
    case "gte": {
      const a = asNumber(actual);
      if (a === undefined || typeof expected !== "number") return false;
      if (c.op === "lt") return a < expected;
      if (c.op === "lte") return a <= expected;
      if (c.op === "gt") return a > expected;
      return a >= expected;
    }
    case "contains":
      return String(actual).toLowerCase().includes(String(expected).toLowerCase());
    case "matches":
      return regex(String(expected)).test(String(actual));
    case "exists":
      return true;
  }
}

export function testAttribute(value: Value, c: AttributeCondition): boolean {
  if (c.op === "exists") {
    const present = value !== undefined && value !== "";
    return c.value === false ? !present : present;
  }
  // A missing attribute is "not equal" to anything, and fails every other test.
  if (value === undefined) return c.op === "ne";
  if (Array.isArray(value)) {
    if (c.op === "ne") return value.every((v) => compareOne(v, c));
    return value.some((v) => compareOne(v, c));
  }
  return compareOne(value, c);
}

function isAttribute(c: Condition): c is AttributeCondition {
  return "attribute" in c;
}

/** Evaluates on one span; `hits` collects the leaf conditions that held, for the reason. */
export function evaluate(
  c: Condition,
  span: Span,
  root: Span | undefined,
  hits: string[],
): boolean {
  if (isAttribute(c)) {
    const value = lookup(span, root, c.attribute);
    const ok = testAttribute(value, c);
    if (ok) {
      const shown = value === undefined ? "(absent)" : JSON.stringify(value);
      hits.push(
        c.op === "exists"
          ? `${c.attribute} ${c.value === false ? "absent" : `= ${clipShown(shown)}`}`
          : `${c.attribute} = ${clipShown(shown)} (${c.op} ${JSON.stringify(c.value)})`,
      );
    }
    return ok;
  }
  if ("all_of" in c) {
    const local: string[] = [];
    const ok = c.all_of.every((child) => evaluate(child, span, root, local));
    if (ok) hits.push(...local);
    return ok;
  }
  for (const child of c.any_of) {
    const local: string[] = [];
    if (evaluate(child, span, root, local)) {
      hits.push(...local);
      return true;
    }
  }
  return false;
}

function clipShown(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function matchMessages(
  messages: readonly TraceMessage[],
  rule: MessageRule,
): TraceMessage | undefined {
  let candidates = messages;
  if (rule.after !== undefined) {
    const first = messages.findIndex((m) => m.role === rule.after);
    candidates = first === -1 ? [] : messages.slice(first + 1);
  }
  if (rule.last) {
    const last = messages.at(-1);
    candidates = last && candidates.includes(last) ? [last] : [];
  }
  return candidates.find(
    (m) =>
      (rule.role === undefined || m.role === rule.role) &&
      (rule.matches === undefined || regex(rule.matches).test(m.content)),
  );
}

/** A detector from a YAML rule: `when` (any span satisfies it) and `messages` (some message matches). */
export function ruleDetector(config: DetectorConfig): Detector {
  return {
    name: config.name,
    type: config.type,
    severity: config.severity,
    weight: config.weight,
    ...(config.description !== undefined ? { description: config.description } : {}),
    detect(trace: TraceView): Signal | undefined {
      let hits: string[] = [];
      let matchedSpan: Span | undefined;
      if (config.when !== undefined) {
        // Root first, so trace-level rules report the root span.
        const ordered = trace.root
          ? [trace.root, ...trace.spans.filter((s) => s !== trace.root)]
          : trace.spans;
        for (const span of ordered) {
          const local: string[] = [];
          if (!evaluate(config.when, span, trace.root, local)) continue;
          if (!matchedSpan) {
            hits = local;
            matchedSpan = span;
          }
          // An error that says what went wrong beats a bare error status on the root.
          if (span.status.code !== "error" || span.status.message) {
            hits = local;
            matchedSpan = span;
            break;
          }
        }
        if (!matchedSpan) return undefined;
      }
      let message: TraceMessage | undefined;
      if (config.messages !== undefined) {
        message = matchMessages(trace.messages, config.messages);
        if (!message) return undefined;
      }
      const parts: string[] = [];
      if (matchedSpan) parts.push(`span \`${matchedSpan.name}\`: ${hits.join(", ")}`);
      if (message) parts.push(`${message.role} message: "${clipShown(message.content)}"`);
      const spanError =
        matchedSpan?.status.code === "error"
          ? (matchedSpan.status.message ?? "error status")
          : matchedSpan
            ? spanException(matchedSpan)
            : undefined;
      const error =
        spanError ?? (config.type === "hard_error" ? trace.errors[0]?.message : undefined);
      return {
        detector: config.name,
        signal_type: config.type,
        severity: config.severity,
        weight: config.weight,
        reason: `${config.description ? `${config.description}: ` : ""}${parts.join("; ")}`,
        evidence: evidenceFor(trace, config, matchedSpan, message, error),
        ...(error !== undefined ? { error } : {}),
      };
    },
  };
}

/**
 * What makes two failures "the same": an error message (with the span that raised it), the
 * message that matched, or else what the user asked — never the attribute value alone, or
 * every low feedback score would be one failure.
 */
function evidenceFor(
  trace: TraceView,
  config: DetectorConfig,
  span: Span | undefined,
  message: TraceMessage | undefined,
  error: string | undefined,
): string {
  if (error !== undefined) return `${span?.name ?? trace.errors[0]?.span ?? ""}: ${error}`;
  if (message) return message.content;
  return `${config.name} | ${trace.input}`;
}
