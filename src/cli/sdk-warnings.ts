import type { SharedV3Warning } from "@ai-sdk/provider";
// For the type of `globalThis.AI_SDK_LOG_WARNINGS`, which the AI SDK declares; nothing is loaded.
import type {} from "ai";
import type { Output } from "./output.js";

function describe(warning: SharedV3Warning): string {
  switch (warning.type) {
    case "unsupported":
      return `"${warning.feature}" is not supported${warning.details ? `: ${warning.details}` : ""}`;
    case "compatibility":
      return `"${warning.feature}" runs in a compatibility mode${warning.details ? `: ${warning.details}` : ""}`;
    case "other":
      return warning.message;
    default:
      return JSON.stringify(warning);
  }
}

/**
 * The AI SDK logs provider warnings with `console.info` / `console.warn`, and the first one
 * goes to stdout, which broke `--json` output. While a command runs, each distinct warning is
 * written once to the CLI's stderr instead. Returns the function that restores the previous
 * logger.
 */
export function routeSdkWarnings(output: Output): () => void {
  const previous = globalThis.AI_SDK_LOG_WARNINGS;
  const seen = new Set<string>();
  globalThis.AI_SDK_LOG_WARNINGS = ({ warnings, provider, model }) => {
    for (const warning of warnings) {
      const line = `warning: AI SDK (${provider} / ${model}): ${describe(warning)}`;
      if (seen.has(line)) continue;
      seen.add(line);
      output.err(line);
    }
  };
  return () => {
    globalThis.AI_SDK_LOG_WARNINGS = previous;
  };
}
