import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { Score } from "../core/index.js";
import { runEvaluation } from "../eval/index.js";
import type { ConfirmResult, SuiteCase } from "./types.js";

export const DEFAULT_CONFIRM_EPOCHS = 3;

export interface ConfirmRequest {
  cwd: string;
  configPath?: string;
  /** The champion as a registry reference (`support@production`); default: the config's agent. */
  prompt?: string;
  epochs?: number;
  env?: NodeJS.ProcessEnv;
}

const keyOf = (type: string, name: string | undefined) => `${type}\u0000${name ?? type}`;

function scoreKey(s: Score): string {
  const name = typeof s.details?.name === "string" ? s.details.name : undefined;
  return keyOf(s.grader, name);
}

/**
 * The checks that decide whether the champion fails the draft: its own program-decided
 * checks when it has any (a judge's noise should not confirm a fixture), else its judge. The
 * config's suite-wide assertions (latency, cost, a general judge) never count.
 */
export function decidingChecks(c: SuiteCase): { keys: Set<string>; judge: boolean } {
  const own = c.assertions.map((a) => ({
    key: keyOf(a.type, typeof a.name === "string" ? a.name : undefined),
    judge: a.type === "judge",
  }));
  const programs = own.filter((a) => !a.judge);
  return {
    keys: new Set((programs.length > 0 ? programs : own).map((a) => a.key)),
    judge: programs.length === 0,
  };
}

/**
 * Runs the champion on the draft alone (a temporary suite holding it, the project's config,
 * `epochs` epochs) and counts the epochs in which a deciding check failed.
 */
export async function confirmFails(c: SuiteCase, request: ConfirmRequest): Promise<ConfirmResult> {
  const epochs = request.epochs ?? DEFAULT_CONFIRM_EPOCHS;
  const dir = await mkdtemp(join(tmpdir(), "ratchet-draft-"));
  const suite = join(dir, "draft.yaml");
  await writeFile(suite, stringify({ cases: [c] }));
  const { keys: deciding, judge } = decidingChecks(c);
  const evidence: string[] = [];
  let failed = 0;
  let errors = 0;
  try {
    const result = await runEvaluation({
      cwd: request.cwd,
      ...(request.configPath ? { configPath: request.configPath } : {}),
      suites: [suite],
      repeat: epochs,
      // Its own purpose: hidden from `runs list` by default and costed apart from evaluation.
      purpose: "confirmation",
      ...(request.prompt ? { prompt: request.prompt } : {}),
      ...(request.env ? { env: request.env } : {}),
      onWarning: () => undefined,
      onFinished: async (finished, store) => {
        for await (const attempt of store.iterateAttempts(finished.run.id)) {
          if (attempt.status === "error") {
            errors++;
            continue;
          }
          const bad = attempt.scores.find((s) => !s.passed && deciding.has(scoreKey(s)));
          if (bad) {
            failed++;
            evidence.push(`epoch ${attempt.epoch}: ${bad.grader}: ${bad.reason}`.slice(0, 300));
          }
        }
      },
    });
    return {
      epochs,
      failed_epochs: failed,
      error_epochs: errors,
      run_id: result.run.id,
      ...(request.prompt ? { prompt: request.prompt } : {}),
      evidence,
      decided_by: judge ? "judge" : "checks",
      // A program check failing once shows the failure reproduces (agents are flaky); a
      // judge is noisy itself, so a judge-decided draft must fail in most graded epochs.
      confirmed: judge ? failed * 2 > epochs - errors : failed > 0,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
