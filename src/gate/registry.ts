import type { ChangeType } from "./types.js";

/** A prompt version as the gate needs it: which one, what else it sets, where its labels point. */
export interface GateVersion {
  name: string;
  hash: string;
  /** Labels pointing at it now. */
  labels: string[];
  /** The model its settings pin, if any (else the agent's). */
  model?: string;
}

/** What the gate asks of the prompt registry; the CLI wires the real one. */
export interface GateRegistry {
  /** `flag` names where the ref came from, for the error when it resolves to nothing. */
  resolve(ref: string, flag: string): Promise<GateVersion>;
  /** Which parts differ (content, model, tools…) and the change type that follows. */
  describeChange(
    champion: GateVersion,
    challenger: GateVersion,
  ): Promise<{ changed: string[]; changeType: ChangeType }>;
  /** Keep a version from retention pruning because a decision points at it. */
  pin(name: string, hash: string, by: string): Promise<void>;
  /** Move `label` to the challenger, recorded as a promotion caused by the decision. */
  promote(
    name: string,
    label: string,
    hash: string,
    by: { actor: string; reason: string; decisionId: string },
  ): Promise<void>;
}

export const versionRef = (version: GateVersion): string => `${version.name}@${version.hash}`;
export const shortHash = (hash: string): string => hash.slice(0, 12);
