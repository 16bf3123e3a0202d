import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectDrift } from "../../graders/index.js";
import { main } from "../main.js";
import type { Output } from "../output.js";

let dir: string;
let config: string;

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const output: Output = {
    out: (t) => {
      stdout += `${t}\n`;
    },
    err: (t) => {
      stderr += `${t}\n`;
    },
    isTTY: false,
    color: false,
  };
  const code = await main(args, output);
  return { code, stdout, stderr };
}

const REF = "Canberra is the capital of Australia since 1913.";
const rows = [
  { output: "Canberra is the capital of Australia, since 1913.", label: "pass" },
  { output: "The capital is Canberra; it has been since 1913.", label: "pass" },
  { output: "Canberra, capital of Australia from 1913.", label: true },
  { output: "Australia's capital: Canberra (since 1913).", label: 1 },
  { output: "Sydney is the capital of Australia.", label: "fail" },
  { output: "Melbourne, since 1901.", label: "fail" },
  { output: "I cannot help with that.", label: false },
  { output: "Canberra is the capital of Australia since 1927.", label: "fail" },
];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-judge-cli-"));
  config = join(dir, "ratchet.yaml");
  writeFileSync(
    config,
    [
      "pipeline:",
      "  name: judge-cli",
      "agent:",
      "  model: sim:support",
      "evaluation:",
      "  judge_model: sim:judge",
      "  judge_kappa_floor: 0.6",
      "  assertions:",
      "    - type: factuality",
      "      name: facts",
      "      weight: 0",
      "    - type: judge",
      "      name: polite",
      "      rubric: Is the answer polite?",
      "      weight: 0",
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(dir, "human.jsonl"),
    rows
      .map((r) =>
        JSON.stringify({
          input: "What is the capital of Australia?",
          output: r.output,
          reference: REF,
          label: r.label,
        }),
      )
      .join("\n"),
  );
  writeFileSync(
    join(dir, "bad.jsonl"),
    [
      JSON.stringify({ input: "q", output: "a", label: "pass" }),
      JSON.stringify({ input: "q", output: "b", label: "fail" }),
      JSON.stringify({ input: "q", output: "c", label: "maybe" }),
    ].join("\n"),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ratchet judge", () => {
  it("calibrate: agreement with the labels, stored per judge version; again: no drift", async () => {
    const labels = join(dir, "human.jsonl");
    const first = await run([
      "judge",
      "calibrate",
      "--labels",
      labels,
      "--judge",
      "facts",
      "-c",
      config,
      "--json",
    ]);
    expect(first.stderr).not.toMatch(/error/);
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout) as {
      n: number;
      accuracy: number;
      kappa: { kappa: number; se: number };
      confusion: { labels: string[]; matrix: number[][] };
      version: string;
      tuned?: { threshold: number };
      drift: { drifted: boolean };
    };
    expect(result.n).toBe(8);
    expect(result.confusion.labels).toEqual(["fail", "pass"]);
    expect(result.confusion.matrix.flat().reduce((a, b) => a + b, 0)).toBe(8);
    const diag = result.confusion.matrix[0]![0]! + result.confusion.matrix[1]![1]!;
    expect(result.accuracy).toBeCloseTo(diag / 8, 12);
    expect(result.version).toMatch(/^[0-9a-f]{12}$/);
    expect(result.drift.drifted).toBe(false);

    const second = await run([
      "judge",
      "calibrate",
      "--labels",
      labels,
      "--judge",
      "facts",
      "-c",
      config,
    ]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/no drift/);
    expect(second.stdout).toMatch(/kappa/);

    const show = await run(["judge", "show", "-c", config]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("facts");
    expect(show.stdout).toContain(result.version);
    // `polite` was never calibrated: show warns about it.
    expect(show.stderr).toMatch(/judge `polite` .* is uncalibrated/);
    expect(show.stderr).not.toMatch(/judge `facts` .* is uncalibrated/);
  });

  it("a bad labels file exits 2 naming file and line", async () => {
    const bad = await run(["judge", "calibrate", "--labels", join(dir, "bad.jsonl"), "-c", config]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.jsonl:3/);
    expect(bad.stderr).toMatch(/unknown label "maybe"/);
  });

  it("an unknown judge name exits 2", async () => {
    const r = await run([
      "judge",
      "calibrate",
      "--labels",
      join(dir, "human.jsonl"),
      "--judge",
      "nope",
      "-c",
      config,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no judge assertion named `nope`.*facts, polite/);
  });
});

describe("ratchet judge calibrate --verdicts", () => {
  const pair = (id: string, label: 1 | 2) =>
    JSON.stringify({ id, instruction: `Q ${id}`, output_1: "a", output_2: "b", label });
  const write = (name: string, lines: unknown[]) => {
    const path = join(dir, name);
    writeFileSync(
      path,
      lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n"),
    );
    return path;
  };
  const calibrate = (labels: string, verdicts: string, ...more: string[]) =>
    run(["judge", "calibrate", "--labels", labels, "--verdicts", verdicts, "-c", config, ...more]);

  it("each order against the labels, positional agreement with unparsed as disagreement", async () => {
    const labels = write("pairs.jsonl", [
      pair("a", 1),
      pair("b", 1),
      pair("c", 2),
      pair("d", 2),
      pair("e", 1),
    ]);
    const verdicts = write("pairs-verdicts.jsonl", [
      { id: "a", verdict: 1, verdict_swapped: 1 }, // both right
      { id: "b", verdict: 1, verdict_swapped: 2 }, // flip
      { id: "c", verdict: "2", verdict_swapped: 2 }, // both right (a string "2" is accepted)
      { id: "d", verdict: null, verdict_swapped: null }, // unparsed twice: still a disagreement
      { id: "e", verdict: 2, verdict_swapped: null }, // wrong, then unparsed
    ]);
    const r = await calibrate(labels, verdicts, "--judge", "vendor-x", "--json");
    // 5 items are too few for a good kappa: the floor warning is the only stderr line.
    expect(r.stderr).toMatch(/^warning: kappa [0-9.-]+ is below the floor 0\.6\n$/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      judge: string;
      model: string;
      accuracy: number;
      flip_rate: number;
      positions: {
        in_order: { correct: number; accuracy: number; unparsed: number };
        swapped: { correct: number; accuracy: number; unparsed: number };
        mean_accuracy: number;
        both_correct: number;
        agreed: number;
        positional_agreement: number;
      };
    };
    expect(out.judge).toBe("vendor-x");
    expect(out.model).toBe("external");
    const p = out.positions;
    expect(p.in_order).toMatchObject({ correct: 3, accuracy: 3 / 5, unparsed: 1 });
    expect(p.swapped).toMatchObject({ correct: 2, accuracy: 2 / 5, unparsed: 2 });
    expect(p.mean_accuracy).toBeCloseTo(0.5, 12);
    expect(p.both_correct).toBe(2);
    expect(p.agreed).toBe(2);
    expect(p.positional_agreement).toBeCloseTo(2 / 5, 12);
    expect(out.flip_rate).toBeCloseTo(1 / 5, 12);
    expect(out.accuracy).toBeCloseTo(2 / 5, 12);

    const text = await calibrate(labels, verdicts, "--judge", "vendor-x");
    expect(text.stdout).toMatch(/in order: accuracy 60\.0% \(3\)/);
    expect(text.stdout).toMatch(/positional agreement 40\.0% \(2;/);
    expect(text.stdout).toMatch(/no drift/);
  });

  it("drift compares only calibrations on the same labels", async () => {
    const labelsA = write("drift-a.jsonl", [
      pair("a", 1),
      pair("b", 2),
      pair("c", 1),
      pair("d", 2),
    ]);
    const good = write(
      "drift-good.jsonl",
      ["a", "b", "c", "d"].map((id, i) => ({ id, verdict: i % 2 ? 2 : 1 })),
    );
    const bad = write(
      "drift-bad.jsonl",
      ["a", "b", "c", "d"].map((id) => ({ id, verdict: 1 })),
    );
    expect((await calibrate(labelsA, good, "--judge", "drifty")).code).toBe(0);
    // Other labels (same ids, a different item): kappa falls, but nothing to compare with.
    const labelsB = write("drift-b.jsonl", [
      pair("a", 1),
      pair("b", 2),
      pair("c", 1),
      pair("d", 1),
    ]);
    const other = await calibrate(labelsB, bad, "--judge", "drifty", "--json");
    expect(other.code).toBe(0);
    expect((JSON.parse(other.stdout) as { drift: { drifted: boolean } }).drift.drifted).toBe(false);
    // The same labels again with worse verdicts: drift.
    const again = await calibrate(labelsA, bad, "--judge", "drifty");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/judge drift: kappa 1\.000 → 0\.000/);
  });

  it("bad verdict files exit 2 naming file and line", async () => {
    const labels = write("pairs-2.jsonl", [pair("a", 1), pair("b", 2)]);
    const cases: Array<[unknown[], RegExp]> = [
      [
        [
          { id: "a", verdict: 1 },
          { id: "zz", verdict: 2 },
        ],
        /v\.jsonl:2: id: unknown id `zz`/,
      ],
      [
        [
          { id: "a", verdict: 1 },
          { id: "a", verdict: 2 },
        ],
        /v\.jsonl:2: id: duplicate id `a` \(first on line 1\)/,
      ],
      [[{ id: "a", verdict: 1 }, "{not json"], /v\.jsonl:2: not valid JSON/],
      [[{ id: "a", verdict: 3 }], /v\.jsonl:1: verdict: unknown verdict 3/],
      [
        [
          { id: "a", verdict: 1, verdict_swapped: 1 },
          { id: "b", verdict: 2 },
        ],
        /v\.jsonl:2: verdict_swapped: some lines have/,
      ],
      [[{ id: "a", verdict: 1 }], /pairs-2\.jsonl:2: id: 1 labelled row\(s\) have no verdict/],
    ];
    for (const [lines, message] of cases) {
      const r = await calibrate(labels, write("v.jsonl", lines));
      expect(r.code, String(message)).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const noIds = await calibrate(
      join(dir, "human.jsonl"),
      write("v.jsonl", [{ id: "a", verdict: "pass" }]),
    );
    expect(noIds.code).toBe(2);
    expect(noIds.stderr).toMatch(/human\.jsonl:1: id: every labelled row needs an `id`/);
  });
});

describe("drift", () => {
  const prev = {
    judge: "j",
    version: "v1",
    model: "m",
    mode: "pointwise",
    labels_file: "f",
    labels_hash: "h1",
    n: 100,
    accuracy: 0.9,
    kappa: 0.8,
    kappa_se: 0.05,
    cost_usd: 0,
    details: {},
    created_at: "2025-01-01T00:00:00Z",
  };
  it("same version: drift only when the change exceeds the difference's standard error", () => {
    const se = Math.sqrt(0.05 ** 2 + 0.05 ** 2);
    expect(
      detectDrift(
        {
          version: "v1",
          labels_hash: "h1",
          kappa: { kappa: 0.8 - se * 1.01, se: 0.05, defined: true },
        },
        [prev],
      ).drifted,
    ).toBe(true);
    expect(
      detectDrift(
        {
          version: "v1",
          labels_hash: "h1",
          kappa: { kappa: 0.8 - se * 0.99, se: 0.05, defined: true },
        },
        [prev],
      ).drifted,
    ).toBe(false);
  });
  it("only calibrations on the same label set are compared", () => {
    const fell = { kappa: 0.1, se: 0.05, defined: true };
    expect(detectDrift({ version: "v1", labels_hash: "h2", kappa: fell }, [prev]).drifted).toBe(
      false,
    );
    expect(detectDrift({ version: "v2", labels_hash: "h2", kappa: fell }, [prev]).drifted).toBe(
      false,
    );
    // A calibration stored before label sets were hashed is compared with nothing.
    const { labels_hash: _none, ...unhashed } = prev;
    expect(detectDrift({ version: "v1", labels_hash: "h1", kappa: fell }, [unhashed]).drifted).toBe(
      false,
    );
    expect(detectDrift({ version: "v1", labels_hash: "h1", kappa: fell }, [prev]).drifted).toBe(
      true,
    );
  });
  it("changed version: drift when kappa fell", () => {
    expect(
      detectDrift(
        { version: "v2", labels_hash: "h1", kappa: { kappa: 0.79, se: 0.05, defined: true } },
        [prev],
      ).drifted,
    ).toBe(true);
    expect(
      detectDrift(
        { version: "v2", labels_hash: "h1", kappa: { kappa: 0.85, se: 0.05, defined: true } },
        [prev],
      ).drifted,
    ).toBe(false);
    expect(
      detectDrift(
        { version: "v2", labels_hash: "h1", kappa: { kappa: 0.1, se: 0.05, defined: true } },
        [],
      ).drifted,
    ).toBe(false);
  });
});
