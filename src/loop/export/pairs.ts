import type { Attempt } from "../../core/index.js";
import type { Store } from "../../store/index.js";

/** Every attempt one side has for a (case, epoch), in the order its runs were given. */
export interface AttemptGroup {
  case_id: string;
  epoch: number;
  attempts: Attempt[];
}

/**
 * SQLite orders TEXT by its UTF-8 bytes (BINARY), which is code point order; JavaScript's
 * `<` compares UTF-16 units and disagrees above U+FFFF. The merge must follow the store.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function compareKey(a: { case_id: string; epoch: number }, b: { case_id: string; epoch: number }) {
  return compareText(a.case_id, b.case_id) || a.epoch - b.epoch;
}

/**
 * The attempts of several runs merged in (case, epoch) order and grouped. Each run is
 * streamed (`iterateAttempts` yields in that order), so memory holds one page per run,
 * never a whole run.
 */
export async function* groupedAttempts(
  store: Store,
  runIds: readonly string[],
): AsyncIterable<AttemptGroup> {
  const iterators = runIds.map((id) => store.iterateAttempts(id)[Symbol.asyncIterator]());
  const heads: Array<Attempt | undefined> = [];
  try {
    for (const it of iterators) heads.push((await it.next()).value ?? undefined);
    let group: AttemptGroup | undefined;
    for (;;) {
      let index = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i];
        const best = index < 0 ? undefined : heads[index];
        if (head !== undefined && (best === undefined || compareKey(head, best) < 0)) index = i;
      }
      if (index < 0) break;
      const attempt = heads[index] as Attempt;
      const next = await (iterators[index] as AsyncIterator<Attempt>).next();
      heads[index] = next.done ? undefined : next.value;
      if (group !== undefined && compareKey(group, attempt) === 0) {
        group.attempts.push(attempt);
        continue;
      }
      if (group !== undefined) yield group;
      group = { case_id: attempt.case_id, epoch: attempt.epoch, attempts: [attempt] };
    }
    if (group !== undefined) yield group;
  } finally {
    // An early stop (an error while writing) releases every run's cursor.
    await Promise.all(iterators.map((it) => it.return?.()));
  }
}

export type Joined =
  | { kind: "both"; a: AttemptGroup; b: AttemptGroup }
  | { kind: "one-side"; group: AttemptGroup };

/** Two grouped streams joined on (case, epoch). */
export async function* joinGroups(
  left: AsyncIterable<AttemptGroup>,
  right: AsyncIterable<AttemptGroup>,
): AsyncIterable<Joined> {
  const l = left[Symbol.asyncIterator]();
  const r = right[Symbol.asyncIterator]();
  try {
    let a = await l.next();
    let b = await r.next();
    while (!a.done || !b.done) {
      if (a.done) {
        yield { kind: "one-side", group: b.value as AttemptGroup };
        b = await r.next();
      } else if (b.done) {
        yield { kind: "one-side", group: a.value };
        a = await l.next();
      } else {
        const order = compareKey(a.value, b.value);
        if (order === 0) {
          yield { kind: "both", a: a.value, b: b.value };
          a = await l.next();
          b = await r.next();
        } else if (order < 0) {
          yield { kind: "one-side", group: a.value };
          a = await l.next();
        } else {
          yield { kind: "one-side", group: b.value };
          b = await r.next();
        }
      }
    }
  } finally {
    await Promise.all([l.return?.(), r.return?.()]);
  }
}

/**
 * Which attempt of each side to compare: the same variant on both sides (the first of each
 * when runs repeat it), or the only attempt of each when the sides ran different models.
 * Several variants with none in common cannot be paired without guessing.
 */
export function matchAttempts(a: AttemptGroup, b: AttemptGroup): Array<[Attempt, Attempt]> {
  const pairs: Array<[Attempt, Attempt]> = [];
  const seen = new Set<string>();
  for (const left of a.attempts) {
    if (seen.has(left.variant)) continue;
    seen.add(left.variant);
    const right = b.attempts.find((x) => x.variant === left.variant);
    if (right) pairs.push([left, right]);
  }
  if (pairs.length > 0) return pairs;
  const onlyA = new Set(a.attempts.map((x) => x.variant));
  const onlyB = new Set(b.attempts.map((x) => x.variant));
  if (onlyA.size === 1 && onlyB.size === 1) {
    return [[a.attempts[0] as Attempt, b.attempts[0] as Attempt]];
  }
  return [];
}
