import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { decodedBody, isStreamingType, readAll, requestBodyBytes, toWebStream } from "./body.js";
import { bufferedResponse } from "./buffered-response.js";
import { outgoingHeaders, responseHeaders } from "./headers.js";
import type { HttpFetch, HttpFetchOptions } from "./types.js";

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Dropped when a redirect leaves the origin: they carry the caller's credentials. */
const CREDENTIAL_HEADERS = [
  "authorization",
  "x-api-key",
  "api-key",
  "cookie",
  "proxy-authorization",
];

/** What a request needs of its URL, parsed once per distinct URL (see `targetOf`). */
interface Target {
  href: string;
  origin: string;
  https: boolean;
  hostname: string;
  port: string;
  path: string;
}

const targets = new Map<string, Target>();
const MAX_CACHED_TARGETS = 256;

/** Model APIs are called on a handful of URLs: parsing each once saves ~15 µs a call. */
function targetOf(url: string | URL): Target {
  const key = typeof url === "string" ? url : url.href;
  let target = targets.get(key);
  if (!target) {
    const parsed = typeof url === "string" ? new URL(url) : url;
    target = {
      href: parsed.href,
      origin: parsed.origin,
      https: parsed.protocol === "https:",
      // node:http wants IPv6 literals without their brackets.
      hostname: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: parsed.port,
      path: `${parsed.pathname}${parsed.search}`,
    };
    if (targets.size >= MAX_CACHED_TARGETS) targets.clear();
    targets.set(key, target);
  }
  return target;
}

interface Outgoing {
  url: Target;
  method: string;
  headers: Record<string, string | number | string[]>;
  body: Buffer | null;
  signal: AbortSignal | undefined;
}

/**
 * A `fetch` for model APIs on node:http(s) with keep-alive pools.
 *
 * Why not the global fetch: undici's WHATWG layer (web streams, per-request abort plumbing)
 * cost about 0.5 ms of CPU per call on the runner benchmark, more than all of Ratchet's own
 * work per attempt. This keeps fetch's contract where providers rely on it: a real
 * `Response`, decoded gzip/deflate/br bodies, redirects with credentials dropped across
 * origins, aborts that reject with the signal's reason, and network failures as
 * `TypeError("fetch failed", { cause })` (which the AI SDK classifies as retryable).
 * Event streams (SSE, NDJSON) are handed over as they arrive; other bodies are read whole.
 */
export function createHttpFetch(options: HttpFetchOptions = {}): HttpFetch {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? Number.POSITIVE_INFINITY,
    maxFreeSockets: 256,
    timeout: options.idleSocketMs ?? 4_000,
    scheduling: "lifo" as const,
  };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);
  const fallback = options.fallback ?? globalThis.fetch;
  const maxRedirects = options.maxRedirects ?? 20;

  const send = (outgoing: Outgoing): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const { signal } = outgoing;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const { https, hostname, port, path } = outgoing.url;
      const request = (https ? httpsRequest : httpRequest)({
        hostname,
        ...(port ? { port } : {}),
        path,
        method: outgoing.method,
        headers: outgoing.headers,
        agent: https ? httpsAgent : httpAgent,
      });
      const onAbort = () => request.destroy(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      request.once("response", (response) => {
        signal?.removeEventListener("abort", onAbort);
        if (signal) {
          // Aborting after the headers arrived must still stop the body.
          const stopBody = () => response.destroy(signal.reason);
          signal.addEventListener("abort", stopBody, { once: true });
          response.once("close", () => signal.removeEventListener("abort", stopBody));
        }
        resolve(response);
      });
      request.once("error", (error) => {
        signal?.removeEventListener("abort", onAbort);
        reject(signal?.aborted ? signal.reason : new TypeError("fetch failed", { cause: error }));
      });
      request.end(outgoing.body ?? undefined);
    });

  const httpFetch = async (
    input: string | URL | Request,
    init: RequestInit = {},
  ): Promise<Response> => {
    const body = requestBodyBytes(init.body);
    const redirect = init.redirect ?? "follow";
    if (input instanceof Request || body === undefined || redirect !== "follow") {
      return fallback(input, init);
    }
    let url: Target;
    try {
      url = targetOf(input);
    } catch (error) {
      throw new TypeError("fetch failed", { cause: error });
    }
    if (!url.href.startsWith("http:") && !url.href.startsWith("https:"))
      return fallback(input, init);
    let outgoing: Outgoing = {
      url,
      method: (init.method ?? "GET").toUpperCase(),
      headers: outgoingHeaders(init.headers, body?.length) as Outgoing["headers"],
      body,
      signal: init.signal ?? undefined,
    };
    for (let redirects = 0; ; redirects++) {
      const response = await send(outgoing);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (!REDIRECT_STATUSES.has(status) || !location) return toResponse(response, url, outgoing);
      response.resume();
      if (redirects >= maxRedirects) {
        throw new TypeError("fetch failed", {
          cause: new Error(`more than ${maxRedirects} redirects from ${String(input)}`),
        });
      }
      let next: Target;
      try {
        next = targetOf(new URL(location, url.href));
      } catch (error) {
        throw new TypeError("fetch failed", { cause: error });
      }
      outgoing = redirected(outgoing, status, next);
      url = next;
    }
  };
  return Object.assign(httpFetch, {
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  });
}

/** The next request of a redirect chain, following fetch's rules for method and body. */
function redirected(outgoing: Outgoing, status: number, next: Target): Outgoing {
  const headers = { ...outgoing.headers };
  let { method, body } = outgoing;
  if (
    (status === 303 && method !== "HEAD") ||
    ((status === 301 || status === 302) && method === "POST")
  ) {
    method = "GET";
    body = null;
    for (const name of ["content-type", "content-length", "content-encoding", "content-language"])
      delete headers[name];
  }
  if (next.origin !== outgoing.url.origin)
    for (const name of CREDENTIAL_HEADERS) delete headers[name];
  return { ...outgoing, url: next, method, headers, body };
}

async function toResponse(
  response: IncomingMessage,
  url: Target,
  outgoing: Outgoing,
): Promise<Response> {
  const status = response.statusCode ?? 0;
  const init: ResponseInit = {
    status,
    statusText: response.statusMessage ?? "",
    headers: responseHeaders(response.headers),
  };
  let result: Response;
  if (NULL_BODY_STATUSES.has(status) || outgoing.method === "HEAD") {
    response.resume();
    result = new Response(null, init);
  } else if (isStreamingType(response.headers["content-type"])) {
    result = new Response(toWebStream(decodedBody(response)), init);
  } else {
    let bytes: Buffer;
    try {
      bytes = await readAll(decodedBody(response));
    } catch (error) {
      if (outgoing.signal?.aborted) throw outgoing.signal.reason;
      throw new TypeError("fetch failed", { cause: error });
    }
    return bufferedResponse(bytes, init, url.href);
  }
  Object.defineProperty(result, "url", { value: url.href });
  return result;
}
