import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { beforeEach, describe, expect, it } from "vitest";
import { ratchet } from "../../../test/cli-helpers.js";
import { type CliRun, runCli } from "../test-support.js";

let dir: string;
let db: string;

const versionsOf = (manifest: { versions: Array<{ hash: string }> }) =>
  manifest.versions.map((v) => v.hash);

function run(args: string[]): Promise<CliRun> {
  return runCli(...args, "--db", db);
}

/** Every registry row, to compare before and after a command that must change nothing. */
function dump(): string {
  const sqlite = new Database(db, { readonly: true });
  try {
    return JSON.stringify(
      ["prompt_versions", "prompt_labels", "prompt_label_events", "prompt_pins"].map((table) =>
        sqlite.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all(),
      ),
    );
  } finally {
    sqlite.close();
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ratchet-cli-prompts-"));
  db = join(dir, "r.db");
  process.chdir(dir);
  await writeFile(join(dir, "v1.md"), "You are a support agent.\nBe brief.\n");
  await writeFile(join(dir, "v2.md"), "You are a support agent.\nBe brief and kind.\n");
  await writeFile(join(dir, "tools.yaml"), "- name: lookup\n  description: find an order\n");
  expect(
    (await run(["prompts", "add", "support", "v1.md", "--label", "production", "--author", "ana"]))
      .code,
  ).toBe(0);
  expect(
    (
      await run([
        "prompts",
        "add",
        "support",
        "v2.md",
        "--label",
        "candidate",
        "--author",
        "bob",
        "--parent",
        "support@production",
        "--rationale",
        "kinder",
        "--model",
        "sim:analyst",
        "--tools",
        "tools.yaml",
      ])
    ).code,
  ).toBe(0);
});

