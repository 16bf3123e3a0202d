import type { Run } from "../core/index.js";
import type { RunEvent, RunOutcome } from "../runner/index.js";
import type { Store } from "../store/index.js";

export interface EvalRequest {
  /** Directory to look for ratchet.yaml in (upwards) when `configPath` is not given. */
  cwd: string;
  configPath?: string;
  /** One model replaces `agent.model`; several run side by side as variants. */
  models?: string[];
  repeat?: number;
  concurrency?: number;
  timeoutSeconds?: number;
  retries?: number;
  seed?: number;
  threshold?: number;
  filterTags?: string[];
  /** Suite globs (relative to the config) in place of `evaluation.suites`. */
  suites?: string[];
  caseIds?: string[];
  noCache?: boolean;
  /**
   * Attempt keys (`attemptKey(variant, case, epoch)`) the caller already holds from earlier
   * runs and reuses: they are neither run nor stored again, and the run counts as complete
   * without them. Every key must belong to the run's case selection.
   */
  skipAttempts?: ReadonlySet<string>;
  /**
   * A prompt registry reference (`support@production`, `support@<hash>`): its content and
   * settings replace the prompt agent's system prompt and settings, and the run records
   * `name@<full hash>` as its prompt version. Overrides `agent.system_prompt`.
   */
  prompt?: string;
  /**
   * What the spend is for (default `evaluation`); the optimizer's runs say `optimization`, a
   * draft's confirmation run `confirmation`.
   */
  purpose?: "evaluation" | "optimization" | "confirmation";
  /** Finish a stopped run: only the missing attempts run. */
  resume?: string;
  env?: NodeJS.ProcessEnv;
  stopSignal?: AbortSignal;
  killSignal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Config warnings as soon as the config is read; without it they join `warnings`. */
  onWarning?: (warning: string) => void;
  /** Called once the run exists and the total is known (for progress bars). */
  onStart?: (run: Run, totalAttempts: number) => void;
  /**
   * Called once the run is finished and its totals stored, with the run's store still open:
   * the CLI lists failures and writes reports from it instead of opening the store again.
   */
  onFinished?: (result: EvalResult, store: Store) => Promise<void>;
}

export interface EvalResult {
  run: Run;
  outcome: RunOutcome;
  /** True when the run's score is at or above the threshold. */
  passed: boolean;
  warnings: string[];
}
