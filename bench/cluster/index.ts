/**
 * Failure clustering benchmark. Run: npx tsx bench/cluster/index.ts [--quick]
 *
 * - BANKING77 (../shared/data/intents, 3,080 texts, 77 human intent labels), the number of
 *   clusters NOT given: ARI and NMI against the labels for each embedder × algorithm.
 *   Unclustered texts count as singletons (they claim no group); ARI over the clustered
 *   texts alone is shown beside it. Reference: lexical k-means told k = 77 reaches ARI 0.299
 *   / NMI 0.642. Target: ARI ≥ 0.35 offline in ≤ 5 s.
 * - Synthetic failure texts (./synthetic.ts, seeded templates): 10,000 in ≤ 5 s; 100,000 in
 *   ≤ 60 s and ≤ 500 MB peak RSS.
 *
 * Each configuration runs in a child process of its own, so the peak RSS reported is that
 * configuration's. Wall time and CPU time (user + system) are both printed: on a shared
 * machine the wall time includes waiting for a core.
 */
import { execFileSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import {
  adjustedRandIndex,
  type ClusterOptions,
  clusterKeywords,
  clusterVectors,
  fitLsa,
  type LsaOptions,
  normalizedMutualInformation,
  unclusteredAsSingletons,
} from "../../src/cluster/index.js";
import { readBanking77 } from "./banking77.js";
import { syntheticFailures } from "./synthetic.js";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const BANKING = here("../../../shared/data/intents/banking77-test.csv");

const EMBEDDERS: Record<string, Partial<LsaOptions>> = {
  // The default: words 1–2 + characters 2–4 (weight 2), 100 dimensions.
  "lsa default": {},
  "lsa words only": {
    features: { wordNgrams: [1, 2], charNgrams: [0, 0], hashBits: 20, maxTextChars: 4000 },
  },
  "lsa chars 3-5, w=1, d150": {
    features: { wordNgrams: [1, 2], charNgrams: [3, 5], hashBits: 20, maxTextChars: 4000 },
    weights: { word: 1, char: 1 },
    dimensions: 150,
  },
};

const ALGORITHMS: Record<string, ClusterOptions> = {
  hdbscan: { method: "hdbscan" },
  // What `clusters build` runs: clusters as alike as the config's threshold are merged.
  "hdbscan, merged ≥0.75": { method: "hdbscan", mergeSimilarity: 0.75 },
  "hdbscan, outliers absorbed": { method: "hdbscan", absorbOutliers: true },
  "hdbscan, no smoothing": { method: "hdbscan", smoothing: 0 },
  "hdbscan, epsilon 0": { method: "hdbscan", clusterSelectionEpsilon: 0 },
  "hdbscan, epsilon 0.2": { method: "hdbscan", clusterSelectionEpsilon: 0.2 },
  "hdbscan exact (no sample) ≤ 8000": { method: "hdbscan", maxExactPoints: 8000 },
  "dbscan sim≥0.75": { method: "dbscan", threshold: 0.75 },
  "agglomerative avg sim≥0.75": { method: "agglomerative", threshold: 0.75 },
  "agglomerative avg sim≥0.5": { method: "agglomerative", threshold: 0.5 },
};

interface Result {
  data: string;
  n: number;
  embedder: string;
  algorithm: string;
  dims: number;
  embedMs: number;
  embedCpuMs: number;
  clusterMs: number;
  clusterCpuMs: number;
  clusters: number;
  unclustered: number;
  sampled: number | null;
  ari: number;
  ariClustered: number;
  nmi: number;
  peakRssMb: number;
  labels: string[];
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

function runOne(data: string, embedder: string, algorithm: string): Result {
  const { texts, labels: truth } =
    data === "banking77" ? readBanking77(BANKING) : syntheticFailures(Number(data.split(":")[1]));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const model = fitLsa(texts, EMBEDDERS[embedder]);
  const vectors = model.embedSync(texts);
  const embedMs = performance.now() - t0;
  const embedCpuMs = cpuMs(cpu0);
  const cpu1 = process.cpuUsage();
  const t1 = performance.now();
  const result = clusterVectors(vectors, ALGORITHMS[algorithm]!);
  const clusterMs = performance.now() - t1;
  const clusterCpuMs = cpuMs(cpu1);
  // Synthetic noise texts (label -1) are each their own truth class.
  const truthLabels = unclusteredAsSingletons(truth);
  const clustered = [...result.labels.keys()].filter((i) => result.labels[i]! >= 0);
  const sizes = new Map<number, number>();
  for (const l of result.labels) if (l >= 0) sizes.set(l, (sizes.get(l) ?? 0) + 1);
  const biggest = [...sizes].sort((a, b) => b[1] - a[1]).slice(0, 5);
  const keywords = clusterKeywords(texts, result.labels);
  return {
    data,
    n: texts.length,
    embedder,
    algorithm,
    dims: model.dimensions,
    embedMs,
    embedCpuMs,
    clusterMs,
    clusterCpuMs,
    clusters: result.clusters,
    unclustered: result.unclustered,
    sampled: result.sampled ?? null,
    ari: adjustedRandIndex(truthLabels, unclusteredAsSingletons(result.labels)),
    ariClustered: adjustedRandIndex(
      clustered.map((i) => truthLabels[i]!),
      clustered.map((i) => result.labels[i]!),
    ),
    nmi: normalizedMutualInformation(truthLabels, unclusteredAsSingletons(result.labels)),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    labels: biggest.map(([l, size]) => `${size}× ${keywords.find((k) => k.cluster === l)?.label}`),
  };
}

function spawn(data: string, embedder: string, algorithm: string): Result {
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), "--one", data, embedder, algorithm],
    { encoding: "utf8", maxBuffer: 1 << 24 },
  );
  return JSON.parse(out.trim().split("\n").pop()!) as Result;
}

