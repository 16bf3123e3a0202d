import { main } from "./main.js";
import type { Output } from "./output.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in this process, as a user would call it, with its whole output captured. */
export async function runCli(...args: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const output: Output = {
    out: (text) => {
      stdout += text.endsWith("\n") ? text : `${text}\n`;
    },
    err: (text) => {
      stderr += `${text}\n`;
    },
    isTTY: false,
    color: false,
  };
  const code = await main(args, output);
  return { code, stdout, stderr };
}
