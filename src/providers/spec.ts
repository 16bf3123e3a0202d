import { InputError } from "../core/index.js";
import type { ModelSpec } from "./types.js";

/** Splits `provider:model`; the model part may itself contain colons (`ollama:llama3.2:3b`). */
export function parseModelSpec(spec: string): ModelSpec {
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(":");
  if (colon <= 0 || colon === trimmed.length - 1) {
    throw new InputError(
      `model "${spec}" must be written provider:model (e.g. openai:gpt-4o-mini or sim:support)`,
    );
  }
  return {
    spec: trimmed,
    provider: trimmed.slice(0, colon),
    modelId: trimmed.slice(colon + 1),
  };
}

export { didYouMean, editDistance } from "../core/index.js";
