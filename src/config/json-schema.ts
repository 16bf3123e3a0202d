import { z } from "zod";
import { RatchetConfigSchema } from "./schema/root.js";
import { ToolFixtureFileSchema } from "./schema/tools.js";

/**
 * JSON Schema of what users write (input side: defaults optional, aliases allowed),
 * for `ratchet schema` and editor completion.
 */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(RatchetConfigSchema, { io: "input", unrepresentable: "any" }),
    title: "Ratchet configuration (ratchet.yaml)",
  };
}

export function toolFixturesJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ToolFixtureFileSchema, { io: "input", unrepresentable: "any" }),
    title: "Ratchet tool fixtures",
  };
}
