import { ibanValid, luhnValid } from "./checks.js";
import type { RedactionKind } from "./types.js";

export interface BuiltinPattern {
  kind: RedactionKind;
  regex: RegExp;
  /** A match that fails this is left alone (a 16-digit order id is not a card). */
  valid?: (match: string) => boolean;
  /** Keep a prefix of the match (e.g. `Bearer `) so the text still reads naturally. */
  keep?: (match: string) => string;
  /**
   * A cheap necessary condition checked before the regex: most texts hold no `@`, no `sk-`,
   * no `eyJ`, so most patterns are skipped without a regex scan (ingestion runs this on
   * every attribute of every span).
   */
  hint?: (text: string) => boolean;
}

/** What precedes the token's `eyJ` in a JWT match: the first `eyJ` at a run or `-` start with 5+ characters before the dot. */
function jwtPrefix(match: string): string {
  const first = match.slice(0, match.indexOf("."));
  for (let at = first.indexOf("eyJ"); at >= 0; at = first.indexOf("eyJ", at + 1)) {
    if ((at === 0 || first[at - 1] === "-") && first.length - at - 3 >= 5) {
      return match.slice(0, at);
    }
  }
  return "";
}

const has = (needle: string) => (text: string) => text.includes(needle);
const hasDigit = (text: string) => /\d/.test(text);

/**
 * Order matters: secrets first (they contain digits and `@`-free runs a phone or card rule
 * would half-match), then e-mail, IBAN, card, phone.
 */
export const BUILTIN_PATTERNS: readonly BuiltinPattern[] = [
  // JSON Web Tokens: three base64url parts, the first a JSON header (`{"` → `eyJ`).
  // A plain `\beyJ…` rescanned a whole `eyJ-eyJ-…` run from every `eyJ` (quadratic). So a
  // match starts only where a base64url run starts, first checks the three-part shape once,
  // and then finds the token's `eyJ` after a `-`; the `-`-separated prefix is kept.
  {
    kind: "SECRET",
    regex:
      /(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,})(?:[A-Za-z0-9_]*-)*?eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g,
    keep: jwtPrefix,
    hint: has("eyJ"),
  },
  {
    kind: "SECRET",
    regex: /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
    keep: (m) => m.slice(0, m.search(/\s/) + 1),
    hint: (t) => /bearer/i.test(t),
  },
  { kind: "SECRET", regex: /\bsk-ant-[A-Za-z0-9_-]{10,}/g, hint: has("sk-ant-") },
  { kind: "SECRET", regex: /\bsk-(?:proj-|live-|test-)?[A-Za-z0-9_-]{16,}/g, hint: has("sk-") },
  { kind: "SECRET", regex: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, hint: (t) => /A[KS]IA/.test(t) },
  {
    kind: "SECRET",
    regex: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
    hint: (t) => /gh[pousr]_|github_pat_/.test(t),
  },
  { kind: "SECRET", regex: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, hint: has("xox") },
  {
    kind: "EMAIL",
    // The local part is capped at RFC 5321's 64 characters: unbounded, every word boundary in
    // a long `a.a.a…` run rescanned to its end, quadratic on one large attribute.
    regex: /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g,
    hint: has("@"),
  },
  {
    kind: "IBAN",
    regex: /\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){11,30}\b/g,
    valid: ibanValid,
    hint: hasDigit,
  },
  { kind: "CARD", regex: /\b\d(?:[ -]?\d){12,18}\b/g, valid: luhnValid, hint: hasDigit },
  {
    kind: "PHONE",
    // International (+CC …) or grouped national numbers; a bare digit run or a date is not a
    // phone, so ids and timestamps survive for clustering.
    regex:
      /(?:\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{2,4}){1,4}|\(\d{3}\)\s?\d{3}[\s.-]\d{4}|\b\d{3}[.-]\d{3}[.-]\d{4})\b/g,
    valid: (m) => {
      const digits = m.replace(/\D/g, "").length;
      return digits >= 8 && digits <= 15;
    },
    hint: hasDigit,
  },
];
