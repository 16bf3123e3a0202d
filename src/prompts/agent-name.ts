import type { RatchetConfig } from "../config/index.js";
import { checkPromptName } from "./ref.js";

/**
 * The registry name of the agent's own prompt (inline or file): its identifier, made a valid
 * name. Runs of that prompt record `name@<content hash>`, the version it becomes when it is
 * registered, so that the optimizer and the gate can reuse those runs.
 */
export function agentPromptName(config: RatchetConfig): string {
  return checkPromptName(
    (config.agent.identifier ?? config.pipeline.name ?? "agent")
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, "-")
      .replace(/^[^a-z0-9]+/, "") || "agent",
    "agent.identifier",
  );
}
