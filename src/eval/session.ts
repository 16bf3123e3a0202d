import { resolve } from "node:path";
import {
  findConfig,
  type LoadedConfig,
  loadConfig,
  loadSuites,
  redactionOptions,
} from "../config/index.js";
import { createUserCodeHost, InputError, markPhase, newId, type Run } from "../core/index.js";
import { createGraderRegistry, judgeRuntimeFromConfig, judgeWarnings } from "../graders/index.js";
import { createEmbeddingResolver } from "../providers/index.js";
import { createRedactor } from "../redact/index.js";
import { executeRun } from "../runner/index.js";
import { openStore, type Store } from "../store/index.js";
import {
  type CompiledCases,
  filterCases,
  iterate,
  makeCaseFilter,
  type RunFlags,
  runFlagsOf,
  validateSuites,
} from "./cases.js";
import { configWarnings } from "./config-warnings.js";
import { createGrader } from "./grade.js";
import { modelPricing } from "./pricing.js";
import { ownPromptVersion, promptForRun } from "./prompt-ref.js";
import { configSnapshot } from "./snapshot.js";
import { noCasesError, unmatchedGlobs, unmatchedGlobWarning } from "./suite-globs.js";
import { TotalsAccumulator } from "./totals.js";
import type { EvalRequest, EvalResult } from "./types.js";
import { buildVariants, perProviderLimits } from "./variants.js";

/**
 * One evaluation end to end: load and validate everything first (so that bad input exits
 * before anything is stored), then create or resume the run, execute it, and store totals.
 */
export async function runEvaluation(request: EvalRequest): Promise<EvalResult> {
  const loaded = withSuites(await loadProjectConfig(request), request.suites);
  markPhase("config loaded");
  const { config } = loaded;
  const env = request.env ?? process.env;
  const warnings: string[] = [];
  for (const warning of configWarnings(loaded, request)) {
    if (request.onWarning) request.onWarning(warning);
    else warnings.push(warning);
  }

  const store = await openStore({ ...config.store, path: resolve(loaded.dir, config.store.path) });
  markPhase("store opened");
  // Users' graders and module agents run in worker threads owned by this run: a kill (second
  // Ctrl-C, SIGTERM) terminates them at once, however stuck, and the run ends with them.
  const userCode = createUserCodeHost();
  const stopUserCode = () => void userCode.close();
  request.killSignal?.addEventListener("abort", stopUserCode, { once: true });
  try {
    const previous = request.resume ? await loadRunToResume(store, request.resume) : undefined;
    if (previous) refuseResumeOverrides(request);
    const prompt = await promptForRun(store, loaded, request, previous);
    const models = previous?.models ??
      request.models ?? [prompt?.settings?.model ?? config.agent.model];
    const epochs = previous?.epochs ?? request.repeat ?? config.evaluation.repeat;
    const seed = previous?.seed ?? request.seed ?? config.pipeline.seed;
    const threshold = previous?.threshold ?? request.threshold ?? config.evaluation.threshold;
    // A resumed run keeps the case selection it started with.
    const flags: RunFlags = previous
      ? runFlagsOf(previous.config_snapshot)
      : {
          ...(request.filterTags?.length ? { filter_tags: request.filterTags } : {}),
          ...(request.caseIds?.length ? { case_ids: request.caseIds } : {}),
        };

    const variants = await buildVariants(loaded, models, env, {
      noCache: request.noCache === true,
      store,
      userCode,
      ...(prompt ? { prompt } : {}),
    });
    markPhase("models resolved");
    const caseFilter = makeCaseFilter(flags);
    const registry = createGraderRegistry({
      embeddings: createEmbeddingResolver(config.providers, env),
      baseDir: loaded.dir,
      userCode,
    });
    const compiledByCase: CompiledCases = new WeakMap();
    const {
      count: caseCount,
      judgeSpecs,
      cases: validatedCases,
      expired,
    } = await validateSuites(loaded, caseFilter, registry, compiledByCase);
    if (expired.length > 0) warnings.push(expiredWarning(expired));
    markPhase(`suites validated (${caseCount} cases)`);
    const unmatched = previous ? [] : await unmatchedGlobs(loaded);
    if (caseCount === 0) throw noCasesError(loaded, unmatched);
    warnings.push(...unmatched.map((glob) => unmatchedGlobWarning(loaded, glob)));

    warnings.push(...(await judgeWarnings(store, config, judgeSpecs)));

    // The agent's own prompt is content-addressed too, unless variants bring their own prompts.
    const ownVersion =
      prompt || models.some((m) => m.includes("=")) ? undefined : await ownPromptVersion(loaded);
    const run: Run = previous ?? {
      id: newId("run"),
      pipeline: config.pipeline.name,
      suite: config.evaluation.suites.join(","),
      config_hash: loaded.hash,
      ...(prompt
        ? { prompt_version: `${prompt.name}@${prompt.hash}` }
        : ownVersion
          ? { prompt_version: ownVersion }
          : {}),
      agent_kind: config.agent.kind,
      models: variants.map((variant) => variant.name),
      seed,
      epochs,
      status: "running",
      started_at: new Date().toISOString(),
      purpose: request.purpose ?? "evaluation",
      config_snapshot: configSnapshot({ config, flags }),
      case_count: caseCount,
      threshold,
    };
    if (previous) {
      if (previous.config_hash !== loaded.hash) {
        warnings.push(
          "the config changed since this run started; resuming with the current config",
        );
      }
      await store.updateRunStatus(run.id, "running");
    } else {
      await store.createRun(run);
    }
    const existing = previous ? await store.attemptKeys(run.id) : new Set<string>();
    // Attempts the caller already holds from earlier runs (the gate's reuse) are not run again.
    for (const key of request.skipAttempts ?? []) existing.add(key);
    // Totals grow as attempts are stored, so the end of a run does not read it all back; a
    // resumed run starts them from the attempts its earlier sessions stored.
    let accumulator = previous ? await accumulateStored(store, run.id) : new TotalsAccumulator();
    markPhase("run created");
    let firstStored = false;
    // Skipped attempts (resumed or reused) are counted as they are passed over.
    request.onStart?.(run, caseCount * epochs * variants.length);

    const outcome = await executeRun(
      {
        runId: run.id,
        // Suites small enough to keep from the validation pass are not read, parsed and
        // validated a second time; larger ones stream again so memory stays bounded.
        cases: () =>
          validatedCases
            ? iterate(validatedCases)
            : filterCases(loadSuites(config.evaluation.suites, loaded.dir), caseFilter),
        variants,
        epochs,
        seed,
        concurrency: request.concurrency ?? config.pipeline.max_concurrency,
        perKeyConcurrency: perProviderLimits(config),
        timeoutMs:
          (request.timeoutSeconds ??
            config.agent.http?.timeout_seconds ??
            config.pipeline.timeout_seconds) * 1000,
        retries: request.retries ?? config.pipeline.retries,
        grade: createGrader(
          config,
          registry,
          judgeRuntimeFromConfig(config, {
            cwd: loaded.dir,
            env,
            store,
            noCache: request.noCache === true,
          }),
          compiledByCase,
        ),
        redactor: createRedactor(redactionOptions(config, env)),
        store,
        ...(request.stopSignal ? { stopSignal: request.stopSignal } : {}),
        ...(request.killSignal ? { killSignal: request.killSignal } : {}),
        onEvent: (event) => {
          if (event.type === "attempt") {
            if (!firstStored) markPhase("first attempt stored");
            firstStored = true;
            accumulator.add(event.attempt);
          }
          request.onEvent?.(event);
        },
      },
      existing,
    );

    markPhase("attempts run and stored");
    // Another process stored some of these attempts: only the store knows the whole run now.
    if (outcome.duplicates > 0) accumulator = await accumulateStored(store, run.id);
    const totals = accumulator.totals({
      threshold,
      targets: { latency: config.evaluation.latency, cost: config.evaluation.cost },
    });
    if (config.agent.kind === "prompt") totals.pricing = modelPricing(config, run.models);
    const skipped = request.skipAttempts?.size ?? 0;
    const complete = totals.attempts + skipped >= caseCount * epochs * variants.length;
    const status = outcome.stopped || !complete ? "interrupted" : "completed";
    const finishedAt = new Date().toISOString();
    await store.finishRun(run.id, status, totals, finishedAt);
    const stored = (await store.getRun(run.id)) ?? {
      ...run,
      status,
      totals,
      finished_at: finishedAt,
    };
    markPhase("run finished");
    const result = { run: stored, outcome, passed: totals.verdict?.passed ?? false, warnings };
    await request.onFinished?.(result, store);
    return result;
  } finally {
    request.killSignal?.removeEventListener("abort", stopUserCode);
    await userCode.close();
    await store.close();
    markPhase("store closed");
  }
}

