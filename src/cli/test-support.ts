import { main } from "./main.js";
import type { Output } from "./output.js";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** The CLI in this process, as a user would call it, with its whole output captured. */
export async function runCli(...args: string[]): Promise<CliRun> {
  let out = "";
  let err = "";
  const output: Output = {
    out: (text) => {
      out += text.endsWith("\n") ? text : `${text}\n`;
    },
    err: (text) => {
      err += text.endsWith("\n") ? text : `${text}\n`;
    },
    isTTY: false,
    color: false,
  };
  const code = await main(args, output);
  return { code, out, err };
}
