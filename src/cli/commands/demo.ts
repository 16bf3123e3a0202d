import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { EXIT, InputError } from "../../core/index.js";
import { type CycleRecord, runCycle, worthAnotherCycle } from "../../loop/index.js";
import { openStore, type Store } from "../../store/index.js";
import { main } from "../main.js";
import { parseIntOption } from "../options.js";
import type { Output } from "../output.js";
import { packageRoot } from "../package-root.js";
import { withRunSignals } from "../signals.js";

interface DemoFlags {
  dir?: string;
  cycles: number;
}

/**
 * `ratchet demo`: the whole loop offline. The support example starts from a two-line prompt,
 * production traces are ingested, and `improve --mode auto` runs until nothing is left to fix;
 * then the story is told: what was wrong, what changed, and why the gate promoted it or not.
 */
export function registerDemo(
  program: Command,
  output: Output,
  setExit: (code: number) => void,
): void {
  program
    .command("demo")
    .description(
      "the whole improvement loop offline on the bundled example (no keys, about a minute)",
    )
    .option("--dir <path>", "where to put the demo project (default: a new temporary folder)")
    .option("--cycles <n>", "improvement cycles at most", parseIntOption("--cycles", 1, 20), 3)
    .action(async (flags: DemoFlags) => {
      const dir = flags.dir
        ? resolve(process.cwd(), flags.dir)
        : await mkdtemp(join(tmpdir(), "ratchet-demo-"));
      await mkdir(dir, { recursive: true });
      if ((await readdir(dir)).length > 0) {
        throw new InputError(`${dir} is not empty; the demo needs a new or empty folder`, {
          key: "--dir",
        });
      }
      await cp(join(packageRoot(), "examples", "support-agent"), dir, {
        recursive: true,
        filter: (path) => !/[\\/](\.ratchet|node_modules)([\\/]|$)/.test(path),
      });
      const configPath = join(dir, "ratchet.yaml");
      const yaml = await readFile(configPath, "utf8");
      await writeFile(
        configPath,
        yaml.replace(
          "system_prompt_file: prompts/system.md",
          "system_prompt_file: prompts/plain.md",
        ),
      );
      const plain = (await readFile(join(dir, "prompts", "plain.md"), "utf8")).trim();
      output.out(`Ratchet demo in ${dir}`);
      output.out(
        `The support agent starts from a two-line prompt:\n${plain
          .split("\n")
          .map((l) => `  │ ${l}`)
          .join("\n")}\n`,
      );

      await main(["ingest", join(dir, "traces.jsonl"), "-c", configPath, "--json"], {
        out: (text) => {
          const summary = JSON.parse(text) as { traces?: number; mined?: { signals?: number } };
          output.out(
            `ingested ${summary.traces ?? "?"} production traces (${summary.mined?.signals ?? 0} failure signals mined)`,
          );
        },
        err: () => {},
        isTTY: false,
        color: false,
      });

      const records: CycleRecord[] = [];
      await withRunSignals(async ({ stop, kill }) => {
        for (let i = 0; i < flags.cycles && !stop.aborted; i++) {
          output.out(`\n── cycle ${i + 1}`);
          const record = await runCycle({
            cwd: dir,
            configPath,
            preset: "repair-only",
            mode: "auto",
            actor: "ratchet-demo",
            stopSignal: stop,
            killSignal: kill,
            onProgress: (message) => {
              if (/^(evaluated|clustered|optimized|promoted|held|cluster .* needs)/.test(message))
                output.out(`  ${message}`);
            },
          });
          records.push(record);
          if (!worthAnotherCycle(record)) break;
        }
      });
      const store = await openStore({ path: join(dir, ".ratchet", "ratchet.db") });
      try {
        output.out(`\n${await story(store, records)}`);
      } finally {
        await store.close();
      }
      output.out(`\n${exploreHint(dir, records[0]?.prompt_name ?? "support-assistant")}`);
      if (records.at(-1)?.status !== "finished") setExit(EXIT.failed);
    });
}

