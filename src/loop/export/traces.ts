import type { Store } from "../../store/index.js";
import type { ConversationResult } from "./conversation.js";
import { traceMessages } from "./trace-conversation.js";

export type TraceConversation = ConversationResult & { traceId: string };

export interface TraceSelection {
  sinceMs?: number;
  /** Told why each trace that is not approved was left out. */
  skip: (reason: string) => void;
}

/**
 * Which traces a person would accept as examples. Production has no "approved" flag, so a
 * trace qualifies when the miner has seen it and found nothing still open: every failure
 * recorded on it was dismissed in triage (or is a duplicate of a dismissed one), and its
 * recorded outcome, when there is one, is `success`. A trace with spans the miner has not
 * read yet (`serve` does not mine; `ratchet failures mine` does) is left out rather than
 * trusted.
 */
export async function* approvedTraces(
  store: Store,
  selection: TraceSelection,
): AsyncIterable<TraceConversation> {
  const open = await tracesWithOpenFailures(store);
  const unmined = await unminedTraces(store);
  for await (const { summary, spans } of store.traces.iterateTraces(
    selection.sinceMs !== undefined ? { since: selection.sinceMs } : {},
  )) {
    const id = summary.trace_id;
    if (unmined.has(id)) selection.skip("trace not mined yet");
    else if (open.has(id)) selection.skip("trace has an open failure");
    else if (summary.outcome !== undefined && summary.outcome !== "success") {
      selection.skip(`trace outcome ${summary.outcome}`);
    } else yield { ...traceMessages(spans), traceId: id };
  }
}

/** Trace ids with a failure in any status but dismissed (ids only: bounded by failures). */
async function tracesWithOpenFailures(store: Store): Promise<Set<string>> {
  const dismissed = new Set<string>();
  for await (const failure of store.failures.iterate({ status: "dismissed" })) {
    dismissed.add(failure.id);
  }
  const open = new Set<string>();
  for await (const failure of store.failures.iterate({
    status: ["new", "accepted", "duplicate"],
  })) {
    const ofDismissed =
      failure.status === "duplicate" &&
      failure.duplicate_of !== null &&
      dismissed.has(failure.duplicate_of);
    if (!ofDismissed) open.add(failure.trace_id);
  }
  return open;
}

/** Traces with spans stored after the miner's cursor. */
async function unminedTraces(store: Store): Promise<Set<string>> {
  const cursor = await store.failures.miningCursor();
  const ids = new Set<string>();
  for await (const trace of store.failures.iterateTraces({ afterRowId: cursor })) {
    ids.add(trace.trace_id);
  }
  return ids;
}
