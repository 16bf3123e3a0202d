/**
 * Keyword labels by class-based TF-IDF (c-TF-IDF, as BERTopic): all texts of a cluster are
 * one document; a term's weight in cluster c is tf(t, c) / words(c) · ln(1 + A / f(t)), with
 * A the mean number of words per cluster and f(t) the term's frequency over all clusters. A
 * term frequent in one cluster and rare elsewhere ranks first. Terms are words and word
 * bigrams (no stop word at either end of a bigram, no stop words alone).
 */
import { STOPWORDS } from "./stopwords.js";
import { normalizeText, words } from "./text.js";

export interface KeywordOptions {
  /** Terms per cluster. */
  top: number;
  /** Terms in the short label. */
  labelTerms: number;
}

export const DEFAULT_KEYWORDS: KeywordOptions = { top: 10, labelTerms: 3 };

export interface ClusterKeywords {
  cluster: number;
  terms: Array<{ term: string; weight: number }>;
  /** The first `labelTerms` terms, e.g. "card · arrive · delivery". */
  label: string;
}

function terms(text: string): string[] {
  const tokens = words(normalizeText(text)).filter((w) => w.length > 1 && w !== "0");
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const w = tokens[i]!;
    if (!STOPWORDS.has(w)) out.push(w);
    const next = tokens[i + 1];
    if (next !== undefined && !STOPWORDS.has(w) && !STOPWORDS.has(next)) out.push(`${w} ${next}`);
  }
  return out;
}

/** Keywords for every cluster label ≥ 0 in `labels` (unclustered texts are not labelled). */
export function clusterKeywords(
  texts: readonly string[],
  labels: ArrayLike<number>,
  overrides: Partial<KeywordOptions> = {},
): ClusterKeywords[] {
  const options = { ...DEFAULT_KEYWORDS, ...overrides };
  const perCluster = new Map<number, Map<string, number>>();
  const totals = new Map<string, number>();
  const wordsIn = new Map<number, number>();
  texts.forEach((text, i) => {
    const cluster = labels[i]!;
    if (cluster < 0) return;
    let counts = perCluster.get(cluster);
    if (!counts) {
      counts = new Map();
      perCluster.set(cluster, counts);
    }
    for (const term of terms(text)) {
      counts.set(term, (counts.get(term) ?? 0) + 1);
      totals.set(term, (totals.get(term) ?? 0) + 1);
      wordsIn.set(cluster, (wordsIn.get(cluster) ?? 0) + 1);
    }
  });
  const clusters = [...perCluster.keys()].sort((a, b) => a - b);
  const meanWords =
    clusters.reduce((sum, c) => sum + (wordsIn.get(c) ?? 0), 0) / Math.max(1, clusters.length);
  return clusters.map((cluster) => {
    const counts = perCluster.get(cluster)!;
    const size = Math.max(1, wordsIn.get(cluster) ?? 0);
    const ranked = [...counts]
      .map(([term, tf]) => ({
        term,
        weight: (tf / size) * Math.log(1 + meanWords / totals.get(term)!),
      }))
      // On equal weight a bigram first: "card declined" says more than "card".
      .sort(
        (a, b) =>
          b.weight - a.weight ||
          b.term.split(" ").length - a.term.split(" ").length ||
          (a.term < b.term ? -1 : 1),
      );
    const top = dropCovered(ranked).slice(0, options.top);
    return {
      cluster,
      terms: top,
      label: top
        .slice(0, options.labelTerms)
        .map((t) => t.term)
        .join(" · "),
    };
  });
}

/** A word already shown inside a higher-ranked bigram (or vice versa) adds nothing. */
function dropCovered<T extends { term: string }>(ranked: T[]): T[] {
  const shown = new Set<string>();
  const out: T[] = [];
  for (const item of ranked) {
    const parts = item.term.split(" ");
    if (parts.length === 1 ? shown.has(item.term) : parts.every((p) => shown.has(p))) continue;
    out.push(item);
    for (const p of parts) shown.add(p);
  }
  return out;
}