describe("ratchet prompts", () => {
  it("list, show, diff, history", async () => {
    const list = await run(["prompts", "list", "--format", "json"]);
    const versions = JSON.parse(list.out) as Array<{
      labels: string[];
      author: string;
      parents: string[];
    }>;
    expect(versions.map((v) => [v.labels, v.author])).toEqual([
      [["production"], "ana"],
      [["candidate"], "bob"],
    ]);
    const show = await run(["prompts", "show", "support@candidate"]);
    expect(show.out).toContain("rationale: kinder");
    expect(show.out).toMatch(/lineage:\n {2}← \w{12} \(production\) ana, /);
    expect(show.out).toContain("Be brief and kind.");
    const diff = await run(["prompts", "diff", "support@production", "support@candidate"]);
    expect(diff.out).toContain("content, model, tools changed (change type: model)");
    expect(diff.out).toContain(
      "@@ -1,2 +1,2 @@\n You are a support agent.\n-Be brief.\n+Be brief and kind.\n",
    );
    const history = await run(["prompts", "history", "support", "--format", "json"]);
    expect((JSON.parse(history.out) as Array<{ label: string }>).map((e) => e.label)).toEqual([
      "production",
      "candidate",
    ]);
  });

  it("label and rollback", async () => {
    expect(
      (await run(["prompts", "label", "support", "candidate", "production", "--actor", "eve"]))
        .code,
    ).toBe(0);
    const back = await run([
      "prompts",
      "rollback",
      "support",
      "--reason",
      "complaints",
      "--actor",
      "eve",
    ]);
    expect(back.code).toBe(0);
    expect(back.out).toMatch(/^rolled back support@production: \w{12} → \w{12} \(by eve\)/);
    const events = JSON.parse(
      (await run(["prompts", "history", "support", "--label", "production", "--format", "json"]))
        .out,
    );
    expect(events.at(-1)).toMatchObject({ kind: "rollback", actor: "eve", reason: "complaints" });
    const none = await run(["prompts", "rollback", "support"]);
    expect(none.code).toBe(2);
    expect(none.err).toContain("no earlier target");
  });

  it("export and import round-trip; a corrupted file is refused by name and changes nothing", async () => {
    expect((await run(["prompts", "export", "support", "--out", "exported"])).code).toBe(0);
    const manifest = JSON.parse(
      await readFile(join(dir, "exported/support/registry.json"), "utf8"),
    );
    expect(Object.keys(manifest.labels).sort()).toEqual(["candidate", "production"]);
    expect(await readFile(join(dir, "exported/support/production.md"), "utf8")).toBe(
      "You are a support agent.\nBe brief.\n",
    );
    // After a label move, a second export renames the file and leaves no stale copy.
    await writeFile(join(dir, "exported/support/notes.md"), "mine\n");
    await run(["prompts", "label", "support", "production", "candidate"]);
    await run(["prompts", "export", "support", "--out", "exported"]);
    // Both labels on the first version now: candidate.md is gone, the second is by hash.
    expect((await readdir(join(dir, "exported/support"))).sort()).toEqual([
      `${versionsOf(manifest)[1]?.slice(0, 12)}.md`,
      "notes.md",
      "production.md",
      "registry.json",
    ]);
    await run(["prompts", "label", "support", versionsOf(manifest)[1] as string, "candidate"]);
    await run(["prompts", "export", "support", "--out", "exported"]);
    db = join(dir, "other.db");
    expect((await run(["prompts", "import", "exported"])).code).toBe(0);
    const show = await run(["prompts", "show", "support@candidate", "--format", "json"]);
    expect(JSON.parse(show.out).settings).toEqual({
      model: "sim:analyst",
      tools: [{ name: "lookup", description: "find an order" }],
    });

    db = join(dir, "third.db");
    await run(["prompts", "add", "support", "v1.md", "--author", "x"]);
    const before = dump();
    await writeFile(join(dir, "exported/support/candidate.md"), "tampered\n");
    const bad = await run(["prompts", "import", "exported"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(join(dir, "exported/support/candidate.md"));
    expect(bad.err).toContain("does not match its hash");
    expect(dump()).toBe(before);
  });

  it("bad input: exit 2, a clear message, the registry unchanged", async () => {
    const before = dump();
    const cases: Array<[string[], string]> = [
      [
        ["prompts", "show", "suport@production"],
        "no prompt named 'suport' in the registry (did you mean `support`?)",
      ],
      [
        ["prompts", "show", "support@prodution"],
        "support has no label 'prodution' (did you mean `production`?",
      ],
      [
        ["prompts", "label", "support", "f".repeat(12), "production"],
        "no version of support has a hash starting with ffffffffffff",
      ],
      [["prompts", "add", "support", "missing.md"], "cannot read missing.md"],
      [["prompts", "rollback", "suport"], "no prompt named 'suport'"],
      [
        ["prompts", "add", "support", "v1.md", "--temperature", "7"],
        "--temperature must be a number between 0 and 2",
      ],
    ];
    for (const [args, message] of cases) {
      const result = await run(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.err, args.join(" ")).toContain(message);
    }
    // A folder where a file should be: unreadable whoever runs the test (root reads mode 000).
    await mkdir(join(dir, "folder.md"));
    const unreadable = await run(["prompts", "add", "support", "folder.md"]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.err).toContain("cannot read folder.md: EISDIR");
    expect(dump()).toBe(before);
  });

  it("an import whose label points at a missing version is refused", async () => {
    await run(["prompts", "export", "support", "--out", "exported"]);
    const path = join(dir, "exported/support/registry.json");
    const manifest = JSON.parse(await readFile(path, "utf8"));
    manifest.labels.production = "a".repeat(64);
    await writeFile(path, JSON.stringify(manifest));
    db = join(dir, "fresh.db");
    await run(["prompts", "add", "other", "v1.md", "--author", "x"]);
    const before = dump();
    const bad = await run(["prompts", "import", "exported"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("labels.production: label `production` points at aaaaaaaaaaaa");
    expect(dump()).toBe(before);
  });

  it("two `prompts label` at once (two processes): both apply in turn, history records both", async () => {
    const [a, b] = await Promise.all([
      ratchet(["prompts", "label", "support", "candidate", "live", "--actor", "p1", "--db", db], {
        cwd: dir,
      }),
      ratchet(["prompts", "label", "support", "production", "live", "--actor", "p2", "--db", db], {
        cwd: dir,
      }),
    ]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, "", ""]);
    const events = JSON.parse(
      (await run(["prompts", "history", "support", "--label", "live", "--format", "json"])).out,
    ) as Array<{ actor: string; from_hash?: string; to_hash: string }>;
    expect(events.map((e) => e.actor).sort()).toEqual(["p1", "p2"]);
    // Serialized: the second move starts from where the first left the label.
    expect(events[0]?.from_hash).toBeUndefined();
    expect(events[1]?.from_hash).toBe(events[0]?.to_hash);
    const shown = JSON.parse(
      (await run(["prompts", "show", "support@live", "--format", "json"])).out,
    );
    expect(shown.hash).toBe(events[1]?.to_hash);
  });
});
