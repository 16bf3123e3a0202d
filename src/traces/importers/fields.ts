import { RecordError } from "./types.js";

export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

export function requireObject(v: unknown, what: string): Record<string, unknown> {
  if (!isObject(v)) throw new RecordError(`${what} must be a JSON object`);
  return v;
}

export function optionalString(v: unknown, key: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  throw new RecordError(`\`${key}\` must be a string`);
}

/** ISO text, or a number in s / ms / µs / ns (guessed by magnitude). */
export function timeMs(v: unknown, key: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) {
    if (v > 1e17) return v / 1e6;
    if (v > 1e14) return v / 1e3;
    if (v > 1e11) return v;
    return v * 1000;
  }
  if (typeof v === "string") {
    if (/^\d+(\.\d+)?$/.test(v)) return timeMs(Number(v), key);
    const parsed = Date.parse(v);
    if (Number.isFinite(parsed)) return parsed;
  }
  throw new RecordError(`\`${key}\` must be an ISO time or epoch number, got ${JSON.stringify(v)}`);
}

/** Message content may be text, null, or a list of parts (`{type:"text", text}`). */
export function contentText(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (Array.isArray(v)) {
    return v
      .map((part) =>
        typeof part === "string"
          ? part
          : isObject(part) && typeof part.text === "string"
            ? part.text
            : JSON.stringify(part),
      )
      .join("");
  }
  return JSON.stringify(v);
}
