import type { Span } from "../core/index.js";
import type { Redactor } from "../redact/index.js";

type Attributes = Span["attributes"];

function redactAttributes(a: Attributes, redactor: Redactor): void {
  for (const key of Object.keys(a)) {
    const v = a[key];
    if (typeof v === "string") {
      // Most values hold nothing to mask: skip the store (a keyed write on every attribute).
      const r = redactor.text(v);
      if (r !== v) a[key] = r;
    } else if (Array.isArray(v)) a[key] = v.map((s) => redactor.text(s));
  }
}

/** Spans of one OTLP request part share their resource object: redact it once, not per span. */
const redactedResources = new WeakMap<Attributes, Attributes>();

/**
 * Every text a span carries (name, attribute values, status, events, resource, scope and
 * link attributes), redacted in place.
 */
export function redactSpan(span: Span, redactor: Redactor): Span {
  if (!redactor.enabled) return span;
  span.name = redactor.text(span.name);
  redactAttributes(span.attributes, redactor);
  if (span.resource !== undefined) {
    let redacted = redactedResources.get(span.resource);
    if (redacted === undefined) {
      redacted = { ...span.resource };
      redactAttributes(redacted, redactor);
      redactedResources.set(span.resource, redacted);
      redactedResources.set(redacted, redacted);
    }
    span.resource = redacted;
  }
  if (span.scope?.attributes) span.scope.attributes = redactor.value(span.scope.attributes);
  for (const link of span.links ?? []) {
    if (link.attributes) link.attributes = redactor.value(link.attributes);
  }
  if (span.status.message !== undefined) span.status.message = redactor.text(span.status.message);
  for (const event of span.events) {
    event.name = redactor.text(event.name);
    if (event.attributes) event.attributes = redactor.value(event.attributes);
  }
  return span;
}
