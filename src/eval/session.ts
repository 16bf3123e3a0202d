import { resolve } from "node:path";
import type { Agent, PromptModel } from "../agents/index.js";
import {
  createExecAgent,
  createHttpAgent,
  createModuleAgent,
  createPromptAgent,
} from "../agents/index.js";
import {
  findConfig,
  type LoadedConfig,
  loadAgentTools,
  loadConfig,
  loadSuites,
  loadSystemPrompt,
  type RatchetConfig,
} from "../config/index.js";
import {
  type AssertionSpec,
  type Case,
  type Dimension,
  InputError,
  type JsonValue,
  newId,
  type Run,
} from "../core/index.js";
import {
  compileAssertions,
  compileCase,
  createGraderRegistry,
  type GraderRegistry,
  JUDGE_TYPES,
  judgeCostOf,
  judgeRuntimeFromConfig,
  judgeWarnings,
  scoreAttempt,
} from "../graders/index.js";
import {
  createEmbeddingResolver,
  expandSecret,
  expandSecretValues,
  priceUsage,
  type ResolvedModel,
  resolveModels,
  type TokenPrice,
  tokenPricesFromConfig,
} from "../providers/index.js";
import { executeRun, type GradeFn, type Variant } from "../runner/index.js";
import { openStore, type Store } from "../store/index.js";
import { TotalsAccumulator } from "./totals.js";
import type { EvalRequest, EvalResult } from "./types.js";

/**
 * One evaluation end to end: load and validate everything first (so that bad input exits
 * before anything is stored), then create or resume the run, execute it, and store totals.
 */
