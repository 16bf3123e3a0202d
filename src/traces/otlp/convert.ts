import type { Span } from "../../core/index.js";
import type {
  OtlpAnyValue,
  OtlpExportRequest,
  OtlpId,
  OtlpKeyValue,
  OtlpLong,
  OtlpSpan,
} from "./types.js";

type AttrValue = Span["attributes"][string];

const HEX = /^[0-9a-f]+$/;
const DIGITS = /^\d+$/;

function idToHex(id: OtlpId | undefined, bytes: number): string | undefined {
  if (id === undefined || id === null) return undefined;
  let hex: string;
  if (typeof id === "string") {
    const lower = id.toLowerCase();
    if (lower.length === bytes * 2 && HEX.test(lower)) hex = lower;
    else if (id.length > 0) {
      // proto3's canonical JSON mapping writes bytes as base64; OTLP/JSON says hex. Accept both.
      hex = Buffer.from(id, "base64").toString("hex");
    } else return undefined;
  } else if (id instanceof Uint8Array) {
    if (id.length === 0) return undefined;
    hex = Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString("hex");
  } else return undefined;
  if (hex.length !== bytes * 2 || /^0+$/.test(hex)) return undefined;
  return hex;
}

/** Nanoseconds → milliseconds, exact to the microsecond. */
export function nanosToMs(value: OtlpLong | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  let ns: bigint;
  try {
    if (typeof value === "object") {
      // A protobuf fixed64 as two 32-bit halves. Without BigInt: 2^32 = 4294967 × 1000 + 296,
      // so floor(ns / 1000) = high × 4294967 + floor((high × 296 + low) / 1000): exact in
      // doubles while the result is a safe integer (until the year 2255), else BigInt below.
      const high = value.high >>> 0;
      const low = value.low >>> 0;
      const micros = high * 4294967 + Math.floor((high * 296 + low) / 1000);
      if (Number.isSafeInteger(micros)) return micros / 1000;
      ns = (BigInt(high) << 32n) | BigInt(low);
    } else if (typeof value === "number") {
      if (!Number.isFinite(value) || value < 0) return undefined;
      ns = BigInt(Math.round(value));
    } else {
      if (!DIGITS.test(value)) return undefined;
      // Fast path (no BigInt): dropping the last three digits is the floor division by 1000,
      // exact whenever the microseconds are a safe integer (until the year 2255).
      if (value.length > 3) {
        const micros = Number(value.slice(0, -3));
        if (Number.isSafeInteger(micros)) return micros / 1000;
      }
      ns = BigInt(value);
    }
  } catch {
    return undefined;
  }
  return Number(ns / 1000n) / 1000;
}

function anyValue(value: OtlpAnyValue | undefined): unknown {
  if (value === undefined || value === null) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) {
    const v = value.intValue;
    // Signed 64-bit halves. Beyond 2^53 a number would change digits (a 19-digit card would
    // survive redaction approximately): such a value keeps its exact digits as text.
    if (typeof v === "object") {
      const n = v.high * 4294967296 + (v.low >>> 0);
      if (Number.isSafeInteger(n)) return n;
      return String(BigInt(v.high) * 4294967296n + BigInt(v.low >>> 0));
    }
    const n = Number(v);
    if (!Number.isSafeInteger(n) && typeof v === "string" && /^-?\d+$/.test(v)) return v;
    return n;
  }
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(anyValue);
  if (value.kvlistValue !== undefined) {
    const out: Record<string, unknown> = {};
    for (const kv of value.kvlistValue.values ?? []) {
      if (typeof kv?.key === "string") out[kv.key] = anyValue(kv.value);
    }
    return out;
  }
  if (value.bytesValue !== undefined) {
    const b = value.bytesValue;
    return typeof b === "string" ? b : Buffer.from(b).toString("base64");
  }
  return undefined;
}

/** Our span attributes hold scalars and string lists; anything richer becomes JSON text. */
function toAttr(value: unknown): AttrValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
  return JSON.stringify(value);
}

