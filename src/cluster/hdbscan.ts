/**
 * HDBSCAN (Campello, Moulavi and Sander 2013; the condensed tree and excess-of-mass
 * selection as in McInnes and Healy's `hdbscan`), on a precomputed distance matrix:
 *
 * 1. core distance of a point: distance to its `minSamples`-th nearest point, itself counted;
 * 2. mutual reachability max(core a, core b, d(a, b)); its minimum spanning tree by Prim's
 *    algorithm on the dense matrix, O(n²) time and O(n) extra memory;
 * 3. the single-linkage hierarchy from the tree's edges (union–find), condensed: walking down
 *    from the root, a split where at least two sides have `minClusterSize` points gives birth
 *    to new clusters; smaller sides "fall out" of their cluster at λ = 1 / distance;
 * 4. stability of a cluster = Σ over its points (λ when it leaves − λ at the cluster's birth);
 *    excess of mass keeps a cluster when its stability beats the sum of its descendants'.
 *
 * Points in no selected cluster are labelled -1 (unclustered).
 *
 * Departure, for ties: merges at exactly the same distance form one multi-way split, so
 * duplicate points are never divided between clusters by the order of the edges (the binary
 * tree would create zero-persistence clusters there). With no tied distances the result is
 * the same as the binary condensed tree.
 *
 * Larger sets (beyond a dense matrix) are clustered on a sample and the rest assigned; see
 * `clusterVectors`. A k-NN graph (or a Borůvka MST over a space tree) would be the way to
 * exact HDBSCAN there.
 */
import type { DistanceMatrix } from "./distance.js";

export interface HdbscanOptions {
  minClusterSize: number;
  /** Defaults to minClusterSize (as scikit-learn and `hdbscan`). */
  minSamples?: number;
  /** Let the root be selected when no split is worth more (default false, as the reference). */
  allowSingleCluster?: boolean;
  /**
   * Clusters that split off at a distance below this are not kept apart: a selected cluster
   * born below it is replaced by its nearest ancestor born at or above it (the reference's
   * `cluster_selection_epsilon`). 0 (default) turns it off.
   */
  clusterSelectionEpsilon?: number;
}

export interface CondensedEdge {
  /** Cluster id (0 is the root). */
  parent: number;
  /** Child cluster id, or -(point + 1) for a point falling out. */
  child: number;
  lambda: number;
  size: number;
}

export interface HdbscanResult {
  /** Cluster per point, 0-based in order of the condensed tree, -1 unclustered. */
  labels: Int32Array;
  condensed: CondensedEdge[];
  /** Stability of each condensed-tree cluster (before selection). */
  stability: number[];
  /** Condensed-tree cluster id of each output label. */
  selected: number[];
  /** λ at which each output cluster was born (1 / distance). */
  birthLambda: number[];
}

/** Distances below this count as this, so λ stays finite for duplicates. */
const MIN_DISTANCE = 1e-12;

function kthSmallest(values: Float32Array, k: number): number {
  // Quickselect on a scratch copy.
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

export function coreDistances(matrix: DistanceMatrix, minSamples: number): Float64Array {
  const { n, data } = matrix;
  const core = new Float64Array(n);
  const k = Math.min(minSamples, n) - 1;
  if (k <= 0) return core;
  const scratch = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    scratch.set(data.subarray(i * n, i * n + n));
    core[i] = kthSmallest(scratch, k);
  }
  return core;
}

export interface MstEdge {
  a: number;
  b: number;
  weight: number;
}

