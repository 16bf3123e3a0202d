export { agentPromptName } from "./agent-name.js";
export type { DiffLine } from "./diff.js";
export { diffLines, unifiedDiff } from "./diff.js";
export type { ExportResult, ImportOptions, ImportSummary } from "./files.js";
export { exportPrompts, importPrompts, MANIFEST_FILE } from "./files.js";
export { hashPromptVersion } from "./hash.js";
export type { PromptRef, PromptVersionRecord } from "./ref.js";
export {
  checkLabel,
  checkPromptName,
  DEFAULT_LABEL,
  isRegistryRef,
  MIN_HASH_PREFIX,
  parsePromptRef,
  REGISTRY_REF,
  resolvePromptRef,
} from "./ref.js";
export type { AddPromptInput, AddPromptResult, LabelInput, LineageEntry } from "./registry.js";
export {
  addPrompt,
  defaultActor,
  labelPrompt,
  listPrompts,
  promptLineage,
  removeLabel,
  rollbackPrompt,
} from "./registry.js";
export type {
  PromptChange,
  PromptPart,
  PromptSettings,
  PromptToolDefinition,
} from "./settings.js";
export {
  describePromptChange,
  normalizeSettings,
  PromptSettingsSchema,
  parsePromptSettings,
} from "./settings.js";
