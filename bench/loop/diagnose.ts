/**
 * Why a seeded mode was not fixed, read with the profile's cures (which the bench may read and
 * the optimizer never does): no proposal ever contained a cure; a cure was proposed and
 * rejected (and why); the cure is in the prompt but past the sim's reading budget; or the
 * loop's own evaluation stopped showing the mode.
 */
import { getTokenizer, loadSimProfile } from "../../src/providers/index.js";
import { isCured } from "../../src/providers/sim/habits.js";
import type { MethodResult } from "./method.js";

export async function whyNotFixed(
  profileName: string,
  result: MethodResult,
  mode: string,
): Promise<string> {
  const profile = loadSimProfile(profileName);
  const habit = profile.habits.find((h) => h.id === mode);
  if (!habit) return "not a habit of the profile";
  const final = result.steps.at(-1)?.prompt ?? "";
  const tokenizer = await getTokenizer(profile.tokenizer);
  const readable = tokenizer.truncate(final, profile.context_budget_tokens);
  if (isCured(habit, final) && !isCured(habit, readable))
    return `its cure is in the final prompt but past the first ${profile.context_budget_tokens} tokens the model reads (prompt: ${tokenizer.count(final)} tokens)`;
  const proposals = result.proposals ?? [];
  const curing = proposals.filter((p) => p.instruction && isCured(habit, p.instruction));
  const reasons: string[] = [];
  if (curing.length === 0) {
    const targets = [...new Set(proposals.map((p) => p.target))];
    const clustered = result.steps.filter((st) => (st.clusters?.targeted ?? 0) > 0);
    const f = result.steps[0]?.failures;
    reasons.push(
      proposals.length === 0
        ? clustered.length === 0 && f
          ? `no proposal was made: no cycle found a cluster to target (cycle 1 recorded ${f.recorded} eval failures, ${f.duplicate} of them set aside as duplicates of another case's fingerprint, ${f.open} left open; too few and too varied to cluster)`
          : "no proposal was made"
        : `none of the ${proposals.length} proposals contains a phrasing that cures it (targets: ${targets.slice(0, 4).join(" | ")})`,
    );
  } else {
    const byVerdict = new Map<string, number>();
    for (const p of curing) byVerdict.set(p.verdict, (byVerdict.get(p.verdict) ?? 0) + 1);
    const first = curing.find((p) => p.verdict !== "accepted") ?? curing[0]!;
    reasons.push(
      `${curing.length} proposal(s) would cure it (${[...byVerdict].map(([v, n]) => `${n} ${v}`).join(", ")}); e.g. cycle ${first.step}, "${first.instruction.slice(0, 70)}": ${first.reason.slice(0, 160)}`,
    );
  }
  const last = result.steps.at(-1);
  if (last?.presentOwnEval && !last.presentOwnEval.includes(mode))
    reasons.push(
      "the loop's own last evaluation (pipeline seed, 1 epoch) shows it on fewer than 2 cases",
    );
  return reasons.join("; ");
}
