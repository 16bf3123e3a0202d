import { writeFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readSuiteFile } from "../config/index.js";
import { isInputError } from "../core/index.js";
import { appendCase, contentHash, readSuiteCases, removeCases } from "./suite-file.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ratchet-evalgen-suite-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SUITE = `# Refunds: keep this comment
name: refunds
cases:
  # the first case, hand written
  - {"id": "r-1", "input": "Refund ORD-1", "assertions": [{"type": "contains", "value": "refund"}]}
  - id: r-2 # trailing note
    input: Refund ORD-2
`;

const drafted = {
  id: "reg-refusal-abc",
  input: "Can I return ORD-1001?",
  assertions: [{ type: "no-refusal" }],
  tags: ["regression"],
  severity: "blocking",
  owner: "support-leads",
  source: { kind: "incident", incident_id: "fail_x" },
  expires_at: "2027-01-01T00:00:00.000Z",
};

describe("appendCase", () => {
  it("appends after the existing cases, keeping every comment and line as it was", async () => {
    const path = join(dir, "refunds.yaml");
    await writeFile(path, SUITE);
    await appendCase(path, drafted, "approved by alice at 2026-12-06\nexpected: helps");
    const text = await readFile(path, "utf8");
    expect(text.startsWith(SUITE)).toBe(true);
    expect(text).toContain(
      "  # approved by alice at 2026-12-06\n  # expected: helps\n  - id: reg-refusal-abc",
    );
    expect(parse(text).cases).toHaveLength(3);
    // The suite loader reads it back: the case is valid where it landed.
    const ids: string[] = [];
    for await (const c of readSuiteFile(path)) ids.push(c.id);
    expect(ids).toEqual(["r-1", "r-2", "reg-refusal-abc"]);
    expect(await readdir(dir)).toEqual(["refunds.yaml"]);
  });

  it("creates a missing suite with a header comment", async () => {
    const path = join(dir, "nested", "new.yaml");
    const result = await appendCase(path, drafted, "approved");
    expect(result).toEqual({ created: true, count: 1, changed: false });
    const text = await readFile(path, "utf8");
    expect(text.startsWith("# Regression cases approved")).toBe(true);
    expect((await readSuiteCases(path)).map((c) => c.id)).toEqual(["reg-refusal-abc"]);
  });

  it("refuses a suite that no longer parses or already has the id, leaving it untouched", async () => {
    const broken = join(dir, "broken.yaml");
    await writeFile(broken, "cases:\n  - {id: x\n");
    const e1 = await appendCase(broken, drafted, "c").catch((e: unknown) => e);
    expect(isInputError(e1)).toBe(true);
    expect(String((e1 as Error).message)).toContain("no longer parses");
    expect(await readFile(broken, "utf8")).toBe("cases:\n  - {id: x\n");

    const dup = join(dir, "dup.yaml");
    const text = `cases:\n  - {id: reg-refusal-abc, input: hi}\n`;
    await writeFile(dup, text);
    const e2 = await appendCase(dup, drafted, "c").catch((e: unknown) => e);
    expect(isInputError(e2)).toBe(true);
    expect(String((e2 as Error).message)).toContain("already has a case");
    expect(await readFile(dup, "utf8")).toBe(text);
    expect((await readdir(dir)).sort()).toEqual(["broken.yaml", "dup.yaml"]);
  });

  it("writes only YAML suites", async () => {
    const e = await appendCase(join(dir, "x.jsonl"), drafted, "c").catch((err: unknown) => err);
    expect(isInputError(e)).toBe(true);
  });
});

describe("appendCase with the draft's snapshot", () => {
  it("calls the guard only when the file differs from the snapshot, with its current cases", async () => {
    const path = join(dir, "refunds.yaml");
    await writeFile(path, SUITE);
    const seen: string[][] = [];
    const guard = (since: string | null) => ({
      since,
      onChanged: ({ cases }: { cases: Array<Record<string, unknown>> }) => {
        seen.push(cases.map((c) => String(c.id)));
      },
    });
    const same = await appendCase(path, drafted, "c", guard(contentHash(SUITE)));
    expect(same.changed).toBe(false);
    expect(seen).toEqual([]);
    const other = await appendCase(
      path,
      { ...drafted, id: "second" },
      "c",
      guard(contentHash("x")),
    );
    expect(other.changed).toBe(true);
    expect(seen).toEqual([["r-1", "r-2", "reg-refusal-abc"]]);
  });

  it("a guard that refuses leaves the file as it was and no temporary file behind", async () => {
    const path = join(dir, "refunds.yaml");
    await writeFile(path, SUITE);
    const error = await appendCase(path, drafted, "c", {
      since: null,
      onChanged: () => {
        throw new Error("refused");
      },
    }).catch((e: unknown) => e);
    expect(String(error)).toContain("refused");
    expect(await readFile(path, "utf8")).toBe(SUITE);
    expect(await readdir(dir)).toEqual(["refunds.yaml"]);
  });

  it("a file rewritten by someone else mid-approval is not overwritten, nor left half-written", async () => {
    const path = join(dir, "refunds.yaml");
    await writeFile(path, SUITE);
    const theirs = `${SUITE}  - {id: r-3, input: Refund ORD-3}\n`;
    // The guard runs after the read and before the write: a concurrent editor saves then.
    const error = await appendCase(path, drafted, "c", {
      since: null,
      onChanged: () => {
        writeFileSync(path, theirs);
      },
    }).catch((e: unknown) => e);
    expect(isInputError(error)).toBe(true);
    expect(String((error as Error).message)).toContain("changed while it was being updated");
    expect(await readFile(path, "utf8")).toBe(theirs);
    expect(await readdir(dir)).toEqual(["refunds.yaml"]);
  });
});

describe("removeCases", () => {
  it("removes by id and keeps the rest with their comments", async () => {
    const path = join(dir, "refunds.yaml");
    await writeFile(path, SUITE);
    expect(await removeCases(path, new Set(["r-2", "nope"]))).toEqual(["r-2"]);
    const text = await readFile(path, "utf8");
    expect(text).toContain("# Refunds: keep this comment");
    expect(text).toContain("# the first case, hand written");
    expect(parse(text).cases.map((c: { id: string }) => c.id)).toEqual(["r-1"]);
  });
});
