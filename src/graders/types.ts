import type { z } from "zod";
import type {
  AttemptError,
  Case,
  Dimension,
  Message,
  Score,
  SideEffect,
  Span,
  ToolCall,
  Usage,
} from "../core/index.js";
import type { JudgeRuntime } from "./judge/types.js";

/** Everything a grader may look at for one attempt. */
export interface GradeInput {
  case: Case;
  output: string;
  messages: Message[];
  tool_calls: ToolCall[];
  side_effects: SideEffect[];
  spans: Span[];
  steps: number;
  latency_ms: number;
  cost_usd: number;
  usage: Usage;
  error?: AttemptError;
  /** Models, cache and prices for judge graders; absent = resolve from the environment. */
  judge?: JudgeRuntime;
  /** Aborted when the run is cancelled: graders that wait on something should give up. */
  signal?: AbortSignal;
}

/**
 * What a grader returns. `grader`, `dimension` and `weight` are filled in by the scorer
 * from the compiled assertion, so graders only decide the verdict.
 */
export interface GradeResult {
  score: number;
  passed: boolean;
  reason: string;
  details?: Record<string, unknown>;
}

/**
 * A grader type. `params` validates (and may transform, e.g. compile a regex) the
 * assertion's own parameters once at compile time; `grade` then receives the parsed value.
 */
export interface GraderDefinition<P = unknown> {
  type: string;
  dimension: Dimension;
  /** zod 4 schema over the grader's own params (common params are removed first). */
  params: z.ZodType<P>;
  /** Whether `negate: true` makes sense for this grader (it inverts the verdict). */
  negatable?: boolean;
  /** One line for `--help` style listings. */
  description?: string;
  grade(input: GradeInput, params: P): GradeResult | Promise<GradeResult>;
}

/** An assertion validated once per case, ready to grade many attempts quickly. */
export interface CompiledAssertion {
  type: string;
  /** User-facing label: the `name` param, else the type. */
  name: string;
  dimension: Dimension;
  weight: number;
  negate: boolean;
  /** Where it came from, e.g. `assertions[2]` or `expected.output`. */
  key: string;
  spec: Readonly<Record<string, unknown>>;
  params: unknown;
  grader: GraderDefinition<unknown>;
}

export interface GraderRegistry {
  /** Adds a grader; throws if the type is already registered. */
  register<P>(def: GraderDefinition<P>): void;
  get(type: string): GraderDefinition<unknown> | undefined;
  has(type: string): boolean;
  types(): string[];
}

export interface ScoreOptions {
  /** Relative importance of each dimension in `overall`; a missing dimension weighs 1. */
  weights?: Partial<Record<Dimension, number>>;
}

export interface AttemptScore {
  scores: Score[];
  /** Weighted mean per dimension; a dimension with no weighted assertion is absent. */
  dimension_scores: Partial<Record<Dimension, number>>;
  overall: number;
  passed: boolean;
}
