/** Which cases a run takes (`--filter-tag`, `--case`), and the validation pass over suites. */
import { type LoadedConfig, loadSuites } from "../config/index.js";
import type { AssertionSpec, Case, JsonValue } from "../core/index.js";
import { AssertionMemo, compileCase, type GraderRegistry, JUDGE_TYPES } from "../graders/index.js";

export type CaseFilter = (testCase: Case) => boolean;

/** The run's own selection of cases, stored with it so that `--resume` replays it. */
export interface RunFlags {
  filter_tags?: string[];
  case_ids?: string[];
}

export function runFlagsOf(snapshot: JsonValue): RunFlags {
  const flags = (snapshot as { flags?: RunFlags } | null)?.flags;
  return flags && typeof flags === "object" ? flags : {};
}

export function makeCaseFilter(flags: RunFlags): CaseFilter {
  const tags = flags.filter_tags?.length ? new Set(flags.filter_tags) : undefined;
  const ids = flags.case_ids?.length ? new Set(flags.case_ids) : undefined;
  return (testCase) =>
    (!tags || testCase.tags.some((tag) => tags.has(tag))) && (!ids || ids.has(testCase.id));
}

export async function* filterCases(
  cases: AsyncIterable<Case>,
  keep: CaseFilter,
): AsyncIterable<Case> {
  for await (const testCase of cases) if (keep(testCase)) yield testCase;
}

export type CompiledCases = WeakMap<Case, ReturnType<typeof compileCase>>;

/**
 * Up to this many validated cases are kept in memory for the run pass (with their compiled
 * assertions); a larger suite is streamed again so that memory does not grow with it.
 */
const KEEP_VALIDATED_CASES = 20_000;

export async function* iterate(cases: readonly Case[]): AsyncIterable<Case> {
  yield* cases;
}

/** A full pass over the suites before anything is stored: parse, validate, compile, count. */
export async function validateSuites(
  loaded: LoadedConfig,
  keep: CaseFilter,
  registry: GraderRegistry,
  compiledByCase: CompiledCases,
): Promise<{ count: number; judgeSpecs: AssertionSpec[]; cases?: Case[]; expired: string[] }> {
  let count = 0;
  // Cases past their `expires_at` still run, with a warning: retiring them is a person's call.
  const expired: string[] = [];
  const now = Date.now();
  let kept: Case[] | undefined = [];
  const judgeSpecs = new Map<string, AssertionSpec>();
  const memo = new AssertionMemo();
  for await (const testCase of loadSuites(loaded.config.evaluation.suites, loaded.dir)) {
    const compiled = compileCase(testCase, registry, memo);
    if (!keep(testCase)) continue;
    count++;
    const expiresAt =
      testCase.expires_at === undefined ? Number.NaN : Date.parse(testCase.expires_at);
    if (expiresAt <= now) expired.push(testCase.id);
    if (kept && kept.length < KEEP_VALIDATED_CASES) {
      kept.push(testCase);
      compiledByCase.set(testCase, compiled);
    } else {
      kept = undefined;
    }
    for (const spec of testCase.assertions) {
      if (JUDGE_TYPES.has(spec.type)) judgeSpecs.set(JSON.stringify(spec), spec);
    }
  }
  return {
    count,
    judgeSpecs: [...judgeSpecs.values()],
    ...(kept ? { cases: kept } : {}),
    expired,
  };
}

/** The cases a run with these flags takes, streamed in suite order (not validated here). */
export function selectCases(
  loaded: LoadedConfig,
  flags: RunFlags,
  suites: string[] = loaded.config.evaluation.suites,
): AsyncIterable<Case> {
  return filterCases(loadSuites(suites, loaded.dir), makeCaseFilter(flags));
}
