import { redactSecretTokens } from "../redact/index.js";

/**
 * Scrubs secrets from text that may reach logs, errors or the store. Provider error bodies
 * sometimes echo a (partly masked) key, and a stack of wrapped errors may quote headers.
 */
const SECRET_PATTERNS: RegExp[] = [
  /\b(authorization|x-api-key|api-key|x-goog-api-key)["']?\s*[:=]\s*("[^"]*"|'[^']*'|[^\s,;}]+(\s+[^\s,;}]+)?)/gi,
  // Partly masked keys (`sk-abc***`) that the shared token rules do not match.
  /\bsk-[A-Za-z0-9_*.-]{6,}/g,
  /\b(api[_-]?key|access[_-]?token|secret)=([^&\s]+)/gi,
  // The same fields quoted as JSON or JS object keys.
  /\b(api[_-]?key|access[_-]?token|secret)["']?\s*:\s*("[^"]*"|'[^']*')/gi,
];

/** Key values seen by the resolver, held in memory only so that they can be scrubbed. */
const knownSecrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 8) knownSecrets.add(value);
}

/** True when the text holds a key value seen by the resolver. */
export function holdsKnownSecret(text: string): boolean {
  for (const secret of knownSecrets) if (text.includes(secret)) return true;
  return false;
}

export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join("[redacted]");
  }
  out = redactSecretTokens(out);
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (_match, name: unknown) => {
      if (
        typeof name === "string" &&
        /authorization|api-key|x-api-key|api[_-]?key|access[_-]?token|secret/i.test(name)
      ) {
        return `${name}: [redacted]`;
      }
      return "[redacted]";
    });
  }
  return out;
}
