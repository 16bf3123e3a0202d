export type { BodyPart } from "./body-template.js";
export { parseBodyTemplate, renderBodyTemplate } from "./body-template.js";
export type { Env } from "./env.js";
export { expandEnvString, looksLikeSecretName } from "./env.js";
export { configJsonSchema, toolFixturesJsonSchema } from "./json-schema.js";
export type { LoadedConfig, ParseConfigOptions } from "./loader.js";
export {
  CONFIG_FILE_NAMES,
  canonicalJson,
  defaultConfig,
  findConfig,
  hashConfig,
  loadConfig,
  parseConfig,
} from "./loader.js";
export type {
  AgentConfig,
  AgentKind,
  ExecAgentConfig,
  HttpAgentConfig,
  ModuleAgentConfig,
} from "./schema/agent.js";
export { BUILTIN_PROVIDERS, sendsJson } from "./schema/agent.js";
export { CaseInputSchema } from "./schema/case.js";
export type { CacheConfig, CostConfig, ModelPrice, StoreConfig } from "./schema/cost.js";
export { DEFAULT_DIMENSIONS } from "./schema/dimensions.js";
export type { EvaluationConfig } from "./schema/evaluation.js";
export { DEFAULT_SUITE_GLOBS } from "./schema/evaluation.js";
export type { OptimizationConfig, PromotionConfig, RollbackConfig } from "./schema/lifecycle.js";
export { LIMITS } from "./schema/limits.js";
export type { LiveConfig } from "./schema/live.js";
export type {
  AttributeCondition,
  Condition,
  DetectorConfig,
  DetectorConfigInput,
  MessageRule,
  MiningConfig,
} from "./schema/mining.js";
export { CONDITION_OPS, DetectorSchema, MiningSchema } from "./schema/mining.js";
export type { ObservabilityConfig } from "./schema/observability.js";
export type { PipelineConfig } from "./schema/pipeline.js";
export type { ProviderConfig } from "./schema/providers.js";
export type { RatchetConfig, RatchetConfigInput } from "./schema/root.js";
export { RatchetConfigSchema } from "./schema/root.js";
export type { ToolEffect, ToolFixture, ToolResponse } from "./schema/tools.js";
export { ToolFixtureSchema } from "./schema/tools.js";
export { redactionOptions, secretVariables } from "./secrets.js";
export type { SuiteFormat } from "./suites/files.js";
export { listSuiteFiles, suiteFormat, unmatchedSuiteGlobs } from "./suites/files.js";
export { collectSuites, loadSuites, readSuiteFile } from "./suites/load.js";
export { loadAgentTools, loadSystemPrompt, loadToolFixtures } from "./tools.js";
export type { ConfigNotice } from "./unused.js";
export { formatNotice } from "./unused.js";
