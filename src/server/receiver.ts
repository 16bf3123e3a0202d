import { Hono } from "hono";
import { errorMessage } from "../core/index.js";
import { defaultRedactor, type Redactor } from "../redact/index.js";
import type { LiveStore, PromptStore, TraceStore } from "../store/index.js";
import {
  convertExportRequest,
  decodeExportRequest,
  encodeExportResponse,
  encodeRpcStatus,
  exportResponseJson,
  normalizeSpan,
  type OtlpExportRequest,
  type PartialSuccess,
  redactSpan,
} from "../traces/index.js";
import { createTokenCheck } from "./auth.js";
import { discardBody, gunzipLimited, HttpError, readLimited } from "./body.js";
import { addPromptRoutes } from "./prompts.js";
import { createTurnQueue, type TurnQueue } from "./turns.js";

export interface ReceiverOptions {
  traces: TraceStore;
  /** Serves `GET /v1/prompts/:name` (same bearer token) when given. */
  prompts?: PromptStore;
  /** Running canaries, so that `?key=` requests are routed between control and candidate. */
  live?: LiveStore;
  /** Everything the receiver does not answer goes here (`serve --ui`: the dashboard). */
  fallback?: (request: Request) => Response | Promise<Response>;
  /** Required: every `/v1/traces` request must carry `Authorization: Bearer <token>`. */
  token: string;
  /** Largest body, compressed and decompressed alike. Default 10 MiB. */
  maxBodyBytes?: number;
  redactor?: Redactor;
  /**
   * Requests admitted at once: counted from the moment the whole body has arrived until it is
   * stored, while it waits for its turn (turns.ts) and while it is stored. Their bodies are
   * held in memory meanwhile; more are answered 503 with Retry-After, which OTLP exporters
   * retry. Requests still uploading are not counted (slow clients must not lock out the
   * others): the body timeout bounds them instead. Default 32.
   */
  maxConcurrentRequests?: number;
  /**
   * A request whose turn would come later than this (the queued bodies' bytes at the rate
   * recent requests were stored) is answered 503 + Retry-After instead of waiting. Default
   * 2000 ms, well inside the OTLP exporters' 10 s timeout.
   */
  maxQueueWaitMs?: number;
  /**
   * Most milliseconds to receive a body once its headers are in; then 408. Default 10 s, the
   * OTLP exporters' own timeout: past it the sender has given up anyway.
   */
  bodyTimeoutMs?: number;
  /**
   * Asked before a request's body is read and again before it is processed (then with the
   * `loadMark` reading taken at its start): a reason to refuse it now (503 + Retry-After), or
   * undefined to serve it. `startServer` answers from the event loop's delay; default never.
   */
  overloaded?: (waitedSince?: number) => string | undefined;
  /**
   * A reading taken when a request starts and handed back to `overloaded` once its body is
   * in, so that it can tell how long the request waited for the server (not for its client).
   */
  loadMark?: () => number;
  /**
   * The order requests are stored in (turns.ts); `startServer` passes one that hears of every
   * accepted connection. Default: a queue of the app's own.
   */
  turns?: TurnQueue;
  /** Told about each stored request and each rejection; default silent. */
  log?: (line: string) => void;
}

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 32;
export const DEFAULT_MAX_QUEUE_WAIT_MS = 2_000;
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

type Wire = "protobuf" | "json";

function wireOf(contentType: string | undefined): Wire | undefined {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  if (type === "application/x-protobuf" || type === "application/protobuf") return "protobuf";
  if (type === "application/json") return "json";
  return undefined;
}

function errorResponse(wire: Wire | undefined, status: number, message: string): Response {
  const headers: Record<string, string> = {};
  if (status === 401) headers["www-authenticate"] = 'Bearer realm="ratchet"';
  if (status === 503) headers["retry-after"] = "1";
  // The rest of a timed-out body may still be on its way: do not read it as the next request.
  if (status === 408) headers.connection = "close";
  // OTLP/HTTP: errors are a google.rpc.Status in the request's encoding.
  if (wire === "protobuf") {
    headers["content-type"] = "application/x-protobuf";
    return new Response(encodeRpcStatus(status, message), { status, headers });
  }
  headers["content-type"] = "application/json";
  return new Response(JSON.stringify({ code: status, message }), { status, headers });
}

/**
 * The OTLP/HTTP trace receiver as a Hono app. Each request is decoded, validated span by
 * span, normalized to the GenAI shape, redacted, and stored in ONE transaction: a request
 * that fails stores nothing; invalid spans inside a valid request are a partial success.
 */
