/**
 * Ground truth, read from the sim (which nothing in Ratchet's optimizer reads):
 *
 * - The oracle: which of the profile's habits (failure modes) the suite can trigger and its
 *   graders can see. Each habit runs alone, forced (probability 1, no cure, no flakes), on the
 *   plain prompt; it is triggerable when it fires on a case, visible when a case that passes
 *   with no habit at all fails with it.
 * - Measurements: a prompt run on the whole suite with a fresh seed and several epochs, the
 *   profile as shipped (flakes included). A habit is present when it fired on at least one
 *   (case, epoch) where the sim's flake draw did not force it: the draw is a pure function of
 *   (seed, case, epoch) (`flakeHabit`), so flaked firings are left out exactly rather than by
 *   a threshold. Per case: epochs passed, for blocking regressions.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Attempt, RATCHET } from "../../src/core/index.js";
import { loadProjectConfig, runEvaluation } from "../../src/eval/index.js";
import { loadSimProfile, type SimProfile } from "../../src/providers/index.js";
import { flakeHabit } from "../../src/providers/sim/habits.js";
import { openStore } from "../../src/store/index.js";
import { type BenchProfile, newProject } from "./project.js";

export function habitsOf(attempt: Attempt): string[] {
  const found = new Set<string>();
  for (const span of attempt.spans) {
    const value = span.attributes[RATCHET.simHabits];
    if (Array.isArray(value)) for (const habit of value) found.add(String(habit));
  }
  return [...found].sort();
}

async function attemptsOf(dir: string, runId: string): Promise<Attempt[]> {
  const loaded = await loadProjectConfig({ cwd: dir });
  const store = await openStore({ path: resolve(loaded.dir, loaded.config.store.path) });
  try {
    const out: Attempt[] = [];
    for await (const attempt of store.iterateAttempts(runId)) out.push(attempt);
    return out;
  } finally {
    await store.close();
  }
}

export interface ModeTruth {
  id: string;
  description: string;
  /** Cases the habit fired on when forced. */
  triggered: number;
  /** Cases that pass with no habit and fail with this one alone. */
  visibleOn: string[];
  triggerable: boolean;
  visible: boolean;
}

const NEVER = "zz-bench-oracle-no-cure-zz";

export interface Oracle {
  modes: ModeTruth[];
  cases: number;
  /** Cases that pass with no habit at all (a sound fixture: every one). */
  cleanPasses: number;
}

/** Which habits the suite triggers and the graders see (plain prompt, one habit at a time). */
export async function modeOracle(profile: BenchProfile, seed: number): Promise<Oracle> {
  const sim = loadSimProfile(profile.name);
  const dir = newProject(profile, "oracle");
  mkdirSync(join(dir, "oracle"));
  const run = async (name: string, habits: SimProfile["habits"]) => {
    const path = join(dir, "oracle", `${name}.yaml`);
    writeFileSync(path, JSON.stringify({ ...sim, flake_rate: 0, habits }));
    const { run } = await runEvaluation({
      cwd: dir,
      models: [`sim:${path}`],
      repeat: 1,
      seed,
      onWarning: () => {},
    });
    return attemptsOf(dir, run.id);
  };
  const clean = new Map((await run("clean", [])).map((a) => [a.case_id, a.status === "passed"]));
  const out: ModeTruth[] = [];
  for (const habit of sim.habits) {
    const forced = { ...habit, probability: 1, cure: [{ any_of: [NEVER] }] };
    const attempts = await run(habit.id, [forced]);
    const fired = attempts.filter((a) => habitsOf(a).includes(habit.id));
    const visibleOn = fired
      .filter((a) => a.status !== "passed" && clean.get(a.case_id) === true)
      .map((a) => a.case_id)
      .sort();
    out.push({
      id: habit.id,
      description: habit.description,
      triggered: fired.length,
      visibleOn,
      triggerable: fired.length > 0,
      visible: visibleOn.length > 0,
    });
  }
  return { modes: out, cases: clean.size, cleanPasses: [...clean.values()].filter(Boolean).length };
}

export interface CaseRecord {
  severity: string;
  epochs: number;
  passes: number;
}

export interface Measurement {
  /** Habit → cases it fired on without the flake draw forcing it. */
  present: Map<string, Set<string>>;
  /** Firings the flake draw explains (left out of `present`). */
  flaked: number;
  cases: Map<string, CaseRecord>;
  mean: number;
}

/** Measures prompts on a project of their own; each distinct prompt text is measured once. */
export class Measurer {
  readonly #dir: string;
  readonly #sim: SimProfile;
  readonly #cache = new Map<string, Promise<Measurement>>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly profile: BenchProfile,
    readonly epochs: number,
    readonly seed: number,
  ) {
    this.#dir = newProject(profile, "measure");
    this.#sim = loadSimProfile(profile.name);
  }

  get measured(): number {
    return this.#cache.size;
  }

  measure(prompt: string): Promise<Measurement> {
    let hit = this.#cache.get(prompt);
    if (!hit) {
      // One at a time: the prompt file is shared by every measurement.
      hit = this.#queue.then(() => this.#run(prompt));
      this.#queue = hit.catch(() => {});
      this.#cache.set(prompt, hit);
    }
    return hit;
  }

  async #run(prompt: string): Promise<Measurement> {
    writeFileSync(join(this.#dir, this.profile.promptFile), prompt);
    const { run } = await runEvaluation({
      cwd: this.#dir,
      repeat: this.epochs,
      seed: this.seed,
      onWarning: () => {},
    });
    const present = new Map<string, Set<string>>();
    const cases = new Map<string, CaseRecord>();
    let flaked = 0;
    let total = 0;
    let n = 0;
    for (const attempt of await attemptsOf(this.#dir, run.id)) {
      const forced = flakeHabit(
        this.#sim.habits,
        this.#sim.flake_rate,
        this.seed,
        attempt.case_id,
        attempt.epoch,
      );
      for (const habit of habitsOf(attempt)) {
        if (habit === forced) {
          flaked++;
          continue;
        }
        const set = present.get(habit) ?? new Set<string>();
        set.add(attempt.case_id);
        present.set(habit, set);
      }
      const c = cases.get(attempt.case_id) ?? { severity: attempt.severity, epochs: 0, passes: 0 };
      c.epochs++;
      if (attempt.status === "passed") c.passes++;
      cases.set(attempt.case_id, c);
      total += attempt.overall;
      n++;
    }
    return { present, flaked, cases, mean: n > 0 ? total / n : 0 };
  }
}

/** Blocking cases that passed every epoch before and fail every epoch after. */
export function blockingRegressions(before: Measurement, after: Measurement): string[] {
  const out: string[] = [];
  for (const [id, old] of before.cases) {
    const now = after.cases.get(id);
    if (old.severity !== "blocking" || !now) continue;
    if (old.passes === old.epochs && old.epochs > 0 && now.passes === 0 && now.epochs > 0)
      out.push(id);
  }
  return out.sort();
}

/** Seeded modes still present (fired outside flakes) under a measurement. */
export function presentModes(seeded: readonly string[], m: Measurement): string[] {
  return seeded.filter((id) => (m.present.get(id)?.size ?? 0) > 0);
}
