import type { Attributes } from "./types.js";

export interface ChatMessage {
  role: string;
  content: string;
  tool_calls?: Array<{ id?: string; name: string; arguments?: string }>;
}

/**
 * Collect flattened indexed messages (`<prefix>.<i>.<rest>`) into an array and delete their
 * keys. `read(i, get)` builds message i from its fields (`get("role")`, …).
 */
export function collectIndexed(
  attributes: Attributes,
  prefix: string,
  read: (get: (field: string) => unknown) => ChatMessage | undefined,
): ChatMessage[] | undefined {
  const head = `${prefix}.`;
  const byIndex = new Map<number, Map<string, unknown>>();
  for (const key of Object.keys(attributes)) {
    if (!key.startsWith(head)) continue;
    const rest = key.slice(head.length);
    const dot = rest.indexOf(".");
    const index = Number(dot < 0 ? rest : rest.slice(0, dot));
    if (!Number.isInteger(index) || dot < 0) continue;
    let fields = byIndex.get(index);
    if (fields === undefined) {
      fields = new Map();
      byIndex.set(index, fields);
    }
    fields.set(rest.slice(dot + 1), attributes[key]);
    delete attributes[key];
  }
  if (byIndex.size === 0) return undefined;
  const out: ChatMessage[] = [];
  for (const index of [...byIndex.keys()].sort((a, b) => a - b)) {
    const fields = byIndex.get(index) as Map<string, unknown>;
    const message = read((field) => fields.get(field));
    if (message) out.push(message);
  }
  return out;
}

/** Move `from` to `to` unless `to` is already set; `from` is removed either way. */
export function rename(
  attributes: Attributes,
  from: string,
  to: string,
  convert?: (v: Attributes[string]) => Attributes[string] | undefined,
): void {
  const value = attributes[from];
  if (value === undefined) return;
  delete attributes[from];
  if (attributes[to] !== undefined) return;
  const converted = convert ? convert(value) : value;
  if (converted !== undefined) attributes[to] = converted;
}

export const toNumber = (v: Attributes[string]): number | undefined => {
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
};

export const asText = (v: unknown): string =>
  v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v);
