/**
 * `ratchet improve`: one cycle of the loop (the seed's `execute_cycle`). Evaluate the champion
 * → mine failures from the run and from production → cluster → draft evals → optimize per
 * cluster, worst first → gate → promote or hold. The record is written after every phase, so a
 * cycle stopped half-way resumes where it stopped (`--resume`), and evaluations already run are
 * reused, never paid for twice.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { buildClusters } from "../../cluster/index.js";
import type { LoadedConfig } from "../../config/index.js";
import { type Case, caseHash, type Failure, InputError, newId } from "../../core/index.js";
import { loadProjectConfig, selectCases } from "../../eval/index.js";
import { approveDraft, draftAndStore } from "../../evalgen/index.js";
import { createGateRegistry, GateStopped, runGate } from "../../gate/index.js";
import {
  buildDetectors,
  mineFailures,
  miningJudgeFromConfig,
  recordRunFailures,
} from "../../mining/index.js";
import {
  type EvaluatorContext,
  evaluateVersion,
  optimizeWithStore,
  resolveChampion,
  worstFirst,
} from "../../optimize/index.js";
import { labelPrompt } from "../../prompts/index.js";
import { type ClusterRecord, openStore, type Store } from "../../store/index.js";
import { harnessTicket, recommendTrack } from "../harness/index.js";
import { resolvePreset } from "../presets.js";
import { CYCLE_PHASES, type CycleCluster, type CyclePhase, type CycleRecord } from "./types.js";

export interface CycleRequest {
  cwd: string;
  configPath?: string;
  preset: string;
  mode: "review" | "auto";
  /** Registry ref of the champion (default: the agent's prompt, registered on first use). */
  prompt?: string;
  /** Model for the reflective proposer (and eval drafts' judgement parts). */
  model?: string;
  budgetCalls?: number;
  budgetUsd?: number;
  seed?: number;
  /** A stopped cycle's id: continue it from the phase it stopped in. */
  resume?: string;
  actor: string;
  stopSignal?: AbortSignal;
  killSignal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export async function runCycle(request: CycleRequest): Promise<CycleRecord> {
  const loaded = await loadProjectConfig(request);
  if (loaded.config.agent.kind !== "prompt") {
    throw new InputError(
      `the improvement loop patches a prompt agent's system prompt; this config's agent is \`${loaded.config.agent.kind}\``,
      { file: loaded.file, key: "agent.kind" },
    );
  }
  const store = await openStore({
    ...loaded.config.store,
    path: resolve(loaded.dir, loaded.config.store.path),
  });
  try {
    return await cycleWithStore(request, loaded, store);
  } finally {
    await store.close();
  }
}

const SAFETY_GRADERS = new Set([
  "no-pii",
  "forbidden-content",
  "output-must-not-contain",
  "forbidden-side-effect",
  "refusal",
  "no-refusal",
]);
const SEVERITY_ORDER = ["low", "medium", "high", "critical"];

