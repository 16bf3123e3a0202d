import { createHash } from "node:crypto";

/**
 * JSON with sorted keys and normalised values, so that two equal requests hash the same
 * whatever the key order. Bytes become base64, URLs and dates strings; undefined is dropped.
 */
export function canonicalJson(value: unknown): string {
  // Written straight to text (no normalised copy of the value): it runs for every cached call.
  // The output is byte for byte `JSON.stringify(normalise(value))`, so existing keys still hit.
  const parts: string[] = [];
  if (!write(value, parts)) return JSON.stringify(undefined) as unknown as string;
  return parts.join("");
}

/** Appends the canonical JSON of `value`; false (and nothing appended) when it is dropped. */
function write(value: unknown, out: string[]): boolean {
  switch (typeof value) {
    case "string":
      out.push(JSON.stringify(value));
      return true;
    case "number":
      out.push(Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value)));
      return true;
    case "boolean":
      out.push(value ? "true" : "false");
      return true;
    case "bigint":
      out.push(JSON.stringify(value.toString()));
      return true;
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) {
    out.push("null");
    return true;
  }
  if (Array.isArray(value)) {
    out.push("[");
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(",");
      if (!write(value[i], out)) out.push("null");
    }
    out.push("]");
    return true;
  }
  if (
    value instanceof Uint8Array ||
    value instanceof ArrayBuffer ||
    value instanceof URL ||
    value instanceof Date
  ) {
    out.push(JSON.stringify(normalise(value)));
    return true;
  }
  out.push("{");
  let first = true;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    const mark = out.length;
    out.push(first ? "" : ",", JSON.stringify(key), ":");
    if (write(record[key], out)) first = false;
    else out.length = mark;
  }
  out.push("}");
  return true;
}

function normalise(value: unknown): unknown {
  if (value === undefined || typeof value === "function" || typeof value === "symbol") {
    return undefined;
  }
  if (value === null || typeof value !== "object") {
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "number" && !Number.isFinite(value)) return String(value);
    return value;
  }
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString("base64") };
  if (value instanceof ArrayBuffer) return { $bytes: Buffer.from(value).toString("base64") };
  if (value instanceof URL) return { $url: value.href };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map((item) => normalise(item) ?? null);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = normalise((value as Record<string, unknown>)[key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
