import { type WhoWhenRow, whoWhenSpeaker } from "../traces/index.js";
import { normalizeAgent } from "./steps.js";
import type { Trajectory } from "./types.js";

/** A Who&When row as a trajectory (the labels are left out: attributors never see them). */
export function trajectoryFromWhoWhen(row: WhoWhenRow, id = row.id ?? "whowhen"): Trajectory {
  return {
    id,
    ...(row.question !== undefined ? { question: row.question } : {}),
    steps: row.history.map((m) => {
      const label = whoWhenSpeaker(m);
      return { index: m.step, agent: normalizeAgent(label), role: label, content: m.content };
    }),
  };
}