async function cycleWithStore(
  request: CycleRequest,
  loaded: LoadedConfig,
  store: Store,
): Promise<CycleRecord> {
  const { config } = loaded;
  const say = (message: string) => request.onProgress?.(message);
  const record = request.resume
    ? await resumeRecord(store, request.resume)
    : await newRecord(request, loaded, store);
  const started = Date.now() - record.spend.seconds * 1000;
  const save = async () => {
    record.spend.seconds = (Date.now() - started) / 1000;
    await store.loop.saveCycle({
      id: record.id,
      started_at: record.started_at,
      updated_at: new Date().toISOString(),
      status: record.status,
      phase: record.phase,
      prompt_name: record.prompt_name,
      doc: record,
    });
  };
  const decide = (line: string) => {
    record.decisions.push(line);
    say(line);
  };
  const advance = async (next: CyclePhase) => {
    record.phase = next;
    await save();
    if (request.stopSignal?.aborted && next !== "done") throw new CycleStopped(next);
  };
  const preset = record.preset;
  const champion = await resolveChampion(store, loaded, record.champion_before, request.actor);
  const championRef = `${champion.name}@${record.champion_label}`;

  // Every non-sealed case, hashed (the gate alone runs the sealed ones).
  const sealedTag = config.promotion.gatekeeper.sealed_tag;
  const cases = new Map<string, Case & { hash: string }>();
  for await (const c of selectCases(loaded, {})) {
    if (!c.tags.includes(sealedTag)) cases.set(c.id, { ...c, hash: caseHash(c) });
  }
  const context: EvaluatorContext = {
    store,
    cwd: request.cwd,
    ...(request.configPath ? { configPath: request.configPath } : {}),
    configHash: loaded.hash,
    seed: record.seed,
    epochs: preset.epochs,
    variant: champion.version.settings?.model ?? config.agent.model,
    cases,
    purpose: "evaluation",
    ...(request.stopSignal ? { stopSignal: request.stopSignal } : {}),
  };

  try {
    await save();
    if (phaseDone(record, "evaluate")) {
      say(
        `evaluating ${record.champion_before.slice(0, record.prompt_name.length + 13)} on ${cases.size} cases × ${preset.epochs} epoch(s)`,
      );
      const evaluation = await evaluateVersion(context, record.champion_before, [...cases.keys()]);
      if (evaluation.stopped) throw new CycleStopped("evaluate");
      const outcomes = [...evaluation.byCase.values()];
      const failingIds = [...evaluation.byCase]
        .filter(([, o]) => o.passes * 2 <= o.epochs)
        .map(([id]) => id)
        .sort();
      const failing = failingIds.length;
      record.evaluation = {
        runs: evaluation.runs,
        cases: outcomes.length,
        epochs: preset.epochs,
        mean: outcomes.reduce((a, o) => a + o.mean, 0) / Math.max(1, outcomes.length),
        pass_rate: (outcomes.length - failing) / Math.max(1, outcomes.length),
        failing_cases: failing,
        failing_ids: failingIds,
        passing_ids: [...evaluation.byCase]
          .filter(([, o]) => o.epochs > 0 && o.passes === o.epochs)
          .map(([id]) => id)
          .sort(),
        rollouts: evaluation.rollouts,
        usd: evaluation.usd,
      };
      record.spend.evaluation_usd += evaluation.usd;
      record.spend.rollouts += evaluation.rollouts;
      decide(
        `evaluated the champion: score ${pct(record.evaluation.mean)}, ${failing} of ${outcomes.length} cases failing (${evaluation.rollouts} attempts run, ${outcomes.length * preset.epochs - evaluation.rollouts} reused)`,
      );
      await advance("mine");
    }

    if (phaseDone(record, "mine")) {
      const runs = record.evaluation?.runs ?? [];
      let recorded = 0;
      for (const run of runs)
        recorded += await recordRunFailures(store, run, config.mining.severity_weights);
      const resolved = await resolveFixedFailures(store, record, request.actor);
      const judge = miningJudgeFromConfig(config, { cwd: loaded.dir, store });
      const mined = await mineFailures(store, {
        detectors: buildDetectors(config.mining, judge ? { judge } : {}),
        severityWeights: config.mining.severity_weights,
      });
      record.mined = { eval_failures: recorded, production_signals: mined.signals, resolved };
      decide(
        `mined failures: ${recorded} new from the evaluation, ${mined.signals} signal(s) from ${mined.traces} production trace(s); ${resolved} earlier failure(s) resolved (their cases pass now)`,
      );
      await advance("cluster");
    }

    if (phaseDone(record, "cluster")) {
      const built = await buildClusters(store, { config, seed: record.seed });
      const chosen = chooseTargets(built.clusters, preset);
      record.clusters = [];
      const covered = new Set<string>();
      for (const cluster of built.clusters) {
        const members = await membersOf(store, cluster);
        for (const m of members)
          if (typeof m.context.case_id === "string") covered.add(m.context.case_id);
        const track = recommendTrack(cluster, members);
        const entry: CycleCluster = {
          id: cluster.id,
          label: cluster.label,
          size: cluster.size,
          track: track.track,
          confidence: track.confidence,
          why: track.reasons[0] ?? "",
          targeted: chosen.has(cluster.id) && track.track === "prompt",
          from_eval: members.some((m) => typeof m.context.case_id === "string"),
        };
        if (track.track === "code" || track.track === "rag") {
          const path = join(
            dirname(resolve(loaded.dir, config.store.path)),
            "tickets",
            `${cluster.id}.md`,
          );
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, harnessTicket(cluster, members, track));
          entry.ticket = path;
          decide(
            `cluster ${cluster.id} (${cluster.label}) needs ${track.track} work, not a prompt patch: wrote ${path}`,
          );
        }
        record.clusters.push(entry);
      }
      const targeted = record.clusters.filter((c) => c.targeted);
      record.unclustered_cases = (record.evaluation?.failing_ids ?? []).filter(
        (id) => !covered.has(id),
      );
      decide(
        `clustered the open failures: ${built.clusters.length} cluster(s), ${built.unclustered} unclustered; ${targeted.length} targeted by the ${preset.name} preset${record.unclustered_cases.length > 0 && targeted.length < preset.max_clusters ? `, and ${record.unclustered_cases.length} failing case(s) in no cluster as one more target` : ""}`,
      );
      await advance("draft");
    }

    if (phaseDone(record, "draft")) {
      record.drafts = await draftForClusters(store, loaded, record, request);
      if (record.drafts.created > 0) {
        decide(
          request.mode === "review"
            ? `drafted ${record.drafts.created} eval case(s) from production-only clusters, queued for review (ratchet evals review)`
            : `drafted ${record.drafts.created} eval case(s); ${record.drafts.exploratory} added to the exploratory tier (never blocking until a person promotes them)`,
        );
      }
      await advance("optimize");
    }

    if (phaseDone(record, "optimize")) {
      const targets = (record.clusters ?? []).filter((c) => c.targeted).map((c) => c.id);
      const loose =
        targets.length < preset.max_clusters && (record.unclustered_cases ?? []).length > 0
          ? [
              {
                id: "unclustered",
                label: "failing cases in no cluster",
                caseIds: record.unclustered_cases ?? [],
              },
            ]
          : [];
      if (targets.length === 0 && loose.length === 0) {
        record.outcome = "nothing to fix: no open prompt-track cluster with failing cases";
        decide(record.outcome);
        await advance("done");
      } else {
        // Small fixes the gate could not yet tell from noise are carried: this cycle's patches
        // stack on the last held candidate, and the gate still compares with the champion.
        const carried = await heldCandidate(store, record);
        if (carried) {
          record.carried_from = carried;
          decide(
            `building on ${short(carried.version)}, held by cycle ${carried.cycle} (gate inconclusive): its fixes stay in play until the gate can see them`,
          );
        }
        const result = await optimizeWithStore(
          {
            cwd: request.cwd,
            ...(request.configPath ? { configPath: request.configPath } : {}),
            prompt: carried?.version ?? record.champion_before,
            clusters: targets,
            extraTargets: loose,
            budget: {
              ...((request.budgetCalls ?? preset.budget_calls)
                ? { calls: request.budgetCalls ?? preset.budget_calls }
                : {}),
              ...((request.budgetUsd ?? preset.budget_usd)
                ? { usd: request.budgetUsd ?? preset.budget_usd }
                : {}),
            },
            proposer: preset.proposer,
            ...(request.model ? { model: request.model } : {}),
            epochs: preset.epochs,
            maxRounds: preset.max_rounds,
            patience: preset.patience,
            fixShare: preset.fix_share,
            ...(preset.regression_tolerance !== undefined
              ? { regressionTolerance: preset.regression_tolerance }
              : {}),
            seed: record.seed,
            actor: request.actor,
            cycleId: record.id,
            ...(request.stopSignal ? { stopSignal: request.stopSignal } : {}),
            ...(request.onProgress ? { onProgress: request.onProgress } : {}),
          },
          loaded,
          store,
        );
        const o = result.record;
        record.optimization = {
          id: o.id,
          status: o.status,
          ...(o.best_version ? { best_version: o.best_version } : {}),
          fixed: o.targets.map((t) => ({
            cluster: t.cluster_id,
            label: t.label,
            status: t.status,
          })),
          rollouts: o.spend.rollouts,
          proposer_calls: o.spend.proposer_calls,
          usd: o.spend.usd,
        };
        record.spend.optimization_usd += o.spend.usd;
        record.spend.rollouts += o.spend.rollouts;
        if (request.stopSignal?.aborted) throw new CycleStopped("optimize");
        decide(
          o.best_version
            ? `optimized ${o.targets.length} cluster(s): best candidate ${short(o.best_version)} (${o.targets.map((t) => `${t.label}: ${t.status}`).join("; ")})`
            : `optimized ${o.targets.length} cluster(s): no candidate passed every validation stage (${o.reason ?? o.targets.map((t) => t.note).join("; ")})`,
        );
        if (!o.best_version) {
          record.outcome = "held: no candidate survived validation";
          await advance("done");
        } else await advance("gate");
      }
    }

    if (phaseDone(record, "gate")) {
      const gateStarted = new Date().toISOString();
      const challenger = record.optimization?.best_version ?? "";
      const outcome = await runGate(
        {
          cwd: request.cwd,
          ...(request.configPath ? { configPath: request.configPath } : {}),
          champion: championRef,
          challenger,
          // The first epoch is the one the cycle and the optimizer already ran (reused). Not the
          // sequential gate: its anytime-valid intervals are too wide for the small fixes of
          // later cycles (bench/loop).
          epochs: preset.gate_epochs,
          confirmEpochs: preset.confirm_epochs,
          promote: request.mode === "auto",
          label: record.champion_label,
          seed: record.seed,
          belowMinimum: preset.below_minimum,
          actor: request.actor,
          ...(request.stopSignal ? { stopSignal: request.stopSignal } : {}),
          ...(request.killSignal ? { killSignal: request.killSignal } : {}),
        },
        createGateRegistry,
      );
      const verdict = outcome.decision.verdict;
      let gateUsd = 0;
      for (const runId of new Set([
        ...outcome.decision.champion_runs,
        ...outcome.decision.challenger_runs,
      ])) {
        const run = await store.getRun(runId);
        if (run && run.started_at >= gateStarted) gateUsd += run.totals?.cost_usd ?? 0;
      }
      const gateRan = outcome.evidence.champion.ran + outcome.evidence.challenger.ran;
      record.spend.rollouts += gateRan;
      record.spend.gate_usd = (record.spend.gate_usd ?? 0) + gateUsd;
      const moved = outcome.evidence.promotion?.moved === true;
      let label = record.champion_label;
      if (verdict === "promote" && request.mode === "review") {
        label = "candidate";
        await labelPrompt(store, record.prompt_name, challenger, "candidate", {
          actor: request.actor,
          reason: `cycle ${record.id}: gate ${outcome.decision.id} says promote; held for review`,
          decision_id: outcome.decision.id,
        });
      }
      record.gate = {
        decision_id: outcome.decision.id,
        verdict,
        reasons: outcome.decision.reasons,
        promoted: moved,
        label,
      };
      if (moved) record.champion_after = challenger;
      record.outcome = moved
        ? `promoted ${short(challenger)} to ${record.prompt_name}@${record.champion_label}: ${outcome.decision.reasons[0] ?? ""}`
        : verdict === "promote"
          ? `the gate says promote; held for review as ${record.prompt_name}@candidate (ratchet prompts label ${record.prompt_name} ${challenger.split("@")[1]?.slice(0, 12)} ${record.champion_label})`
          : `held: the gate says ${verdict} — ${outcome.decision.reasons[0] ?? ""}`;
      decide(record.outcome);
      await advance("done");
    }
    record.status = "finished";
    record.finished_at = new Date().toISOString();
    await save();
    return record;
  } catch (e) {
    if (e instanceof CycleStopped || e instanceof GateStopped) {
      record.status = "stopped";
      record.outcome = `stopped before the ${record.phase} phase finished; resume with: ratchet improve --resume ${record.id}`;
      await save();
      return record;
    }
    record.status = "failed";
    record.error = (e as Error).message;
    record.outcome = `failed in the ${record.phase} phase: ${(e as Error).message}`;
    await save();
    throw e;
  }
}

