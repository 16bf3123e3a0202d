/**
 * `--part sim-model`: gates run end to end on the `sim:support` model, in this process, on a
 * 200-case suite made from the bundled example (its 46 cases, renamed, repeated):
 *
 *  - A/A: production against a version that differs only in whitespace, each gate on its own
 *    seed: how many promote (with a Wilson 95% interval). On the sim both sides share the
 *    seeded noise, as a paired design intends, so this checks the rules, not the statistics.
 *  - Reuse: a gate of 200 cases × 3 epochs, then the same gate again: wall time and the
 *    attempts each side ran (target for the champion on the second gate: 0, so 0 model calls).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { createGateRegistry, type GateOutcome, runGate } from "../../src/gate/index.js";
import { addPrompt } from "../../src/prompts/index.js";
import { wilson } from "../../src/stats/index.js";
import { openStore } from "../../src/store/index.js";

const EXAMPLE = fileURLToPath(new URL("../../examples/support-agent", import.meta.url));

export interface SimModelOptions {
  gates: number;
  cases: number;
  epochs: number;
  keep: boolean;
}

export async function runSimModel(options: SimModelOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ratchet-bench-gate-"));
  try {
    const config = makeProject(dir, options.cases);
    const prompt = readFileSync(join(dir, "prompts/system.md"), "utf8");
    const versions = await register(dir, config, {
      production: prompt,
      // Whitespace only: another hash, the same instructions.
      spaced: `${prompt.replace(/\. /g, ".  ")}\n\n`,
      candidate: `${prompt}\nNever guess: always use the tools before answering, and pass order ids exactly as written, with their ORD- prefix.\n`,
    });
    console.log(`sim-model: ${options.cases} cases, sim:support, project ${dir}`);
    console.log(
      `versions: ${Object.entries(versions)
        .map(([l, h]) => `${l} ${h.slice(0, 12)}`)
        .join(", ")}`,
    );

    let promotions = 0;
    const started = performance.now();
    for (let i = 0; i < options.gates; i++) {
      const outcome = await gate(dir, "support@production", "support@spaced", {
        seed: 1000 + i,
        epochs: options.epochs,
      });
      if (outcome.decision.verdict === "promote") promotions++;
    }
    const interval = wilson(promotions, options.gates);
    console.log(
      `\nA/A (whitespace only), ${options.gates} gates × ${options.cases} cases × ${options.epochs} epochs: ` +
        `${promotions} promoted = ${pct(promotions / options.gates)} [${pct(interval.lower)}, ${pct(interval.upper)}] (target ≤ 5%), ` +
        `${((performance.now() - started) / 1000 / options.gates).toFixed(1)} s per gate`,
    );

    const rows: string[][] = [];
    for (const pass of ["first", "again"]) {
      const t0 = performance.now();
      const outcome = await gate(dir, "support@production", "support@candidate", {
        seed: 7,
        epochs: options.epochs,
      });
      const wall = (performance.now() - t0) / 1000;
      const { champion, challenger } = outcome.evidence;
      rows.push([
        pass,
        outcome.decision.verdict,
        `${wall.toFixed(2)} s`,
        `${champion.ran} run / ${champion.reused} reused`,
        `${challenger.ran} run / ${challenger.reused} reused`,
      ]);
    }
    console.log(`\nreuse: ${options.cases} cases × ${options.epochs} epochs per side`);
    printTable(["gate", "verdict", "wall", "champion attempts", "challenger attempts"], rows);
    console.log(
      "(an attempt that is reused makes no model call: the second gate's champion target is 0 run)",
    );
  } finally {
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

function makeProject(dir: string, cases: number): string {
  cpSync(EXAMPLE, dir, { recursive: true });
  const configPath = join(dir, "ratchet.yaml");
  writeFileSync(
    configPath,
    readFileSync(configPath, "utf8").replace("latency_ms: 5", "latency_ms: 0"),
  );
  const source: Array<Record<string, unknown>> = [];
  for (const file of readdirSync(join(dir, "suites"))) {
    const suite = parse(readFileSync(join(dir, "suites", file), "utf8")) as {
      cases: Array<Record<string, unknown>>;
    };
    source.push(...suite.cases);
    rmSync(join(dir, "suites", file));
  }
  const out = Array.from({ length: cases }, (_, i) => {
    const base = source[i % source.length] ?? {};
    return { ...base, id: `${String(base.id)}-r${Math.floor(i / source.length)}` };
  });
  writeFileSync(join(dir, "suites", "bench.yaml"), stringify({ cases: out }));
  return configPath;
}

async function register(
  dir: string,
  configPath: string,
  contents: Record<string, string>,
): Promise<Record<string, string>> {
  const config = parse(readFileSync(configPath, "utf8")) as { store?: { path?: string } };
  const store = await openStore({ path: join(dir, config.store?.path ?? ".ratchet/ratchet.db") });
  try {
    const hashes: Record<string, string> = {};
    for (const [label, content] of Object.entries(contents)) {
      const added = await addPrompt(store, {
        name: "support",
        content,
        label,
        author: "bench",
      });
      hashes[label] = added.version.hash;
    }
    return hashes;
  } finally {
    await store.close();
  }
}

function gate(
  dir: string,
  champion: string,
  challenger: string,
  options: { seed: number; epochs: number },
): Promise<GateOutcome> {
  return runGate(
    { cwd: dir, champion, challenger, actor: "bench", seed: options.seed, epochs: options.epochs },
    createGateRegistry,
  );
}

const pct = (value: number): string => `${(value * 100).toFixed(1)}%`;

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}
