import type { Span } from "../core/index.js";
import type { Redactor } from "./types.js";

/**
 * Every text a span carries (name, attribute keys and values, status, events, resource,
 * scope and link attributes), redacted in place: values under secret names (`db.password`, `http.request.header.authorization`),
 * card- and phone-like numbers, and keys that themselves hold personal data.
 */
export function redactSpan(span: Span, redactor: Redactor): Span {
  if (!redactor.active) return span;
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

/**
 * The spans of one OTLP request part share their resource object (all its attributes, kept
 * since migration 6): redact it once, not once per span.
 */
const redactedResources = new WeakMap<Span["attributes"], Span["attributes"]>();

function redactAttributes(a: Span["attributes"], redactor: Redactor): void {
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
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