async function promptText(store: Store, version: string | undefined): Promise<string> {
  if (!version) return "";
  const [name = "", hash = ""] = version.split("@");
  return (await store.prompts.getVersion(name, hash))?.content ?? "";
}

const pct = (x: number | undefined) => (x === undefined ? "–" : `${(x * 100).toFixed(1)}%`);
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The demo's ending: a table per cycle and the prompt before and after, in plain words. */
async function story(store: Store, records: readonly CycleRecord[]): Promise<string> {
  const lines = ["What happened", ""];
  lines.push(
    "  cycle  score   failing  what was wrong (clusters)                     what changed                                   verdict",
  );
  for (const [i, r] of records.entries()) {
    const wrong =
      (r.clusters ?? [])
        .filter((c) => c.targeted)
        .map((c) => c.label)
        .join("; ") ||
      (r.unclustered_cases?.length
        ? `${r.unclustered_cases.length} scattered failures`
        : "nothing a prompt can fix");
    const before = await promptText(store, r.champion_before);
    const after = await promptText(store, r.champion_after ?? r.optimization?.best_version);
    const added = after
      .split("\n")
      .filter((line) => line.trim() !== "" && !before.split("\n").includes(line));
    const changed = added.length > 0 ? added.map((l) => `+ ${clip(l, 44)}`) : ["–"];
    const verdict = r.gate ? `${r.gate.verdict}${r.gate.promoted ? " (promoted)" : ""}` : "no gate";
    lines.push(
      `  ${String(i + 1).padEnd(6)} ${pct(r.evaluation?.mean).padEnd(7)} ${String(r.evaluation?.failing_cases ?? "–").padEnd(8)} ${clip(wrong, 45).padEnd(45)} ${(changed[0] ?? "").padEnd(46)} ${verdict}`,
    );
    for (const extra of changed.slice(1))
      lines.push(`  ${"".padEnd(6)} ${"".padEnd(7)} ${"".padEnd(8)} ${"".padEnd(45)} ${extra}`);
  }
  lines.push("", "Why");
  for (const [i, r] of records.entries()) lines.push(`  cycle ${i + 1}: ${clip(r.outcome, 300)}`);
  const tickets = records.flatMap((r) => (r.clusters ?? []).filter((c) => c.ticket));
  if (tickets.length > 0) {
    lines.push("", "Not a prompt problem (a person decides; never applied automatically)");
    for (const t of new Map(tickets.map((t) => [t.id, t])).values())
      lines.push(`  ${t.label}: ${t.track} work — ${clip(t.why, 100)}\n    ticket: ${t.ticket}`);
  }
  const first = records[0];
  const last = [...records].reverse().find((r) => r.champion_after) ?? first;
  if (first && last) {
    const start = await promptText(store, first.champion_before);
    const end = await promptText(store, last.champion_after ?? last.champion_before);
    lines.push(
      "",
      `The prompt now (${start.split("\n").filter(Boolean).length} → ${end.split("\n").filter(Boolean).length} lines):`,
    );
    for (const line of end.trimEnd().split("\n"))
      lines.push(`  ${start.includes(line) ? "│" : "+"} ${line}`);
  }
  return lines.join("\n");
}

/**
 * Commands to look around the demo's store. They name its config, so that they run where
 * `npx ratchet demo` ran (the clone: `npx` finds `ratchet` only there, unless it is linked).
 */
export function exploreHint(dir: string, promptName: string): string {
  const config = quoteArg(join(dir, "ratchet.yaml"));
  return [
    "Explore it (from this folder, or from any folder after `npm link`):",
    `  npx ratchet cycles list -c ${config}`,
    `  npx ratchet cycles show latest -c ${config}`,
    `  npx ratchet optimize show latest -c ${config}`,
    `  npx ratchet gate show latest -c ${config}`,
    `  npx ratchet prompts history ${promptName} -c ${config}`,
  ].join("\n");
}

/** A path as one shell word (temp folders hold no quotes, but `--dir` may hold spaces). */
function quoteArg(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
}
