import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { ClusterRecord, Store } from "../store/index.js";

const SYSTEM =
  "You name recurring failures of an AI agent for the engineers who fix them. Answer with one or two plain sentences: what goes wrong and when. No lists, no JSON, no preamble.";

export interface DescribeResult {
  described: number;
  /** Clusters whose answer could not be used (kept their evidence description). */
  kept: Array<{ id: string; why: string }>;
}

/**
 * A model writes each cluster's description from its label, keywords and most central
 * members' evidence (already redacted). An answer that is empty, structured or too long is
 * not used: the cluster keeps the description written from the evidence.
 */
export async function describeClusters(
  store: Store,
  clusters: readonly ClusterRecord[],
  model: LanguageModelV3,
): Promise<DescribeResult> {
  // Imported here: building clusters offline never loads the AI SDK.
  const { generateText } = await import("ai");
  const result: DescribeResult = { described: 0, kept: [] };
  for (const cluster of clusters) {
    const members = [];
    for (const id of cluster.representatives) {
      const failure = await store.failures.get(id);
      if (failure) members.push(`- [${failure.signal_type}] ${failure.reason.slice(0, 400)}`);
    }
    const prompt = [
      `Keywords: ${cluster.keywords.map((k) => k.term).join(", ") || cluster.label}`,
      `Failures: ${cluster.size}`,
      "Most typical members:",
      ...members,
      "",
      "Describe this failure in one or two sentences.",
    ].join("\n");
    const { text } = await generateText({ model, system: SYSTEM, prompt, temperature: 0 });
    const answer = text.replace(/\s+/g, " ").trim();
    const why =
      answer === ""
        ? "empty answer"
        : /^[[{]/.test(answer)
          ? "a structured answer, not a description"
          : answer.length > 600
            ? "longer than two sentences"
            : undefined;
    if (why) {
      result.kept.push({ id: cluster.id, why });
      continue;
    }
    await store.clusters.setDescription(cluster.id, answer);
    result.described++;
  }
  return result;
}
