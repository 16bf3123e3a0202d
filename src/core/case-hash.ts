import { createHash } from "node:crypto";
import type { Case } from "./types.js";

const memo = new WeakMap<Case, string>();

/**
 * sha256 of a case as it runs: everything but where it was read from, keys sorted. Two
 * attempts with the same hash ran the same input against the same expectations, which is
 * what makes a stored attempt safe to reuse. Memoized per case object (epochs, variants).
 */
export function caseHash(testCase: Case): string {
  let hash = memo.get(testCase);
  if (hash === undefined) {
    const { origin: _origin, ...content } = testCase;
    hash = createHash("sha256").update(sortedJson(content)).digest("hex");
    memo.set(testCase, hash);
  }
  return hash;
}

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
