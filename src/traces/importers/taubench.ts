import type { Span } from "../../core/index.js";
import type { ConversationMessage } from "./conversation.js";
import { conversationToSpans } from "./conversation.js";
import { isObject, requireObject } from "./fields.js";
import { derivedTraceId } from "./ids.js";
import { messagesOf } from "./messages.js";
import { RecordError, type RecordParser } from "./types.js";

/**
 * A tool call without a name (tau-bench's demonstration and few-shot files) takes the name of
 * its result message (`{role: "tool", name, tool_call_id}`); failing that it stays unnamed.
 */
function nameUnnamedCalls(messages: ConversationMessage[]): number {
  const byId = new Map<string, string>();
  for (const m of messages) {
    if (m.role === "tool" && m.tool_call_id && m.name) byId.set(m.tool_call_id, m.name);
  }
  let unnamed = 0;
  for (const m of messages) {
    for (const call of m.tool_calls ?? []) {
      if (call.name !== "") continue;
      const name = call.id ? byId.get(call.id) : undefined;
      if (name) call.name = name;
      else {
        call.name = "unnamed_tool";
        unnamed++;
      }
    }
  }
  return unnamed;
}

/**
 * tau-bench trajectories (`{task_id, trial, reward, messages | traj, info}`): the conversation
 * becomes chat / execute_tool spans, the reward the feedback score, and reward 1 success.
 * Demonstration and few-shot files leave `task_id` and `reward` null: such a line is kept
 * (its id derived from its content, no outcome), as are its tool calls without a name.
 */
export const parseTaubenchRecord: RecordParser = (value, ctx) => {
  const r = requireObject(value, "line");
  const hasTask = r.task_id !== undefined && r.task_id !== null;
  const reward = r.reward;
  if (
    reward !== undefined &&
    reward !== null &&
    (typeof reward !== "number" || !Number.isFinite(reward))
  )
    throw new RecordError(`\`reward\` must be a number or null, got ${JSON.stringify(reward)}`);
  const rawMessages = r.messages ?? r.traj;
  if (rawMessages === undefined) throw new RecordError("`messages` (or `traj`) is missing");
  const messages = messagesOf(rawMessages, r.messages !== undefined ? "messages" : "traj", {
    allowUnnamedTools: true,
  });
  const unnamed = nameUnnamedCalls(messages);
  const trial = typeof r.trial === "number" ? r.trial : 0;
  const info = isObject(r.info) ? r.info : {};
  const traceId = hasTask
    ? derivedTraceId("taubench", ctx.sourceName, String(r.task_id), trial)
    : derivedTraceId("taubench", ctx.sourceName, JSON.stringify(value));
  const rootAttributes: Span["attributes"] = { "ratchet.taubench.trial": trial };
  if (hasTask) rootAttributes["ratchet.taubench.task_id"] = String(r.task_id);
  const userId = info.user_id ?? (isObject(info.task) ? info.task.user_id : undefined);
  if (typeof userId === "string") rootAttributes["ratchet.taubench.user_id"] = userId;
  if (info.reward_breakdown !== undefined && info.reward_breakdown !== null)
    rootAttributes["ratchet.taubench.reward_breakdown"] = JSON.stringify(info.reward_breakdown);
  const scored = typeof reward === "number";
  return {
    spans: conversationToSpans({
      traceId,
      messages,
      ...(scored
        ? { outcome: reward >= 1 ? "success" : "failure", feedback: { score: reward } }
        : {}),
      agent: `tau-bench ${ctx.sourceName}`,
      startMs: ctx.nowMs,
      format: "taubench",
      rootAttributes,
    }),
    ...(unnamed > 0
      ? {
          issues: [
            `${unnamed} tool call${unnamed === 1 ? "" : "s"} without a name kept as unnamed_tool`,
          ],
        }
      : {}),
  };
};
