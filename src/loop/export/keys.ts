import { createHash } from "node:crypto";
import type { Message } from "../../core/index.js";

/** Case-folded, NFKC, whitespace runs as one space: formatting alone makes no new example. */
export function normalizeText(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

/** JSON with object keys sorted, so that argument order makes no difference. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== "object" || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) {
      sorted[key] = (inner as Record<string, unknown>)[key];
    }
    return sorted;
  });
}

/**
 * The turns as they matter for training: role, normalized text, tool names and arguments.
 * Tool-call ids are left out (every run draws new ones).
 */
export function normalizedTurns(messages: readonly Message[]): unknown[] {
  return messages.map((m) => [
    m.role,
    normalizeText(m.content),
    (m.tool_calls ?? []).map((c) => [c.name, sortedJson(c.arguments)]),
  ]);
}

/** 96 bits of sha256: collisions are negligible below billions of examples. */
export function digest(value: unknown): string {
  return createHash("sha256").update(sortedJson(value)).digest("base64url").slice(0, 16);
}

/** Remembers what was written; only the digests are kept, not the examples. */
export class SeenSet {
  readonly #seen = new Set<string>();

  /** True the first time a key is offered. */
  add(key: string): boolean {
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    return true;
  }
}

/**
 * Train or validation, decided by the example's group (its case, its trace) and the seed:
 * the same inputs always land on the same side, and every example of a case lands together,
 * so that validation never holds a case the model trained on.
 */
export function isValidation(group: string, seed: number, share: number): boolean {
  if (share <= 0) return false;
  if (share >= 1) return true;
  const hash = createHash("sha256").update(`${seed}\u0000${group}`).digest();
  return hash.readUInt32BE(0) / 2 ** 32 < share;
}
