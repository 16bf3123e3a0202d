import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

/** Request headers as node:http takes them, with fetch's defaults for what is missing. */
export function outgoingHeaders(
  headers: RequestInit["headers"],
  bodyLength: number | undefined,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  if (headers instanceof Headers || Array.isArray(headers)) {
    for (const [name, value] of new Headers(headers)) out[name] = value;
  } else if (headers) {
    for (const name of Object.keys(headers)) {
      const value = (headers as Record<string, string | undefined>)[name];
      if (value !== undefined) out[name.toLowerCase()] = value;
    }
  }
  out.accept ??= "*/*";
  out["accept-encoding"] ??= "gzip, deflate, br";
  if (bodyLength !== undefined) out["content-length"] = bodyLength;
  return out;
}

/**
 * Response headers as `[name, value]` pairs for a `Response`'s init (repeated headers as
 * separate pairs, which `Headers` joins as fetch does). Pairs, not a `Headers` object: the
 * `Response` constructor copies its init into a `Headers` of its own, so building one here
 * built every response's headers twice.
 */
export function responseHeaders(headers: IncomingHttpHeaders): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) out.push([name, item]);
    else out.push([name, value]);
  }
  return out;
}
