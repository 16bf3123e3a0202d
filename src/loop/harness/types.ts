/** Where the work to fix a cluster goes (seed 003's escalation ladder, minus "skill"). */
export const TRACKS = ["prompt", "code", "rag", "finetune"] as const;
export type Track = (typeof TRACKS)[number];

/** The part of the harness (what surrounds the model) a cluster's failures come from. */
export const HARNESS_KINDS = ["tools", "retrieval", "timeouts", "context", "provider"] as const;
export type HarnessKind = (typeof HARNESS_KINDS)[number];

/** What one member failure is read as: a harness cause, or behaviour the prompt steers. */
export type Cause = HarnessKind | "behaviour";

/** Kinds of behaviour a prompt patch addresses, read from signals, graders and reasons. */
export const HABITS = [
  "format",
  "personal data",
  "refusal",
  "tool use",
  "invented facts",
  "content",
  "user dissatisfaction",
] as const;
export type Habit = (typeof HABITS)[number];

/** What the improvement loop knows of earlier prompt patches for this cluster. */
export interface PromptHistory {
  /** Prompt patches tried on this cluster. */
  promptAttempts: number;
  /** Whether one of them made the cluster's cases pass. */
  fixed: boolean;
  /** Passing trajectories available as fine-tuning data (unknown when absent). */
  passingExamples?: number;
}

export interface TrackRecommendation {
  track: Track;
  /** 0..1, from the share of members behind the decision (see `recommend.ts`). */
  confidence: number;
  /** Why, with numbers; the first is the deciding one. */
  reasons: string[];
  /** Set when the fix is in the harness (code and rag tracks). */
  harness?: { kind: HarnessKind; summary: string };
  /** Member failures per cause, duplicates counted (the cluster's size when all were read). */
  causes: Record<Cause, number>;
  /** Distinct member failures read. */
  members: number;
}
