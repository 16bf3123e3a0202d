import type { LoadedConfig } from "../config/index.js";
import { listSuiteFiles, readSuiteFile } from "../config/index.js";
import type { Case } from "../core/index.js";

export interface SuiteCaseRef {
  file: string;
  case: Case;
}

/** Every case of the config's suites, with its file (streamed: suites can be large). */
export async function* projectCases(
  loaded: Pick<LoadedConfig, "config" | "dir">,
): AsyncGenerator<SuiteCaseRef> {
  const files = await listSuiteFiles(loaded.config.evaluation.suites, loaded.dir);
  for (const file of files) {
    for await (const c of readSuiteFile(file)) yield { file, case: c };
  }
}