/** Prim's algorithm on the dense mutual-reachability graph. */
export function mutualReachabilityMst(matrix: DistanceMatrix, core: Float64Array): MstEdge[] {
  const { n, data } = matrix;
  const edges: MstEdge[] = [];
  if (n < 2) return edges;
  const best = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const from = new Int32Array(n);
  const inTree = new Uint8Array(n);
  let current = 0;
  inTree[0] = 1;
  for (let step = 1; step < n; step++) {
    const row = current * n;
    const coreCurrent = core[current]!;
    let next = -1;
    let nextWeight = Number.POSITIVE_INFINITY;
    for (let v = 0; v < n; v++) {
      if (inTree[v]) continue;
      let w = data[row + v]!;
      if (coreCurrent > w) w = coreCurrent;
      if (core[v]! > w) w = core[v]!;
      if (w < best[v]!) {
        best[v] = w;
        from[v] = current;
      }
      if (best[v]! < nextWeight || next === -1) {
        nextWeight = best[v]!;
        next = v;
      }
    }
    edges.push({ a: from[next]!, b: next, weight: nextWeight });
    inTree[next] = 1;
    current = next;
  }
  return edges;
}

interface LinkageTree {
  /** Internal node i (id n + i): children and merge distance. */
  left: Int32Array;
  right: Int32Array;
  height: Float64Array;
  size: Int32Array;
}

function singleLinkage(n: number, mst: MstEdge[]): LinkageTree {
  const sorted = [...mst].sort((x, y) => x.weight - y.weight || x.a - y.a || x.b - y.b);
  const parent = new Int32Array(2 * n - 1).map((_, i) => i);
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[x] !== r) {
      const next = parent[x]!;
      parent[x] = r;
      x = next;
    }
    return r;
  };
  const m = Math.max(0, n - 1);
  const tree: LinkageTree = {
    left: new Int32Array(m),
    right: new Int32Array(m),
    height: new Float64Array(m),
    size: new Int32Array(m),
  };
  sorted.forEach((edge, i) => {
    const ra = find(edge.a);
    const rb = find(edge.b);
    const node = n + i;
    tree.left[i] = ra;
    tree.right[i] = rb;
    tree.height[i] = edge.weight;
    tree.size[i] = (ra < n ? 1 : tree.size[ra - n]!) + (rb < n ? 1 : tree.size[rb - n]!);
    parent[ra] = node;
    parent[rb] = node;
  });
  return tree;
}

