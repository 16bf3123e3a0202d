/**
 * Baseline (b), untargeted reflective search in the style of GEPA: a pool of prompts scored on
 * the whole suite; each round draws a parent from the Pareto frontier over cases, a minibatch
 * of its failing cases from the whole suite (no clusters), asks `sim:reflector` for one patch
 * from their evidence, runs the child on the minibatch, and only when it beats the parent there
 * validates it on the whole suite and adds it to the pool. Best = the highest suite mean.
 * Rejected instructions are passed back as AVOID. Runs until the call budget is spent or the
 * proposer has nothing new to say for `patience` rounds in a row.
 */
import { rngFor } from "../../src/core/index.js";
import { passesMajority } from "../../src/optimize/evaluate.js";
import {
  applyPatch,
  normalizeInstruction,
  paretoFrontier,
  pickParent,
} from "../../src/optimize/index.js";
import type { Candidate, Harness } from "./harness.js";
import { meanOf, OutOfBudget } from "./harness.js";
import type { MethodResult } from "./method.js";

export interface GepaOptions {
  minibatch: number;
  patience: number;
  seed: number;
}

export async function gepaSearch(h: Harness, o: GepaOptions): Promise<MethodResult> {
  const all = h.caseIds;
  const proposer = h.reflector();
  const pool: Array<Candidate & { mean: number }> = [];
  const tried = new Set<string>();
  const texts = new Set<string>();
  let idle = 0;
  let round = 0;
  try {
    const baseScores = await h.evaluate(h.base.version, all);
    pool.push({ ...h.base, mean: meanOf(baseScores, all) });
    texts.add(h.base.prompt);
    await h.step("plain prompt evaluated", h.base.prompt);
    let best = pool[0]!;
    while (idle < o.patience) {
      round++;
      const scored = await Promise.all(
        pool.map(async (c) => {
          const s = await h.evaluate(c.version, all);
          return { version: c.version, scores: new Map([...s].map(([id, x]) => [id, x.mean])) };
        }),
      );
      const parentVersion = pickParent(paretoFrontier(scored), o.seed, round);
      const parent = pool.find((c) => c.version === parentVersion) ?? best;
      const parentScores = await h.evaluate(parent.version, all);
      const failing = all.filter((id) => !passesMajority(parentScores.get(id)));
      if (failing.length === 0) {
        idle = o.patience;
        break;
      }
      const rng = rngFor(o.seed, "gepa-minibatch", round);
      const batch = [...failing]
        .map((id) => ({ id, key: rng.next() }))
        .sort((a, b) => a.key - b.key)
        .slice(0, o.minibatch)
        .map((x) => x.id);
      h.ensureProposerCall();
      const proposal = await proposer.propose({
        prompt: parent.prompt,
        target: "failing cases from the whole suite",
        evidence: await h.evidence(parent.version, batch),
        tried,
        round,
      });
      h.chargeProposer(proposal.calls, proposal.usd);
      if (!proposal.patch) {
        idle++;
        continue;
      }
      if (proposal.patch.instruction) tried.add(normalizeInstruction(proposal.patch.instruction));
      let prompt: string;
      try {
        prompt = applyPatch(parent.prompt, proposal.patch);
      } catch {
        idle++;
        continue;
      }
      if (texts.has(prompt)) {
        idle++;
        continue;
      }
      texts.add(prompt);
      const child = await h.register(prompt, parent, proposal.patch.rationale || "reflection");
      const onBatch = await h.evaluate(child.version, batch);
      if (meanOf(onBatch, batch) <= meanOf(parentScores, batch)) {
        idle++;
        continue;
      }
      const mean = meanOf(await h.evaluate(child.version, all), all);
      pool.push({ ...child, mean });
      idle = 0;
      if (mean > best.mean) {
        best = pool.at(-1)!;
        await h.step(
          `round ${round}: ${proposal.patch.operation} → suite mean ${(100 * mean).toFixed(1)}%`,
          prompt,
          `pool ${pool.length}`,
        );
      }
    }
    return h.finish(
      `the proposer found nothing new that helps a minibatch for ${o.patience} rounds (round ${round})`,
    );
  } catch (e) {
    if (e instanceof OutOfBudget) return h.finish(`budget spent (round ${round}): ${e.message}`);
    throw e;
  }
}
