import { rngFor } from "../core/index.js";

/** A candidate's mean score per case (epochs averaged), on the cases it has run. */
export interface ScoredCandidate {
  version: string;
  scores: ReadonlyMap<string, number>;
}

/**
 * The Pareto frontier over cases: a candidate stays when it is best (ties included) on at
 * least one case and no other candidate dominates it (as good everywhere, better somewhere), so
 * one that fixes a rare case survives a lower mean. Returns each survivor with the number of
 * cases it leads on.
 */
export function paretoFrontier(
  candidates: readonly ScoredCandidate[],
): Array<{ version: string; leads: number }> {
  const cases = new Set<string>();
  for (const c of candidates) for (const id of c.scores.keys()) cases.add(id);
  const leads = new Map<string, number>();
  for (const id of cases) {
    let best = Number.NEGATIVE_INFINITY;
    for (const c of candidates) best = Math.max(best, c.scores.get(id) ?? Number.NEGATIVE_INFINITY);
    for (const c of candidates)
      if ((c.scores.get(id) ?? Number.NEGATIVE_INFINITY) >= best - 1e-9)
        leads.set(c.version, (leads.get(c.version) ?? 0) + 1);
  }
  const score = (c: ScoredCandidate, id: string) => c.scores.get(id) ?? Number.NEGATIVE_INFINITY;
  // A candidate another one matches everywhere and beats somewhere adds nothing: drop it.
  const dominated = (c: ScoredCandidate) =>
    candidates.some((d) => {
      if (d === c) return false;
      let strictly = false;
      for (const id of cases) {
        if (score(d, id) < score(c, id) - 1e-9) return false;
        if (score(d, id) > score(c, id) + 1e-9) strictly = true;
      }
      return strictly;
    });
  const frontier = candidates
    .filter((c) => (leads.get(c.version) ?? 0) > 0 && !dominated(c))
    .map((c) => ({ version: c.version, leads: leads.get(c.version) ?? 0 }));
  return frontier.length > 0
    ? frontier
    : candidates.slice(0, 1).map((c) => ({ version: c.version, leads: 0 }));
}

/** A parent from the frontier, drawn with weight by the cases it leads on; seeded. */
export function pickParent(
  frontier: ReadonlyArray<{ version: string; leads: number }>,
  seed: number,
  round: number,
): string {
  const total = frontier.reduce((a, f) => a + f.leads + 1, 0);
  let x = rngFor(seed, "pareto-parent", round).next() * total;
  for (const f of frontier) {
    x -= f.leads + 1;
    if (x < 0) return f.version;
  }
  return frontier[frontier.length - 1]?.version ?? "";
}
