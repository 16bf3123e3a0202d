export type { AnthropicBlock, AnthropicMessage, AnthropicRecord } from "./anthropic.js";
export { anthropicRecord } from "./anthropic.js";
export type { ConversationResult } from "./conversation.js";
export { attemptMessages, linkToolCalls } from "./conversation.js";
export type { DpoOptions } from "./dpo.js";
export { exportDpo } from "./dpo.js";
export { checkOutputPath, validationPath } from "./files.js";
export type { FinetuneOptions } from "./finetune.js";
export { exportFinetune } from "./finetune.js";
export { digest, isValidation, normalizedTurns, normalizeText } from "./keys.js";
export type { OpenAiMessage, OpenAiTool } from "./openai.js";
export { openAiChatRecord, openAiMessage, openAiTools } from "./openai.js";
export type { Preference } from "./preference.js";
export {
  openAiPreferenceRecord,
  prefer,
  promptOf,
  sharedPrompt,
  trlPreferenceRecord,
} from "./preference.js";
export type { ExportRedactor } from "./redaction.js";
export { exportRedactor, redactConversation } from "./redaction.js";
export type { RunSelection } from "./runs.js";
export { RunTools, selectRuns, toolsFor } from "./runs.js";
export { traceMessages } from "./trace-conversation.js";
export { approvedTraces } from "./traces.js";
export type {
  ChatFormat,
  Conversation,
  ExportSummary,
  PreferenceFormat,
  ToolDefinition,
} from "./types.js";
export { CHAT_FORMATS, PREFERENCE_FORMATS } from "./types.js";
