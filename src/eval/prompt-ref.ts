import { type LoadedConfig, loadSystemPrompt } from "../config/index.js";
import { InputError, type Run } from "../core/index.js";
import {
  agentPromptName,
  hashPromptVersion,
  isRegistryRef,
  type PromptVersionRecord,
  resolvePromptRef,
} from "../prompts/index.js";
import type { Store } from "../store/index.js";
import type { EvalRequest } from "./types.js";

/**
 * The registry version a run uses, if any: a resumed run's own, else `--prompt`, else an
 * `agent.system_prompt` that is exactly `name@selector`. Resolved before the run is created,
 * so an unknown name or label stores nothing.
 */
export async function promptForRun(
  store: Store,
  loaded: LoadedConfig,
  request: Pick<EvalRequest, "prompt">,
  previous: Run | undefined,
): Promise<PromptVersionRecord | undefined> {
  const { agent } = loaded.config;
  if (previous !== undefined) {
    if (previous.prompt_version === undefined || !isRegistryRef(previous.prompt_version)) {
      return undefined;
    }
    const [name = "", hash = ""] = previous.prompt_version.split("@");
    if (await store.prompts.getVersion(name, hash)) {
      return resolvePromptRef(store, previous.prompt_version, "--resume");
    }
    // The agent's own prompt, content-addressed: it must still be the same text.
    if ((await ownPromptVersion(loaded)) === previous.prompt_version) return undefined;
    throw new InputError(
      `run ${previous.id} ran the agent's prompt as ${previous.prompt_version}, and the prompt has changed since: resuming would mix two prompts in one run`,
      { key: "--resume" },
    );
  }
  if (request.prompt !== undefined) {
    if (agent.kind !== "prompt") {
      throw new InputError(
        `a registry prompt is the system prompt of a prompt agent; this agent is \`${agent.kind}\``,
        { key: "--prompt" },
      );
    }
    return resolvePromptRef(store, request.prompt, "--prompt");
  }
  const inline = agent.system_prompt;
  if (agent.kind !== "prompt" || inline === undefined || !isRegistryRef(inline)) return undefined;
  try {
    return await resolvePromptRef(store, inline, "agent.system_prompt");
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const line = loaded.locate?.(["agent", "system_prompt"])?.line;
    throw new InputError(
      `\`${inline}\` reads as a prompt registry reference (name@label or name@hash), and ${error.message}. To use it as literal text, write it as a block scalar (\`system_prompt: |\` and the text on the next line) or put it in system_prompt_file`,
      { file: loaded.file, ...(line !== undefined ? { line } : {}), key: "agent.system_prompt" },
    );
  }
}

/**
 * `name@<hash>` of the agent's own prompt (inline text or file), the version it is (or would
 * be) in the registry with no settings of its own; undefined for other agents and registry refs.
 */
export async function ownPromptVersion(loaded: LoadedConfig): Promise<string | undefined> {
  const { agent } = loaded.config;
  if (agent.kind !== "prompt") return undefined;
  if (agent.system_prompt !== undefined && isRegistryRef(agent.system_prompt.trim()))
    return undefined;
  const text = await loadSystemPrompt(loaded);
  if (text === undefined) return undefined;
  return `${agentPromptName(loaded.config)}@${hashPromptVersion(text)}`;
}