const f = (x: number, digits = 3) => x.toFixed(digits);
const s = (ms: number) => (ms / 1000).toFixed(2);

function print(r: Result): void {
  const time = `wall ${s(r.embedMs + r.clusterMs)} s (embed ${s(r.embedMs)} + cluster ${s(r.clusterMs)}), cpu ${s(r.embedCpuMs + r.clusterCpuMs)} s (${s(r.embedCpuMs)} + ${s(r.clusterCpuMs)})`;
  const sample = r.sampled ? `, sample ${r.sampled}` : "";
  console.log(
    `${r.data.padEnd(14)} ${r.embedder.padEnd(26)} ${r.algorithm.padEnd(28)} ARI ${f(r.ari)}  NMI ${f(r.nmi)}  ARI(clustered) ${f(r.ariClustered)}  k ${String(r.clusters).padStart(4)}  unclustered ${String(r.unclustered).padStart(5)}${sample}  ${time}  peak RSS ${r.peakRssMb.toFixed(0)} MB`,
  );
}

const args = process.argv.slice(2);
if (args[0] === "--one") {
  console.log(JSON.stringify(runOne(args[1]!, args[2]!, args[3]!)));
} else {
  const quick = args.includes("--quick");
  const plan: Array<[string, string, string]> = [];
  for (const embedder of quick ? ["lsa default"] : Object.keys(EMBEDDERS)) {
    for (const algorithm of quick
      ? ["hdbscan", "hdbscan, merged ≥0.75"]
      : Object.keys(ALGORITHMS)) {
      if (embedder !== "lsa default" && !algorithm.startsWith("hdbscan")) continue;
      if (algorithm.startsWith("hdbscan exact")) continue;
      plan.push(["banking77", embedder, algorithm]);
    }
  }
  for (const algorithm of quick
    ? ["hdbscan", "hdbscan, merged ≥0.75"]
    : ["hdbscan", "hdbscan, merged ≥0.75", "hdbscan, epsilon 0", "hdbscan, epsilon 0.2"]) {
    plan.push(["synthetic:10000", "lsa default", algorithm]);
  }
  plan.push(["synthetic:100000", "lsa default", "hdbscan"]);
  plan.push(["synthetic:100000", "lsa default", "hdbscan, merged ≥0.75"]);
  // The O(n²) floor: exact HDBSCAN on the dense matrix at the largest n it allows.
  if (!quick) plan.push(["synthetic:8000", "lsa default", "hdbscan exact (no sample) ≤ 8000"]);
  console.log(
    `load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")} on ${cpus().length} cores`,
  );
  console.log(
    "BANKING77: 3,080 texts, 77 labels, k not given. Reference: k-means k=77 ARI 0.299 / NMI 0.642.",
  );
  for (const [data, embedder, algorithm] of plan) print(spawn(data, embedder, algorithm));
}