export function hdbscan(matrix: DistanceMatrix, options: HdbscanOptions): HdbscanResult {
  const n = matrix.n;
  const minClusterSize = Math.max(2, Math.floor(options.minClusterSize));
  const minSamples = Math.max(1, Math.floor(options.minSamples ?? minClusterSize));
  const empty: HdbscanResult = {
    labels: new Int32Array(n).fill(-1),
    condensed: [],
    stability: [0],
    selected: [],
    birthLambda: [],
  };
  if (n < minClusterSize || n < 2) return empty;
  const core = coreDistances(matrix, minSamples);
  const tree = singleLinkage(n, mutualReachabilityMst(matrix, core));
  const sizeOf = (node: number) => (node < n ? 1 : tree.size[node - n]!);
  const heightOf = (node: number) => (node < n ? -1 : tree.height[node - n]!);

  /** Children of a node, with internal children of the very same height merged in. */
  const effectiveChildren = (node: number): number[] => {
    const h = heightOf(node);
    const out: number[] = [];
    const stack = [tree.left[node - n]!, tree.right[node - n]!];
    while (stack.length > 0) {
      const child = stack.pop()!;
      if (child >= n && heightOf(child) === h) {
        stack.push(tree.left[child - n]!, tree.right[child - n]!);
      } else out.push(child);
    }
    return out;
  };
  const leaves = (node: number): number[] => {
    const out: number[] = [];
    const stack = [node];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (x < n) out.push(x);
      else stack.push(tree.left[x - n]!, tree.right[x - n]!);
    }
    return out;
  };

  const condensed: CondensedEdge[] = [];
  const birth: number[] = [0];
  const parentOf: number[] = [-1];
  const root = 2 * n - 2;
  // Work list of (linkage node, the condensed cluster it belongs to).
  const work: Array<[number, number]> = [[root, 0]];
  while (work.length > 0) {
    const [node, cluster] = work.pop()!;
    const lambda = 1 / Math.max(heightOf(node), MIN_DISTANCE);
    const children = effectiveChildren(node);
    const big = children.filter((c) => sizeOf(c) >= minClusterSize);
    for (const child of children) {
      if (sizeOf(child) >= minClusterSize) continue;
      for (const point of leaves(child)) {
        condensed.push({ parent: cluster, child: -(point + 1), lambda, size: 1 });
      }
    }
    if (big.length === 1) work.push([big[0]!, cluster]);
    else if (big.length > 1) {
      for (const child of big) {
        const id = birth.length;
        birth.push(lambda);
        parentOf.push(cluster);
        condensed.push({ parent: cluster, child: id, lambda, size: sizeOf(child) });
        work.push([child, id]);
      }
    }
  }

  const clusters = birth.length;
  const stability = new Array<number>(clusters).fill(0);
  for (const edge of condensed) {
    stability[edge.parent]! += (edge.lambda - birth[edge.parent]!) * edge.size;
  }
  const childrenOf: number[][] = Array.from({ length: clusters }, () => []);
  for (let c = 1; c < clusters; c++) childrenOf[parentOf[c]!]!.push(c);

  // Excess of mass, children before parents (a child's id is always larger than its parent's).
  const chosen = new Uint8Array(clusters);
  const propagated = [...stability];
  const lowest = options.allowSingleCluster ? 0 : 1;
  for (let c = clusters - 1; c >= lowest; c--) {
    const kids = childrenOf[c]!;
    const fromKids = kids.reduce((sum, k) => sum + propagated[k]!, 0);
    if (kids.length > 0 && fromKids > stability[c]!) {
      propagated[c] = fromKids;
    } else {
      chosen[c] = 1;
      const stack = [...kids];
      while (stack.length > 0) {
        const d = stack.pop()!;
        chosen[d] = 0;
        stack.push(...childrenOf[d]!);
      }
    }
  }

  const epsilon = options.clusterSelectionEpsilon ?? 0;
  if (epsilon > 0) {
    const bornBelow = (c: number) => birth[c]! > 1 / epsilon;
    for (let c = 1; c < clusters; c++) {
      if (!chosen[c] || !bornBelow(c)) continue;
      let up = c;
      // Walk up while the cluster was born below epsilon, never to the root unless allowed.
      while (bornBelow(up)) {
        const parent = parentOf[up]!;
        if (parent === 0) {
          if (options.allowSingleCluster) up = 0;
          break;
        }
        up = parent;
      }
      chosen[up] = 1;
    }
    // Deselect everything under a chosen cluster (parents have smaller ids: they go first).
    for (let c = 0; c < clusters; c++) {
      if (!chosen[c]) continue;
      const stack = [...childrenOf[c]!];
      while (stack.length > 0) {
        const d = stack.pop()!;
        chosen[d] = 0;
        stack.push(...childrenOf[d]!);
      }
    }
  }

  const selected: number[] = [];
  const labelOfCluster = new Int32Array(clusters).fill(-1);
  for (let c = 0; c < clusters; c++) {
    if (chosen[c]) {
      labelOfCluster[c] = selected.length;
      selected.push(c);
    }
  }
  // Each cluster's nearest selected ancestor (itself included), parents resolved first.
  const owner = new Int32Array(clusters).fill(-1);
  for (let c = 0; c < clusters; c++) {
    owner[c] = chosen[c] ? labelOfCluster[c]! : c === 0 ? -1 : owner[parentOf[c]!]!;
  }
  const labels = new Int32Array(n).fill(-1);
  // All points identical: no split can ever happen, yet they plainly belong together.
  if (selected.length === 0 && heightOf(root) === 0) {
    return { labels: labels.fill(0), condensed, stability, selected: [0], birthLambda: [0] };
  }
  for (const edge of condensed) {
    if (edge.child < 0) labels[-edge.child - 1] = owner[edge.parent]!;
  }
  return {
    labels,
    condensed,
    stability,
    selected,
    birthLambda: selected.map((c) => birth[c]!),
  };
}
