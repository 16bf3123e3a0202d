/** Where the CLI writes; injectable so commands can be tested in-process. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
  color: boolean;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  isTTY: process.stderr.isTTY === true,
  color: process.stdout.isTTY === true && !process.env.NO_COLOR,
};