export async function loadProjectConfig(
  request: Pick<EvalRequest, "cwd" | "configPath">,
): Promise<LoadedConfig> {
  const path = request.configPath
    ? resolve(request.cwd, request.configPath)
    : await findConfig(request.cwd);
  if (!path) {
    throw new InputError(
      `no ratchet.yaml in ${request.cwd} or above; run \`ratchet init\` to create one`,
    );
  }
  return loadConfig(path);
}

function expiredWarning(ids: readonly string[]): string {
  const shown = ids.slice(0, 5).join(", ");
  const more = ids.length > 5 ? ` and ${ids.length - 5} more` : "";
  return `${ids.length} case${ids.length === 1 ? " has" : "s have"} passed expires_at (${shown}${more}): list or retire them with \`ratchet evals expire\``;
}

/** The project as if `evaluation.suites` listed these globs (a gate's change-type subset). */
function withSuites(loaded: LoadedConfig, suites: string[] | undefined): LoadedConfig {
  if (!suites) return loaded;
  const evaluation = { ...loaded.config.evaluation, suites };
  return { ...loaded, config: { ...loaded.config, evaluation } };
}

/** Totals over every attempt the store holds for a run, read in one streaming pass. */
async function accumulateStored(store: Store, runId: string): Promise<TotalsAccumulator> {
  const accumulator = new TotalsAccumulator();
  for await (const attempt of store.iterateAttempts(runId)) accumulator.add(attempt);
  return accumulator;
}

async function loadRunToResume(store: Store, ref: string): Promise<Run> {
  const id = await store.resolveRunId(ref);
  const run = id ? await store.getRun(id) : undefined;
  if (!run) throw new InputError(`no run matches '${ref}'`, { key: "--resume" });
  if (run.status === "completed")
    throw new InputError(`run ${run.id} is already complete`, { key: "--resume" });
  return run;
}

/** `--resume` replays the stored run; a flag that would change it is a mistake to report. */
function refuseResumeOverrides(request: EvalRequest): void {
  const given = [
    request.models && "--model",
    request.repeat !== undefined && "--repeat",
    request.seed !== undefined && "--seed",
    request.threshold !== undefined && "--threshold",
    request.prompt !== undefined && "--prompt",
    request.filterTags?.length && "--filter-tag",
    request.caseIds?.length && "--case",
  ].filter((flag): flag is string => typeof flag === "string");
  if (given.length > 0) {
    throw new InputError(`--resume replays the run's own settings; drop ${given.join(", ")}`, {
      key: "--resume",
    });
  }
}
