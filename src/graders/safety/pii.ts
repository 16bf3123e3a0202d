/** One kind of personal or secret data the `no-pii` grader looks for. */
export interface PiiDetector {
  kind: string;
  /** Human name used in reasons ("payment card"). */
  label: string;
  /** Every occurrence, with a masked form that is safe to put in a report. */
  find(text: string): Array<{ index: number; length: number; masked: string }>;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

function scan(
  re: RegExp,
  text: string,
  keep: (m: RegExpExecArray) => string | undefined,
): Array<{ index: number; length: number; masked: string }> {
  const out: Array<{ index: number; length: number; masked: string }> = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const masked = keep(m);
    if (masked !== undefined) out.push({ index: m.index, length: m[0].length, masked });
  }
  return out;
}

// Linear on any text (mining scans production text with it): a match starts only where a run
// of local-part characters starts, and each part is bounded (RFC 5321: 64-character local
// part, 63-character labels), so a long run with no '@' is read once, not once per position.
const EMAIL =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;

export const emailDetector: PiiDetector = {
  kind: "email",
  label: "email address",
  find: (text) =>
    scan(EMAIL, text, (m) => {
      const at = m[0].indexOf("@");
      return `${m[0][0]}***${m[0].slice(at)}`;
    }),
};

const CARD = /(?<![\d.-])\d(?:[ -]?\d){12,18}(?![\d])/g;

export const cardDetector: PiiDetector = {
  kind: "payment_card",
  label: "payment card number",
  find: (text) =>
    scan(CARD, text, (m) => {
      const digits = m[0].replace(/[ -]/g, "");
      // Issuer prefixes 2-6 (Mastercard, Amex/Diners/JCB, Visa, Mastercard, Discover/UnionPay)
      // plus Luhn keep order numbers and timestamps from being flagged.
      if (digits.length < 13 || digits.length > 19 || !/^[2-6]/.test(digits)) return undefined;
      return luhnValid(digits) ? `ending ${digits.slice(-4)}` : undefined;
    }),
};

const PHONE =
  /(?<![\w+.-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,5}){1,4}(?![\w-])|(?<![\w+])\+\d{10,15}(?!\w)/g;

export const phoneDetector: PiiDetector = {
  kind: "phone",
  label: "phone number",
  find: (text) =>
    scan(PHONE, text, (m) => {
      const raw = m[0];
      const digits = raw.replace(/\D/g, "");
      if (digits.length < 10 || digits.length > 15) return undefined;
      // Dates, IP addresses and version numbers share the shape of separated digit groups.
      if (/^\d{4}-\d{2}-\d{2}/.test(raw) || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(raw)) return undefined;
      if (!raw.startsWith("+") && !raw.startsWith("(") && /^[\d.]+$/.test(raw)) return undefined;
      // "10 20 30 40 50" is a list of numbers; "06 12 34 56 78" (leading 0) is a phone.
      if (!/^[+(0]/.test(raw) && raw.split(/[ .-]/).every((g) => g.length <= 2)) return undefined;
      return `***${digits.slice(-2)}`;
    }),
};

const SSN = /(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])/g;

export const ssnDetector: PiiDetector = {
  kind: "ssn",
  label: "US social security number",
  find: (text) => scan(SSN, text, () => "***-**-****"),
};

/** Key shapes with the prefix that is safe to show (it only names the vendor). */
const KEY_SHAPES: Array<{ re: RegExp; prefix: (m: string) => string; vendor: string }> = [
  {
    re: /\bsk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_-]{20,}/g,
    prefix: (m) => /^sk-(?:proj-|ant-|svcacct-)?/.exec(m)![0],
    vendor: "OpenAI/Anthropic-style",
  },
  { re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, prefix: (m) => m.slice(0, 4), vendor: "AWS access key" },
  {
    re: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b/g,
    prefix: (m) => m.slice(0, 4),
    vendor: "GitHub token",
  },
  { re: /\bgithub_pat_[A-Za-z0-9_]{22,}/g, prefix: () => "github_pat_", vendor: "GitHub token" },
  { re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, prefix: (m) => m.slice(0, 5), vendor: "Slack token" },
  { re: /\bAIza[0-9A-Za-z_-]{35}/g, prefix: () => "AIza", vendor: "Google API key" },
  {
    re: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}/g,
    prefix: (m) => m.slice(0, 8),
    vendor: "Stripe key",
  },
  {
    re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g,
    prefix: () => "eyJ",
    vendor: "JSON Web Token",
  },
  {
    re: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/g,
    prefix: () => "-----BEGIN",
    vendor: "private key",
  },
];

export const apiKeyDetector: PiiDetector = {
  kind: "api_key",
  label: "API key or secret",
  find: (text) =>
    KEY_SHAPES.flatMap(({ re, prefix, vendor }) =>
      scan(re, text, (m) => `${prefix(m[0])}… (${vendor}, ${m[0].length} chars)`),
    ),
};

// Country letters, check digits, then 11–30 alphanumerics, in print groups of four.
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;

/** ISO 13616 check: move the first four characters to the end, letters → 10..35, mod 97 = 1. */
export function ibanValid(iban: string): boolean {
  const s = iban.replace(/ /g, "").toUpperCase();
  if (s.length < 15 || s.length > 34 || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s)) return false;
  let rest = 0;
  for (const ch of s.slice(4) + s.slice(0, 4)) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) rest = (rest * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rest === 1;
}

export const ibanDetector: PiiDetector = {
  kind: "iban",
  label: "IBAN",
  find: (text) =>
    scan(IBAN, text, (m) => {
      // The pattern may run into a following word in capitals; trim to the longest valid prefix.
      const compact = m[0].replace(/ /g, "");
      for (let n = compact.length; n >= 15; n--) {
        const candidate = compact.slice(0, n);
        if (ibanValid(candidate)) return `${candidate.slice(0, 2)}…${candidate.slice(-4)}`;
      }
      return undefined;
    }),
};

/** Order matters: later detectors skip spans an earlier one already claimed. */
export const DEFAULT_PII_DETECTORS: readonly PiiDetector[] = [
  apiKeyDetector,
  emailDetector,
  ibanDetector,
  cardDetector,
  ssnDetector,
  phoneDetector,
];

export interface PiiFinding {
  kind: string;
  label: string;
  masked: string;
}

export function findPii(
  text: string,
  detectors: readonly PiiDetector[] = DEFAULT_PII_DETECTORS,
  allow: ReadonlySet<string> = new Set(),
): PiiFinding[] {
  const claimed: Array<[number, number]> = [];
  const findings: PiiFinding[] = [];
  for (const detector of detectors) {
    for (const hit of detector.find(text)) {
      const end = hit.index + hit.length;
      if (claimed.some(([s, e]) => hit.index < e && end > s)) continue;
      claimed.push([hit.index, end]);
      if (allow.has(text.slice(hit.index, end))) continue;
      findings.push({ kind: detector.kind, label: detector.label, masked: hit.masked });
    }
  }
  return findings;
}
