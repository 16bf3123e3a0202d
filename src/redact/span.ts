import type { Span } from "../core/index.js";
import type { Redactor } from "./types.js";

/**
 * Every text a span carries (name, attribute keys and values, status, events), redacted in
 * place: values under secret names (`db.password`, `http.request.header.authorization`),
 * card- and phone-like numbers, and keys that themselves hold personal data.
 */
export function redactSpan(span: Span, redactor: Redactor): Span {
  if (!redactor.active) return span;
  span.name = redactor.text(span.name);
  const a = span.attributes;
  for (const key of Object.keys(a)) {
    const v = a[key]!;
    const [name, r] = redactor.entry(key, v);
    if (name !== key) {
      delete a[key];
      a[name] = r;
    } else if (r !== v && (!Array.isArray(v) || !sameList(v, r as string[]))) {
      // Most values hold nothing to mask: skip the store (a keyed write on every attribute).
      a[key] = r;
    }
  }
  if (span.status.message !== undefined) span.status.message = redactor.text(span.status.message);
  for (const event of span.events) {
    event.name = redactor.text(event.name);
    if (event.attributes) event.attributes = redactor.value(event.attributes);
  }
  return span;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
