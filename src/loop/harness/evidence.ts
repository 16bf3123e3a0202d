import type { Failure } from "../../core/index.js";
import { type MemberReading, readMember } from "./read-member.js";
import { type Cause, HARNESS_KINDS, type HarnessKind } from "./types.js";

/** A cluster's members read one by one, with the counts the rules and the ticket use. */
export interface ClusterReading {
  readings: MemberReading[];
  /** Failures with their duplicates (a member's `count`), as the cluster's size counts them. */
  total: number;
  causes: Record<Cause, number>;
}

/** A failure stands for itself and its duplicates. */
export const weightOf = (failure: Failure): number => Math.max(1, failure.count ?? 1);

export function readCluster(members: readonly Failure[]): ClusterReading {
  const causes: Record<Cause, number> = {
    tools: 0,
    retrieval: 0,
    timeouts: 0,
    context: 0,
    provider: 0,
    behaviour: 0,
  };
  const readings = members.map(readMember);
  let total = 0;
  for (const reading of readings) {
    const weight = weightOf(reading.failure);
    causes[reading.cause] += weight;
    total += weight;
  }
  return { readings, total, causes };
}

/** Harness causes present, largest first (ties in `HARNESS_KINDS` order). */
export function rankedHarness(causes: Record<Cause, number>): Array<[HarnessKind, number]> {
  return HARNESS_KINDS.map((kind): [HarnessKind, number] => [kind, causes[kind]])
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1]);
}

/** Weighted counts by a key, largest first, ties by name. */
export function tally<T>(
  items: readonly T[],
  key: (item: T) => string | undefined,
  weight: (item: T) => number,
): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const name = key(item);
    if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + weight(item));
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export const readingWeight = (reading: MemberReading): number => weightOf(reading.failure);

/** "5 of 7 failures (71%)". */
export function ofTotal(count: number, total: number): string {
  return `${count} of ${total} failures (${Math.round((100 * count) / Math.max(1, total))}%)`;
}

export function listed(counts: ReadonlyArray<[string, number]>, n = 4): string {
  return counts
    .slice(0, n)
    .map(([name, count]) => `${name} ${count}`)
    .join(", ");
}

/** One line of an error text: whitespace collapsed, at most `max` characters. */
export function oneLine(text: string, max = 160): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
