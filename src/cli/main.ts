import { Command, CommanderError } from "commander";
import { EXIT, errorMessage, isInputError } from "../core/index.js";
import { registerCost } from "./commands/cost.js";
import { registerEval } from "./commands/eval.js";
import { registerExport } from "./commands/export.js";
import { registerFailures } from "./commands/failures.js";
import { registerIngest } from "./commands/ingest.js";
import { registerInit } from "./commands/init.js";
import { registerJudge } from "./commands/judge.js";
import { registerRuns } from "./commands/runs.js";
import { registerSchema } from "./commands/schema.js";
import { registerServe } from "./commands/serve.js";
import { type Output, processOutput } from "./output.js";

export async function main(argv: string[], output: Output = processOutput): Promise<number> {
  let exitCode: number = EXIT.ok;
  const setExit = (code: number) => {
    exitCode = Math.max(exitCode, code);
  };
  const program = new Command()
    .name("ratchet")
    .description("Evaluate LLM agents, mine their failures, and promote only what is better.")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => output.out(text),
      writeErr: (text) => output.err(text),
    })
    .showSuggestionAfterError(true);
  registerInit(program, output);
  registerEval(program, output, setExit);
  registerRuns(program, output, setExit);
  registerSchema(program, output);
  registerJudge(program, output, setExit);
  registerFailures(program, output, setExit);
  registerCost(program, output);
  registerServe(program, output);
  registerIngest(program, output);
  registerExport(program, output);
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version")
        return EXIT.ok;
      if (error.code === "commander.help") return EXIT.ok;
      return EXIT.input;
    }
    if (isInputError(error)) {
      output.err(`error: ${error.format()}`);
      return EXIT.input;
    }
    output.err(`internal error: ${errorMessage(error)}`);
    if (process.env.RATCHET_DEBUG && error instanceof Error && error.stack) output.err(error.stack);
    return EXIT.internal;
  }
}
