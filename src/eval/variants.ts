import { resolve } from "node:path";
import type { Agent, PromptAgentOptions, PromptModel } from "../agents/index.js";
import {
  createExecAgent,
  createHttpAgent,
  createModuleAgent,
  createPromptAgent,
} from "../agents/index.js";
import {
  type LoadedConfig,
  loadAgentTools,
  loadSystemPrompt,
  type RatchetConfig,
  type ToolFixture,
} from "../config/index.js";
import { InputError, type UserCodeHost } from "../core/index.js";
import type { PromptToolDefinition, PromptVersionRecord } from "../prompts/index.js";
import {
  expandSecret,
  expandSecretValues,
  priceUsage,
  type ResolvedModel,
  resolveModels,
  type TokenPrice,
  tokenPricesFromConfig,
} from "../providers/index.js";
import type { Variant } from "../runner/index.js";
import type { Store } from "../store/index.js";
import { pricingEndpoint } from "./pricing.js";

/**
 * The systems under test of one run: for a prompt agent, one variant per `--model` entry
 * (`provider:model` or `provider:model=prompt-file`); otherwise the configured http, exec or
 * module agent. Secrets named in the config are expanded here, from the environment only.
 */
export async function buildVariants(
  loaded: LoadedConfig,
  models: string[],
  env: NodeJS.ProcessEnv,
  options: {
    noCache: boolean;
    store: Store;
    userCode: UserCodeHost;
    /** A registry version: its content is the system prompt, its settings override the agent's. */
    prompt?: PromptVersionRecord;
  },
): Promise<Variant[]> {
  const { config } = loaded;
  if (config.agent.kind !== "prompt") {
    return [
      { name: config.agent.kind, agent: await buildExternalAgent(loaded, env, options.userCode) },
    ];
  }
  // A variant is `model` or `model=prompt-file`: the same suite on several models or prompts.
  const specs = models.map(parseVariantSpec);
  // Two variants of one name would store their attempts under the same key.
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.name)) {
      throw new InputError(`\`${spec.name}\` is given twice; each model or variant runs once`, {
        key: "--compare",
      });
    }
    seen.add(spec.name);
  }
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
  const settings = options.prompt?.settings ?? {};
  const fixtures = await loadAgentTools(loaded);
  const tools = settings.tools ? withToolDefinitions(fixtures, settings.tools) : fixtures;
  const prices = tokenPricesFromConfig(config.cost.token_pricing);
  const defaultPrompt = options.prompt
    ? options.prompt.content
    : ((await loadSystemPrompt(loaded)) ?? "");
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
        model: toPromptModel(model, prices, config),
        systemPrompt,
        tools,
        maxSteps: settings.max_steps ?? config.agent.max_steps,
        temperature: settings.temperature ?? config.agent.temperature,
        ...((settings.max_tokens ?? config.agent.max_tokens)
          ? { maxTokens: settings.max_tokens ?? config.agent.max_tokens }
          : {}),
      }),
    });
  }
  return variants;
}

/**
 * What a prompt agent for one registry version is made of (its model, text, settings and the
 * agent's tool fixtures), for callers that build the agent themselves: a shadow run gives
 * every replayed input its own tools, answering from that trace's recorded results.
 */
export async function promptAgentOptions(
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
  options: { noCache: boolean; store: Store; prompt: PromptVersionRecord },
): Promise<PromptAgentOptions> {
  const { config } = loaded;
  if (config.agent.kind !== "prompt") {
    throw new InputError(
      `a registry prompt runs as a prompt agent; this agent is \`${config.agent.kind}\``,
      { key: "agent.kind" },
    );
  }
  const settings = options.prompt.settings ?? {};
  const spec = settings.model ?? config.agent.model;
  if (!spec) {
    throw new InputError(
      `${options.prompt.name}@${options.prompt.hash.slice(0, 7)} names no model and the config has no agent.model`,
      {
        key: "agent.model",
      },
    );
  }
  const [model] = resolveModels([spec], config.providers, env, {
    cwd: loaded.dir,
    ...(config.cache.enabled && !options.noCache
      ? { cache: { store: options.store, ttlMs: config.cache.ttl_seconds * 1000 } }
      : {}),
  });
  if (!model) throw new Error(`model ${spec} did not resolve`);
  const fixtures = await loadAgentTools(loaded);
  const maxTokens = settings.max_tokens ?? config.agent.max_tokens;
  return {
    name: config.agent.identifier ?? config.pipeline.name,
    model: toPromptModel(model, tokenPricesFromConfig(config.cost.token_pricing), config),
    systemPrompt: options.prompt.content,
    tools: settings.tools ? withToolDefinitions(fixtures, settings.tools) : fixtures,
    maxSteps: settings.max_steps ?? config.agent.max_steps,
    temperature: settings.temperature ?? config.agent.temperature,
    ...(maxTokens ? { maxTokens } : {}),
  };
}

/**
 * The tools a versioned prompt defines: its names, descriptions and parameters, with the
 * mocked responses of the agent's fixture of the same name (none for a new tool).
 */
function withToolDefinitions(
  fixtures: ToolFixture[],
  definitions: PromptToolDefinition[],
): ToolFixture[] {
  const byName = new Map(fixtures.map((tool) => [tool.name, tool]));
  return definitions.map((definition) => {
    const fixture = byName.get(definition.name);
    return {
      name: definition.name,
      description: definition.description ?? fixture?.description ?? "",
      parameters: definition.parameters ??
        fixture?.parameters ?? { type: "object", properties: {} },
      responses: fixture?.responses ?? [],
      side_effect: fixture?.side_effect ?? false,
    };
  });
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

function toPromptModel(
  model: ResolvedModel,
  prices: Record<string, TokenPrice>,
  config: RatchetConfig,
): PromptModel {
  const endpoint = pricingEndpoint(config, model.provider);
  return {
    spec: model.spec,
    provider: model.provider,
    modelId: model.modelId,
    model: model.model,
    price: (usage) => priceUsage(model.spec, usage, prices, endpoint).usd,
    ...(model.prepare ? { prepare: model.prepare } : {}),
  };
}

async function buildExternalAgent(
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
  userCode: UserCodeHost,
): Promise<Agent> {
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
    return createModuleAgent(resolve(loaded.dir, agent.module.path), agent.module.export, userCode);
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

export function perProviderLimits(config: RatchetConfig): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const [name, settings] of Object.entries(config.providers)) {
    if (settings.max_concurrency) limits[name] = settings.max_concurrency;
  }
  return limits;
}
