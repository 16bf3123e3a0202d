import type { Span } from "../core/index.js";
import type { Redactor } from "../redact/index.js";

/** Every text a span carries (name, attribute values, status, events), redacted in place. */
export function redactSpan(span: Span, redactor: Redactor): Span {
  if (!redactor.enabled) return span;
  span.name = redactor.text(span.name);
  const a = span.attributes;
  for (const key of Object.keys(a)) {
    const v = a[key];
    if (typeof v === "string") {
      // Most values hold nothing to mask: skip the store (a keyed write on every attribute).
      const r = redactor.text(v);
      if (r !== v) a[key] = r;
    } else if (Array.isArray(v)) a[key] = v.map((s) => redactor.text(s));
  }
  if (span.status.message !== undefined) span.status.message = redactor.text(span.status.message);
  for (const event of span.events) {
    event.name = redactor.text(event.name);
    if (event.attributes) event.attributes = redactor.value(event.attributes);
  }
  return span;
}
