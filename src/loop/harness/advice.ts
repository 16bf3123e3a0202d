import type { HarnessKind } from "./types.js";

/** What the evidence names, so that the advice can point at it. */
export interface AdviceContext {
  /** Tools behind the cause, most failures first. */
  tools: string[];
}

const code = (name: string): string => `\`${name}\``;

/** What to change in the harness, per cause: starting points for the people who own it. */
export function harnessAdvice(kind: HarnessKind, context: AdviceContext): string[] {
  const tools = context.tools.map(code).join(", ");
  switch (kind) {
    case "tools":
      return [
        `Read the errors above for ${tools || "the failing tools"}: a dependency that fails or is slow, or arguments the tool rejects.`,
        "Where the tool rejects arguments, validate and normalize them in the tool (accept the forms users write) and return an error the model can act on: what was wrong and what is accepted.",
        "Where a service behind the tool is slow or down, give the call its own timeout and retries with backoff in the harness, and a result that says the service is unavailable.",
        "Where the agent calls a tool that does not exist, add the tool to the agent (and its fixture to `tools.yaml` for evals) or remove it from what the prompt promises.",
      ];
    case "retrieval":
      return [
        `Add the missing content to the knowledge base${tools ? ` behind ${tools}` : ""}: the members below asked what it could not answer.`,
        "Check the retriever on these questions: query rewriting, chunking, top-k and the similarity cut-off.",
        "When retrieval finds nothing, return an explicit “no result” that the prompt tells the model to admit, instead of an empty result the model fills in.",
      ];
    case "timeouts":
      return [
        "Find the slow step in the members' traces (`ratchet traces show <trace>`): a tool, a long generation, many steps.",
        "Make it faster (cache, parallel tool calls, a smaller model for sub-steps, streaming) or raise a budget that is unrealistic for these inputs.",
        "Give each tool a timeout below the agent's own, so that one slow tool does not use the whole budget; for evals the attempt timeout is `--timeout` or the config's.",
      ];
    case "context":
      return [
        "Trim what enters the context: summarise or drop old turns, cap tool results, retrieve fewer or shorter chunks.",
        "Where answers are cut off (finish reason `length`), raise the output token limit.",
        "For inputs that really are long, route them to a model with a larger context window.",
      ];
    case "provider":
      return [
        "Retry rate limits and 5xx answers with exponential backoff that honours `Retry-After`.",
        "Lower the concurrency against the provider or raise its quota; spread load over keys or deployments.",
        "Add a fallback model or provider for overload, and alert on the error rate.",
      ];
  }
}

export const FINETUNE_ADVICE: readonly string[] = [
  "Export the passing trajectories of the cases this cluster covers (score ≥ 0.8) as training data.",
  "Fine-tune from the base model, not from an earlier fine-tune, and keep a general held-out set beside this cluster's cases: abort if the general score drops by more than 5%.",
  "If the failures are about how the agent operates rather than how the model reasons, change the harness first: it is cheaper and reversible.",
];
