import { z } from "zod";
import { bodyTemplateProblem } from "../body-template.js";
import { LIMITS } from "./limits.js";
import { ToolListSchema } from "./tools.js";

export const BUILTIN_PROVIDERS = ["openai", "anthropic", "ollama", "sim"] as const;

/** `provider:model`; the provider is a built-in or a name declared under `providers:`. */
export const ModelRefSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*:\S.*$/, {
  error: 'expected "provider:model", e.g. "openai:gpt-4o-mini" or "sim:support"',
});

const StringMap = z.record(z.string(), z.string());

/** The body is sent as JSON unless the headers name another content type. */
export function sendsJson(headers: Record<string, string>): boolean {
  const type = Object.entries(headers).find(([name]) => name.toLowerCase() === "content-type");
  return type === undefined || /json/i.test(type[1]);
}

export const HttpAgentSchema = z
  .strictObject({
    url: z.url(),
    method: z.enum(["GET", "POST", "PUT", "PATCH"]).default("POST"),
    /** May hold `${VAR}` placeholders, expanded at request time (never stored expanded). */
    headers: StringMap.default({}),
    /** A template string or a JSON object whose string leaves are templates. */
    body: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    answer_path: z.string().min(1).default("$.output"),
    tool_calls_path: z.string().min(1).optional(),
    timeout_seconds: z.number().positive().max(LIMITS.timeoutSeconds).optional(),
  })
  .superRefine((http, ctx) => {
    if (typeof http.body !== "string" || !sendsJson(http.headers)) return;
    const problem = bodyTemplateProblem(http.body);
    if (problem !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["body"],
        message: `a JSON body template must be JSON once values are inserted (${problem}); put text placeholders inside quotes ("{{input}}") or write the body as a YAML mapping`,
      });
    }
  });

export const ExecAgentSchema = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: StringMap.default({}),
  cwd: z.string().optional(),
});

export const ModuleAgentSchema = z.strictObject({
  path: z.string().min(1),
  export: z.string().min(1).default("default"),
});

export const AgentSchema = z
  .strictObject({
    kind: z.enum(["prompt", "http", "exec", "module"]).default("prompt"),
    identifier: z.string().optional(),
    model: ModelRefSchema.default("sim:support"),
    system_prompt: z.string().optional(),
    system_prompt_file: z.string().min(1).optional(),
    /** A tool-fixture file (relative to the config) or the tools inline. */
    tools: z.union([z.string().min(1), ToolListSchema]).optional(),
    /** The seed's form: names of tools, picked from `tools`. */
    tool_definitions: z.array(z.string().min(1)).optional(),
    max_steps: z.int().min(1).max(LIMITS.maxSteps).default(8),
    temperature: z.number().min(0).max(2).default(0),
    max_tokens: z.int().positive().max(LIMITS.maxTokens).optional(),
    http: HttpAgentSchema.optional(),
    exec: ExecAgentSchema.optional(),
    module: ModuleAgentSchema.optional(),
  })
  .superRefine((agent, ctx) => {
    if (agent.system_prompt !== undefined && agent.system_prompt_file !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["system_prompt_file"],
        message: "use either `system_prompt` or `system_prompt_file`, not both",
      });
    }
    for (const kind of ["http", "exec", "module"] as const) {
      if (agent.kind === kind && agent[kind] === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["kind"],
          message: `kind \`${kind}\` needs an \`agent.${kind}\` section`,
        });
      }
    }
  })
  .prefault({});

export type HttpAgentConfig = z.output<typeof HttpAgentSchema>;
export type ExecAgentConfig = z.output<typeof ExecAgentSchema>;
export type ModuleAgentConfig = z.output<typeof ModuleAgentSchema>;
export type AgentConfig = z.output<typeof AgentSchema>;
export type AgentKind = AgentConfig["kind"];
