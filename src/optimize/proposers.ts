/**
 * Proposers: each turns one target's failing evidence and the current prompt into one minimal
 * patch. They see the prompt, the cases and the graders' evidence — never a model's inside.
 */
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { InputError, type Usage } from "../core/index.js";
import { adviseFromEvidence } from "./advice.js";
import { applyPatch, hasInstruction, normalizeInstruction } from "./instructions.js";
import { parsePatch } from "./patch.js";
import { MAX_INSTRUCTION_WORDS, reflectionPrompt } from "./reflect-prompt.js";
import type { FailureEvidence, Patch, ProposerKind } from "./types.js";

export interface ProposeInput {
  prompt: string;
  /** The cluster's label (and description) the patch aims at. */
  target: string;
  evidence: readonly FailureEvidence[];
  /** Normalized instructions already tried for this target. */
  tried: ReadonlySet<string>;
  round: number;
}

export interface Proposal {
  patch?: Patch;
  /**
   * The failing cases the patch is meant for (a rule knows which cases show its theme); the
   * targeted check measures the share fixed on these. Absent: all the evidence's cases.
   */
  claims?: string[];
  /** The raw answer when it could not be read as a patch. */
  raw?: string;
  /** Why there is no patch. */
  error?: string;
  calls: number;
  usd: number;
}

export interface Proposer {
  kind: ProposerKind;
  propose(input: ProposeInput): Promise<Proposal>;
}

/** Offline and deterministic: the next untried instruction for the weightiest theme. */
export function ruleProposer(): Proposer {
  return {
    kind: "rule",
    async propose(input) {
      const themes = adviseFromEvidence(input.evidence);
      if (themes.length === 0) {
        return {
          error:
            "no rule reads this evidence (the failing checks say nothing a prompt instruction addresses); try a reflective proposer (--proposer reflective --model …)",
          calls: 0,
          usd: 0,
        };
      }
      for (const theme of themes) {
        for (const [index, instruction] of theme.instructions.entries()) {
          if (input.tried.has(normalizeInstruction(instruction))) continue;
          if (hasInstruction(input.prompt, instruction)) continue;
          return {
            patch: {
              operation: "add",
              instruction,
              // A second phrasing goes first in the prompt: the first may not have been read.
              position: index === 0 ? "end" : "start",
              rationale: `${theme.cases.length} failing case(s) show it: ${theme.evidence} (${theme.cases.slice(0, 3).join(", ")}${theme.cases.length > 3 ? ", …" : ""}).`,
            },
            claims: theme.cases,
            calls: 0,
            usd: 0,
          };
        }
      }
      return { error: "every rule for this evidence has been tried", calls: 0, usd: 0 };
    },
  };
}

export interface ReflectiveOptions {
  model: LanguageModelV3;
  /** Prices a call's usage (USD). */
  price: (usage: Usage) => number;
  /** Tries per proposal when the answer is not a usable patch. */
  tries?: number;
}

/** A model reads the reflection prompt and answers with a patch; garbage is retried, then reported. */
export function reflectiveProposer(options: ReflectiveOptions): Proposer {
  return {
    kind: "reflective",
    async propose(input) {
      const { generateText } = await import("ai");
      const avoid = [...input.tried];
      const prompt = reflectionPrompt({
        prompt: input.prompt,
        target: input.target,
        failures: input.evidence,
        avoid,
      });
      let calls = 0;
      let usd = 0;
      let raw = "";
      let error = "";
      for (let attempt = 0; attempt < (options.tries ?? 2); attempt++) {
        const result = await generateText({
          model: options.model,
          prompt,
          temperature: 0,
          maxRetries: 1,
          providerOptions: { ratchet: { attempt } },
        });
        calls++;
        usd += options.price({
          input_tokens: result.usage.inputTokens ?? 0,
          output_tokens: result.usage.outputTokens ?? 0,
        });
        raw = result.text;
        try {
          const patch = parsePatch(raw, MAX_INSTRUCTION_WORDS + 20);
          if (patch.instruction && input.tried.has(normalizeInstruction(patch.instruction))) {
            error = "the proposer repeated an instruction already tried";
            continue;
          }
          applyPatch(input.prompt, patch); // a patch that does not fit the prompt is retried
          return { patch, calls, usd };
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          error = e.message;
        }
      }
      return { raw: raw.slice(0, 2000), error, calls, usd };
    },
  };
}

/**
 * Merge: the patches that fixed different clusters, applied one after another to the same base.
 * A patch that no longer fits (its target line is gone) is left out and named.
 */
export function mergePatches(
  base: string,
  patches: ReadonlyArray<{ cluster: string; patch: Patch }>,
): { prompt: string; merged: string[]; skipped: string[] } {
  let prompt = base;
  const merged: string[] = [];
  const skipped: string[] = [];
  for (const { cluster, patch } of patches) {
    try {
      prompt = applyPatch(prompt, patch);
      merged.push(cluster);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      skipped.push(cluster);
    }
  }
  return { prompt, merged, skipped };
}
