import type { OptimizationConfig } from "../config/index.js";
import { InputError } from "../core/index.js";

/** How one improvement cycle spends its effort (EvoMap Evolver's strategies, as plain config). */
export interface Preset {
  name: string;
  description: string;
  max_clusters: number;
  min_severity: "low" | "medium" | "high" | "critical";
  safety_first: boolean;
  proposer: "auto" | "rule" | "reflective";
  epochs: number;
  max_rounds: number;
  patience: number;
  fix_share: number;
  /** Absent: `optimization.patching.regression_tolerance`. */
  regression_tolerance?: number;
  budget_calls?: number;
  budget_usd?: number;
  /** Epochs per case the sequential gate may use at most. */
  gate_epochs: number;
  /** Epochs of the confirmation on the sealed split or a fresh seed before the label moves. */
  confirm_epochs: number;
  below_minimum: "block" | "ratchet";
}

export const BUILTIN_PRESETS: Readonly<Record<"innovate" | "harden" | "repair-only", Preset>> = {
  innovate: {
    name: "innovate",
    description:
      "broad exploration early in development: every cluster, more rounds and candidates, partial fixes accepted",
    max_clusters: 12,
    min_severity: "low",
    safety_first: false,
    proposer: "auto",
    epochs: 1,
    max_rounds: 10,
    patience: 5,
    fix_share: 0.15,
    gate_epochs: 3,
    confirm_epochs: 1,
    below_minimum: "ratchet",
  },
  harden: {
    name: "harden",
    description:
      "stability before release: safety and blocking failures first, two epochs against noise, no regression tolerated, the minimum score enforced",
    max_clusters: 6,
    min_severity: "medium",
    safety_first: true,
    proposer: "auto",
    epochs: 2,
    max_rounds: 6,
    patience: 3,
    fix_share: 0.5,
    regression_tolerance: 0,
    gate_epochs: 5,
    confirm_epochs: 3,
    below_minimum: "block",
  },
  "repair-only": {
    name: "repair-only",
    description:
      "a targeted fix for what is broken: only clusters with failing cases, the worst three, minimal patches, few rounds",
    max_clusters: 3,
    min_severity: "medium",
    safety_first: false,
    proposer: "auto",
    epochs: 1,
    max_rounds: 6,
    patience: 3,
    fix_share: 0.25,
    gate_epochs: 3,
    confirm_epochs: 1,
    below_minimum: "ratchet",
  },
};

export const PRESET_NAMES = Object.keys(BUILTIN_PRESETS);

/** A built-in preset, changed by `optimization.presets.<name>`, or a custom one that extends one. */
export function resolvePreset(name: string, config: OptimizationConfig): Preset {
  const custom = config.presets[name];
  const builtin = (BUILTIN_PRESETS as Record<string, Preset>)[name];
  if (!builtin && !custom) {
    throw new InputError(
      `unknown preset '${name}'; presets: ${[...new Set([...PRESET_NAMES, ...Object.keys(config.presets)])].join(", ")}`,
      { key: "--preset" },
    );
  }
  const base = builtin ?? BUILTIN_PRESETS[custom?.extends ?? "repair-only"];
  const { extends: _from, ...overrides } = custom ?? {};
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...base, ...defined, name };
}
