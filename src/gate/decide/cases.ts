import type { CaseSeverity, PairedObservation, SideObservation } from "../types.js";

/** `overall` is a pseudo-dimension: the side's weighted overall score. */
export const OVERALL = "overall";

/** One case's epochs, condensed: the unit of analysis (epochs of a case are not independent). */
export interface CaseSummary {
  caseId: string;
  severity: CaseSeverity;
  epochs: number;
  championPasses: number;
  challengerPasses: number;
  /**
   * Per dimension (including `overall`), the epochs where BOTH sides have a score, in epoch
   * order of arrival: [champion, challenger, epoch]. Pairing by epoch keeps the seed shared.
   */
  scores: Map<string, Array<[number, number, number]>>;
  /** Smallest epoch number seen (to order a stream by round). */
  firstEpoch: number;
}

function scoreOf(side: SideObservation, dimension: string): number | undefined {
  const v = dimension === OVERALL ? side.overall : side.dimensions[dimension];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/**
 * Group observations by case (streaming over the input once) and keep, per dimension, the
 * paired scores. A case's severity is its first observation's; epochs are counted once each
 * (a repeated case × epoch keeps the first, as the store would).
 */
export function summarizeCases(
  observations: Iterable<PairedObservation>,
  dimensions: readonly string[],
): CaseSummary[] {
  const byCase = new Map<string, CaseSummary & { seen: Set<number> }>();
  const wanted = [OVERALL, ...dimensions.filter((d) => d !== OVERALL)];
  for (const o of observations) {
    let c = byCase.get(o.caseId);
    if (!c) {
      c = {
        caseId: o.caseId,
        severity: o.severity,
        epochs: 0,
        championPasses: 0,
        challengerPasses: 0,
        scores: new Map(wanted.map((d) => [d, []])),
        firstEpoch: o.epoch,
        seen: new Set(),
      };
      byCase.set(o.caseId, c);
    }
    if (c.seen.has(o.epoch)) continue;
    c.seen.add(o.epoch);
    c.epochs++;
    c.firstEpoch = Math.min(c.firstEpoch, o.epoch);
    if (o.champion.passed) c.championPasses++;
    if (o.challenger.passed) c.challengerPasses++;
    for (const d of wanted) {
      const a = scoreOf(o.champion, d);
      const b = scoreOf(o.challenger, d);
      if (a !== undefined && b !== undefined) c.scores.get(d)!.push([a, b, o.epoch]);
    }
  }
  return [...byCase.values()]
    .map(({ seen: _seen, ...c }) => c)
    .sort((a, b) => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));
}

/** Per-case means of each side for one dimension; cases without a paired score are left out. */
export function caseMeans(
  cases: readonly CaseSummary[],
  dimension: string,
): { champion: number[]; challenger: number[]; caseIds: string[] } {
  const champion: number[] = [];
  const challenger: number[] = [];
  const caseIds: string[] = [];
  for (const c of cases) {
    const pairs = c.scores.get(dimension);
    if (!pairs || pairs.length === 0) continue;
    let a = 0;
    let b = 0;
    for (const [x, y] of pairs) {
      a += x;
      b += y;
    }
    champion.push(a / pairs.length);
    challenger.push(b / pairs.length);
    caseIds.push(c.caseId);
  }
  return { champion, challenger, caseIds };
}

/**
 * A case "passes" a dimension for McNemar when its mean over epochs is at least one half
 * (for 0/1 judge verdicts: the majority of epochs). For `overall` the sides' own `passed`
 * flags decide, by majority of epochs.
 */
export function casePasses(
  cases: readonly CaseSummary[],
  dimension: string,
): { champion: boolean[]; challenger: boolean[] } {
  const champion: boolean[] = [];
  const challenger: boolean[] = [];
  if (dimension === OVERALL) {
    for (const c of cases) {
      if ((c.scores.get(OVERALL)?.length ?? 0) === 0) continue;
      champion.push(c.championPasses * 2 > c.epochs);
      challenger.push(c.challengerPasses * 2 > c.epochs);
    }
    return { champion, challenger };
  }
  const m = caseMeans(cases, dimension);
  for (let i = 0; i < m.champion.length; i++) {
    champion.push(m.champion[i]! >= 0.5);
    challenger.push(m.challenger[i]! >= 0.5);
  }
  return { champion, challenger };
}
