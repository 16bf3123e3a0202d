import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Attempt, DIMENSIONS, InputError } from "../core/index.js";
import { parseReportFormat, writeReport } from "./index.js";
import {
  makeAttempt,
  NASTY,
  nastyAttempts,
  nastyRun,
  parseXmlStrict,
  source,
} from "./test-support/fixtures.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ratchet-report-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, attempts = nastyAttempts(), run = nastyRun()) {
  const path = join(dir, name);
  await writeReport(path, run, source(attempts));
  return readFile(path, "utf8");
}

const failedText = (a: Attempt) =>
  a.scores
    .filter((s) => !s.passed)
    .map((s) => `${s.grader}: ${s.reason}`)
    .join(" | ");

describe("format selection", () => {
  it("rejects an unknown extension with an InputError naming the path and the formats", async () => {
    const path = join(dir, "report.pdf");
    const error = await writeReport(path, nastyRun(), source(nastyAttempts())).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(path);
    for (const ext of [".json", ".jsonl", ".csv", ".xml", ".md", ".html"]) {
      expect(error.message).toContain(ext);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it("lets an explicit format override the extension", async () => {
    const path = join(dir, "out.txt");
    await writeReport(path, nastyRun(), source(nastyAttempts()), { format: "jsonl" });
    expect((await readFile(path, "utf8")).trim().split("\n")).toHaveLength(5);
  });

  it("parses format names and aliases", () => {
    expect(parseReportFormat("xml")).toBe("junit");
    expect(parseReportFormat("MD")).toBe("markdown");
    expect(() => parseReportFormat("pdf")).toThrow(InputError);
  });

  it("leaves no file, not even a temp file, when the attempts fail mid-way", async () => {
    const path = join(dir, "broken.json");
    const attempts = async function* () {
      yield nastyAttempts()[0] as Attempt;
      throw new Error("store went away");
    };
    await expect(writeReport(path, nastyRun(), attempts)).rejects.toThrow("store went away");
    expect(await readdir(dir)).toEqual([]);
  });

  it("leaves no temp file even when the source fails before the file is open", async () => {
    // The temp file is opened asynchronously; a source that fails at once races that open.
    const failing = async function* (): AsyncGenerator<Attempt> {
      yield* [];
      throw new Error("no store");
    };
    for (let i = 0; i < 100; i++) {
      await expect(writeReport(join(dir, `r${i}.json`), nastyRun(), failing)).rejects.toThrow(
        "no store",
      );
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it("creates missing parent folders", async () => {
    await writeReport(join(dir, "a", "b", "r.json"), nastyRun(), source(nastyAttempts()));
    expect(await readdir(join(dir, "a", "b"))).toEqual(["r.json"]);
  });
});

describe("JSON and JSONL", () => {
  it("JSON parses back to the same run and attempts", async () => {
    const attempts = nastyAttempts();
    const parsed = JSON.parse(await write("r.json", attempts));
    expect(parsed.run).toEqual(nastyRun());
    expect(parsed.attempts).toEqual(attempts);
  });

  it("JSON with no attempts is still valid", async () => {
    expect(JSON.parse(await write("empty.json", [])).attempts).toEqual([]);
  });

  it("JSONL has one run line then one line per attempt", async () => {
    const attempts = nastyAttempts();
    const lines = (await write("r.jsonl", attempts)).split("\n");
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(1 + attempts.length);
    const [head, ...rest] = lines.map((l) => JSON.parse(l));
    expect(head.type).toBe("run");
    expect(head.id).toBe("run_1");
    rest.forEach((line, i) => {
      const { type, ...attempt } = line;
      expect(type).toBe("attempt");
      expect(attempt).toEqual(attempts[i]);
    });
  });
});

describe("CSV", () => {
  it("csv-parse reads back the same cells, formula cells defused", async () => {
    const attempts = nastyAttempts();
    const rows: string[][] = parseCsv(await write("r.csv", attempts), { record_delimiter: "\r\n" });
    const [header, ...body] = rows;
    expect(header?.slice(0, 6)).toEqual([
      "run_id",
      "variant",
      "case_id",
      "epoch",
      "status",
      "overall",
    ]);
    expect(body).toHaveLength(attempts.length);
    const col = (name: string) => header?.indexOf(name) ?? -1;
    attempts.forEach((a, i) => {
      const row = body[i] ?? [];
      expect(row).toHaveLength(header?.length ?? 0);
      const defuse = (s: string) => (/^[=+\-@]/.test(s) ? `'${s}` : s);
      expect(row[col("case_id")]).toBe(defuse(a.case_id));
      expect(row[col("variant")]).toBe(a.variant);
      expect(row[col("epoch")]).toBe(String(a.epoch));
      expect(row[col("status")]).toBe(a.status);
      expect(Number(row[col("latency_ms")])).toBe(a.latency_ms);
      expect(Number(row[col("cost_usd")])).toBe(a.cost_usd);
      expect(row[col("retries")]).toBe(String(a.retries));
      expect(row[col("error_class")]).toBe(a.error?.class ?? "");
      expect(row[col("failed_assertions")]).toBe(failedText(a));
      for (const d of DIMENSIONS) {
        const v = a.dimension_scores[d];
        expect(row[col(`score_${d}`)]).toBe(v === undefined ? "" : String(v));
      }
      const output = defuse(a.output);
      const cell = row[col("output")] ?? "";
      if (Array.from(a.output).length <= 500) expect(cell).toBe(output);
      else {
        // 500 characters of output, plus the formula guard when there is one.
        const guard = output === a.output ? 0 : 1;
        expect(Array.from(cell)).toHaveLength(500 + guard);
        expect(cell.endsWith("…")).toBe(true);
        expect(output.startsWith(cell.slice(0, -1))).toBe(true);
      }
    });
    // The attempt whose output is a spreadsheet formula.
    expect(body[1]?.[col("output")]?.startsWith(`'${NASTY.formula}`)).toBe(true);
    expect(body[2]?.[col("case_id")]).toBe(`'-cmd|pipe & <amp>`);
  });
});

describe("JUnit XML", () => {
  it("is well-formed with matching testcase, failure and error counts", async () => {
    const attempts = nastyAttempts();
    const xml = await write("r.xml", attempts);
    const elements = parseXmlStrict(xml);
    const named = (n: string) => elements.filter((e) => e.name === n);
    expect(elements[0]?.name).toBe("testsuites");
    expect(named("testsuite")).toHaveLength(1);
    const cases = named("testcase");
    expect(cases).toHaveLength(attempts.length);
    expect(named("failure")).toHaveLength(attempts.filter((a) => a.status === "failed").length);
    expect(named("error")).toHaveLength(attempts.filter((a) => a.status === "error").length);
    const suite = named("testsuite")[0];
    expect(suite?.attrs).toMatchObject({ tests: "4", failures: "1", errors: "1" });
    // Decoded names equal the originals (characters XML cannot hold become U+FFFD).
    cases.forEach((c, i) => {
      const a = attempts[i] as Attempt;
      expect(c.attrs.name).toBe(`${a.case_id}#${a.epoch}`);
      expect(Number(c.attrs.time)).toBeCloseTo(a.latency_ms / 1000, 3);
    });
    expect(cases[1]?.attrs.classname).toBe(`${nastyRun().suite}/billing`);
    const failure = named("failure")[0];
    expect(failure?.text).toBe(
      failedText(attempts[1] as Attempt)
        .split(" | ")
        .join("\n")
        .split("")
        .map((c) => (["\u0000", "\u0007", "\u000b", "\u001b"].includes(c) ? "\uFFFD" : c))
        .join(""),
    );
    expect(named("error")[0]?.attrs.type).toBe("timeout");
    expect(named("error")[0]?.text).toContain("took too long & <gave up>");
    expect(named("error")[0]?.text).toContain("half \uFFFD pair");
  });

  it("writes one testsuite per variant when the run has several models", async () => {
    const attempts = nastyAttempts();
    const xml = await write("multi.xml", attempts, nastyRun({ models: ["model-a", "model-b"] }));
    const elements = parseXmlStrict(xml);
    const suites = elements.filter((e) => e.name === "testsuite");
    expect(suites.map((s) => s.attrs.name)).toEqual(["model-a", "model-b"]);
    expect(suites[0]?.attrs).toMatchObject({ tests: "2", failures: "1", errors: "0" });
    expect(suites[1]?.attrs).toMatchObject({ tests: "2", failures: "0", errors: "1" });
    expect(elements.filter((e) => e.name === "testcase")).toHaveLength(4);
  });
});

describe("Markdown", () => {
  it("has the summary, every failure with reasons, and a per-case table", async () => {
    const md = await write("r.md", nastyAttempts());
    expect(md).not.toContain("<script");
    expect(md).toContain("**FAIL**");
    const failures = md.slice(md.indexOf("## Failures"), md.indexOf("## Cases"));
    expect(failures).toContain("**refund multi-line** epoch 1");
    expect(failures).toContain("tool\\_called");
    expect(failures).toContain("error `timeout`: took too long &amp; &lt;gave up&gt;");
    expect(failures.match(/^- \*\*/gm)).toHaveLength(2);
    const table = md
      .slice(md.indexOf("## Cases"))
      .split("\n")
      .filter((l) => l.startsWith("|"));
    expect(table).toHaveLength(2 + 4);
    // Each row has exactly 5 unescaped pipes (4 columns), whatever the case id contains.
    for (const line of table) expect(line.match(/(?<!\\)\|/g)).toHaveLength(5);
  });
});

describe("HTML", () => {
  it("is one file with no unescaped user markup and embedded JSON that parses back", async () => {
    const attempts = nastyAttempts();
    const page = await write("r.html", attempts);
    expect(page.startsWith("<!DOCTYPE html>")).toBe(true);
    // Exactly our two script elements: the JSON data and the inline app.
    expect(page.match(/<script/gi)).toHaveLength(2);
    expect(page.match(/<\/script/gi)).toHaveLength(2);
    expect(page).not.toMatch(/<(link|img|iframe)\b/i);
    expect(page).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
    expect(page).toContain(
      `<h1>Ratchet report: support &lt;script&gt;alert(&#39;suite&#39;)&lt;/script&gt; &amp; co</h1>`,
    );
    expect(page).not.toMatch(/[\u2028\u2029]/);
    expect(page).toContain("threshold 0.800: not met");

    // The inline app is at least valid JavaScript (no browser here to run it).
    const app = /<script>([\s\S]*?)<\/script>/.exec(page)?.[1] ?? "";
    expect(app).toContain("ratchet-attempts");
    expect(() => new Function(app)).not.toThrow();

    const json = /<script type="application\/json" id="ratchet-attempts">([\s\S]*?)<\/script>/.exec(
      page,
    )?.[1];
    const embedded = JSON.parse(json ?? "null");
    expect(embedded).toHaveLength(attempts.length);
    // Failures first, then the rest, each group in source order.
    expect(embedded.map((a: { id: string }) => a.id)).toEqual(["att_2", "att_3", "att_1", "att_4"]);
    const byId = new Map(attempts.map((a) => [a.id, a]));
    for (const view of embedded) {
      const a = byId.get(view.id) as Attempt;
      expect(view.case_id).toBe(a.case_id);
      expect(view.output).toBe(a.output);
      expect(view.error).toEqual(a.error);
      expect(view.tool_calls).toEqual(
        a.tool_calls.map((c) => ({ name: c.name, arguments: c.arguments })),
      );
      expect(
        view.failed
          .map((f: { grader: string; reason: string }) => `${f.grader}: ${f.reason}`)
          .join(" | "),
      ).toBe(failedText(a));
    }
  });

  it("keeps the page usable with no totals and no attempts", async () => {
    const page = await write("empty.html", [], nastyRun({ totals: undefined }));
    expect(page).toContain("No totals recorded");
    expect(/id="ratchet-attempts">\[\n\]<\/script>/.test(page)).toBe(true);
  });
});

describe("many attempts", () => {
  it("CSV truncation counts code points, not UTF-16 units", async () => {
    const a = makeAttempt({ id: "e", case_id: "emoji", output: "🚀".repeat(600) });
    const [, row] = parseCsv(await write("e.csv", [a]), { record_delimiter: "\r\n" }) as string[][];
    const cell = row?.at(-1) ?? "";
    expect(Array.from(cell)).toHaveLength(500);
    expect(cell).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});
