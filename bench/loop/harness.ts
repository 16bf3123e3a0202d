/**
 * What the baselines share: a project of their own, its store, the optimizer's evaluator (so
 * attempts are stored and reused exactly as the loop's are, one epoch, the pipeline's seed),
 * a hard call budget, the reflective proposer on `sim:reflector`, and the record of steps
 * (each change of best prompt, measured).
 */
import { resolve } from "node:path";
import type { LoadedConfig } from "../../src/config/index.js";
import { type Case, caseHash } from "../../src/core/index.js";
import { loadProjectConfig, selectCases } from "../../src/eval/index.js";
import { judgeRuntimeFromConfig } from "../../src/graders/judge/index.js";
import {
  type CaseOutcome,
  type EvaluatorContext,
  evaluateVersion,
  failureEvidence,
  type Proposer,
  promptTokens,
  reflectiveProposer,
  resolveChampion,
} from "../../src/optimize/index.js";
import type { FailureEvidence } from "../../src/optimize/types.js";
import { addPrompt } from "../../src/prompts/index.js";
import { openStore, type Store } from "../../src/store/index.js";
import { addSpend, noSpend, type Spend } from "./accounting.js";
import type { MethodResult, Step } from "./method.js";
import { type BenchProfile, newProject } from "./project.js";
import { blockingRegressions, type Measurer, presentModes } from "./truth.js";

export class OutOfBudget extends Error {}

export interface Candidate {
  version: string;
  hash: string;
  prompt: string;
}

export class Harness {
  readonly spend: Spend = noSpend();
  readonly steps: Step[] = [];
  readonly #scores = new Map<string, Map<string, CaseOutcome>>();
  readonly #runs = new Map<string, Set<string>>();
  #stepSpend: Spend = noSpend();
  #lastPrompt: string | undefined;

  private constructor(
    readonly name: string,
    readonly loaded: LoadedConfig,
    readonly store: Store,
    readonly context: EvaluatorContext,
    readonly base: Candidate,
    readonly budgetCalls: number,
    readonly seeded: readonly string[],
    readonly measurer: Measurer,
  ) {}

  static async open(
    profile: BenchProfile,
    name: string,
    budgetCalls: number,
    seeded: readonly string[],
    measurer: Measurer,
  ): Promise<Harness> {
    const dir = newProject(profile, name);
    const loaded = await loadProjectConfig({ cwd: dir });
    const store = await openStore({
      ...loaded.config.store,
      path: resolve(loaded.dir, loaded.config.store.path),
    });
    const cases = new Map<string, Case & { hash: string }>();
    for await (const c of selectCases(loaded, {})) cases.set(c.id, { ...c, hash: caseHash(c) });
    const champion = await resolveChampion(store, loaded, undefined, "bench-loop");
    const context: EvaluatorContext = {
      store,
      cwd: dir,
      configHash: loaded.hash,
      seed: loaded.config.pipeline.seed,
      epochs: 1,
      variant: loaded.config.agent.model ?? "",
      cases,
      purpose: "optimization",
    };
    const base = {
      version: `${champion.name}@${champion.version.hash}`,
      hash: champion.version.hash,
      prompt: champion.version.content,
    };
    return new Harness(name, loaded, store, context, base, budgetCalls, seeded, measurer);
  }

  get caseIds(): string[] {
    return [...this.context.cases.keys()];
  }

  calls(): number {
    return this.spend.rollouts + this.spend.proposerCalls;
  }

  /** Scores on these cases; throws OutOfBudget (before running) when they may not fit. */
  async evaluate(version: string, caseIds: readonly string[]): Promise<Map<string, CaseOutcome>> {
    const have = this.#scores.get(version) ?? new Map<string, CaseOutcome>();
    this.#scores.set(version, have);
    const missing = caseIds.filter((id) => !have.has(id));
    if (missing.length === 0) return have;
    if (this.calls() + missing.length * this.context.epochs > this.budgetCalls)
      throw new OutOfBudget(`${missing.length} more rollouts would pass the budget`);
    const evaluation = await evaluateVersion(this.context, version, missing);
    this.#charge({ rollouts: evaluation.rollouts, proposerCalls: 0, usd: evaluation.usd });
    const runs = this.#runs.get(version) ?? new Set<string>();
    for (const run of evaluation.runs) runs.add(run);
    this.#runs.set(version, runs);
    for (const [id, o] of evaluation.byCase) have.set(id, o);
    return have;
  }

  /** The failing attempts of these cases for this version, as a proposer sees them. */
  evidence(version: string, caseIds: readonly string[]): Promise<FailureEvidence[]> {
    return failureEvidence(
      this.store,
      [...(this.#runs.get(version) ?? [])],
      this.context.cases,
      new Set(caseIds),
      this.context.variant,
    );
  }

  async register(prompt: string, parent: Candidate, rationale: string): Promise<Candidate> {
    const added = await addPrompt(this.store, {
      name: this.base.version.split("@")[0] ?? "agent",
      content: prompt,
      parents: [parent.hash],
      author: "bench-loop",
      author_kind: "optimizer",
      rationale,
    });
    return {
      version: `${added.version.name}@${added.version.hash}`,
      hash: added.version.hash,
      prompt,
    };
  }

  /** `sim:reflector` through the judge runtime, as `ratchet optimize --model` builds it. */
  reflector(spec = "sim:reflector"): Proposer {
    const runtime = judgeRuntimeFromConfig(this.loaded.config, {
      cwd: this.loaded.dir,
      store: this.store,
    });
    return reflectiveProposer({
      model: runtime.model(spec),
      price: (usage) => runtime.price(spec, usage),
    });
  }

  /** Counts a proposer's calls; throws OutOfBudget when one more would not fit. */
  ensureProposerCall(): void {
    if (this.calls() + 1 > this.budgetCalls) throw new OutOfBudget("no call left for a proposal");
  }

  chargeProposer(calls: number, usd: number): void {
    this.#charge({ rollouts: 0, proposerCalls: calls, usd });
  }

  #charge(s: Spend): void {
    Object.assign(this.spend, addSpend(this.spend, s));
    this.#stepSpend = addSpend(this.#stepSpend, s);
  }

  /** Records a step: the best prompt now, measured (and the step's promotion checked). */
  async step(outcome: string, prompt: string, detail?: string): Promise<void> {
    const measured = await this.measurer.measure(prompt);
    const regressions =
      this.#lastPrompt === undefined || this.#lastPrompt === prompt
        ? []
        : blockingRegressions(await this.measurer.measure(this.#lastPrompt), measured);
    this.steps.push({
      index: this.steps.length,
      outcome,
      spend: this.#stepSpend,
      prompt,
      promptTokens: await promptTokens(prompt),
      present: presentModes(this.seeded, measured),
      regressions,
      mean: measured.mean,
      ...(detail ? { detail } : {}),
    });
    this.#stepSpend = noSpend();
    this.#lastPrompt = prompt;
  }

  async finish(stopped: string): Promise<MethodResult> {
    // Spend after the last change of best prompt still counts: a closing step holds it.
    if (this.#stepSpend.rollouts + this.#stepSpend.proposerCalls > 0 && this.#lastPrompt)
      await this.step("no further improvement", this.#lastPrompt);
    await this.store.close();
    return {
      name: this.name,
      steps: this.steps,
      spend: { ...this.spend },
      stopped,
      budgetCalls: this.budgetCalls,
    };
  }
}

export const meanOf = (scores: ReadonlyMap<string, CaseOutcome>, ids: readonly string[]) =>
  ids.reduce((a, id) => a + (scores.get(id)?.mean ?? 0), 0) / Math.max(1, ids.length);