/**
 * Whether another cycle can do anything: this one finished and had something to fix. A held
 * cycle is followed by one on a new seed (see `newRecord`); nothing left to fix ends the run.
 */
export function worthAnotherCycle(record: CycleRecord): boolean {
  if (record.status !== "finished") return false;
  return (
    (record.clusters ?? []).some((c) => c.targeted) || (record.unclustered_cases ?? []).length > 0
  );
}

/** The best candidate of the last cycle on this champion that the gate held as inconclusive. */
async function heldCandidate(
  store: Store,
  record: CycleRecord,
): Promise<{ version: string; cycle: string } | undefined> {
  for (const row of await store.loop.listCycles<CycleRecord>({ status: "finished", limit: 50 })) {
    const doc = row.doc;
    if (doc.id === record.id || doc.champion_before !== record.champion_before) continue;
    if (doc.champion_after) return undefined; // promoted since: nothing held on this champion
    if (doc.gate?.verdict === "inconclusive" && doc.optimization?.best_version) {
      return { version: doc.optimization.best_version, cycle: doc.id };
    }
  }
  return undefined;
}

class CycleStopped extends Error {
  constructor(readonly phase: CyclePhase) {
    super(`stopped at ${phase}`);
  }
}

/** True when the record still has `phase` to run (phases run in order). */
function phaseDone(record: CycleRecord, phase: CyclePhase): boolean {
  return (
    CYCLE_PHASES.indexOf(record.phase) <= CYCLE_PHASES.indexOf(phase) && record.phase === phase
  );
}

