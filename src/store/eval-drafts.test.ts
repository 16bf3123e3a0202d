import { describe, expect, it } from "vitest";
import { openSqliteStore, type StoredEvalDraft } from "./index.js";

function draft(
  id: string,
  created_at: string,
  status: StoredEvalDraft["status"] = "draft",
): StoredEvalDraft {
  return {
    id,
    created_at,
    cluster_id: null,
    failure_ids: ["fail_a"],
    case: { id: "c", input: "hi" },
    fixture: { expected_behaviour: "x" },
    status,
    reason: null,
    reviewer: null,
    reviewed_at: null,
    target_suite: null,
    confirm: null,
  };
}

describe("eval drafts store", () => {
  it("lists oldest first by status, resolves prefixes, records reviews", async () => {
    const store = await openSqliteStore(":memory:");
    try {
      await store.evalDrafts.save(draft("draft_bbb222", "2026-12-02T00:00:00.000Z"));
      await store.evalDrafts.save(draft("draft_aaa111", "2026-12-01T00:00:00.000Z"));
      await store.evalDrafts.save(draft("draft_aaa999", "2026-12-03T00:00:00.000Z", "discarded"));
      expect((await store.evalDrafts.list({ status: ["draft"] })).map((d) => d.id)).toEqual([
        "draft_aaa111",
        "draft_bbb222",
      ]);
      // Paged as the dashboard's review queue pages it, with the count beside.
      expect(
        (await store.evalDrafts.list({ status: ["draft"], limit: 1, offset: 1 })).map((d) => d.id),
      ).toEqual(["draft_bbb222"]);
      expect(await store.evalDrafts.count({ status: ["draft"] })).toBe(2);
      expect(await store.evalDrafts.count()).toBe(3);
      expect(await store.evalDrafts.resolveId("bbb")).toBe("draft_bbb222");
      expect(await store.evalDrafts.resolveId("aaa")).toBeUndefined(); // ambiguous
      expect(await store.evalDrafts.resolveId("draft_aaa111")).toBe("draft_aaa111");
      expect(await store.evalDrafts.resolveId("a%")).toBeUndefined();
      await store.evalDrafts.updateCase("draft_aaa111", { id: "c2", input: "hi" });
      const reviewed = await store.evalDrafts.review("draft_aaa111", {
        status: "approved",
        reviewer: "alice",
        reviewed_at: "2026-12-04T00:00:00.000Z",
        target_suite: "suites/r.yaml",
      });
      expect(reviewed).toMatchObject({
        status: "approved",
        reviewer: "alice",
        target_suite: "suites/r.yaml",
        case: { id: "c2", input: "hi" },
      });
      // Once reviewed, an edit no longer applies.
      await store.evalDrafts.updateCase("draft_aaa111", { id: "c3", input: "hi" });
      expect((await store.evalDrafts.get("draft_aaa111"))?.case).toEqual({ id: "c2", input: "hi" });
    } finally {
      await store.close();
    }
  });
});
