import type { Command } from "commander";
import { configJsonSchema } from "../../config/index.js";
import type { Output } from "../output.js";

export function registerSchema(program: Command, output: Output): void {
  program
    .command("schema")
    .description("print the JSON Schema of ratchet.yaml (for editor completion)")
    .action(() => {
      output.out(JSON.stringify(configJsonSchema(), null, 2));
    });
}