export async function runEvaluation(request: EvalRequest): Promise<EvalResult> {
  const loaded = await loadProjectConfig(request);
  const { config } = loaded;
  const env = request.env ?? process.env;
  const warnings: string[] = [];

  const store = await openStore({ ...config.store, path: resolve(loaded.dir, config.store.path) });
  try {
    const previous = request.resume ? await loadRunToResume(store, request.resume) : undefined;
    if (previous) refuseResumeOverrides(request);
    const models = previous?.models ?? request.models ?? [config.agent.model];
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
    });
    const caseFilter = makeCaseFilter(flags);
    const registry = createGraderRegistry({
      embeddings: createEmbeddingResolver(config.providers, env),
      baseDir: loaded.dir,
    });
    const compiledByCase: CompiledCases = new WeakMap();
    const {
      count: caseCount,
      judgeSpecs,
      cases: validatedCases,
    } = await validateSuites(loaded, caseFilter, registry, compiledByCase);
    if (caseCount === 0) {
      throw new InputError("no cases to run (check evaluation.suites, --filter-tag and --case)", {
        file: loaded.file,
        key: "evaluation.suites",
      });
    }

    warnings.push(...(await judgeWarnings(store, config, judgeSpecs)));

    const run: Run = previous ?? {
      id: newId("run"),
      pipeline: config.pipeline.name,
      suite: config.evaluation.suites.join(","),
      config_hash: loaded.hash,
      agent_kind: config.agent.kind,
      models: variants.map((variant) => variant.name),
      seed,
      epochs,
      status: "running",
      started_at: new Date().toISOString(),
      purpose: "evaluation",
      // The config holds no secrets: keys are env var names and `${VAR}` in headers stays unexpanded.
      config_snapshot: JSON.parse(JSON.stringify({ config, flags })) as JsonValue,
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
    // Totals grow as attempts are stored, so the end of a run does not read it all back; a
    // resumed run starts them from the attempts its earlier sessions stored.
    const accumulator = new TotalsAccumulator();
    if (previous)
      for await (const attempt of store.iterateAttempts(run.id)) accumulator.add(attempt);
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
        store,
        ...(request.stopSignal ? { stopSignal: request.stopSignal } : {}),
        ...(request.killSignal ? { killSignal: request.killSignal } : {}),
        onEvent: (event) => {
          if (event.type === "attempt") accumulator.add(event.attempt);
          request.onEvent?.(event);
        },
      },
      existing,
    );

    const totals = accumulator.totals({
      threshold,
      targets: { latency: config.evaluation.latency, cost: config.evaluation.cost },
    });
    const complete = totals.attempts >= caseCount * epochs * variants.length;
    const status = outcome.stopped || !complete ? "interrupted" : "completed";
    const finishedAt = new Date().toISOString();
    await store.finishRun(run.id, status, totals, finishedAt);
    const stored = (await store.getRun(run.id)) ?? {
      ...run,
      status,
      totals,
      finished_at: finishedAt,
    };
    return { run: stored, outcome, passed: totals.verdict?.passed ?? false, warnings };
  } finally {
    await store.close();
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

async function loadRunToResume(store: Store, ref: string): Promise<Run> {
  const id = await store.resolveRunId(ref);
  const run = id ? await store.getRun(id) : undefined;
  if (!run) throw new InputError(`no run matches '${ref}'`, { key: "--resume" });
  if (run.status === "completed")
    throw new InputError(`run ${run.id} is already complete`, { key: "--resume" });
  return run;
}

async function buildVariants(
  loaded: LoadedConfig,
  models: string[],
  env: NodeJS.ProcessEnv,
  options: { noCache: boolean; store: Store },
): Promise<Variant[]> {
  const { config } = loaded;
  if (config.agent.kind !== "prompt") {
    return [{ name: config.agent.kind, agent: await buildExternalAgent(loaded, env) }];
  }
  // A variant is `model` or `model=prompt-file`: the same suite on several models or prompts.
  const specs = models.map(parseVariantSpec);
  const resolved = resolveModels(
    specs.map((spec) => spec.model),
    config.providers,
    env,
    {
      cwd: loaded.dir,
      ...(config.cache.enabled && !options.noCache
        ? { cache: { store: options.store, ttlMs: config.cache.ttl_seconds * 1000 } }
        : {}),
    },
  );
  const tools = await loadAgentTools(loaded);
  const prices = tokenPricesFromConfig(config.cost.token_pricing);
  const defaultPrompt = (await loadSystemPrompt(loaded)) ?? "";
  const variants: Variant[] = [];
  for (const [i, model] of resolved.entries()) {
    const spec = specs[i] as VariantSpec;
    const systemPrompt = spec.promptFile
      ? ((await loadSystemPrompt(withPromptFile(loaded, spec.promptFile))) ?? "")
      : defaultPrompt;
    variants.push({
      name: spec.name,
      agent: createPromptAgent({
        name: config.agent.identifier ?? config.pipeline.name,
        model: toPromptModel(model, prices),
        systemPrompt,
        tools,
        maxSteps: config.agent.max_steps,
        temperature: config.agent.temperature,
        ...(config.agent.max_tokens ? { maxTokens: config.agent.max_tokens } : {}),
      }),
    });
  }
  return variants;
}

interface VariantSpec {
  name: string;
  model: string;
  promptFile?: string;
}

function parseVariantSpec(spec: string): VariantSpec {
  const at = spec.indexOf("=");
  if (at < 0) return { name: spec, model: spec };
  const model = spec.slice(0, at);
  const promptFile = spec.slice(at + 1);
  if (!model || !promptFile) {
    throw new InputError(
      `variant "${spec}" must be "provider:model" or "provider:model=prompt-file"`,
      {
        key: "--model",
      },
    );
  }
  return { name: spec, model, promptFile };
}

/** The project as if `agent.system_prompt_file` named another prompt, for prompt variants. */
function withPromptFile(loaded: LoadedConfig, promptFile: string): LoadedConfig {
  const { system_prompt: _inline, ...agent } = loaded.config.agent;
  return {
    ...loaded,
    config: { ...loaded.config, agent: { ...agent, system_prompt_file: promptFile } },
  };
}

function toPromptModel(model: ResolvedModel, prices: Record<string, TokenPrice>): PromptModel {
  return {
    spec: model.spec,
    provider: model.provider,
    modelId: model.modelId,
    model: model.model,
    price: (usage) => priceUsage(model.spec, usage, prices).usd,
  };
}

async function buildExternalAgent(loaded: LoadedConfig, env: NodeJS.ProcessEnv): Promise<Agent> {
  const { agent } = loaded.config;
  if (agent.kind === "http" && agent.http) {
    return createHttpAgent({
      url: agent.http.url,
      method: agent.http.method,
      headers: expandSecretValues(agent.http.headers, env, "agent.http.headers"),
      body: expandBody(agent.http.body ?? { input: "{{input}}" }, env, "agent.http.body"),
      answerPath: agent.http.answer_path,
      ...(agent.http.tool_calls_path ? { toolCallsPath: agent.http.tool_calls_path } : {}),
    });
  }
  if (agent.kind === "exec" && agent.exec) {
    return createExecAgent({
      command: agent.exec.command,
      args: agent.exec.args,
      env: expandSecretValues(agent.exec.env, env, "agent.exec.env"),
      cwd: agent.exec.cwd ? resolve(loaded.dir, agent.exec.cwd) : loaded.dir,
    });
  }
  if (agent.kind === "module" && agent.module) {
    return createModuleAgent(resolve(loaded.dir, agent.module.path), agent.module.export);
  }
  throw new InputError(`agent kind '${agent.kind}' needs its section`, {
    file: loaded.file,
    key: "agent.kind",
  });
}

/** `${VAR}` in the string leaves of an HTTP agent's body template. */
function expandBody(body: unknown, env: NodeJS.ProcessEnv, key: string): unknown {
  if (typeof body === "string") return expandSecret(body, env, key);
  if (Array.isArray(body)) return body.map((item, i) => expandBody(item, env, `${key}[${i}]`));
  if (body && typeof body === "object") {
    return Object.fromEntries(
      Object.entries(body).map(([name, value]) => [name, expandBody(value, env, `${key}.${name}`)]),
    );
  }
  return body;
}

function perProviderLimits(config: RatchetConfig): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const [name, settings] of Object.entries(config.providers)) {
    if (settings.max_concurrency) limits[name] = settings.max_concurrency;
  }
  return limits;
}

