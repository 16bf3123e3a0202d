/**
 * Baseline (a), the naive rewrite: evaluate the plain prompt on the whole suite, read every
 * failure at once with the rule proposer's evidence reader (`adviseFromEvidence`), and write
 * the top-N instructions into the prompt together. A few tries (N = 3, 6, all themes; then all
 * themes in their second phrasing), each validated on the whole suite; the best mean is kept
 * if it beats the plain prompt. No clusters, no gate.
 */

import { passesMajority } from "../../src/optimize/evaluate.js";
import { adviseFromEvidence, applyPatch, hasInstruction } from "../../src/optimize/index.js";
import { type Harness, meanOf, OutOfBudget } from "./harness.js";
import type { MethodResult } from "./method.js";

export async function naiveRewrite(h: Harness): Promise<MethodResult> {
  const all = h.caseIds;
  try {
    const baseScores = await h.evaluate(h.base.version, all);
    await h.step("plain prompt evaluated", h.base.prompt);
    const failing = all.filter((id) => !passesMajority(baseScores.get(id)));
    const themes = adviseFromEvidence(await h.evidence(h.base.version, failing));
    if (themes.length === 0) return h.finish("no rule reads the failures");
    const tries: Array<{ label: string; instructions: string[] }> = [];
    for (const n of [3, 6, themes.length]) {
      const top = themes.slice(0, n);
      tries.push({ label: `top ${top.length}`, instructions: top.map((t) => t.instructions[0]!) });
    }
    tries.push({
      label: `top ${themes.length}, second phrasing`,
      instructions: themes.map((t) => t.instructions[1] ?? t.instructions[0]!),
    });
    let best = { prompt: h.base.prompt, mean: meanOf(baseScores, all) };
    const seen = new Set([h.base.prompt]);
    for (const t of tries) {
      let prompt = h.base.prompt;
      for (const instruction of t.instructions) {
        if (hasInstruction(prompt, instruction)) continue;
        prompt = applyPatch(prompt, { operation: "add", instruction, rationale: t.label });
      }
      if (seen.has(prompt)) continue;
      seen.add(prompt);
      const candidate = await h.register(prompt, h.base, `naive rewrite: ${t.label}`);
      const mean = meanOf(await h.evaluate(candidate.version, all), all);
      if (mean > best.mean) {
        best = { prompt, mean };
        await h.step(
          `${t.label}: suite mean ${(100 * mean).toFixed(1)}%`,
          prompt,
          `${t.instructions.length} instructions`,
        );
      }
    }
    return h.finish(`${tries.length} tries done`);
  } catch (e) {
    if (e instanceof OutOfBudget) return h.finish(`budget: ${e.message}`);
    throw e;
  }
}
