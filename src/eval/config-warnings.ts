import { formatNotice, type LoadedConfig } from "../config/index.js";
import type { EvalRequest } from "./types.js";

/** What the user should know about the config before the run starts. */
export function configWarnings(
  loaded: LoadedConfig,
  request: Pick<EvalRequest, "models" | "resume">,
): string[] {
  const warnings = (loaded.notices ?? []).map(formatNotice);
  const defaultedModel =
    loaded.config.agent.kind === "prompt" &&
    loaded.modelConfigured === false &&
    request.models === undefined &&
    request.resume === undefined;
  if (defaultedModel) {
    warnings.push(
      `${loaded.file}: agent.model: no model configured: using the offline sim:support model (set agent.model or pass --model)`,
    );
  }
  return warnings;
}
