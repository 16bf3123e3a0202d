import { resolve } from "node:path";
import type { LoadedConfig } from "../config/index.js";
import { InputError, newId, type Run } from "../core/index.js";
import { loadProjectConfig } from "../eval/index.js";
import type { RunEvent } from "../runner/index.js";
import { type GateDecisionRecord, openStore, type Store } from "../store/index.js";
import { type ChangePlan, changePlan } from "./change-types.js";
import { casesToRerun, decideGate, decideSequential } from "./decide/index.js";
import {
  type GateEvidence,
  type GateOutcome,
  type RoundEvidence,
  roundEvidence,
  sideEvidence,
  tally,
} from "./evidence.js";
import { type CaseInfo, gateExtras, selectGateCases } from "./inputs.js";
import { pairSides, type SideAttempts } from "./observe.js";
import { recordRegressions } from "./record-regressions.js";
import { type GateRegistry, type GateVersion, shortHash, versionRef } from "./registry.js";
import { shadowCheck } from "./shadow-evidence.js";
import { runSide } from "./side.js";
import type {
  CaseSeverity,
  ChangeType,
  GateSettings,
  GateTest,
  GateVerdict,
  PairedObservation,
} from "./types.js";

export interface GateRequest {
  cwd: string;
  configPath?: string;
  champion: string;
  challenger: string;
  /** Inferred from what differs between the two versions when absent. */
  changeType?: ChangeType;
  epochs?: number;
  untilDecided?: boolean;
  maxEpochs?: number;
  /** Move the champion's label to the challenger when the verdict is promote (and confirmed). */
  promote?: boolean;
  /** The label `--promote` moves; default: the champion ref's label, else `production`. */
  label?: string;
  seed?: number;
  /** Reuse stored attempts of the same config, version, case, epoch and seed (default true). */
  reuse?: boolean;
  test?: GateTest;
  alpha?: number;
  /** Epochs of the confirmation before `--promote` moves a label (default: gatekeeper.epochs). */
  confirmEpochs?: number;
  /** Overrides `promotion.gatekeeper.below_minimum`. */
  belowMinimum?: "block" | "ratchet";
  actor: string;
  concurrency?: number;
  stopSignal?: AbortSignal;
  killSignal?: AbortSignal;
  onEvent?: (side: "champion" | "challenger", event: RunEvent) => void;
  onWarning?: (warning: string) => void;
  onProgress?: (message: string) => void;
  /** A side starts a run for the attempts it could not reuse. */
  onRunStart?: (side: "champion" | "challenger", run: Run, totalAttempts: number) => void;
}

/** Runs the gate end to end: both sides, the verdict, the optional confirmation and promotion. */
export async function runGate(
  request: GateRequest,
  registry: GateRegistryFactory,
): Promise<GateOutcome> {
  const loaded = await loadProjectConfig(request);
  const { config } = loaded;
  if (config.agent.kind !== "prompt") {
    throw new InputError(
      `the gate compares versions of a prompt agent's prompt; this config's agent is \`${config.agent.kind}\``,
      { file: loaded.file, key: "agent.kind" },
    );
  }
  const store = await openStore({ ...config.store, path: resolve(loaded.dir, config.store.path) });
  try {
    return await gateWithStore(request, loaded, store, registry(store));
  } finally {
    await store.close();
  }
}

/** The registry is built on the gate's open store. */
export type GateRegistryFactory = (store: Store) => GateRegistry;

