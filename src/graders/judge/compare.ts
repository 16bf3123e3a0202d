import type { Attempt } from "../../core/index.js";
import { PAIRWISE_RUBRIC } from "./identity.js";
import type { JudgeRuntime } from "./types.js";
import { judgePairwise } from "./verdicts.js";

export interface CaseComparison {
  case_id: string;
  epoch: number;
  /** Overall score per variant. */
  scores: Record<string, number>;
  /** The judge's preference between the pair: a variant name or `tie`. */
  preferred: string;
  flip: boolean;
}

export interface PairSummary {
  a: string;
  b: string;
  wins_a: number;
  wins_b: number;
  ties: number;
  /** Ties caused by the verdict flipping with the order (position bias). */
  flips: number;
  errors: number;
  cases: CaseComparison[];
}

export interface ComparisonResult {
  variants: string[];
  judge_model: string;
  pairs: PairSummary[];
  judge_cost_usd: number;
}

function inputOf(attempt: Attempt): string {
  const user = attempt.messages.filter((m) => m.role === "user").map((m) => m.content);
  return user.length ? user.join("\n") : attempt.case_id;
}

/**
 * Pairwise judge preferences between variants of one run, per case and epoch, each pair
 * asked in both orders (a preference counts only when both orders agree). Attempts are
 * streamed; only one output per (variant, case, epoch) is kept.
 */
export async function compareVariants(options: {
  attempts: AsyncIterable<Attempt>;
  variants: readonly string[];
  runtime: JudgeRuntime;
  model?: string;
  rubric?: string;
  concurrency?: number;
}): Promise<ComparisonResult> {
  const model = options.model ?? options.runtime.defaultModel;
  if (!model) throw new Error("--compare needs a judge: set evaluation.judge_model");
  const byKey = new Map<string, Map<string, Attempt>>();
  for await (const attempt of options.attempts) {
    const key = `${attempt.case_id}\u0000${attempt.epoch}`;
    let m = byKey.get(key);
    if (!m) {
      m = new Map();
      byKey.set(key, m);
    }
    m.set(attempt.variant, attempt);
  }
  const pairs: PairSummary[] = [];
  let cost = 0;
  const vs = options.variants;
  for (let i = 0; i < vs.length; i++) {
    for (let j = i + 1; j < vs.length; j++) {
      const a = vs[i]!;
      const b = vs[j]!;
      const summary: PairSummary = {
        a,
        b,
        wins_a: 0,
        wins_b: 0,
        ties: 0,
        flips: 0,
        errors: 0,
        cases: [],
      };
      const jobs = [...byKey.values()].filter((m) => m.has(a) && m.has(b));
      let next = 0;
      const worker = async () => {
        while (next < jobs.length) {
          const m = jobs[next++]!;
          const x = m.get(a)!;
          const y = m.get(b)!;
          const row: CaseComparison = {
            case_id: x.case_id,
            epoch: x.epoch,
            scores: { [a]: x.overall, [b]: y.overall },
            preferred: "tie",
            flip: false,
          };
          if (x.status === "error" || y.status === "error") {
            row.preferred =
              x.status === "error" && y.status !== "error"
                ? b
                : y.status === "error" && x.status !== "error"
                  ? a
                  : "tie";
          } else {
            try {
              const r = await judgePairwise(options.runtime, model, {
                rubric: options.rubric ?? PAIRWISE_RUBRIC,
                input: inputOf(x),
                first: x.output,
                second: y.output,
              });
              cost += r.cost_usd;
              row.preferred = r.preferred === 1 ? a : r.preferred === 2 ? b : "tie";
              row.flip = r.flip;
            } catch {
              summary.errors++;
              row.preferred = "error";
            }
          }
          if (row.preferred === a) summary.wins_a++;
          else if (row.preferred === b) summary.wins_b++;
          else if (row.preferred === "tie") summary.ties++;
          if (row.flip) summary.flips++;
          summary.cases.push(row);
        }
      };
      const n = Math.max(1, Math.min(options.concurrency ?? 4, jobs.length));
      await Promise.all(Array.from({ length: n }, worker));
      summary.cases.sort((p, q) =>
        p.case_id < q.case_id ? -1 : p.case_id > q.case_id ? 1 : p.epoch - q.epoch,
      );
      pairs.push(summary);
    }
  }
  return { variants: [...vs], judge_model: model, pairs, judge_cost_usd: cost };
}