async function newRecord(
  request: CycleRequest,
  loaded: LoadedConfig,
  store: Store,
): Promise<CycleRecord> {
  const preset = resolvePreset(request.preset, loaded.config.optimization);
  const champion = await resolveChampion(store, loaded, request.prompt, request.actor);
  const version = `${champion.name}@${champion.version.hash}`;
  // A cycle that starts again from a champion an earlier cycle held on looks with a new seed:
  // the same seed would replay the same failures, clusters and proposals from the store.
  const earlier = (await store.loop.listCycles<CycleRecord>({ status: "finished" })).filter(
    (c) => c.doc.champion_before === version && !c.doc.champion_after,
  ).length;
  const seed = (request.seed ?? loaded.config.pipeline.seed) + earlier;
  if (champion.registered) request.onProgress?.(champion.registered);
  if (champion.note) request.onProgress?.(`note: ${champion.note}`);
  return {
    id: newId("cyc"),
    started_at: new Date().toISOString(),
    status: "running",
    phase: "evaluate",
    preset,
    mode: request.mode,
    prompt_name: champion.name,
    champion_before: version,
    champion_label: champion.label,
    seed,
    decisions: [],
    outcome: "",
    spend: { evaluation_usd: 0, optimization_usd: 0, gate_usd: 0, rollouts: 0, seconds: 0 },
  };
}

