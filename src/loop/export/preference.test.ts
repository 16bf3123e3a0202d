import { describe, expect, it } from "vitest";
import {
  openAiPreferenceRecord,
  prefer,
  promptOf,
  sharedPrompt,
  trlPreferenceRecord,
} from "./preference.js";
import { attempt, toolConversation } from "./test-support.js";

const champion = attempt({ id: "a", case_id: "c", status: "failed", overall: 0.6 });
const challenger = attempt({
  id: "b",
  case_id: "c",
  messages: [
    { role: "system", content: "A better prompt." },
    ...toolConversation(undefined, "Shipped, arriving 2026-11-30.", "call_b9").slice(1),
  ],
  overall: 0.9,
});

describe("prefer", () => {
  it("takes a passed answer over one that did not pass, whatever the scores", () => {
    const passedLow = { ...challenger, overall: 0.5 };
    const result = prefer(champion, passedLow, 0.1);
    expect("chosen" in result && result.chosen.id).toBe("b");
  });

  it("between two of a kind, needs the lead to reach the margin", () => {
    const a = { ...champion, status: "passed" as const, overall: 0.8 };
    const b = { ...challenger, overall: 0.85 };
    expect(prefer(a, b, 0.1)).toEqual({ skip: "tie (within --min-margin)" });
    const lead = prefer(a, { ...b, overall: 0.9 }, 0.1);
    expect("chosen" in lead && lead.chosen.id).toBe("b");
    const other = prefer({ ...a, overall: 0.95 }, b, 0.1);
    expect("chosen" in other && other.rejected.id).toBe("b");
  });

  it("skips errors: nothing was graded", () => {
    expect(prefer({ ...champion, status: "error" }, challenger, 0.1)).toEqual({
      skip: "error attempt",
    });
  });
});

describe("the shared prompt", () => {
  it("ends at the last user turn", () => {
    expect(promptOf(champion)?.map((m) => m.role)).toEqual(["system", "user"]);
  });

  it("drops system prompts that differ and keeps equal ones", () => {
    expect(sharedPrompt(champion, challenger)).toEqual([
      { role: "user", content: "Where is ORD-1001?" },
    ]);
    expect(sharedPrompt(champion, { ...champion, id: "z" })?.map((m) => m.role)).toEqual([
      "system",
      "user",
    ]);
  });

  it("refuses answers to different inputs", () => {
    const other = attempt({
      id: "o",
      case_id: "c",
      messages: toolConversation("Where is ORD-2002?"),
    });
    expect(sharedPrompt(champion, other)).toBeUndefined();
    const rehashed = { ...challenger, case_hash: "2" };
    expect(sharedPrompt({ ...champion, case_hash: "1" }, rehashed)).toBeUndefined();
  });
});

describe("preference records", () => {
  const prompt = [{ role: "user" as const, content: "Where is ORD-1001?" }];

  it("openai: input messages, one preferred and one non-preferred assistant message", () => {
    expect(openAiPreferenceRecord(prompt, "Shipped.", "No idea.")).toEqual({
      input: { messages: [{ role: "user", content: "Where is ORD-1001?" }] },
      preferred_output: [{ role: "assistant", content: "Shipped." }],
      non_preferred_output: [{ role: "assistant", content: "No idea." }],
    });
  });

  it("trl: strings; a longer prompt turn by turn", () => {
    expect(trlPreferenceRecord(prompt, "Shipped.", "No idea.")).toEqual({
      prompt: "Where is ORD-1001?",
      chosen: "Shipped.",
      rejected: "No idea.",
    });
    const long = [{ role: "system" as const, content: "Be brief." }, ...prompt];
    expect(trlPreferenceRecord(long, "a", "b").prompt).toBe(
      "system: Be brief.\n\nuser: Where is ORD-1001?",
    );
  });
});
