/**
 * Ratchet statistics: tests, intervals, resampling, agreement, agent metrics, percentiles and
 * power. Every function validates its input and throws StatsInputError rather than return NaN.
 */
export { benjaminiHochberg, holm } from "./adjust.js";
export type { Flakiness, TaskCounts } from "./agent.js";
export { flakiness, meanPassAtK, meanPassHatK, passAtK, passHatK } from "./agent.js";
export type {
  ConfusionMatrix,
  KappaResult,
  KappaWeights,
  Label,
  LabelScores,
} from "./agreement.js";
export {
  accuracy,
  cohensKappa,
  confusionMatrix,
  kappaFromMatrix,
  perLabelScores,
} from "./agreement.js";
export type { AnovaResult } from "./anova.js";
export { onewayAnova, welchAnova } from "./anova.js";
export type { BinomialTestResult } from "./binomial.js";
export { binomialTest, clopperPearson } from "./binomial.js";
export type { BootstrapMethod, BootstrapOptions, BootstrapResult } from "./bootstrap.js";
export { bootstrapMean, bootstrapPairedDiff, resampleMeans } from "./bootstrap.js";
export type { TwoSampleBootstrapResult } from "./bootstrap-two.js";
export { bootstrapMeanDiff } from "./bootstrap-two.js";
export type {
  ComparePairedOptions,
  ComparePairedResult,
  McNemarSummary,
  PairedDimensionInput,
  PairedDimensionResult,
  PairedTestSummary,
  PairedVerdict,
} from "./compare.js";
export { comparePaired } from "./compare.js";
export { PairedConfidenceSequence } from "./confidence-sequence.js";
export { mean, sd, variance } from "./descriptive.js";
export { cohensD, cohensDz, hedgesG, riskDifference } from "./effect.js";
export { StatsInputError } from "./errors.js";
export { ExactSum } from "./exact-sum.js";
export type { McNemarMethod, McNemarResult } from "./mcnemar.js";
export { discordant, mcnemar, mcnemarTable } from "./mcnemar.js";
export type { CorrectedDifference } from "./misclassification.js";
export { correctedDifference, roganGladen, youdenJ } from "./misclassification.js";
export type { ArmSummary, MixtureTestOptions, MixtureTestResult } from "./msprt.js";
export { armFromMoments, mixtureSequentialTest } from "./msprt.js";
export type { QuantileType } from "./percentile.js";
export { quantile, quantiles } from "./percentile.js";
export type { SignFlipOptions, SignFlipResult } from "./permutation.js";
export { signFlipTest } from "./permutation.js";
export type {
  MoreCasesEstimate,
  MoreEpochsEstimate,
  PairedPowerOptions,
  SampleSize,
} from "./power.js";
export {
  effectiveEffectSize,
  moreCasesNeeded,
  moreEpochsNeeded,
  noncentralTUpper,
  pairedPower,
  pairedSampleSize,
  tTestPower,
  twoSamplePower,
  twoSampleSize,
} from "./power.js";
export type { PropTestResult, WilsonOptions } from "./proportion.js";
export { propTest, wilson } from "./proportion.js";
export type { PropTestKOptions, PropTestKResult } from "./proportion-k.js";
export { propTestK } from "./proportion-k.js";
export type { StreamingPercentilesOptions } from "./streaming.js";
export { StreamingPercentiles } from "./streaming.js";
export type { TTestOptions } from "./ttest.js";
export { oneSampleTTest, pairedTTest, studentTTest, welchTTest } from "./ttest.js";
export type { Alternative, Interval, TestResult, TTestResult } from "./types.js";
export type { RankTestOptions, RankTestResult } from "./wilcoxon.js";
export { mannWhitneyU, pwilcox, wilcoxonSignedRank } from "./wilcoxon.js";