async function resumeRecord(store: Store, ref: string): Promise<CycleRecord> {
  const id = await store.loop.resolveCycleId(ref);
  const row = id ? await store.loop.getCycle<CycleRecord>(id) : undefined;
  if (!row)
    throw new InputError(`no cycle matches '${ref}' (ratchet cycles list)`, { key: "--resume" });
  if (row.doc.status === "finished") {
    throw new InputError(`cycle ${row.id} is finished; start a new one with ratchet improve`, {
      key: "--resume",
    });
  }
  return { ...row.doc, status: "running" };
}

async function membersOf(store: Store, cluster: ClusterRecord): Promise<Failure[]> {
  const out: Failure[] = [];
  for (const member of await store.clusters.members(cluster.id)) {
    const failure = await store.failures.get(member.failure_id);
    if (failure) out.push(failure);
  }
  return out;
}

function chooseTargets(
  clusters: readonly ClusterRecord[],
  preset: CycleRecord["preset"],
): Set<string> {
  const floor = SEVERITY_ORDER.indexOf(preset.min_severity);
  const eligible = clusters.filter((c) =>
    Object.entries(c.stats.severity).some(([s, n]) => n > 0 && SEVERITY_ORDER.indexOf(s) >= floor),
  );
  const ordered = worstFirst(eligible);
  if (preset.safety_first) {
    const safety = (c: ClusterRecord) =>
      Object.keys(c.stats.graders).some((g) => SAFETY_GRADERS.has(g));
    ordered.sort((a, b) => Number(safety(b)) - Number(safety(a)));
  }
  return new Set(ordered.slice(0, preset.max_clusters).map((c) => c.id));
}

