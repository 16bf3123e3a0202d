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
  }, 30_000);

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

describe("drift", () => {
  const prev = {
    judge: "j",
    version: "v1",
    model: "m",
    mode: "pointwise",
    labels_file: "f",
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
      detectDrift({ version: "v1", kappa: { kappa: 0.8 - se * 1.01, se: 0.05, defined: true } }, [
        prev,
      ]).drifted,
    ).toBe(true);
    expect(
      detectDrift({ version: "v1", kappa: { kappa: 0.8 - se * 0.99, se: 0.05, defined: true } }, [
        prev,
      ]).drifted,
    ).toBe(false);
  });
  it("changed version: drift when kappa fell", () => {
    expect(
      detectDrift({ version: "v2", kappa: { kappa: 0.79, se: 0.05, defined: true } }, [prev])
        .drifted,
    ).toBe(true);
    expect(
      detectDrift({ version: "v2", kappa: { kappa: 0.85, se: 0.05, defined: true } }, [prev])
        .drifted,
    ).toBe(false);
    expect(
      detectDrift({ version: "v2", kappa: { kappa: 0.1, se: 0.05, defined: true } }, []).drifted,
    ).toBe(false);
  });
});