/** `into` (default a new object) gains the list's attributes; a later key wins. */
export function attributesOf(
  list: OtlpKeyValue[] | undefined,
  into: Span["attributes"] = {},
): Span["attributes"] {
  const out = into;
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    const key = kv?.key;
    if (typeof key !== "string" || key === "") continue;
    // Most values are strings: no detour through anyValue and toAttr for them.
    const text = kv.value?.stringValue;
    const v = typeof text === "string" ? text : toAttr(anyValue(kv.value));
    if (v !== undefined) out[key] = v;
  }
  return out;
}

const KINDS: Record<string, Span["kind"]> = {
  "0": "internal",
  "1": "internal",
  "2": "server",
  "3": "client",
  "4": "producer",
  "5": "consumer",
  SPAN_KIND_UNSPECIFIED: "internal",
  SPAN_KIND_INTERNAL: "internal",
  SPAN_KIND_SERVER: "server",
  SPAN_KIND_CLIENT: "client",
  SPAN_KIND_PRODUCER: "producer",
  SPAN_KIND_CONSUMER: "consumer",
};

function statusOf(
  status: { code?: number | string; message?: string } | undefined,
): Span["status"] {
  const code = String(status?.code ?? 0);
  const out: Span["status"] = {
    code:
      code === "2" || code === "STATUS_CODE_ERROR"
        ? "error"
        : code === "1" || code === "STATUS_CODE_OK"
          ? "ok"
          : "unset",
  };
  if (typeof status?.message === "string" && status.message !== "") out.message = status.message;
  return out;
}

export interface ConvertResult {
  /** Production spans: everything valid except Ratchet's own evaluation spans. */
  spans: Span[];
  rejected: number;
  /** One line per distinct reason, e.g. `2 spans: invalid traceId`. */
  errors: string[];
  /** Valid spans that `ratchet export otlp` made from an evaluation run (see `isOwnEvalResource`). */
  own: Span[];
}

/**
 * Resource attributes copied onto every span's own attributes too (who sent it), because
 * mining and cost group by them; the whole resource is kept in `span.resource`.
 */
const RESOURCE_KEYS = ["service.name", "service.version", "deployment.environment"];

/** What `ratchet export otlp` puts on its resource and scope, so a receiver can tell. */
export const OWN_EXPORT = {
  sourceKey: "ratchet.source",
  sourceValue: "eval",
  serviceName: "ratchet",
  scopeName: "ratchet",
} as const;

/**
 * Spans that Ratchet exported from one of its evaluation runs: marked `ratchet.source = eval`
 * on the resource, or (exports made before that mark) `service.name = ratchet` with a
 * `ratchet.run.id` on the resource and the `ratchet` scope.
 */
export function isOwnEvalResource(
  resource: Span["attributes"],
  scopeName: string | undefined,
): boolean {
  if (resource[OWN_EXPORT.sourceKey] === OWN_EXPORT.sourceValue) return true;
  return (
    resource["service.name"] === OWN_EXPORT.serviceName &&
    resource["ratchet.run.id"] !== undefined &&
    scopeName === OWN_EXPORT.scopeName
  );
}

function scopeOf(
  scope: { name?: unknown; version?: unknown; attributes?: OtlpKeyValue[] } | undefined,
): Span["scope"] | undefined {
  if (scope === null || typeof scope !== "object") return undefined;
  const name = typeof scope.name === "string" ? scope.name : "";
  const version =
    typeof scope.version === "string" && scope.version !== "" ? scope.version : undefined;
  const attributes = attributesOf(scope.attributes);
  if (name === "" && version === undefined && Object.keys(attributes).length === 0)
    return undefined;
  return {
    name,
    ...(version !== undefined ? { version } : {}),
    ...(Object.keys(attributes).length ? { attributes } : {}),
  };
}

