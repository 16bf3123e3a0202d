import { APICallError } from "@ai-sdk/provider";
import { redactSecrets } from "./redact.js";

export type ProviderErrorClass = "timeout" | "rate_limit" | "provider_error" | "agent_error";

export interface ClassifiedProviderError {
  class: ProviderErrorClass;
  /** One line, secrets removed. */
  message: string;
  status?: number;
  /** From `retry-after-ms` or `Retry-After` (seconds or HTTP-date). */
  retryAfterMs?: number;
  retryable: boolean;
}

/** Parses rate-limit hints; `now` is injectable so HTTP-dates can be tested. */
export function parseRetryAfter(
  headers: Record<string, string | undefined> | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) lower[k.toLowerCase()] = v;
  const ms = lower["retry-after-ms"];
  if (ms !== undefined) {
    const n = Number.parseFloat(ms);
    if (Number.isFinite(n) && n >= 0) return Math.round(n);
  }
  const ra = lower["retry-after"];
  if (ra === undefined) return undefined;
  const trimmed = ra.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number.parseFloat(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);
const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** Errors raised when the model's output does not fit what the agent asked for. */
const AGENT_ERROR_NAMES = new Set([
  "AI_NoSuchToolError",
  "AI_InvalidToolInputError",
  "AI_ToolCallRepairError",
  "AI_NoObjectGeneratedError",
  "AI_TypeValidationError",
  "AI_NoOutputGeneratedError",
  "AI_NoContentGeneratedError",
  "AI_ToolExecutionError",
  "AI_MissingToolResultsError",
]);

function oneLine(text: string, max = 300): string {
  const flat = redactSecrets(text).replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function errorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isAbort(err: unknown): boolean {
  if (!err || typeof err !== "object") return false;
  const name = (err as { name?: unknown }).name;
  return name === "AbortError" || name === "TimeoutError";
}

function unwrap(err: unknown): unknown {
  // The AI SDK wraps exhausted retries in a RetryError whose last error is the real one.
  if (err && typeof err === "object" && (err as { name?: unknown }).name === "AI_RetryError") {
    const last = (err as { lastError?: unknown }).lastError;
    if (last !== undefined) return last;
  }
  return err;
}

/** Maps any error thrown by a model call to the runner's error classes. */
export function classifyProviderError(
  error: unknown,
  now: number = Date.now(),
): ClassifiedProviderError {
  const err = unwrap(error);
  const rawMessage = err instanceof Error ? err.message : String(err);

  if (isAbort(err) || isAbort((err as { cause?: unknown } | undefined)?.cause)) {
    return {
      class: "timeout",
      message: oneLine(`request aborted: ${rawMessage}`),
      retryable: true,
    };
  }

  if (APICallError.isInstance(err)) {
    const status = err.statusCode;
    const retryAfterMs = parseRetryAfter(err.responseHeaders, now);
    const base = { message: oneLine(rawMessage), ...(status !== undefined ? { status } : {}) };
    const withRetry = retryAfterMs !== undefined ? { retryAfterMs } : {};
    if (status === 429) return { class: "rate_limit", ...base, ...withRetry, retryable: true };
    if (status === 408 || status === 504)
      return { class: "timeout", ...base, ...withRetry, retryable: true };
    if (status !== undefined && status >= 500)
      return { class: "provider_error", ...base, ...withRetry, retryable: true };
    if (status !== undefined) {
      // 4xx other than 408/429: our request or credentials are wrong; retrying will not help.
      const hint =
        status === 401 || status === 403 ? " (check the API key environment variable)" : "";
      return {
        class: "provider_error",
        ...base,
        message: oneLine(`${rawMessage}${hint}`),
        retryable: false,
      };
    }
    const code = errorCode(err.cause);
    if (code && TIMEOUT_CODES.has(code)) {
      return { class: "timeout", message: oneLine(rawMessage), retryable: true };
    }
    // No status: the request never got an answer (connection refused, reset, DNS).
    return { class: "provider_error", message: oneLine(rawMessage), retryable: err.isRetryable };
  }

  const code = errorCode(err);
  if (code && TIMEOUT_CODES.has(code)) {
    return { class: "timeout", message: oneLine(rawMessage), retryable: true };
  }
  if (code && NETWORK_CODES.has(code)) {
    return { class: "provider_error", message: oneLine(rawMessage), retryable: true };
  }
  if (err instanceof TypeError && /fetch failed/i.test(rawMessage)) {
    return { class: "provider_error", message: oneLine(rawMessage), retryable: true };
  }
  const name = err && typeof err === "object" ? (err as { name?: unknown }).name : undefined;
  if (typeof name === "string" && name.startsWith("AI_") && !AGENT_ERROR_NAMES.has(name)) {
    // Other SDK errors (invalid response data, JSON parse of the response, empty body).
    return { class: "provider_error", message: oneLine(rawMessage), retryable: false };
  }
  return { class: "agent_error", message: oneLine(rawMessage), retryable: false };
}
