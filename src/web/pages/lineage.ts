import { html } from "hono/html";
import { short } from "../format.js";
import type { Html } from "../layout.js";

/** What the graph needs of a version. */
export interface LineageNode {
  hash: string;
  parents: readonly string[];
  author: string;
  author_kind: string;
  rationale?: string | null;
  target_cluster?: string | null;
}

const ROW = 26;
const LANE = 22;
const TOP = 14;
const LEFT = 14;
/** Versions drawn at most: the newest ones (the table below lists every version). */
export const LINEAGE_SHOWN = 150;

/**
 * The versions as a graph, oldest at the top: a dot per version (violet when an optimizer made
 * it, blue when a person did; ringed when a label points at it), a line from each parent. A
 * version continues its first parent's lane unless a sibling took it first, so a straight run
 * of patches reads as one line and a branch or a merge shows as a fork or a join.
 */
export function lineageGraph(
  name: string,
  oldestFirst: readonly LineageNode[],
  labelsOf: (hash: string) => string[],
): Html {
  const versions = oldestFirst.slice(-LINEAGE_SHOWN);
  if (versions.length === 0) return html``;
  const row = new Map(versions.map((v, i) => [v.hash, i]));
  const lane = new Map<string, number>();
  const passedOn = new Set<string>();
  let lanes = 0;
  for (const v of versions) {
    const first = v.parents[0];
    const parentLane = first === undefined ? undefined : lane.get(first);
    if (first !== undefined && parentLane !== undefined && !passedOn.has(first)) {
      lane.set(v.hash, parentLane);
      passedOn.add(first);
    } else {
      lane.set(v.hash, lanes++);
    }
  }
  const x = (hash: string) => LEFT + (lane.get(hash) ?? 0) * LANE;
  const y = (hash: string) => TOP + (row.get(hash) ?? 0) * ROW;
  const textX = LEFT + lanes * LANE + 8;
  const height = TOP + versions.length * ROW;
  const edges = versions.flatMap((v) =>
    v.parents.map((p) =>
      row.has(p)
        ? html`<path d="M${x(p)} ${y(p)} C${x(p)} ${y(v.hash) - ROW / 2} ${x(v.hash)} ${y(p) + ROW / 2} ${x(v.hash)} ${y(v.hash)}" fill="none" stroke="#8c96a5" stroke-width="1.5"/>`
        : // A parent older than the versions drawn: a stub pointing up.
          html`<line x1="${x(v.hash)}" y1="${y(v.hash) - ROW / 2}" x2="${x(v.hash)}" y2="${y(v.hash)}" stroke="#8c96a5" stroke-dasharray="3 2"/>`,
    ),
  );
  const nodes = versions.map((v) => {
    const labels = labelsOf(v.hash);
    const colour = v.author_kind === "optimizer" ? "#6d28d9" : "#0b57d0";
    const why = v.rationale
      ? ` — ${v.rationale.length > 80 ? `${v.rationale.slice(0, 79)}…` : v.rationale}`
      : "";
    return html`<a href="/prompts/${encodeURIComponent(name)}/${v.hash}"><circle cx="${x(v.hash)}" cy="${y(v.hash)}" r="6" fill="${colour}" ${labels.length > 0 ? html`stroke="#1b1f24" stroke-width="2.5"` : ""}/>
<text x="${textX}" y="${y(v.hash) + 4}" font-size="12" fill="#1b1f24"><tspan font-family="monospace">${short(v.hash)}</tspan>${labels.length > 0 ? html` <tspan font-weight="700">[${labels.join(", ")}]</tspan>` : ""} <tspan fill="#4a5260">${v.author} (${v.author_kind})${why}${v.target_cluster ? ` · cluster ${v.target_cluster}` : ""}</tspan></text>
<title>${short(v.hash)} by ${v.author} (${v.author_kind})${why}</title></a>`;
  });
  return html`<figure style="margin:0 0 1rem"><svg width="100%" height="${height}" role="img" aria-label="Lineage of ${versions.length} versions of ${name}, oldest first">${edges}${nodes}</svg>
<figcaption class="muted">Oldest at the top; <span style="color:#0b57d0">●</span> by a person, <span style="color:#6d28d9">●</span> by an optimizer, ringed: a label points at it.${oldestFirst.length > versions.length ? ` The newest ${versions.length} of ${oldestFirst.length} versions.` : ""}</figcaption></figure>`;
}