function linksOf(links: OtlpSpan["links"]): Span["links"] | undefined {
  if (!Array.isArray(links) || links.length === 0) return undefined;
  const out: NonNullable<Span["links"]> = [];
  for (const link of links) {
    const traceId = idToHex(link?.traceId, 16);
    const spanId = idToHex(link?.spanId, 8);
    // A link to no valid span says nothing; drop it rather than the span.
    if (traceId === undefined || spanId === undefined) continue;
    const attributes = attributesOf(link.attributes);
    out.push({
      trace_id: traceId,
      span_id: spanId,
      ...(Object.keys(attributes).length ? { attributes } : {}),
    });
  }
  return out.length ? out : undefined;
}

/**
 * Validate and flatten an ExportTraceServiceRequest. Invalid spans are counted and described,
 * never thrown, so that a request can partially succeed.
 */
export function convertExportRequest(request: OtlpExportRequest): ConvertResult {
  if (request === null || typeof request !== "object" || Array.isArray(request)) {
    throw new TypeError("not an ExportTraceServiceRequest object");
  }
  const spans: Span[] = [];
  const own: Span[] = [];
  const reasons = new Map<string, number>();
  let rejected = 0;
  const reject = (reason: string) => {
    rejected++;
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  };
  const resourceSpans = request.resourceSpans ?? [];
  if (!Array.isArray(resourceSpans)) throw new TypeError("resourceSpans must be an array");
  for (const rs of resourceSpans) {
    const resource = attributesOf(rs?.resource?.attributes);
    const inherited: Span["attributes"] = {};
    for (const key of RESOURCE_KEYS) {
      const v = resource[key];
      if (v !== undefined) inherited[key] = v;
    }
    const hasResource = Object.keys(resource).length > 0;
    const scopeSpans = rs?.scopeSpans ?? [];
    if (!Array.isArray(scopeSpans)) throw new TypeError("scopeSpans must be an array");
    for (const ss of scopeSpans) {
      const scope = scopeOf(ss?.scope);
      const into = isOwnEvalResource(resource, scope?.name) ? own : spans;
      const list = ss?.spans ?? [];
      if (!Array.isArray(list)) throw new TypeError("spans must be an array");
      for (const s of list) {
        if (s === null || typeof s !== "object") {
          reject("not a span object");
          continue;
        }
        const traceId = idToHex(s.traceId, 16);
        if (traceId === undefined) {
          reject("invalid traceId (want 16 non-zero bytes)");
          continue;
        }
        const spanId = idToHex(s.spanId, 8);
        if (spanId === undefined) {
          reject("invalid spanId (want 8 non-zero bytes)");
          continue;
        }
        const start = nanosToMs(s.startTimeUnixNano);
        if (start === undefined || start === 0) {
          reject("missing or invalid startTimeUnixNano");
          continue;
        }
        const end = nanosToMs(s.endTimeUnixNano) ?? start;
        const parent = idToHex(s.parentSpanId, 8);
        // Built without object spreads (one literal, one shape): this runs for every span.
        const span: Span = {
          trace_id: traceId,
          span_id: spanId,
          name: typeof s.name === "string" ? s.name : "",
          kind: KINDS[typeof s.kind === "number" ? s.kind : String(s.kind ?? 0)] ?? "internal",
          start_ms: start,
          end_ms: Math.max(end, start),
          attributes: attributesOf(s.attributes, { ...inherited }),
          status: statusOf(s.status),
          events: (Array.isArray(s.events) ? s.events : []).map((e) => {
            const attrs = attributesOf(e?.attributes);
            return {
              name: typeof e?.name === "string" ? e.name : "",
              time_ms: nanosToMs(e?.timeUnixNano) ?? start,
              ...(Object.keys(attrs).length ? { attributes: attrs } : {}),
            };
          }),
        };
        if (parent !== undefined) span.parent_span_id = parent;
        // One resource and scope object per request part, shared by its spans.
        if (hasResource) span.resource = resource;
        if (scope !== undefined) span.scope = scope;
        const links = linksOf(s.links);
        if (links !== undefined) span.links = links;
        into.push(span);
      }
    }
  }
  const errors = [...reasons].map(([reason, n]) => `${n} span${n === 1 ? "" : "s"}: ${reason}`);
  return { spans, rejected, errors, own };
}
