/**
 * `ratchet optimize`: cluster-targeted prompt optimization. For each target cluster (worst
 * first) a search proposes patches and validates them on the cluster's failing cases, then the
 * training split, then the validation split; winners for different clusters are merged. The
 * sealed split is never run here. Every proposal is stored with its evidence and verdict.
 */
import { resolve } from "node:path";
import type { LoadedConfig } from "../config/index.js";
import { type Case, caseHash, InputError, newId } from "../core/index.js";
import { loadProjectConfig, selectCases } from "../eval/index.js";
import { judgeRuntimeFromConfig } from "../graders/judge/index.js";
import { addPrompt } from "../prompts/index.js";
import { type ClusterRecord, openStore, type Store } from "../store/index.js";
import { BudgetExhausted, BudgetTracker, planBudget } from "./budget.js";
import { type Champion, resolveChampion } from "./champion.js";
import { type EvaluatorContext, passesMajority, storedCases } from "./evaluate.js";
import { promptTokens } from "./guards.js";
import { mergePatches, type Proposer, reflectiveProposer, ruleProposer } from "./proposers.js";
import { type Candidate, type SearchState, scoresOn, searchTarget, validate } from "./search.js";
import { splitCases } from "./splits.js";
import { clusterCases, worstFirst } from "./targets.js";
import type {
  OptimizationBudget,
  OptimizationRecord,
  OptimizationTarget,
  ProposalRecord,
  ProposerKind,
} from "./types.js";

