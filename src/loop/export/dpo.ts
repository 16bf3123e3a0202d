import { InputError } from "../../core/index.js";
import type { GateDecisionRecord, Store } from "../../store/index.js";
import { checkOutputPath } from "./files.js";
import { digest, normalizedTurns, normalizeText } from "./keys.js";
import { groupedAttempts, joinGroups, matchAttempts } from "./pairs.js";
import { openAiPreferenceRecord, prefer, sharedPrompt, trlPreferenceRecord } from "./preference.js";
import { type ExportRedactor, redactMessage } from "./redaction.js";
import { selectRuns } from "./runs.js";
import { ExampleSink } from "./sink.js";
import type { ExportSummary, PreferenceFormat } from "./types.js";

export interface DpoOptions {
  format: PreferenceFormat;
  /** Exactly two run refs: the first side, then the second. Otherwise gate decisions. */
  runs?: readonly string[];
  /** Gate decision refs (ids, prefixes, `latest`); default every decision. */
  decisions?: readonly string[];
  /** Epoch ms: decisions made at or after it (the default selection only). */
  sinceMs?: number;
  /** Between two attempts that both passed or both failed, the least score lead that counts. */
  minMargin: number;
  validationShare: number;
  seed: number;
  out: string;
  redactor: ExportRedactor;
}

interface Comparison {
  champion: string[];
  challenger: string[];
}

async function selectDecisions(store: Store, options: DpoOptions): Promise<GateDecisionRecord[]> {
  if (options.decisions?.length) {
    const found: GateDecisionRecord[] = [];
    for (const ref of options.decisions) {
      const id = await store.gate.resolveDecisionId(ref);
      const decision = id === undefined ? undefined : await store.gate.getDecision(id);
      if (decision === undefined) {
        throw new InputError(`no gate decision matches '${ref}' (see \`ratchet gate list\`)`, {
          key: "--decision",
        });
      }
      found.push(decision);
    }
    return found;
  }
  const all = await store.gate.listDecisions();
  const since = options.sinceMs;
  const chosen = all.filter((d) => since === undefined || Date.parse(d.created_at) >= since);
  if (chosen.length === 0) {
    throw new InputError(
      all.length === 0
        ? "no gate decisions to take pairs from: run `ratchet gate`, or pass two runs of the same cases with --run A --run B"
        : "no gate decision since --since",
      { key: all.length === 0 ? "--run" : "--since" },
    );
  }
  return chosen.reverse();
}

/**
 * Preference pairs: the champion's and the challenger's answers to the same case and epoch
 * (from gate decisions, or from two runs), the better one chosen. Each side's runs are
 * streamed merged in (case, epoch) order, so no run is ever held in memory.
 */
export async function exportDpo(store: Store, options: DpoOptions): Promise<ExportSummary> {
  let comparisons: Comparison[];
  let decisions: GateDecisionRecord[] = [];
  if (options.runs !== undefined && options.runs.length > 0) {
    if (options.runs.length !== 2) {
      throw new InputError(
        `pairs come from exactly two runs (--run A --run B), got ${options.runs.length}`,
        { key: "--run" },
      );
    }
    const runs = await selectRuns(store, { refs: options.runs });
    const [a, b] = runs;
    if (a === undefined || b === undefined) {
      throw new InputError("the same run is named twice: pairs need two runs", {
        key: "--run",
      });
    }
    comparisons = [{ champion: [a.id], challenger: [b.id] }];
  } else {
    decisions = await selectDecisions(store, options);
    comparisons = decisions.map((d) => ({
      champion: d.champion_runs,
      challenger: d.challenger_runs,
    }));
  }
  const out = await checkOutputPath(options.out);
  const sink = new ExampleSink({
    out,
    validationShare: options.validationShare,
    seed: options.seed,
  });
  const { redactor } = options;
  try {
    for (const { champion, challenger } of comparisons) {
      const joined = joinGroups(
        groupedAttempts(store, champion),
        groupedAttempts(store, challenger),
      );
      for await (const item of joined) {
        if (item.kind === "one-side") {
          sink.skip("no counterpart", item.group.attempts.length);
          continue;
        }
        const matched = matchAttempts(item.a, item.b);
        if (matched.length === 0) sink.skip("variants do not match");
        for (const [a, b] of matched) {
          const prompt = sharedPrompt(a, b);
          if (prompt === undefined) {
            sink.skip("inputs differ");
            continue;
          }
          const preference = prefer(a, b, options.minMargin);
          if ("skip" in preference) {
            sink.skip(preference.skip);
            continue;
          }
          const chosen = redactor.text(preference.chosen.output);
          const rejected = redactor.text(preference.rejected.output);
          if (chosen.trim() === "") {
            sink.skip("no answer");
            continue;
          }
          if (normalizeText(chosen) === normalizeText(rejected)) {
            sink.skip("same answer");
            continue;
          }
          const input = prompt.map((m) => redactMessage(m, redactor));
          const line =
            options.format === "trl"
              ? trlPreferenceRecord(input, chosen, rejected)
              : openAiPreferenceRecord(input, chosen, rejected);
          const key = digest([
            normalizedTurns(input),
            normalizeText(chosen),
            normalizeText(rejected),
          ]);
          await sink.add(key, `case:${a.case_id}`, line);
        }
      }
    }
  } catch (error) {
    await sink.abort();
    throw error;
  }
  const runIds = [...new Set(comparisons.flatMap((c) => [...c.champion, ...c.challenger]))];
  return sink.finish({
    kind: "dpo",
    format: options.format,
    sources: { runs: runIds, decisions: decisions.map((d) => d.id), traces: 0 },
  });
}
