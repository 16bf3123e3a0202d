import { type LoadedConfig, redactionOptions } from "../../config/index.js";
import { errorMessage, InputError, newId } from "../../core/index.js";
import { promptAgentOptions } from "../../eval/index.js";
import { judgeRuntimeFromConfig } from "../../graders/index.js";
import { resolvePromptRef } from "../../prompts/index.js";
import { createRedactor } from "../../redact/index.js";
import { binomialTest, wilson } from "../../stats/index.js";
import type { Store } from "../../store/index.js";
import { compareAnswers, shadowGraders } from "./compare.js";
import { replayOne } from "./replay.js";
import { isSkip, replayInput, selectTraces } from "./select.js";
import {
  type ShadowDoc,
  type ShadowInputResult,
  type ShadowSkip,
  type ShadowSummary,
  type ShadowVerdict,
  SKIP_REASONS,
  type SkipReason,
  type ToolSource,
} from "./types.js";

export interface ShadowRequest {
  store: Store;
  loaded: LoadedConfig;
  /** `name@label` or `name@<hash prefix>`. */
  challenger: string;
  /** Default `promotion.gatekeeper.shadow_sample_size`. */
  sample?: number;
  /** Only traces that started at or after this time (ms). */
  since?: number;
  /** As the user wrote it, for the report. */
  sinceText?: string;
  /** Pairwise judge; default `evaluation.judge_model`, else the challenger's own model. */
  judgeModel?: string;
  concurrency?: number;
  seed?: number;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** More than this share of replays erroring makes the shadow no evidence. */
export const MAX_ERROR_SHARE = 0.1;
const DEFAULT_CONCURRENCY = 8;

/**
 * Replays the newest production inputs through the challenger (tools answered from each
 * trace's recorded results, never for real) and compares each answer with the champion's
 * recorded one. The shadow is stored as it starts and again when it ends, completed or not.
 */
export async function runShadow(request: ShadowRequest): Promise<ShadowDoc> {
  const { store, loaded } = request;
  const { config } = loaded;
  const env = request.env ?? process.env;
  const version = await resolvePromptRef(store, request.challenger, "--challenger");
  const sample = request.sample ?? config.promotion.gatekeeper.shadow_sample_size;
  if (!Number.isSafeInteger(sample) || sample < 1) {
    throw new InputError(`--sample must be a positive integer, got ${sample}`, { key: "--sample" });
  }
  const base = await promptAgentOptions(loaded, env, { noCache: false, store, prompt: version });
  const judgeModel = request.judgeModel ?? config.evaluation.judge_model ?? base.model.spec;
  const runtime = judgeRuntimeFromConfig(config, { cwd: loaded.dir, env, store });
  try {
    runtime.model(judgeModel);
  } catch (error) {
    throw new InputError(
      `the pairwise judge ${judgeModel} cannot be used: ${errorMessage(error)}`,
      {
        key: "--judge",
      },
    );
  }
  const graders = shadowGraders(config.evaluation.assertions);
  // Production text was masked at ingest; the challenger's answers and the judge's words are
  // new text, masked the same way before they are stored.
  const redactor = createRedactor(redactionOptions(config, env));
  const mask = (text: string, max: number) => redactor.text(text).slice(0, max);
  const agents = [config.agent.identifier, config.pipeline.name, version.name].filter(
    (a): a is string => typeof a === "string" && a !== "",
  );
  const selection = await selectTraces(store, {
    promptName: version.name,
    agents,
    sample,
    ...(request.since !== undefined ? { since: request.since } : {}),
  });

  const id = newId("shadow");
  const created = new Date().toISOString();
  const challengerRef = `${version.name}@${version.hash}`;
  const doc: ShadowDoc = {
    id,
    prompt_name: version.name,
    challenger: challengerRef,
    challenger_ref: request.challenger,
    model: base.model.spec,
    judge_model: judgeModel,
    selection: {
      by: selection.by,
      note: selection.note,
      ...(request.sinceText !== undefined ? { since: request.sinceText } : {}),
    },
    graders: [...graders.names, ...graders.left_out.map((g) => `left out: ${g}`)],
    summary: emptySummary(sample, selection.traces.length),
    problems: [],
    inputs: [],
    skips: [],
  };
  const row = {
    id,
    prompt_name: version.name,
    challenger_hash: version.hash,
    champion_hash: null as string | null,
    created_at: created,
  };
  await store.shadows.save({ ...row, status: "running", finished_at: null, doc });

  const started = performance.now();
  const signal = request.signal ?? new AbortController().signal;
  const versions = new Set<string>();
  let judgeCalls = 0;
  let judgeCost = 0;
  let done = 0;
  try {
    await base.model.prepare?.();
    let next = 0;
    const traces = selection.traces;
    const worker = async () => {
      while (next < traces.length && !signal.aborted) {
        const summary = traces[next++]!;
        const trace = await store.traces.getTrace(summary.trace_id);
        const prepared = trace
          ? replayInput(summary.trace_id, trace.spans, summary.prompt_version)
          : ({ trace_id: summary.trace_id, reason: "unreadable" } satisfies ShadowSkip);
        if (isSkip(prepared)) {
          doc.skips.push(prepared);
        } else {
          if (prepared.prompt_version) versions.add(prepared.prompt_version);
          const replay = await replayOne(base, prepared, {
            id,
            seed: request.seed ?? config.pipeline.seed,
            signal,
          });
          if (!replay.result && signal.aborted) {
            // Stopped mid-call: not the challenger's error; the shadow is marked interrupted.
          } else if (!replay.result) {
            doc.skips.push({
              trace_id: summary.trace_id,
              reason: "challenger_error",
              detail: mask(replay.error?.message ?? "no result", 300),
            });
          } else {
            const compared = await compareAnswers(
              graders,
              { runtime, model: judgeModel },
              prepared,
              replay.result,
            );
            judgeCalls += compared.judge_calls;
            judgeCost += compared.judge_cost_usd;
            const result: ShadowInputResult = {
              trace_id: summary.trace_id,
              input: mask(prepared.input.at(-1)?.content ?? "", 500),
              champion_output: mask(prepared.champion_output, 2000),
              challenger_output: mask(replay.result.output, 2000),
              outcome: compared.outcome,
              flip: compared.flip,
              ...(compared.reasoning !== undefined
                ? { reasoning: mask(compared.reasoning, 500) }
                : {}),
              graders: compared.graders,
              tools: replay.tools,
              agent_calls: replay.result.steps,
              cost_usd: replay.result.cost_usd,
              latency_ms: Math.round(replay.latency_ms),
            };
            doc.inputs.push(result);
          }
        }
        request.onProgress?.(++done, traces.length);
      }
    };
    const n = Math.max(1, Math.min(request.concurrency ?? DEFAULT_CONCURRENCY, traces.length));
    await Promise.all(Array.from({ length: n }, worker));
  } catch (error) {
    doc.error = redactor.text(errorMessage(error));
    await store.shadows.save({
      ...row,
      status: "failed",
      finished_at: new Date().toISOString(),
      doc,
    });
    throw error;
  }
  // Workers finish in any order; the report reads in the order the traces were chosen.
  const order = new Map(selection.traces.map((t, i) => [t.trace_id, i]));
  const rank = (t: { trace_id: string }) => order.get(t.trace_id) ?? 0;
  doc.inputs.sort((a, b) => rank(a) - rank(b));
  doc.skips.sort((a, b) => rank(a) - rank(b));
  doc.summary = summarize(doc, sample, selection.traces.length, performance.now() - started);
  doc.summary.judge_calls = judgeCalls;
  doc.summary.judge_cost_usd = judgeCost;
  if (versions.size === 1) doc.champion = [...versions][0];
  doc.problems = problemsOf(doc.summary);
  const interrupted = signal.aborted;
  if (interrupted) doc.problems.unshift("interrupted before every input was replayed");
  await store.shadows.save({
    ...row,
    champion_hash: doc.champion?.split("@")[1] ?? null,
    status: interrupted ? "interrupted" : "completed",
    finished_at: new Date().toISOString(),
    doc,
  });
  return doc;
}

function emptySummary(requested: number, considered: number): ShadowSummary {
  return {
    requested,
    considered,
    replayed: 0,
    skipped: Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>,
    better: 0,
    worse: 0,
    ties: 0,
    flips: 0,
    judge_errors: 0,
    verdict: "insufficient",
    graders: [],
    tools: { recorded: 0, mock: 0, unanswered: 0 },
    agent_calls: 0,
    judge_calls: 0,
    agent_cost_usd: 0,
    judge_cost_usd: 0,
    wall_ms: 0,
  };
}

/** Totals, the win rate among decided inputs and its 95% Wilson interval, the verdict. */
export function summarize(
  doc: Pick<ShadowDoc, "inputs" | "skips" | "graders">,
  requested: number,
  considered: number,
  wallMs: number,
): ShadowSummary {
  const s = emptySummary(requested, considered);
  s.wall_ms = Math.round(wallMs);
  for (const skip of doc.skips) s.skipped[skip.reason]++;
  const graders = new Map<string, Omit<ShadowSummary["graders"][number], "grader">>();
  for (const input of doc.inputs) {
    s.replayed++;
    if (input.outcome === "better") s.better++;
    else if (input.outcome === "worse") s.worse++;
    else if (input.outcome === "tie") s.ties++;
    else s.judge_errors++;
    if (input.flip) s.flips++;
    s.agent_calls += input.agent_calls;
    s.agent_cost_usd += input.cost_usd;
    for (const source of Object.keys(input.tools) as ToolSource[]) {
      s.tools[source] += input.tools[source];
    }
    for (const g of input.graders) {
      const t = graders.get(g.grader) ?? {
        champion_passed: 0,
        challenger_passed: 0,
        n: 0,
        broken: 0,
        fixed: 0,
      };
      t.n++;
      if (g.champion) t.champion_passed++;
      if (g.challenger) t.challenger_passed++;
      if (g.champion && !g.challenger) t.broken++;
      if (g.challenger && !g.champion) t.fixed++;
      graders.set(g.grader, t);
    }
  }
  s.graders = [...graders].map(([grader, t]) => ({ grader, ...t }));
  const decided = s.better + s.worse;
  if (decided > 0) {
    s.win_rate = s.better / decided;
    s.win_rate_ci = wilson(s.better, decided);
  }
  s.verdict = verdictOf(s);
  return s;
}

function verdictOf(s: ShadowSummary): ShadowVerdict {
  if (s.win_rate_ci === undefined) return s.replayed > 0 ? "no_difference" : "insufficient";
  if (s.win_rate_ci.upper < 0.5) return "worse";
  if (s.win_rate_ci.lower > 0.5) return "better";
  return "no_difference";
}

/**
 * What keeps the shadow from standing as evidence: worse beyond noise, too many replays that
 * errored, a grader the challenger fails clearly more often than the recorded champion.
 */
export function problemsOf(s: ShadowSummary): string[] {
  const problems: string[] = [];
  if (s.replayed === 0) problems.push("no input could be replayed");
  if (s.verdict === "worse" && s.win_rate_ci) {
    problems.push(
      `the challenger is worse than the recorded champion beyond noise: win rate ${pct(s.win_rate ?? 0)} (95% CI ${pct(s.win_rate_ci.lower)}–${pct(s.win_rate_ci.upper)}) over ${s.better + s.worse} decided inputs`,
    );
  }
  const errors = s.skipped.challenger_error;
  if (errors > 0 && errors > MAX_ERROR_SHARE * (s.replayed + errors)) {
    problems.push(
      `the challenger errored on ${errors} of ${s.replayed + errors} inputs (more than ${pct(MAX_ERROR_SHARE)})`,
    );
  }
  for (const g of s.graders) {
    // Paired on the same inputs: an exact sign test on the discordant pairs (McNemar's exact
    // form), so two unlucky inputs out of five are not a problem and twelve out of twelve are.
    const discordant = g.broken + g.fixed;
    if (g.broken <= g.fixed || discordant === 0) continue;
    const test = binomialTest(g.broken, discordant, { p: 0.5 });
    if (test.pValue < 0.05) {
      problems.push(
        `${g.grader}: the challenger failed ${g.broken} inputs the recorded champion passed and passed ${g.fixed} it failed (exact sign test p = ${test.pValue.toPrecision(2)})`,
      );
    }
  }
  return problems;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
