import { z } from "zod";
import { DURATION_PATTERN } from "../../core/index.js";

/** `parseDuration`'s own grammar, so a loaded config always parses where it is used. */
const Duration = z.string().regex(DURATION_PATTERN, { error: "a duration like 30s, 5m, 1h or 7d" });

const Unit = z.number().min(0).max(1);

/**
 * The live side (`ratchet canary`, `shadow`, `watch`, `metrics`): how much evidence a canary
 * needs, what counts as drift, and when the loop itself needs attention (seed 004's table).
 */
export const LiveSchema = z
  .strictObject({
    canary: z
      .strictObject({
        /** Error rate of the whole test: a false rollback or promotion happens at most this often. */
        alpha: z.number().gt(0).lt(0.5).default(0.05),
        /** Requests per arm before the test may decide anything. */
        min_samples: z.int().min(10).max(10_000_000).default(200),
        /** Candidate requests after which an undecided canary ends as inconclusive. */
        max_samples: z.int().min(10).max(100_000_000).default(20_000),
        /**
         * Scale of the effects the test is tuned for, in standard deviations of the metric
         * (the mixture prior of the mSPRT). Smaller finds small effects sooner and large
         * ones later.
         */
        effect_size: z.number().gt(0).max(10).default(0.1),
        /** Promote a candidate that is better with enough evidence (else only report it). */
        auto_promote: z.boolean().default(true),
        /** Share of traces a `judge:<name>` metric scores. */
        judge_sample: Unit.default(0.2),
        /** Model of `judge:<rubric>` metrics; default `evaluation.judge_model`. */
        judge_model: z.string().min(1).optional(),
        /** Rubrics a `judge:<name>` metric may name, besides the built-in `helpfulness`. */
        rubrics: z
          .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/), z.string().min(1))
          .default({}),
        /** Traffic share when `--traffic` is not given. */
        traffic: z.number().gt(0).lt(1).default(0.1),
      })
      .prefault({}),
    drift: z
      .strictObject({
        /** Length of a window; the latest full window is compared with the one before. */
        window: Duration.default("1d"),
        /** Traces a window needs before it is compared. */
        min_traces: z.int().min(10).max(10_000_000).default(100),
        /** Population stability index at or above which input or output drift is a breach. */
        psi_threshold: z.number().gt(0).max(10).default(0.2),
        /** What a performance breach on the production version does. */
        on_breach: z.enum(["notify", "improve", "rollback"]).default("notify"),
      })
      .prefault({}),
    watch: z
      .strictObject({
        /** Time between two looks at the store. */
        interval: Duration.default("30s"),
        /** Mine new production traces for failure signals on every look. */
        mine: z.boolean().default(true),
      })
      .prefault({}),
    /** Thresholds of `ratchet metrics` (seed 004, "investigate when"). */
    metrics: z
      .strictObject({
        /**
         * Serious failures need an approved eval within this many business days (Sat/Sun
         * skipped, UTC): the seed's "no fixture within two business days".
         */
        incident_to_eval_days: z.int().min(1).max(260).default(2),
        /** Share of serious incidents converted in time, below which to investigate. */
        min_incident_to_eval: Unit.default(0.9),
        /** Share of regressions the gate caught before release (the rest escaped to production). */
        min_catch_rate: Unit.default(0.8),
        /** Share of fixed clusters allowed to come back: any recurrence of a fixed failure is news. */
        max_recurrence: Unit.default(0),
        /** Seed: "more than 5% of release-gate runs" unstable. */
        max_flaky_rate: Unit.default(0.05),
        /** Seed: "fewer than 95% of runs" with complete traces. */
        min_trace_coverage: Unit.default(0.95),
        /** Share of automatic label moves and canaries a person reverted. */
        max_override_rate: Unit.default(0.1),
        /** Rollbacks of one prompt without a new gate decision between them (seed: two). */
        max_rollbacks: z.int().min(1).max(1000).default(2),
        /** How far back the metrics look. */
        window: Duration.default("30d"),
        /**
         * Actors that act on their own. `gate` and `improve` record the person who ran them,
         * so their moves are recognised by the gate decision they carry instead; this names
         * the rest (the watch process, a CI bot).
         */
        automatic_actors: z.array(z.string().min(1)).default(["watch"]),
      })
      .prefault({}),
  })
  .prefault({});

export type LiveConfig = z.output<typeof LiveSchema>;
