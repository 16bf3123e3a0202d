import type { Message } from "../../core/index.js";

/** A tool as the model saw it: name, what it does, the JSON Schema of its arguments. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

/**
 * One conversation in the project's own message shape (core's `Message`), before it is
 * written in a vendor's format: every tool call has an id and every tool message names it.
 */
export interface Conversation {
  messages: Message[];
  /** The tools the agent was given; absent when it had none. */
  tools?: ToolDefinition[];
}

export const CHAT_FORMATS = ["openai-chat", "anthropic"] as const;
export type ChatFormat = (typeof CHAT_FORMATS)[number];

export const PREFERENCE_FORMATS = ["openai", "trl"] as const;
export type PreferenceFormat = (typeof PREFERENCE_FORMATS)[number];

/** What an export wrote, and why the rest was left out. */
export interface ExportSummary {
  kind: "finetune" | "dpo";
  format: ChatFormat | PreferenceFormat;
  /** Examples (finetune) or pairs (dpo) written, both files together. */
  examples: number;
  train: number;
  validation: number;
  /** Reason → count of candidates left out. */
  skipped: Record<string, number>;
  /** Runs read, gate decisions read, production traces read. */
  sources: { runs: string[]; decisions: string[]; traces: number };
  files: { train: string; validation?: string };
}

/** Reasons an example or pair is left out, counted in the summary. */
export type SkipCounter = (reason: string) => void;
