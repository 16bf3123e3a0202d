import { closingIndex } from "../core/index.js";
import { snippet } from "./text.js";

export type JsonParse = { ok: true; value: unknown } | { ok: false; problem: string };

const prose = (text: string) => `'${snippet(text, 30)}'`;

/**
 * Parses the whole output as JSON; on failure explains what is wrong in terms a person can
 * act on (prose around the JSON, a code fence, truncation, trailing comma, …) instead of
 * the bare parser message.
 */
export function parseJsonOutput(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problem: diagnose(text, error) };
  }
}

function diagnose(text: string, error: unknown): string {
  const t = text.trim();
  if (t === "") return "the output is empty";

  const fence = /```[ \t]*([\w-]*)[ \t]*\r?\n?([\s\S]*?)```/.exec(t);
  if (fence) {
    const lang = fence[1] ? `\`\`\`${fence[1]}` : "```";
    const before = t.slice(0, fence.index).trim();
    const after = t.slice(fence.index + fence[0].length).trim();
    const inner = parseInner(fence[2] ?? "");
    let msg = `it is wrapped in a ${lang} code fence`;
    if (before)
      msg = `it starts with prose ${prose(before)} and wraps the JSON in a ${lang} code fence`;
    if (after) msg += `, followed by prose ${prose(after)}`;
    return inner === undefined
      ? `${msg}; the JSON inside the fence is valid, so remove the fence${before || after ? " and the prose" : ""}`
      : `${msg}, and the JSON inside is invalid too: ${inner}`;
  }

  const start = t.search(/[{[]/);
  if (start === -1) {
    return `it contains no JSON object or array; it starts with ${prose(t)}`;
  }
  const end = closingIndex(t, start);
  const before = t.slice(0, start).trim();
  if (before) {
    if (end === -1) {
      return `it starts with prose ${prose(before)} before the JSON, and the JSON is not closed (truncated?)`;
    }
    const inner = parseInner(t.slice(start, end));
    const after = t.slice(end).trim();
    let msg = `it starts with prose ${prose(before)} before the JSON`;
    if (after) msg += ` and ends with prose ${prose(after)} after it`;
    return inner === undefined ? msg : `${msg}, and the JSON itself is invalid: ${inner}`;
  }
  if (end === -1) {
    return `it ends before the JSON is complete: an opening ${t[start]} is never closed (truncated output?)`;
  }
  if (end < t.length) {
    const inner = parseInner(t.slice(0, end));
    if (inner === undefined) return `the JSON is followed by extra text ${prose(t.slice(end))}`;
  }
  return explainSyntax(t, error);
}

/** undefined when `text` parses, else the explanation. */
function parseInner(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const t = text.trim();
    const start = t.search(/[{[]/);
    if (start === 0 && closingIndex(t, 0) === -1) {
      return `an opening ${t[0]} is never closed (truncated output?)`;
    }
    return explainSyntax(t, error);
  }
}

function explainSyntax(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = positionOf(text, message);
  const where = at === undefined ? "" : ` at ${lineColumn(text, at)}`;
  const near =
    at === undefined ? "" : ` near '${snippet(text.slice(Math.max(0, at - 12), at + 12), 30)}'`;
  const outside = stripStrings(text);
  if (/,\s*[}\]]/.test(outside)) return `it has a trailing comma before a closing bracket${where}`;
  if (/\/\/|\/\*/.test(outside)) return "it contains comments, which JSON does not allow";
  if (/[{,]\s*'[^']*'\s*:|:\s*'[^']*'/.test(text)) {
    return "it uses single-quoted strings; JSON requires double quotes";
  }
  const bareKey = /[{,]\s*([A-Za-z_$][\w$]*)\s*:/.exec(outside);
  if (bareKey)
    return `property name \`${bareKey[1]}\` is not quoted; JSON requires "${bareKey[1]}"`;
  const bad = /\b(NaN|Infinity|undefined)\b/.exec(outside);
  if (bad) return `it contains \`${bad[1]}\`, which is not a JSON value`;
  return `${message
    .replace(/\s*\(line \d+ column \d+\)/, "")
    .replace(/ in JSON at position \d+/, "")
    .replace(/, ".*" is not valid JSON$/s, "")}${where}${near}`;
}

function positionOf(text: string, message: string): number | undefined {
  const pos = /position (\d+)/.exec(message);
  if (pos) return Number(pos[1]);
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (!lc) return undefined;
  const lines = text.split("\n");
  let offset = 0;
  for (let i = 0; i < Number(lc[1]) - 1 && i < lines.length; i++) offset += lines[i]!.length + 1;
  return offset + Number(lc[2]) - 1;
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `line ${line} column ${column}`;
}

/** Replaces string literal contents so structural checks do not trip on text inside them. */
function stripStrings(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

/** `$.items[0].price` style path segment. */
export function pathSegment(key: string | number): string {
  if (typeof key === "number") return `[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Converts an ajv / JSON Pointer instance path (`/items/0/price`) to `$.items[0].price`. */
export function pointerToPath(pointer: string): string {
  if (pointer === "") return "$";
  return `$${pointer
    .slice(1)
    .split("/")
    .map((raw) => raw.replaceAll("~1", "/").replaceAll("~0", "~"))
    .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : pathSegment(seg)))
    .join("")}`;
}

export interface JsonDifference {
  path: string;
  message: string;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** First structural difference (object key order ignored), or undefined when deep-equal. */
export function jsonDifference(
  expected: unknown,
  actual: unknown,
  path = "$",
): JsonDifference | undefined {
  if (Object.is(expected, actual) || expected === actual) return undefined;
  const ek = kind(expected);
  const ak = kind(actual);
  if (ek !== ak) {
    return { path, message: `expected ${ek} ${describe(expected)}, got ${ak} ${describe(actual)}` };
  }
  if (ek === "array") {
    const e = expected as unknown[];
    const a = actual as unknown[];
    const n = Math.min(e.length, a.length);
    for (let i = 0; i < n; i++) {
      const d = jsonDifference(e[i], a[i], `${path}[${i}]`);
      if (d) return d;
    }
    if (e.length !== a.length) {
      return { path, message: `expected ${e.length} items, got ${a.length}` };
    }
    return undefined;
  }
  if (ek === "object") {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (!Object.hasOwn(a, key)) {
        return { path: path + pathSegment(key), message: `missing (expected ${describe(e[key])})` };
      }
      const d = jsonDifference(e[key], a[key], path + pathSegment(key));
      if (d) return d;
    }
    for (const key of Object.keys(a)) {
      if (!Object.hasOwn(e, key)) {
        return {
          path: path + pathSegment(key),
          message: `unexpected key (value ${describe(a[key])})`,
        };
      }
    }
    return undefined;
  }
  return { path, message: `expected ${describe(expected)}, got ${describe(actual)}` };
}
