import { BUILTIN_PATTERNS, type BuiltinPattern } from "./patterns.js";
import type { RedactionOptions, Redactor } from "./types.js";

interface CompiledPattern {
  regex: RegExp;
  placeholder: string;
  valid?: (match: string) => boolean;
  keep?: (match: string) => string;
  hint?: (text: string) => boolean;
}

function compileBuiltin(p: BuiltinPattern): CompiledPattern {
  return {
    regex: p.regex,
    placeholder: `<${p.kind}>`,
    ...(p.valid ? { valid: p.valid } : {}),
    ...(p.keep ? { keep: p.keep } : {}),
    ...(p.hint ? { hint: p.hint } : {}),
  };
}

/** `my-customer id` → `<MY_CUSTOMER_ID>` */
export function placeholderFor(name: string): string {
  const slug = name
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return `<${slug || "REDACTED"}>`;
}

/** Throws a SyntaxError naming the pattern when its regex does not compile. */
export function compileCustomPattern(name: string, source: string): RegExp {
  try {
    return new RegExp(source, "g");
  } catch (error) {
    throw new SyntaxError(
      `redaction pattern "${name}": ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function apply(text: string, patterns: readonly CompiledPattern[]): string {
  let out = text;
  // Consecutive patterns often share one hint (IBAN, card and phone all need a digit): while
  // the text is unchanged, the last hint's answer still holds.
  let lastHint: ((text: string) => boolean) | undefined;
  let lastAnswer = true;
  let lastText = out;
  for (const p of patterns) {
    if (p.hint) {
      if (p.hint !== lastHint || lastText !== out) {
        lastHint = p.hint;
        lastText = out;
        lastAnswer = p.hint(out);
      }
      if (!lastAnswer) continue;
    }
    p.regex.lastIndex = 0;
    if (!p.regex.test(out)) continue;
    p.regex.lastIndex = 0;
    out = out.replace(p.regex, (match) => {
      if (match === "" || (p.valid && !p.valid(match))) return match;
      return (p.keep ? p.keep(match) : "") + p.placeholder;
    });
  }
  return out;
}

export function createRedactor(options: RedactionOptions = {}): Redactor {
  const enabled = options.enabled !== false;
  const patterns: CompiledPattern[] = BUILTIN_PATTERNS.map(compileBuiltin);
  for (const custom of options.patterns ?? []) {
    patterns.push({
      regex: compileCustomPattern(custom.name, custom.regex),
      placeholder: placeholderFor(custom.name),
    });
  }
  const text = (value: string): string => (enabled ? apply(value, patterns) : value);
  const deep = (value: unknown): unknown => {
    if (typeof value === "string") return text(value);
    if (Array.isArray(value)) return value.map(deep);
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = deep(v);
      return out;
    }
    return value;
  };
  return {
    enabled,
    text,
    value: <T>(value: T): T => (enabled ? (deep(value) as T) : value),
  };
}

const secretsOnly: readonly CompiledPattern[] = BUILTIN_PATTERNS.filter(
  (p) => p.kind === "SECRET",
).map(compileBuiltin);

/** Only the API-key / token rules: for error messages, where e-mails and numbers are useful. */
export function redactSecretTokens(text: string): string {
  return apply(text, secretsOnly);
}

/** The default redactor (built-in patterns only). */
export const defaultRedactor: Redactor = createRedactor();
