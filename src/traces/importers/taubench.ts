import { conversationToSpans } from "./conversation.js";
import { isObject, requireObject } from "./fields.js";
import { derivedTraceId } from "./ids.js";
import { messagesOf } from "./messages.js";
import { RecordError, type RecordParser } from "./types.js";

/**
 * tau-bench trajectories (`{task_id, trial, reward, messages, info}`): the conversation
 * becomes chat / execute_tool spans, the reward the feedback score, and reward 1 success.
 */
export const parseTaubenchRecord: RecordParser = (value, ctx) => {
  const r = requireObject(value, "line");
  if (r.task_id === undefined || r.task_id === null) throw new RecordError("`task_id` is missing");
  if (typeof r.reward !== "number" || !Number.isFinite(r.reward))
    throw new RecordError("`reward` must be a number");
  const trial = typeof r.trial === "number" ? r.trial : 0;
  const info = isObject(r.info) ? r.info : {};
  const traceId = derivedTraceId("taubench", ctx.sourceName, String(r.task_id), trial);
  const rootAttributes: Record<string, string | number> = {
    "ratchet.taubench.task_id": String(r.task_id),
    "ratchet.taubench.trial": trial,
  };
  if (typeof info.user_id === "string") rootAttributes["ratchet.taubench.user_id"] = info.user_id;
  if (info.reward_breakdown !== undefined && info.reward_breakdown !== null)
    rootAttributes["ratchet.taubench.reward_breakdown"] = JSON.stringify(info.reward_breakdown);
  return {
    spans: conversationToSpans({
      traceId,
      messages: messagesOf(r.messages),
      outcome: r.reward >= 1 ? "success" : "failure",
      feedback: { score: r.reward },
      agent: `tau-bench ${ctx.sourceName}`,
      startMs: ctx.nowMs,
      format: "taubench",
      rootAttributes,
    }),
  };
};