async function gateWithStore(
  request: GateRequest,
  loaded: LoadedConfig,
  store: Store,
  registry: GateRegistry,
): Promise<GateOutcome> {
  const { config } = loaded;
  const gatekeeper = config.promotion.gatekeeper;
  const champion = await registry.resolve(request.champion, "--champion");
  const challenger = await registry.resolve(request.challenger, "--challenger");
  if (champion.name === challenger.name && champion.hash === challenger.hash) {
    throw new InputError(
      `champion and challenger are the same version (${champion.name}@${shortHash(champion.hash)}); a gate needs two different versions`,
      { key: "--challenger" },
    );
  }
  const described = await registry.describeChange(champion, challenger);
  const changeType = request.changeType ?? described.changeType;
  const plan = changePlan(config, changeType);
  const label = promotionLabel(request, champion);
  if (request.promote && champion.name !== challenger.name) {
    throw new InputError(
      `--promote moves a label within one prompt; ${champion.name} and ${challenger.name} are different prompts`,
      { key: "--promote" },
    );
  }

  const selection = await selectGateCases(loaded, plan, gatekeeper.sealed_tag);
  if (selection.main.size === 0) {
    throw new InputError(
      `no cases to gate on: the ${changeType} change's subset (${describePlan(plan)}) selects none outside the sealed tag \`${gatekeeper.sealed_tag}\``,
      { file: loaded.file, key: `promotion.change_types.${changeType}` },
    );
  }

  const settings: GateSettings = {
    minimumScore: gatekeeper.minimum_score,
    test: request.test ?? normalizeTest(gatekeeper.statistical_test),
    alpha: request.alpha ?? gatekeeper.significance_level,
    regressionTolerance: config.optimization.patching.regression_tolerance,
    dimensions: plan.dimensions,
    seed: request.seed ?? config.pipeline.seed,
    resamples: gatekeeper.resamples,
    ratchetBelowMinimum: (request.belowMinimum ?? gatekeeper.below_minimum) === "ratchet",
  };
  const sequential = request.untilDecided === true;
  const maxEpochs = request.maxEpochs ?? gatekeeper.max_epochs;
  // The sequential gate starts small and spends epochs only where the outcome is unsure.
  const firstEpochs = Math.min(request.epochs ?? (sequential ? 1 : gatekeeper.epochs), maxEpochs);
  // What each side ran and reused over all rounds and the confirmation.
  const sides = {
    champion: { runs: new Set<string>(), reused: 0, ran: 0 },
    challenger: { runs: new Set<string>(), reused: 0, ran: 0 },
  };

  const wanted = new Map<string, number>();
  for (const caseId of selection.main.keys()) wanted.set(caseId, firstEpochs);
  const rounds: RoundEvidence[] = [];
  const maxRounds = sequential ? Math.max(1, maxEpochs - firstEpochs + 1) : 1;
  let verdict: GateVerdict | undefined;
  let observations: PairedObservation[] = [];
  const severityOf = (caseId: string): CaseSeverity =>
    selection.main.get(caseId)?.severity ?? selection.sealed.get(caseId)?.severity ?? "warning";

  const runBoth = async (
    epochsWanted: ReadonlyMap<string, number>,
    cases: ReadonlyMap<string, CaseInfo>,
    seed: number,
    previous?: { champion: SideAttempts; challenger: SideAttempts },
  ) => {
    const hashes = new Map([...cases].map(([id, info]) => [id, info.hash]));
    const common = {
      cwd: request.cwd,
      ...(request.configPath ? { configPath: request.configPath } : {}),
      configHash: loaded.hash,
      seed,
      cases: hashes,
      epochsWanted,
      reuse: request.reuse !== false,
      ...(plan.suites ? { suites: plan.suites } : {}),
      ...(request.concurrency ? { concurrency: request.concurrency } : {}),
      ...(request.stopSignal ? { stopSignal: request.stopSignal } : {}),
      ...(request.killSignal ? { killSignal: request.killSignal } : {}),
      ...(request.onEvent ? { onEvent: request.onEvent } : {}),
      ...(request.onWarning ? { onWarning: request.onWarning } : {}),
      ...(request.onRunStart ? { onRunStart: request.onRunStart } : {}),
    };
    const left = await runSide(
      store,
      "champion",
      sideSpec(champion, config.agent.model),
      common,
      previous?.champion,
    );
    if (left.stopped) throw new GateStopped();
    const right = await runSide(
      store,
      "challenger",
      sideSpec(challenger, config.agent.model),
      common,
      previous?.challenger,
    );
    if (right.stopped) throw new GateStopped();
    const paired = pairSides(left.attempts, right.attempts, severityOf);
    if (paired.onlyChampion > 0 || paired.onlyChallenger > 0) {
      throw new InputError(
        `the two sides ran different cases (${paired.onlyChampion} only for the champion, ${paired.onlyChallenger} only for the challenger); the gate compares the same cases, epochs and seeds`,
      );
    }
    return { left, right, observations: paired.observations };
  };

  let previous: { champion: SideAttempts; challenger: SideAttempts } | undefined;
  let extras: Awaited<ReturnType<typeof gateExtras>> | undefined;
  for (let round = 1; round <= maxRounds; round++) {
    request.onProgress?.(
      sequential
        ? `round ${round}: up to ${Math.max(...wanted.values())} epochs per case`
        : `running ${selection.main.size} cases × ${firstEpochs} epochs on both sides`,
    );
    const both = await runBoth(wanted, selection.main, settings.seed, previous);
    previous = { champion: both.left.attempts, challenger: both.right.attempts };
    tally(sides.champion, both.left);
    tally(sides.challenger, both.right);
    observations = both.observations;
    extras = await gateExtras(
      store,
      champion,
      sides.champion.runs,
      both.left.attempts,
      both.right.attempts,
    );
    if (!sequential) {
      verdict = decideGate(observations, settings, extras);
    } else {
      const step = decideSequential(observations, settings, { round, maxRounds, ...extras });
      verdict = step;
      if (!step.done && round < maxRounds) {
        const rerun = casesToRerun(observations).filter((id) => (wanted.get(id) ?? 0) < maxEpochs);
        if (rerun.length > 0) {
          for (const id of rerun) wanted.set(id, (wanted.get(id) ?? 0) + 1);
          rounds.push(roundEvidence(round, observations, wanted, verdict));
          continue;
        }
      }
    }
    rounds.push(roundEvidence(round, observations, wanted, verdict));
    break;
  }
  // The last round's histories and judges' noise serve the confirmation too.
  if (!verdict || !extras) throw new Error("the gate ran no round");
  // A model change is never promoted on offline evidence alone: a stored shadow run of the
  // challenger on production inputs (`ratchet shadow`) must stand beside it.
  const requires: string[] = [];
  let shadow: string | undefined;
  if (plan.requires.includes("shadow")) {
    const check = await shadowCheck(store, challenger, gatekeeper.shadow_sample_size);
    if (check.accepted) shadow = check.accepted;
    else requires.push(check.reason ?? "a model change also needs a shadow run");
  }
  let finalVerdict: GateVerdict = verdict;
  if (verdict.verdict === "promote" && requires.length > 0) {
    finalVerdict = {
      ...verdict,
      verdict: "inconclusive",
      reasons: [...requires, ...verdict.reasons],
    };
  }

  let confirmation: GateEvidence["confirmation"];
  if (finalVerdict.verdict === "promote" && request.promote) {
    const onSealed = selection.sealed.size > 0;
    const cases = onSealed ? selection.sealed : selection.main;
    const seed = onSealed ? settings.seed : settings.seed + 1;
    request.onProgress?.(
      onSealed
        ? `confirming on the sealed split (${cases.size} cases)`
        : `confirming on fresh seed ${seed} (${cases.size} cases)`,
    );
    const confirmEpochs = request.confirmEpochs ?? gatekeeper.epochs;
    const epochsWanted = new Map([...cases.keys()].map((id) => [id, confirmEpochs]));
    const both = await runBoth(epochsWanted, cases, seed);
    tally(sides.champion, both.left);
    tally(sides.challenger, both.right);
    const check = decideGate(both.observations, settings, extras);
    const overall = check.dimensions[0];
    const confirmed =
      check.verdict !== "block" &&
      (overall === undefined || overall.delta >= -settings.regressionTolerance);
    confirmation = {
      on: onSealed ? "sealed split" : "fresh seed",
      seed,
      cases: cases.size,
      confirmed,
      verdict: check,
    };
    if (!confirmed) {
      finalVerdict = {
        ...verdict,
        verdict: check.verdict === "block" ? "block" : "inconclusive",
        reasons: [
          `not confirmed on the ${confirmation.on}: ${check.reasons[0] ?? check.verdict}`,
          ...verdict.reasons,
        ],
      };
    }
  }

  const id = newId("gate");
  const evidence: GateEvidence = {
    settings,
    plan,
    changed: described.changed,
    cases: selection.main.size,
    sealedCases: selection.sealed.size,
    champion: sideEvidence(champion, sides.champion),
    challenger: sideEvidence(challenger, sides.challenger),
    rounds,
    sequential,
    judgeNoise: extras.judgeNoise ?? [],
    judgeNotes: extras.judgeNotes,
    historyCases: extras.history?.size ?? 0,
    ...(shadow ? { shadow } : {}),
    verdict: finalVerdict,
    ...(confirmation ? { confirmation } : {}),
  };
  const moves = request.promote === true && finalVerdict.verdict === "promote";
  evidence.promotion = {
    requested: request.promote === true,
    label,
    moved: moves,
    why: moves
      ? `moved ${champion.name}@${label} to ${shortHash(challenger.hash)}`
      : request.promote
        ? `the verdict is ${finalVerdict.verdict}; ${champion.name}@${label} stays on ${shortHash(champion.hash)}`
        : "not requested (--promote)",
  };
  const decision: GateDecisionRecord = {
    id,
    created_at: new Date().toISOString(),
    prompt_name: challenger.name,
    champion: versionRef(champion),
    challenger: versionRef(challenger),
    change_type: changeType,
    verdict: finalVerdict.verdict,
    reasons: finalVerdict.reasons,
    actor: request.actor,
    champion_runs: [...sides.champion.runs],
    challenger_runs: [...sides.challenger.runs],
    evidence: JSON.parse(JSON.stringify(evidence)),
  };
  await store.gate.saveDecision(decision);
  await registry.pin(champion.name, champion.hash, `decision:${id}`);
  await registry.pin(challenger.name, challenger.hash, `decision:${id}`);
  if (moves) {
    await registry.promote(challenger.name, label, challenger.hash, {
      actor: request.actor,
      reason: `gate ${id}: ${finalVerdict.reasons[0] ?? "promote"}`,
      decisionId: id,
    });
  }
  const recordedFailures = await recordRegressions(
    store,
    loaded.config,
    id,
    finalVerdict.regressions,
    decision.challenger_runs,
  );
  return { decision, evidence, recordedFailures };
}

export type { GateEvidence, GateOutcome, RoundEvidence, SideEvidence } from "./evidence.js";
export { outcomeOf } from "./evidence.js";

export class GateStopped extends Error {
  constructor() {
    super("the gate was stopped before both sides finished; nothing was decided");
  }
}

function sideSpec(version: GateVersion, agentModel: string) {
  return { version: versionRef(version), variant: version.model ?? agentModel };
}

function promotionLabel(request: GateRequest, champion: GateVersion): string {
  if (request.label) return request.label;
  const at = request.champion.lastIndexOf("@");
  const selector = at >= 0 ? request.champion.slice(at + 1) : "production";
  return champion.labels.includes(selector) ? selector : "production";
}

function normalizeTest(test: string): GateTest {
  return (test === "bootstrap" ? "paired_bootstrap" : test) as GateTest;
}

function describePlan(plan: ChangePlan): string {
  const parts = [
    plan.suites ? `suites ${plan.suites.join(", ")}` : "all suites",
    ...(plan.tags ? [`tags ${plan.tags.join(", ")}`] : []),
  ];
  return parts.join("; ");
}