/** Eval failures whose case passed every epoch of this cycle's evaluation: dismissed as resolved. */
async function resolveFixedFailures(
  store: Store,
  record: CycleRecord,
  actor: string,
): Promise<number> {
  const passing = new Set(record.evaluation?.passing_ids ?? []);
  let resolved = 0;
  for await (const failure of store.failures.iterate({ type: "eval_failure" })) {
    const caseId = failure.context.case_id;
    if (typeof caseId !== "string" || !passing.has(caseId)) continue;
    await store.failures.triage(failure.id, {
      status: "dismissed",
      by: actor,
      note: `resolved: case ${caseId} passes every epoch for ${short(record.champion_before)} (cycle ${record.id})`,
    });
    resolved++;
  }
  return resolved;
}

/** Eval drafts for targeted clusters no suite case points at (production-only problems). */
async function draftForClusters(
  store: Store,
  loaded: LoadedConfig,
  record: CycleRecord,
  request: CycleRequest,
): Promise<NonNullable<CycleRecord["drafts"]>> {
  const summary = { created: 0, queued: 0, exploratory: 0, notes: [] as string[] };
  const project = { store, config: loaded.config, dir: loaded.dir, loaded };
  const drafted = new Set((await store.evalDrafts.list({})).map((d) => d.cluster_id));
  for (const cluster of record.clusters ?? []) {
    if (cluster.track !== "prompt") continue;
    if (cluster.from_eval) continue;
    if (drafted.has(cluster.id)) continue;
    try {
      const report = await draftAndStore(project, {
        cluster: cluster.id,
        epochs: 0,
        ...(request.model ? { model: request.model } : {}),
      });
      summary.created += report.drafts.length;
      summary.notes.push(...report.notes);
      for (const draft of report.drafts) {
        if (request.mode === "review") {
          summary.queued++;
          continue;
        }
        const suite = explorationSuite(loaded);
        await approveDraft(project, draft.id, {
          owner: "ratchet-improve",
          severity: "exploratory",
          suite,
          by: request.actor,
        });
        summary.exploratory++;
      }
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      summary.notes.push(`cluster ${cluster.id}: ${e.message}`);
    }
  }
  return summary;
}

/** Where auto mode writes exploratory cases: beside the first suite glob's folder. */
function explorationSuite(loaded: LoadedConfig): string {
  const first = loaded.config.evaluation.suites[0] ?? "suites/*.yaml";
  const folder = first.includes("/") ? first.slice(0, first.lastIndexOf("/")) : ".";
  return `${folder}/ratchet-exploratory.yaml`;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const short = (version: string) => {
  const [name, hash = ""] = version.split("@");
  return `${name}@${hash.slice(0, 10)}`;
};
