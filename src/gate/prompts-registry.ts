import {
  describePromptChange,
  labelPrompt,
  type PromptVersionRecord,
  resolvePromptRef,
} from "../prompts/index.js";
import type { Store } from "../store/index.js";
import type { GateRegistry, GateVersion } from "./registry.js";

/** The gate's view of the prompt registry in the store. */
export function createGateRegistry(store: Store): GateRegistry {
  const records = new Map<string, PromptVersionRecord>();
  const record = (version: GateVersion): PromptVersionRecord => {
    const found = records.get(`${version.name}@${version.hash}`);
    if (!found) throw new Error(`version ${version.name}@${version.hash} was not resolved here`);
    return found;
  };
  return {
    async resolve(ref, flag) {
      const found = await resolvePromptRef(store, ref, flag);
      records.set(`${found.name}@${found.hash}`, found);
      return {
        name: found.name,
        hash: found.hash,
        labels: found.labels,
        ...(found.settings?.model ? { model: found.settings.model } : {}),
      };
    },
    async describeChange(champion, challenger) {
      const change = describePromptChange(record(champion), record(challenger));
      return { changed: change.parts, changeType: change.changeType };
    },
    async pin(name, hash, by) {
      await store.prompts.pin({ name, hash, pinned_by: by, created_at: new Date().toISOString() });
    },
    async promote(name, label, hash, by) {
      await labelPrompt(store, name, hash, label, {
        actor: by.actor,
        reason: by.reason,
        decision_id: by.decisionId,
        kind: "promote",
      });
    },
  };
}