export interface OptimizeRequest {
  cwd: string;
  configPath?: string;
  /** Registry ref of the base (default: the agent's prompt, registered on first use). */
  prompt?: string;
  /** Cluster ids (or unique prefixes); empty with `all` = every open cluster. */
  clusters?: string[];
  all?: boolean;
  /** Targets that are no cluster (e.g. a cycle's unclustered failing cases), after the clusters. */
  extraTargets?: Array<{ id: string; label: string; caseIds: string[] }>;
  budget?: OptimizationBudget;
  proposer?: ProposerKind | "auto";
  /** Model for the reflective proposer. */
  model?: string;
  epochs?: number;
  maxRounds?: number;
  patience?: number;
  /** Share of a target's failing cases a candidate must fix (default 0.5). */
  fixShare?: number;
  validationShare?: number;
  /** Failing cases per round at most (default 16). */
  minibatch?: number;
  /** Overrides `optimization.patching.regression_tolerance` (a preset's). */
  regressionTolerance?: number;
  seed?: number;
  actor: string;
  cycleId?: string;
  concurrency?: number;
  stopSignal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface OptimizeResult {
  record: OptimizationRecord;
  proposals: ProposalRecord[];
  champion: Champion;
}

export async function runOptimization(request: OptimizeRequest): Promise<OptimizeResult> {
  const loaded = await loadProjectConfig(request);
  if (loaded.config.agent.kind !== "prompt") {
    throw new InputError(
      `the optimizer patches a prompt agent's system prompt; this config's agent is \`${loaded.config.agent.kind}\``,
      { file: loaded.file, key: "agent.kind" },
    );
  }
  const store = await openStore({
    ...loaded.config.store,
    path: resolve(loaded.dir, loaded.config.store.path),
  });
  try {
    return await optimizeWithStore(request, loaded, store);
  } finally {
    await store.close();
  }
}

export async function optimizeWithStore(
  request: OptimizeRequest,
  loaded: LoadedConfig,
  store: Store,
): Promise<OptimizeResult> {
  const { config } = loaded;
  const patching = {
    ...config.optimization.patching,
    ...(request.regressionTolerance !== undefined
      ? { regression_tolerance: request.regressionTolerance }
      : {}),
  };
  const champion = await resolveChampion(store, loaded, request.prompt, request.actor);
  if (champion.registered) request.onProgress?.(champion.registered);
  if (champion.note) request.onProgress?.(`note: ${champion.note}`);

  // Cases: the sealed ones are never loaded here (only the gate runs them).
  const sealedTag = config.promotion.gatekeeper.sealed_tag;
  const cases = new Map<string, Case & { hash: string }>();
  let sealed = 0;
  for await (const c of selectCases(loaded, {})) {
    if (c.tags.includes(sealedTag)) sealed++;
    else cases.set(c.id, { ...c, hash: caseHash(c) });
  }
  const seed = request.seed ?? config.pipeline.seed;
  const validationShare = request.validationShare ?? 0.3;
  const splits = splitCases([...cases.keys()], validationShare, seed);
  const inTrain = new Set(splits.train);

  // Targets, worst first.
  const chosen: Array<{ id: string; label: string; caseIds?: string[] }> = (
    request.extraTargets && !request.all && !(request.clusters && request.clusters.length > 0)
      ? []
      : await chooseClusters(store, request)
  ).map((c) => ({ id: c.id, label: c.label, description: c.description, cluster: c }));
  for (const extra of request.extraTargets ?? []) chosen.push(extra);
  const epochs = request.epochs ?? 1;
  const context: EvaluatorContext = {
    store,
    cwd: request.cwd,
    ...(request.configPath ? { configPath: request.configPath } : {}),
    configHash: loaded.hash,
    seed,
    epochs,
    variant: champion.version.settings?.model ?? config.agent.model ?? "",
    cases,
    ...(request.stopSignal ? { stopSignal: request.stopSignal } : {}),
    ...(request.concurrency ? { concurrency: request.concurrency } : {}),
  };
  const proposer = makeProposer(request, loaded, store);
  const id = newId("opt");
  const now = () => new Date().toISOString();
  const base: Candidate = {
    version: `${champion.name}@${champion.version.hash}`,
    hash: champion.version.hash,
    prompt: champion.version.content,
    patches: [],
    tokens: await promptTokens(champion.version.content),
  };
  const usdPerRollout = await costPerAttempt(store, base.version);
  const budget = new BudgetTracker(request.budget ?? {}, usdPerRollout);
  const proposals: ProposalRecord[] = [];
  const record: OptimizationRecord = {
    id,
    created_at: now(),
    updated_at: now(),
    status: "running",
    prompt_name: champion.name,
    base_version: base.version,
    ...(request.cycleId ? { cycle_id: request.cycleId } : {}),
    settings: {
      epochs,
      seed,
      proposer: proposer.kind,
      ...(request.model ? { proposer_model: request.model } : {}),
      max_rounds: request.maxRounds ?? 6,
      patience: request.patience ?? 3,
      fix_share: request.fixShare ?? 0.25,
      regression_tolerance: patching.regression_tolerance,
      max_prompt_tokens: patching.max_prompt_length,
      validation_scenarios: patching.validation_scenarios,
      validation_share: validationShare,
    },
    splits: { train: splits.train.length, validation: splits.validation.length, sealed },
    targets: [],
    budget: request.budget ?? {},
    plan: "",
    spend: budget.spend,
    prompt_tokens: [{ version: base.version, tokens: base.tokens }],
  };
  const save = async () => {
    record.updated_at = now();
    await store.loop.saveOptimization({
      id,
      created_at: record.created_at,
      updated_at: record.updated_at,
      status: record.status,
      prompt_name: record.prompt_name,
      cycle_id: record.cycle_id ?? null,
      doc: record,
    });
  };
  if (base.tokens > patching.max_prompt_length) {
    throw new InputError(
      `the base prompt ${base.version} already has ${base.tokens} tokens, over patching.max_prompt_length ${patching.max_prompt_length}: shorten it (or raise the limit) before optimizing`,
      { file: loaded.file, key: "optimization.patching.max_prompt_length" },
    );
  }

  const severityOf = (caseId: string) => cases.get(caseId)?.severity ?? "warning";
  const state: SearchState = {
    context,
    budget,
    settings: {
      promptName: champion.name,
      epochs,
      seed,
      maxRounds: record.settings.max_rounds,
      patience: record.settings.patience,
      fixShare: record.settings.fix_share,
      tolerance: patching.regression_tolerance,
      maxPromptTokens: patching.max_prompt_length,
      validationScenarios: patching.validation_scenarios,
      minibatch: request.minibatch ?? 16,
      actor: request.actor,
    },
    train: splits.train,
    validation: splits.validation,
    severityOf,
    copySources: splits.train.map((caseId) => {
      const c = cases.get(caseId);
      const input = typeof c?.input === "string" ? c.input : JSON.stringify(c?.input ?? "");
      const expected =
        c?.expected?.output ??
        (c?.expected?.json !== undefined ? JSON.stringify(c.expected.json) : "");
      return { caseId, texts: [input, expected].filter((t) => t !== "") };
    }),
    scores: new Map(),
    runs: new Map(),
    record: async (p) => {
      const proposal: ProposalRecord = {
        ...p,
        id: newId("prop"),
        optimization_id: id,
        seq: proposals.length + 1,
        created_at: now(),
      };
      proposals.push(proposal);
      await store.loop.addProposal({
        id: proposal.id,
        optimization_id: id,
        seq: proposal.seq,
        created_at: proposal.created_at,
        verdict: proposal.verdict,
        doc: proposal,
      });
      record.spend = budget.spend;
      await save();
    },
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  };

  // The base on every target's cases: which still fail (reused when the cycle's run holds them).
  const targetCases = new Map<string, string[]>();
  for (const target of chosen) {
    const cluster = (target as { cluster?: ClusterRecord }).cluster;
    const caseIds = cluster
      ? (await clusterCases(store, cluster, cases)).caseIds
      : (target.caseIds ?? []).filter((id) => cases.has(id));
    targetCases.set(target.id, caseIds);
  }
  const allTargetCases = [...new Set([...targetCases.values()].flat())];
  const maxTarget = Math.max(
    0,
    ...[...targetCases.values()].map((ids) => ids.filter((c) => inTrain.has(c)).length),
  );
  const plan = planBudget(
    record.budget,
    {
      target: Math.max(1, maxTarget),
      train: splits.train.length,
      validation: splits.validation.length,
      epochs,
      proposerCalls: proposer.kind === "reflective" ? 1 : 0,
      baselineTargets:
        allTargetCases.length - storedCases(context, base.version, allTargetCases).size,
    },
    usdPerRollout,
  );
  record.plan = plan.text;
  request.onProgress?.(plan.text);
  await save();

  try {
    const baseTargets = await scoresOn(
      state,
      base.version,
      allTargetCases,
      "the base's scores on the target clusters",
    );
    for (const cluster of chosen) {
      const ids = targetCases.get(cluster.id) ?? [];
      const failing = ids.filter((c) => !passesMajority(baseTargets.scores.get(c)));
      const target: OptimizationTarget = {
        cluster_id: cluster.id,
        label: cluster.label,
        train_failing: failing.filter((c) => inTrain.has(c)),
        validation_failing: failing.filter((c) => !inTrain.has(c)),
        status: "open",
      };
      record.targets.push(target);
      if (target.train_failing.length === 0) {
        target.status = "skipped";
        target.note =
          ids.length === 0
            ? "no eval case points at this cluster: draft and approve cases from it first (ratchet evals draft --cluster …)"
            : failing.length === 0
              ? `its ${ids.length} case(s) pass for the base under seed ${seed}: nothing to fix`
              : "its failing cases are all in the validation split (held out): nothing to train on";
        request.onProgress?.(`${cluster.id} (${cluster.label}): skipped — ${target.note}`);
        continue;
      }
      request.onProgress?.(
        `${cluster.id} (${cluster.label}): ${target.train_failing.length} failing training case(s), ${target.validation_failing.length} held out`,
      );
      const result = await searchTarget(
        state,
        base,
        {
          clusterId: cluster.id,
          label: (cluster as { description?: string }).description ?? cluster.label,
          clusterTrain: ids.filter((c) => inTrain.has(c)),
          trainFailing: target.train_failing,
        },
        proposer,
      );
      if (result.best) {
        target.best_version = result.best.version;
        target.status =
          result.best.fixed === target.train_failing.length ? "fixed" : "partly_fixed";
        record.prompt_tokens.push({ version: result.best.version, tokens: result.best.tokens });
        target.note = `fixed ${result.best.fixed}/${target.train_failing.length}; ${result.stoppedBy ?? ""}`;
      } else {
        target.status = "not_fixed";
        target.note = result.stoppedBy ?? "no candidate passed validation";
      }
      await save();
    }
    await mergeWinners(state, base, record, proposals);
    record.status = "finished";
  } catch (e) {
    if (!(e instanceof BudgetExhausted)) {
      record.status = "failed";
      record.reason = (e as Error).message;
      await save();
      throw e;
    }
    // A Ctrl-C reaches the optimizer as a stopped evaluation: say so rather than "budget".
    const stopped = request.stopSignal?.aborted === true;
    record.status = stopped ? "stopped" : "budget_exhausted";
    record.reason = stopped ? "stopped by the user (Ctrl-C or SIGTERM)" : e.message;
  }
  record.best_version = pickBest(record, proposals);
  record.spend = budget.spend;
  await save();
  return { record, proposals, champion };
}

async function chooseClusters(store: Store, request: OptimizeRequest) {
  if (request.clusters && request.clusters.length > 0) {
    const out = [];
    for (const ref of request.clusters) {
      const id = await store.clusters.resolveId(ref);
      const cluster = id ? await store.clusters.get(id) : undefined;
      if (!cluster)
        throw new InputError(`no cluster matches '${ref}' (ratchet clusters list)`, {
          key: "--cluster",
        });
      out.push(cluster);
    }
    return out;
  }
  if (!request.all)
    throw new InputError("say which clusters to optimize: --cluster <id> or --all", {
      key: "--cluster",
    });
  const open = await store.clusters.list();
  if (open.length === 0) {
    throw new InputError("no open clusters: run `ratchet clusters build --run latest` first", {
      key: "--all",
    });
  }
  return worstFirst(open);
}

function makeProposer(request: OptimizeRequest, loaded: LoadedConfig, store: Store): Proposer {
  const kind = request.proposer ?? "auto";
  if (kind === "merge")
    throw new InputError("merge is not a starting proposer: it combines winners by itself", {
      key: "--proposer",
    });
  if (kind === "rule" || (kind === "auto" && !request.model)) return ruleProposer();
  const spec = request.model ?? loaded.config.evaluation.judge_model;
  if (!spec) {
    throw new InputError(
      "the reflective proposer needs a model: --model provider:model (sim:reflector works offline)",
      { key: "--model" },
    );
  }
  const runtime = judgeRuntimeFromConfig(loaded.config, { cwd: loaded.dir, store });
  return reflectiveProposer({
    model: runtime.model(spec),
    price: (usage) => runtime.price(spec, usage),
  });
}

async function costPerAttempt(store: Store, version: string): Promise<number> {
  for (const run of await store.listRuns({ limit: 50 })) {
    const t = run.totals;
    if (run.prompt_version === version && t && t.attempts > 0) return t.cost_usd / t.attempts;
  }
  const any = (await store.listRuns({ limit: 1 }))[0]?.totals;
  return any && any.attempts > 0 ? any.cost_usd / any.attempts : 0;
}

/** Winners for different clusters, applied together to the base and validated as one. */
async function mergeWinners(
  state: SearchState,
  base: Candidate,
  record: OptimizationRecord,
  proposals: ProposalRecord[],
): Promise<void> {
  // Every accepted patch, not only each target's best lineage: a patch accepted on a side
  // branch of the Pareto search fixed something too.
  const accepted = proposals.filter(
    (p) => p.verdict === "accepted" && p.proposer !== "merge" && p.patch,
  );
  if (accepted.length < 2) return;
  const winners = record.targets.filter((t) => accepted.some((p) => p.cluster_id === t.cluster_id));
  const merged = mergePatches(
    base.prompt,
    accepted.map((p) => ({
      cluster: p.cluster_id ?? "",
      patch: p.patch as NonNullable<ProposalRecord["patch"]>,
    })),
  );
  if (merged.merged.length < 2) return;
  const prompts = new Set(
    await Promise.all(
      accepted.map(async (p) => {
        const [name = "", hash = ""] = (p.candidate_version ?? "").split("@");
        return (await state.context.store.prompts.getVersion(name, hash))?.content;
      }),
    ),
  );
  if (prompts.has(merged.prompt)) return;
  const tokens = await promptTokens(merged.prompt);
  const failing = [...new Set(winners.flatMap((t) => t.train_failing))];
  const common = {
    cluster_id: null,
    proposer: "merge" as const,
    parent_version: base.version,
    evidence_cases: failing,
    prompt_tokens: tokens,
    stages: {},
    rollouts: 0,
    cost_usd: 0,
  };
  if (tokens > state.settings.maxPromptTokens) {
    await state.record({
      ...common,
      verdict: "over_budget",
      reason: `the merged prompt has ${tokens} tokens, over ${state.settings.maxPromptTokens}`,
    });
    return;
  }
  const added = await addPrompt(state.context.store, {
    name: state.settings.promptName,
    content: merged.prompt,
    parents: [
      ...new Set(
        [...winners.map((t) => t.best_version), ...accepted.map((p) => p.candidate_version)]
          .map((v) => (v ?? "").split("@")[1] ?? "")
          .filter((h) => h !== ""),
      ),
    ].slice(0, 2),
    author: state.settings.actor,
    author_kind: "optimizer",
    rationale: `merge of the winners for ${winners.map((t) => t.label).join("; ")}`,
  });
  const candidate: Candidate = {
    version: `${state.settings.promptName}@${added.version.hash}`,
    hash: added.version.hash,
    prompt: merged.prompt,
    patches: [],
    tokens,
  };
  const stages: ProposalRecord["stages"] = {};
  let rollouts = 0;
  const outcome = await validate(
    state,
    base,
    candidate,
    { clusterId: "merge", label: "merge", clusterTrain: failing, trainFailing: failing },
    failing,
    stages,
    (n) => {
      rollouts += n;
    },
  );
  await state.record({
    ...common,
    candidate_version: candidate.version,
    stages,
    rollouts,
    verdict: outcome.rejected ? "rejected" : "accepted",
    reason:
      outcome.rejected ??
      `${outcome.summary}; merged ${merged.merged.length} patch(es)${merged.skipped.length ? `, skipped ${merged.skipped.length} that no longer fit` : ""}`,
  });
  if (!outcome.rejected) record.prompt_tokens.push({ version: candidate.version, tokens });
}

/** The merged candidate when accepted; else the accepted candidate that fixed the most, then scored best. */
function pickBest(
  record: OptimizationRecord,
  proposals: readonly ProposalRecord[],
): string | undefined {
  const accepted = proposals.filter((p) => p.verdict === "accepted" && p.candidate_version);
  const merged = accepted.find((p) => p.proposer === "merge");
  if (merged) return merged.candidate_version;
  const winners = new Set(record.targets.map((t) => t.best_version).filter(Boolean));
  const score = (p: ProposalRecord) => {
    const parts = [p.stages.train, p.stages.validation].filter((s) => s !== undefined);
    const n = parts.reduce((a, s) => a + (s?.cases ?? 0), 0);
    return n === 0 ? 0 : parts.reduce((a, s) => a + (s?.mean ?? 0) * (s?.cases ?? 0), 0) / n;
  };
  const best = accepted
    .filter((p) => winners.has(p.candidate_version))
    .sort(
      (a, b) =>
        (b.stages.target?.fixed ?? 0) - (a.stages.target?.fixed ?? 0) || score(b) - score(a),
    )[0];
  return best?.candidate_version;
}