function createGrader(
  config: RatchetConfig,
  registry: GraderRegistry,
  judge: ReturnType<typeof judgeRuntimeFromConfig>,
  compiledByCase: CompiledCases,
): GradeFn {
  const weights = config.evaluation.dimensions as Partial<Record<Dimension, number>>;
  const globalAssertions = compileAssertions(config.evaluation.assertions, undefined, {
    registry,
    keyPrefix: "evaluation.assertions",
  });
  // The runner passes the same case object for every epoch and variant: compile it once
  // (cases kept from the validation pass arrive already compiled).
  return async (testCase, result, error, timing) => {
    let caseAssertions = compiledByCase.get(testCase);
    if (!caseAssertions) {
      caseAssertions = compileCase(testCase, registry);
      compiledByCase.set(testCase, caseAssertions);
    }
    const compiled = [...globalAssertions, ...caseAssertions];
    const grading = await scoreAttempt(
      {
        judge,
        case: testCase,
        output: result?.output ?? "",
        messages: result?.messages ?? [],
        tool_calls: result?.tool_calls ?? [],
        side_effects: result?.side_effects ?? [],
        spans: result?.spans ?? [],
        steps: result?.steps ?? 0,
        latency_ms: timing.latency_ms,
        cost_usd: result?.cost_usd ?? 0,
        usage: result?.usage ?? { input_tokens: 0, output_tokens: 0 },
        ...(error ? { error } : {}),
      },
      compiled,
      { weights },
    );
    // Judge calls are spend of this attempt too, kept visible per score in `details`.
    return { ...grading, cost_usd: judgeCostOf(grading.scores) };
  };
}

type CaseFilter = (testCase: Case) => boolean;

/** The run's own selection of cases, stored with it so that `--resume` replays it. */
interface RunFlags {
  filter_tags?: string[];
  case_ids?: string[];
}

function runFlagsOf(snapshot: JsonValue): RunFlags {
  const flags = (snapshot as { flags?: RunFlags } | null)?.flags;
  return flags && typeof flags === "object" ? flags : {};
}

/** `--resume` replays the stored run; a flag that would change it is a mistake to report. */
function refuseResumeOverrides(request: EvalRequest): void {
  const given = [
    request.models && "--model",
    request.repeat !== undefined && "--repeat",
    request.seed !== undefined && "--seed",
    request.threshold !== undefined && "--threshold",
    request.filterTags?.length && "--filter-tag",
    request.caseIds?.length && "--case",
  ].filter((flag): flag is string => typeof flag === "string");
  if (given.length > 0) {
    throw new InputError(`--resume replays the run's own settings; drop ${given.join(", ")}`, {
      key: "--resume",
    });
  }
}

function makeCaseFilter(flags: RunFlags): CaseFilter {
  const tags = flags.filter_tags?.length ? new Set(flags.filter_tags) : undefined;
  const ids = flags.case_ids?.length ? new Set(flags.case_ids) : undefined;
  return (testCase) =>
    (!tags || testCase.tags.some((tag) => tags.has(tag))) && (!ids || ids.has(testCase.id));
}

async function* filterCases(cases: AsyncIterable<Case>, keep: CaseFilter): AsyncIterable<Case> {
  for await (const testCase of cases) if (keep(testCase)) yield testCase;
}

type CompiledCases = WeakMap<Case, ReturnType<typeof compileCase>>;

/**
 * Up to this many validated cases are kept in memory for the run pass (with their compiled
 * assertions); a larger suite is streamed again so that memory does not grow with it.
 */
const KEEP_VALIDATED_CASES = 20_000;

async function* iterate(cases: readonly Case[]): AsyncIterable<Case> {
  yield* cases;
}

/** A full pass over the suites before anything is stored: parse, validate, compile, count. */
async function validateSuites(
  loaded: LoadedConfig,
  keep: CaseFilter,
  registry: GraderRegistry,
  compiledByCase: CompiledCases,
): Promise<{ count: number; judgeSpecs: AssertionSpec[]; cases?: Case[] }> {
  let count = 0;
  let kept: Case[] | undefined = [];
  const judgeSpecs = new Map<string, AssertionSpec>();
  for await (const testCase of loadSuites(loaded.config.evaluation.suites, loaded.dir)) {
    const compiled = compileCase(testCase, registry);
    if (!keep(testCase)) continue;
    count++;
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
  return { count, judgeSpecs: [...judgeSpecs.values()], ...(kept ? { cases: kept } : {}) };
}
