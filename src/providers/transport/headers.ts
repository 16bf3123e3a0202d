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

/** Response headers as a WHATWG Headers object (repeated headers joined as fetch does). */
export function responseHeaders(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) out.append(name, item);
    else out.set(name, value);
  }
  return out;
}
