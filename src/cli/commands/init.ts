import { cp, mkdir, readdir, stat } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { InputError } from "../../core/index.js";
import type { Output } from "../output.js";
import { packageRoot } from "../package-root.js";

export function registerInit(program: Command, output: Output): void {
  program
    .command("init [dir]")
    .description("scaffold a project: ratchet.yaml, a suite, mocked tools and a sim profile")
    .option("--example <name>", "which example to copy", "support-agent")
    .option("--force", "write into a non-empty directory")
    .action(async (dir: string | undefined, flags: { example: string; force?: boolean }) => {
      const target = resolve(process.cwd(), dir ?? ".");
      const examples = join(packageRoot(), "examples");
      const source = join(examples, flags.example);
      if (!(await exists(source))) {
        const known = (await readdir(examples)).join(", ");
        throw new InputError(`unknown example '${flags.example}' (known: ${known})`, {
          key: "--example",
        });
      }
      if ((await exists(target)) && (await readdir(target)).length > 0 && !flags.force) {
        throw new InputError(`${target} is not empty; use --force to write into it`);
      }
      await mkdir(target, { recursive: true });
      await cp(source, target, {
        recursive: true,
        force: flags.force === true,
        filter: (path) => !/[\\/](\.ratchet|node_modules)([\\/]|$)/.test(path),
      });
      const shown = relative(process.cwd(), target) || ".";
      output.out(
        `created ${shown} from the ${flags.example} example\nnext:\n  cd ${shown}\n  npx ratchet eval\n  npx ratchet runs list`,
      );
    });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
