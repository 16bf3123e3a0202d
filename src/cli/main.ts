import { Command, CommanderError } from "commander";
import { EXIT, errorMessage, isInputError, markPhase } from "../core/index.js";
import { type Output, processOutput } from "./output.js";
import { routeSdkWarnings } from "./sdk-warnings.js";

type Register = (program: Command, output: Output, setExit: (code: number) => void) => void;

/**
 * Commands in help order, each loaded only when needed: a command's modules (the AI SDK,
 * OpenTelemetry, Hono…) took most of the CLI's start-up, and `ratchet runs list` needs none
 * of eval's. Help and unknown commands load them all.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ["init", async () => (await import("./commands/init.js")).registerInit],
  ["demo", async () => (await import("./commands/demo.js")).registerDemo],
  ["eval", async () => (await import("./commands/eval.js")).registerEval],
  ["runs", async () => (await import("./commands/runs.js")).registerRuns],
  ["schema", async () => (await import("./commands/schema.js")).registerSchema],
  ["judge", async () => (await import("./commands/judge.js")).registerJudge],
  ["failures", async () => (await import("./commands/failures.js")).registerFailures],
  ["attribute", async () => (await import("./commands/attribute.js")).registerAttribute],
  ["evals", async () => (await import("./commands/evals.js")).registerEvals],
  ["cost", async () => (await import("./commands/cost.js")).registerCost],
  ["prompts", async () => (await import("./commands/prompts.js")).registerPrompts],
  ["gate", async () => (await import("./commands/gate.js")).registerGate],
  ["shadow", async () => (await import("./commands/shadow.js")).registerShadow],
  ["optimize", async () => (await import("./commands/optimize.js")).registerOptimize],
  ["improve", async () => (await import("./commands/improve.js")).registerImprove],
  [
    "cycles",
    async () => {
      const { registerCycles } = await import("./commands/improve.js");
      return (program, output) => registerCycles(program, output);
    },
  ],
  [
    "clusters",
    async () => {
      const { registerClusters } = await import("./commands/clusters.js");
      return (program, output) => registerClusters(program, output);
    },
  ],
  [
    "serve",
    async () => {
      const { registerServe } = await import("./commands/serve.js");
      return (program, output) => registerServe(program, output);
    },
  ],
  [
    "canary",
    async () => {
      const { registerCanary } = await import("./commands/canary.js");
      return (program, output) => registerCanary(program, output);
    },
  ],
  [
    "watch",
    async () => {
      const { registerWatch } = await import("./commands/watch.js");
      return (program, output) => registerWatch(program, output);
    },
  ],
  [
    "ui",
    async () => {
      const { registerUi } = await import("./commands/ui.js");
      return (program, output) => registerUi(program, output);
    },
  ],
  ["ingest", async () => (await import("./commands/ingest.js")).registerIngest],
  ["traces", async () => (await import("./commands/traces.js")).registerTraces],
  ["export", async () => (await import("./commands/export.js")).registerExport],
  ["metrics", async () => (await import("./commands/metrics.js")).registerMetrics],
];

async function registerCommands(
  program: Command,
  argv: readonly string[],
  output: Output,
  setExit: (code: number) => void,
): Promise<void> {
  const named = COMMANDS.find(([name]) => name === argv[0]);
  // `--version` alone needs no command; help and anything unknown need them all.
  const versionOnly = argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V");
  const wanted = named ? [named] : versionOnly ? [] : COMMANDS;
  const registers = await Promise.all(wanted.map(([, load]) => load()));
  for (const register of registers) register(program, output, setExit);
}

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
  const restoreWarnings = routeSdkWarnings(output);
  markPhase("cli loaded");
  try {
    await registerCommands(program, argv, output, setExit);
    markPhase("command loaded");
    await program.parseAsync(argv, { from: "user" });
    markPhase("command done");
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
  } finally {
    restoreWarnings();
  }
}
