/**
 * Eval drafting on the bundled example: the demo's sample production traces are ingested and
 * mined, every failure is drafted (rules over the evidence, no model) and each draft is run on
 * the sim champion over 3 epochs. Prints failures, drafts, the share confirmed (the champion
 * fails it at least once), how many were decided by program checks rather than the judge, and
 * the time taken. Which drafts a reviewer would keep is a judgement: see the closing note.
 * Run: npx tsx bench/evalgen/index.ts
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/config/index.js";
import { draftAndStore, type EvalDraftRecord } from "../../src/evalgen/index.js";
import { buildDetectors, mineFailures } from "../../src/mining/index.js";
import { openSqliteStore } from "../../src/store/index.js";
import { ingestFile } from "../../src/traces/index.js";

const EXAMPLE = fileURLToPath(new URL("../../examples/support-agent", import.meta.url));

const dir = await mkdtemp(join(tmpdir(), "ratchet-bench-evalgen-"));
try {
  await cp(EXAMPLE, dir, { recursive: true });
  const loaded = await loadConfig(join(dir, "ratchet.yaml"));
  const store = await openSqliteStore(join(dir, loaded.config.store.path));
  try {
    await ingestFile(store.traces, join(dir, "traces.jsonl"));
    await mineFailures(store, {
      detectors: buildDetectors(loaded.config.mining),
      severityWeights: loaded.config.mining.severity_weights,
    });
    const failures = await store.failures.list({ limit: 1000 });
    const started = performance.now();
    const { drafts } = await draftAndStore(
      { store, config: loaded.config, dir, loaded },
      { failures: failures.map((f) => f.id), epochs: 3 },
    );
    const seconds = (performance.now() - started) / 1000;
    const confirmed = drafts.filter((d) => d.confirm?.confirmed);
    const judgeOnly = (d: EvalDraftRecord) => d.case.assertions.every((a) => a.type === "judge");
    console.log(`failures                 ${failures.length}`);
    console.log(
      `drafts                   ${drafts.length} (${drafts.filter((d) => d.fixture.boundary).length} in allow/refuse pairs)`,
    );
    console.log(
      `confirmed (champion fails) ${confirmed.length} / ${drafts.length} = ${(confirmed.length / drafts.length).toFixed(2)}`,
    );
    console.log(`  of which judge-only    ${confirmed.filter(judgeOnly).length}`);
    console.log(
      `discarded                ${drafts.filter((d) => d.status === "discarded").length}`,
    );
    console.log(`time (draft + confirm)   ${seconds.toFixed(2)} s`);
    for (const d of drafts) {
      const c = d.confirm;
      console.log(
        `  ${d.status.padEnd(9)} ${c ? `${c.failed_epochs}/${c.epochs}` : "-"}  ${d.case.id.padEnd(30)} ${d.case.assertions.map((a) => a.type).join(",")}`,
      );
    }
  } finally {
    await store.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