export function createReceiverApp(options: ReceiverOptions): Hono {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const redactor = options.redactor ?? defaultRedactor;
  const authorized = createTokenCheck(options.token);
  const log = options.log ?? (() => undefined);
  const maxInFlight = Math.max(1, options.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS);
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const overloaded = options.overloaded ?? (() => undefined);
  const maxQueueWaitMs = options.maxQueueWaitMs ?? DEFAULT_MAX_QUEUE_WAIT_MS;
  const turns = options.turns ?? createTurnQueue();
  let inFlight = 0;
  const app = new Hono();

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  if (options.prompts) {
    addPromptRoutes(app, {
      prompts: options.prompts,
      authorized,
      ...(options.live ? { live: options.live } : {}),
    });
  }

  app.post("/v1/traces", async (c) => {
    const wire = wireOf(c.req.header("content-type"));
    let counted = false;
    let done: (() => void) | undefined;
    try {
      if (!authorized(c.req.header("authorization"))) {
        throw new HttpError(401, "missing or invalid bearer token");
      }
      if (wire === undefined) {
        throw new HttpError(
          415,
          `unsupported content-type "${c.req.header("content-type") ?? ""}": use application/x-protobuf or application/json`,
        );
      }
      const encoding = (c.req.header("content-encoding") ?? "identity").trim().toLowerCase();
      if (encoding !== "identity" && encoding !== "gzip") {
        throw new HttpError(415, `unsupported content-encoding "${encoding}": use gzip or none`);
      }
      const declared = Number(c.req.header("content-length"));
      if (Number.isFinite(declared) && declared > limit) {
        throw new HttpError(413, `request body larger than ${limit} bytes`);
      }
      // Refused without decoding: the cheapest answer a backlog can give. The body is still
      // read (and dropped) so that the client gets the 503, not a reset mid-upload.
      const mark = options.loadMark?.();
      const busy = overloaded();
      if (busy !== undefined) {
        await discardBody(c.req.raw.body, { maxBytes: limit, timeoutMs: bodyTimeoutMs });
        throw new HttpError(503, busy);
      }
      let body = await readLimited(c.req.raw.body, { maxBytes: limit, timeoutMs: bodyTimeoutMs });
      // Asked again now: requests admitted in one quiet moment upload over many loop turns,
      // each made long by the others' processing, and would then wait behind each other.
      // Refusing them now costs the client only the upload.
      const late = overloaded(mark);
      if (late !== undefined) throw new HttpError(503, late);
      if (inFlight >= maxInFlight) {
        throw new HttpError(503, `busy: ${maxInFlight} requests in progress; retry after 1 s`);
      }
      inFlight++;
      counted = true;
      if (encoding === "gzip") body = await gunzipLimited(body, limit);
      const wait = turns.expectedWaitMs();
      if (wait > maxQueueWaitMs) {
        throw new HttpError(
          503,
          `overloaded: ${turns.waiting} requests wait to be stored, about ${Math.round(wait)} ms of work (limit ${maxQueueWaitMs} ms); retry after 1 s`,
        );
      }
      done = await turns.take(body.length);

      let request: OtlpExportRequest;
      if (wire === "protobuf") {
        try {
          request = decodeExportRequest(body);
        } catch (error) {
          throw new HttpError(
            400,
            `malformed protobuf ExportTraceServiceRequest: ${errorMessage(error)}`,
          );
        }
      } else {
        try {
          request = JSON.parse(body.toString("utf8")) as OtlpExportRequest;
        } catch (error) {
          // V8's message quotes the body around the error: it could hold a secret.
          const at = /position (\d+)/.exec(errorMessage(error))?.[1];
          throw new HttpError(400, `malformed JSON${at !== undefined ? ` at position ${at}` : ""}`);
        }
      }
      let converted: ReturnType<typeof convertExportRequest>;
      try {
        converted = convertExportRequest(request);
      } catch (error) {
        throw new HttpError(400, `invalid ExportTraceServiceRequest: ${errorMessage(error)}`);
      }
      for (const span of converted.spans) redactSpan(span, redactor);
      for (const span of converted.spans) normalizeSpan(span, "otlp");
      let stored = { inserted: 0, duplicates: 0 };
      try {
        stored = await options.traces.insertSpans(converted.spans, { sourceFormat: "otlp" });
      } catch (error) {
        log(`storing ${converted.spans.length} spans failed: ${errorMessage(error)}`);
        throw new HttpError(500, "storing the spans failed; nothing was stored");
      }
      const own = converted.own.length;
      log(
        `stored ${stored.inserted} spans (${stored.duplicates} duplicate, ${converted.rejected} rejected${
          own ? `, ${own} from a Ratchet evaluation export not stored` : ""
        })`,
      );
      // Ratchet's own evaluation spans are not production traffic: they are accepted (so the
      // exporter does not retry) but not stored, and the sender is told why, as a warning
      // (OTLP: a partial success with 0 rejected spans and a message).
      const messages = [
        ...converted.errors,
        ...(own
          ? [
              `${own} span${own === 1 ? "" : "s"} of a Ratchet evaluation export (ratchet.source=eval) not stored as production traces`,
            ]
          : []),
      ];
      const partial: PartialSuccess | undefined =
        messages.length > 0
          ? { rejectedSpans: converted.rejected, errorMessage: messages.join("; ") }
          : undefined;
      if (wire === "protobuf") {
        return new Response(encodeExportResponse(partial), {
          status: 200,
          headers: { "content-type": "application/x-protobuf" },
        });
      }
      return new Response(exportResponseJson(partial), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    } catch (error) {
      if (error instanceof HttpError) {
        log(`rejected request (${error.status}): ${error.message}`);
        return errorResponse(wire, error.status, error.message);
      }
      log(`internal error: ${errorMessage(error)}`);
      return errorResponse(wire, 500, "internal error");
    } finally {
      done?.();
      if (counted) inFlight--;
    }
  });

  app.notFound((c) =>
    c.json({ code: 404, message: `no route ${c.req.method} ${c.req.path}` }, 404),
  );
  if (options.fallback) app.mount("/", options.fallback);
  return app;
}
