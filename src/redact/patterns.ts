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

const has = (needle: string) => (text: string) => text.includes(needle);
const hasDigit = (text: string) => /\d/.test(text);

/**
 * Order matters: secrets first (they contain digits and `@`-free runs a phone or card rule
 * would half-match), then e-mail, IBAN, card, phone.
 */
export const BUILTIN_PATTERNS: readonly BuiltinPattern[] = [
  // JSON Web Tokens: three base64url parts, the first a JSON header (`{"` → `eyJ`).
  {
    kind: "SECRET",
    regex: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g,
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
