/**
 * Failure clustering, the algorithmic core: an offline embedder (TF-IDF + LSA), HDBSCAN,
 * DBSCAN and threshold agglomerative clustering, c-TF-IDF keyword labels, representative
 * members, incremental assignment, stable ids across rebuilds, and ARI / NMI to score a
 * clustering. Works on arrays of texts and vectors; the store and CLI wire it in.
 */

export { absorbInto } from "./absorb.js";
export type { AgglomerativeOptions, Linkage } from "./agglomerative.js";
export { agglomerative } from "./agglomerative.js";
export type { AssignResult } from "./assign.js";
export { assignUnclustered } from "./assign.js";
export type { BuildOptions, BuildResult } from "./build.js";
export { buildClusters } from "./build.js";
export type { Representatives } from "./centroids.js";
export { centroids, dot, representatives } from "./centroids.js";
export type { Clustering, ClusterMethod, ClusterOptions } from "./cluster-vectors.js";
export {
  clusterVectors,
  DEFAULT_MAX_EXACT_POINTS,
  DEFAULT_SAMPLE_SIZE,
  DEFAULT_SELECTION_EPSILON,
  DEFAULT_SMOOTHING,
  DEFAULT_THRESHOLD,
  defaultMinClusterSize,
} from "./cluster-vectors.js";
export type { DbscanOptions } from "./dbscan.js";
export { dbscan } from "./dbscan.js";
export type { DescribeResult } from "./describe.js";
export { describeClusters } from "./describe.js";
export type { DistanceMatrix } from "./distance.js";
export { cosineDistanceMatrix, euclideanDistanceMatrix, MAX_MATRIX_POINTS } from "./distance.js";
export type { Embedder, EmbedMany } from "./embedder.js";
export { normalize, providerEmbedder } from "./embedder.js";
export { failureText, failureViews, trajectoryView } from "./failure-views.js";
export type { FeatureOptions } from "./features.js";
export type { CondensedEdge, HdbscanOptions, HdbscanResult } from "./hdbscan.js";
export { hdbscan } from "./hdbscan.js";
export type {
  Assignment,
  KnownCluster,
  MatchOptions,
  PreviousCluster,
  RebuiltCluster,
  StableIds,
} from "./incremental.js";
export { assignToClusters, matchClusterIds } from "./incremental.js";
export type { ClusterKeywords, KeywordOptions } from "./keywords.js";
export { clusterKeywords } from "./keywords.js";
export type { LsaModel, LsaOptions } from "./lsa.js";
export { DEFAULT_LSA, fitLsa, lsaOptions, offlineEmbedder } from "./lsa.js";
export type { Labels } from "./metrics.js";
export {
  adjustedRandIndex,
  normalizedMutualInformation,
  unclusteredAsSingletons,
} from "./metrics.js";
export { nearestNeighbours, smoothedDistanceMatrix, smoothVectors } from "./smooth.js";
export { normalizeText } from "./text.js";
export type { VocabularyOptions } from "./vocabulary.js";
