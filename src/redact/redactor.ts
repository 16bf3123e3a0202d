import { isSecretKey, maskKeyValues } from "./keys.js";
import { numberKind } from "./numbers.js";
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

/** Known secret values, longest first (so that a key containing another is masked whole). */
function secretList(values: readonly string[] | undefined): string[] {
  const unique = new Set<string>();
  for (const v of values ?? []) if (v.length >= MIN_SECRET_LENGTH) unique.add(v);
  return [...unique].sort((a, b) => b.length - a.length);
}

/** Shorter values would mask ordinary words; `registerSecret` uses the same floor. */
const MIN_SECRET_LENGTH = 8;
const SECRET = "<SECRET>";

function maskKnown(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(SECRET);
  return out;
}

/**
 * Keys repeat across spans (every span of a kind has the same attribute names): what a key
 * becomes and whether it names a secret is remembered, up to a bound.
 */
const MAX_REMEMBERED_KEYS = 4096;
/** Texts remembered with what they became: a bound on count and on each one's length. */
const MAX_REMEMBERED_TEXTS = 1024;
const MAX_REMEMBERED_TEXT = 8192;

export function createRedactor(options: RedactionOptions = {}): Redactor {
  const enabled = options.enabled !== false;
  const secrets = secretList(options.secrets);
  const patterns: CompiledPattern[] = BUILTIN_PATTERNS.map(compileBuiltin);
  for (const custom of options.patterns ?? []) {
    patterns.push({
      regex: compileCustomPattern(custom.name, custom.regex),
      placeholder: placeholderFor(custom.name),
    });
  }
  // Known values are masked even with redaction turned off: they are the user's own keys.
  const redactText = (value: string): string => {
    const known = secrets.length ? maskKnown(value, secrets) : value;
    return enabled ? apply(maskKeyValues(known, SECRET), patterns) : known;
  };
  // Much of what an attempt carries repeats from attempt to attempt (the system prompt, span
  // names, model and provider names, the run id): a repeated text is scanned once.
  const texts = new Map<string, string>();
  const text = (value: string): string => {
    if (value.length > MAX_REMEMBERED_TEXT) return redactText(value);
    let out = texts.get(value);
    if (out === undefined) {
      out = redactText(value);
      if (texts.size >= MAX_REMEMBERED_TEXTS) texts.clear();
      texts.set(value, out);
    }
    return out;
  };
  const keys = new Map<string, { name: string; secret: boolean }>();
  const keyInfo = (key: string) => {
    let info = keys.get(key);
    if (!info) {
      info = { name: text(key), secret: enabled && isSecretKey(key) };
      if (keys.size >= MAX_REMEMBERED_KEYS) keys.clear();
      keys.set(key, info);
    }
    return info;
  };
  /** One value under `key` (undefined at the top): the name rule first, then its content. */
  const entry = (value: unknown, key: string | undefined, secret: boolean): unknown => {
    if (typeof value === "string") {
      if (secret && value !== "" && !/^<[A-Z0-9_]+>$/.test(value)) return SECRET;
      return text(value);
    }
    if (typeof value === "number") {
      if (!enabled) return value;
      if (secret) return SECRET;
      const kind = numberKind(value, key);
      return kind ? `<${kind}>` : value;
    }
    if (Array.isArray(value)) return value.map((v) => entry(v, key, secret));
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const info = keyInfo(k);
        // Everything under a secret name is secret (`credentials: {user, pass}`).
        out[info.name] = entry(v, k, secret || info.secret);
      }
      return out;
    }
    return value;
  };
  const active = enabled || secrets.length > 0;
  return {
    enabled,
    active,
    text,
    value: <T>(value: T): T => (active ? (entry(value, undefined, false) as T) : value),
    entry: (key, value) => {
      if (!active) return [key, value];
      const info = keyInfo(key);
      return [info.name, entry(value, key, info.secret) as typeof value];
    },
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
