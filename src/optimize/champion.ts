import { type LoadedConfig, loadSystemPrompt } from "../config/index.js";
import { InputError } from "../core/index.js";
import {
  addPrompt,
  agentPromptName,
  isRegistryRef,
  type PromptVersionRecord,
  resolvePromptRef,
} from "../prompts/index.js";
import type { Store } from "../store/index.js";

export interface Champion {
  name: string;
  /** `name@label` as the user would write it. */
  ref: string;
  label: string;
  version: PromptVersionRecord;
  /** Set when this call put the agent's prompt into the registry. */
  registered?: string;
  /** Set when the agent's own prompt no longer matches the registered champion. */
  note?: string;
}

/**
 * The version the optimizer and the loop start from: `ref` when given; else the agent's
 * `system_prompt` when it is a registry reference; else the agent's own prompt (inline or
 * file), registered once under the agent's identifier with the `production` label, so that
 * every candidate has a parent and the gate has a champion.
 */
export async function resolveChampion(
  store: Store,
  loaded: LoadedConfig,
  ref: string | undefined,
  actor: string,
): Promise<Champion> {
  const agent = loaded.config.agent;
  const inline = agent.system_prompt;
  const wanted =
    ref ?? (inline !== undefined && isRegistryRef(inline.trim()) ? inline.trim() : undefined);
  if (wanted) {
    const version = await resolvePromptRef(store, wanted, "--prompt");
    const at = wanted.lastIndexOf("@");
    const selector = wanted.slice(at + 1);
    const label = version.labels.includes(selector) ? selector : "production";
    return { name: version.name, ref: `${version.name}@${label}`, label, version };
  }
  const text = await loadSystemPrompt(loaded);
  if (!text) {
    throw new InputError(
      "the agent has no system prompt to improve: set agent.system_prompt_file, or pass --prompt name@label",
      { file: loaded.file, key: "agent.system_prompt_file" },
    );
  }
  const name = agentPromptName(loaded.config);
  const labels = await store.prompts.listLabels(name);
  if (labels.some((l) => l.label === "production")) {
    const version = await resolvePromptRef(store, `${name}@production`, "--prompt");
    const lineage = await store.prompts.listVersions(name);
    const known = lineage.some((v) => v.content.trim() === text.trim());
    return {
      name,
      ref: `${name}@production`,
      label: "production",
      version,
      ...(known
        ? {}
        : {
            note: `${agent.system_prompt_file ?? "agent.system_prompt"} differs from every version of ${name} in the registry; the champion is ${name}@production. To start from your edit: ratchet prompts add ${name} ${agent.system_prompt_file ?? "<file>"} --label production`,
          }),
    };
  }
  const added = await addPrompt(store, {
    name,
    content: text,
    author: actor,
    author_kind: "human",
    rationale: `the agent's prompt (${agent.system_prompt_file ?? "agent.system_prompt"}) as the first champion`,
    label: "production",
    actor,
    reason: "registered as the champion for optimization",
  });
  return {
    name,
    ref: `${name}@production`,
    label: "production",
    version: added.version,
    registered: `registered the agent's prompt as ${name}@production (${added.version.hash.slice(0, 12)})`,
  };
}
