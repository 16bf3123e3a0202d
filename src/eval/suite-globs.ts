import { DEFAULT_SUITE_GLOBS, type LoadedConfig, unmatchedSuiteGlobs } from "../config/index.js";
import { InputError } from "../core/index.js";

interface UnmatchedGlob {
  glob: string;
  line?: number;
  key: string;
  /** `evaluation.suites` is absent: the default glob was used. */
  byDefault: boolean;
}

/** Suite globs of the config that match no file, each located at its entry in the file. */
export async function unmatchedGlobs(loaded: LoadedConfig): Promise<UnmatchedGlob[]> {
  const { suites } = loaded.config.evaluation;
  const unmatched = await unmatchedSuiteGlobs(suites, loaded.dir);
  // Written out or defaulted, the default glob reads the same to the user.
  const byDefault = JSON.stringify(suites) === JSON.stringify(DEFAULT_SUITE_GLOBS);
  return unmatched.map((glob) => {
    const index = suites.indexOf(glob);
    const path = ["evaluation", "suites", index];
    const line = loaded.locate?.(path)?.line;
    return {
      glob,
      ...(line !== undefined && !byDefault ? { line } : {}),
      key: `evaluation.suites[${index}]`,
      byDefault,
    };
  });
}

function describe(u: UnmatchedGlob, dir: string): string {
  const what = u.byDefault ? `the default suite glob \`${u.glob}\`` : `\`${u.glob}\``;
  return `${what} matched no suite file (relative to ${dir})`;
}

/** The error for a run without cases, naming the glob that matched nothing when there is one. */
export function noCasesError(
  loaded: LoadedConfig,
  unmatched: readonly UnmatchedGlob[],
): InputError {
  const first = unmatched[0];
  if (!first) {
    return new InputError("no cases to run (check evaluation.suites, --filter-tag and --case)", {
      file: loaded.file,
      key: "evaluation.suites",
    });
  }
  return new InputError(`no cases to run: ${describe(first, loaded.dir)}`, {
    file: loaded.file,
    ...(first.line !== undefined ? { line: first.line } : {}),
    key: first.byDefault ? "evaluation.suites" : first.key,
  });
}

/** A glob that matched nothing while others found cases: probably a typo. */
export function unmatchedGlobWarning(loaded: LoadedConfig, u: UnmatchedGlob): string {
  const where = [loaded.file, u.line].filter((part) => part !== undefined).join(":");
  return `${where}: ${u.key}: ${describe(u, loaded.dir)}`;
}
