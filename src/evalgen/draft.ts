import type { LanguageModelV3 } from "@ai-sdk/provider";
import { InputError } from "../core/index.js";
import { type DraftSource, draftFromEvidence } from "./draft-evidence.js";
import { applyModelDraft, askModel } from "./draft-model.js";
import { fixtureInput, normalizeInput } from "./fixture-text.js";
import type { CaseDraft, FailureEvidence } from "./types.js";
import { validateCase } from "./validate.js";

/** Failures drafted from one cluster: its most central members with distinct inputs. */
export const MAX_FAILURES_PER_DRAFT = 3;

export interface DraftOptions extends DraftSource {
  /** A model that writes the judgement parts; without one, rules over the evidence do. */
  model?: { spec: string; model: LanguageModelV3 };
}

export interface DraftOutcome {
  drafts: CaseDraft[];
  /** What a user should know: a model that gave no usable draft, skipped duplicates… */
  notes: string[];
}

/** Members with the same normalized input would draft the same case twice. */
function distinctInputs(failures: readonly FailureEvidence[], limit: number): FailureEvidence[] {
  const seen = new Set<string>();
  const out: FailureEvidence[] = [];
  for (const f of failures) {
    const key = `${f.signal_type}\u0000${normalizeInput(f.input)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
    if (out.length === limit) break;
  }
  return out;
}

/** Two signals on one conversation often draft the same program checks: keep the first. */
function sameCaseKey(d: CaseDraft): string {
  const checks = d.case.assertions.filter((a) => a.type !== "judge");
  return JSON.stringify([normalizeInput(d.case.input), checks, d.case.expected ?? null]);
}

/**
 * Regression cases drafted from failures, every one validated against the suite case schema
 * and its graders. Deterministic without a model; with one, its judgement replaces the rules'
 * expected behaviour and tools, and a model that gives no valid object falls back to the rules.
 */
export async function draftCases(options: DraftOptions): Promise<DraftOutcome> {
  if (options.failures.length === 0) {
    throw new InputError("no failures to draft from (the cluster or the ids named none)");
  }
  // A cluster is drafted from its most central members; named failures are drafted each.
  const chosen = distinctInputs(
    options.failures,
    options.clusterId ? MAX_FAILURES_PER_DRAFT : options.failures.length,
  );
  const notes: string[] = [];
  if (chosen.length < options.failures.length) {
    notes.push(
      `drafted from ${chosen.length} of ${options.failures.length} failures (distinct inputs, most central first)`,
    );
  }
  const drafts: CaseDraft[] = [];
  const seenCases = new Set<string>();
  for (const f of chosen) {
    let made = draftFromEvidence(f, options);
    if (options.model) {
      const answer = await askModel(options.model.model, f);
      if (answer.draft) {
        const refuse = answer.draft.refuse_input;
        const safe = refuse
          ? { ...answer.draft, refuse_input: fixtureInput(refuse).input }
          : answer.draft;
        made = applyModelDraft(made, safe, options.model.spec);
      } else {
        notes.push(
          `${options.model.spec} gave no usable draft for ${f.id} (${answer.problem}); drafted from the evidence`,
        );
      }
    }
    for (const d of made) {
      validateCase(d.case, `draft for ${f.id}`);
      const key = sameCaseKey(d);
      if (seenCases.has(key)) {
        notes.push(`${f.id} drafts the same checks on the same input as an earlier draft; skipped`);
        continue;
      }
      seenCases.add(key);
      drafts.push(d);
    }
  }
  return { drafts, notes };
}
