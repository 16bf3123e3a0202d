/**
 * Turns the README's shell blocks into one bash script that runs them in order and checks each
 * line's exit code against what its comment documents ("exits 1", "exits 0 or 1"; no such
 * words: 0). Kept apart from the test so that the parsing rules are readable on their own.
 */

export interface ReadmeLine {
  /** 1-based line in README.md. */
  readonly line: number;
  /** The command as written, without its trailing comment. */
  readonly command: string;
  readonly comment: string;
  /** The section heading it sits under. */
  readonly section: string;
  readonly expectedExits: readonly number[];
}

/** Lines the check does not run, each with the reason a reader can verify. */
export const NOT_RUN: ReadonlyMap<string, string> = new Map([
  ["npm ci", "CI's own first step: the clone the test runs in was installed with it"],
  ["npm test", "this check is part of it"],
]);

/** A comment starts at ` #` outside quotes; the README's commands hold no such text inside. */
function splitComment(text: string): { command: string; comment: string } {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === "#" && (i === 0 || /\s/.test(text[i - 1] ?? ""))) {
      return { command: text.slice(0, i).trimEnd(), comment: text.slice(i + 1).trim() };
    }
  }
  return { command: text.trimEnd(), comment: "" };
}

/** "exits 1", "exits 0 or 1", "exit 2" in the comment; otherwise the line must succeed. */
export function expectedExitsOf(comment: string): number[] {
  const match = /\bexits? (\d)(?:(?:,| or) (\d))?(?:(?:,| or) (\d))?\b/.exec(comment);
  if (!match) return [0];
  return match
    .slice(1)
    .filter((d): d is string => d !== undefined)
    .map(Number);
}

/** Every line of every ```sh block, with the heading it sits under. */
export function readmeShellLines(readme: string): ReadmeLine[] {
  const lines = readme.split("\n");
  const out: ReadmeLine[] = [];
  let section = "";
  let inSh = false;
  let inOther = false;
  lines.forEach((text, index) => {
    if (!inSh && !inOther && /^#{2,3} /.test(text)) section = text.replace(/^#+ /, "");
    if (text.startsWith("```")) {
      if (inSh || inOther) {
        inSh = false;
        inOther = false;
      } else if (text.trim() === "```sh") inSh = true;
      else inOther = true;
      return;
    }
    if (!inSh || text.trim() === "") return;
    const { command, comment } = splitComment(text);
    if (command === "") return;
    out.push({
      line: index + 1,
      command,
      comment,
      section,
      expectedExits: expectedExitsOf(comment),
    });
  });
  return out;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export interface ScriptOptions {
  /** Where the install section runs (the clone). */
  repo: string;
  /** Where everything after it runs (a fresh folder, as a user's would be). */
  work: string;
  /** Port that replaces the README's 4318, so that the check never collides with a real one. */
  port: number;
}

/**
 * One bash script: the install section runs in the clone, the rest in `work`; `<id>` becomes
 * the top failure's id and `<cluster>` the largest open cluster's; a line ending in `&` is waited for until its port accepts connections.
 * A line that exits other than documented stops the script with exit 100 and says which.
 */
export function buildScript(lines: readonly ReadmeLine[], options: ScriptOptions): string {
  const out: string[] = [
    "set -u",
    // A background server left behind would keep the test's pipes open.
    "trap 'kill $(jobs -p) 2>/dev/null' EXIT",
    `cd ${shellQuote(options.repo)}`,
    "__first_failure_id() {",
    `  npx ratchet failures list --json --top 1 | node -e 'let s="";process.stdin.on("data",(d)=>{s+=d}).on("end",()=>{process.stdout.write(JSON.parse(s.split("\\n")[0]).id)})'`,
    "}",
    "__first_cluster_id() {",
    `  npx ratchet clusters list --json --limit 1 | node -e 'let s="";process.stdin.on("data",(d)=>{s+=d}).on("end",()=>{process.stdout.write(JSON.parse(s)[0].id)})'`,
    "}",
  ];
  let leftInstall = false;
  for (const line of lines) {
    if (NOT_RUN.has(line.command)) continue;
    if (!leftInstall && line.section !== "Install") {
      out.push(`cd ${shellQuote(options.work)}`);
      leftInstall = true;
    }
    const command = line.command
      .replaceAll("<id>", '"$(__first_failure_id)"')
      .replaceAll("<cluster>", '"$(__first_cluster_id)"')
      .replaceAll("4318", String(options.port));
    const expected = line.expectedExits.join(" ");
    out.push(`echo ${shellQuote(`$ ${line.command}   (README.md:${line.line})`)}`);
    out.push(command);
    if (command.endsWith("&")) {
      out.push(
        "__bg=$!",
        `for __i in $(seq 1 1200); do (exec 3<>/dev/tcp/127.0.0.1/${options.port}) 2>/dev/null && break; kill -0 "$__bg" 2>/dev/null || { echo ${shellQuote(`README.md:${line.line}: the background command ended before it listened`)} >&2; exit 100; }; sleep 0.1; done`,
      );
      continue;
    }
    out.push(
      `__rc=$?; case " ${expected} " in *" $__rc "*) ;; *) echo ${shellQuote(`README.md:${line.line}: \`${line.command}\``)}" exited $__rc, expected ${expected}" >&2; exit 100;; esac`,
    );
  }
  out.push("exit 0");
  return `${out.join("\n")}\n`;
}
