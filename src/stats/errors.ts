/**
 * Bad input to a statistic (empty sample, NaN, mismatched pairs, k > n, …). Kept apart from
 * core's `InputError` because callers of this module may not be parsing user files; the CLI
 * can still map it to exit code 2 by checking `instanceof StatsInputError`.
 */
export class StatsInputError extends Error {
  override name = "StatsInputError";
}
