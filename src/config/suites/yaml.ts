import type { Case } from "../../core/index.js";
import { InputError } from "../../core/index.js";
import { parseWith } from "../issues.js";
import { CaseInputSchema, type SuiteDefaults, SuiteFileSchema } from "../schema/case.js";
import { readYaml } from "../yaml-file.js";
import { finishCase } from "./case.js";

/** YAML suites are small enough to parse whole; cases still come out one at a time. */
export async function* readYamlSuite(file: string, label: string): AsyncGenerator<Case> {
  const source = await readYaml(file);
  const value = source.value;
  let items: unknown[];
  let prefix: (string | number)[];
  let defaults: SuiteDefaults | undefined;
  if (Array.isArray(value)) {
    items = value;
    prefix = [];
  } else if (value !== null && typeof value === "object") {
    const frame = parseWith(SuiteFileSchema, value, { file, locate: source.locate });
    items = frame.cases;
    prefix = ["cases"];
    defaults = frame.defaults;
  } else {
    throw new InputError("a suite file holds `cases: [...]` or a list of cases", {
      file,
      line: 1,
    });
  }
  for (let i = 0; i < items.length; i++) {
    const path = [...prefix, i];
    const parsed = parseWith(CaseInputSchema, items[i], {
      file,
      prefix: path,
      locate: source.locate,
    });
    const line = source.locate(path)?.line ?? 1;
    yield finishCase(parsed, `${label}:${line}`, defaults);
  }
}
