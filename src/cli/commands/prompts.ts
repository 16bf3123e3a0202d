import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { errorMessage, InputError } from "../../core/index.js";
import {
  addPrompt,
  DEFAULT_LABEL,
  describePromptChange,
  exportPrompts,
  importPrompts,
  type LineageEntry,
  labelPrompt,
  listPrompts,
  type PromptSettings,
  type PromptVersionRecord,
  parsePromptSettings,
  promptLineage,
  resolvePromptRef,
  rollbackPrompt,
  unifiedDiff,
} from "../../prompts/index.js";
import { renderTable } from "../../report/index.js";
import type { PromptLabelEvent } from "../../store/index.js";
import { parseIntOption, parseNumberOption } from "../options.js";
import type { Output } from "../output.js";
import { withProject } from "../project.js";

interface ProjectOptions {
  config?: string;
  db?: string;
}

const short = (hash: string | undefined) => (hash === undefined ? "-" : hash.slice(0, 12));

function withProjectOptions(command: Command): Command {
  return command
    .option("-c, --config <path>", "config file")
    .option("--db <path>", "SQLite store (default: the config's store.path)");
}

function checkFormat(format: string): "table" | "json" {
  if (format !== "table" && format !== "json") {
    throw new InputError(`--format must be table or json, got '${format}'`, { key: "--format" });
  }
  return format;
}

async function readText(path: string, key: string): Promise<string> {
  try {
    return await readFile(resolve(path), "utf8");
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${errorMessage(error)}`, { file: path, key });
  }
}

/** `--settings file` (YAML or JSON), then the single flags over it. */
async function settingsFromFlags(flags: AddFlags): Promise<PromptSettings | undefined> {
  let base: Record<string, unknown> = {};
  if (flags.settings !== undefined) {
    const text = await readText(flags.settings, "--settings");
    let value: unknown;
    try {
      value = parseYaml(text);
    } catch (error) {
      throw new InputError(`not YAML or JSON: ${errorMessage(error)}`, { file: flags.settings });
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new InputError(
        "expected a mapping of model, temperature, max_tokens, max_steps, tools",
        {
          file: flags.settings,
        },
      );
    }
    base = value as Record<string, unknown>;
  }
  if (flags.tools !== undefined) {
    const text = await readText(flags.tools, "--tools");
    let value: unknown;
    try {
      value = parseYaml(text);
    } catch (error) {
      throw new InputError(`not YAML or JSON: ${errorMessage(error)}`, { file: flags.tools });
    }
    const list =
      value !== null && typeof value === "object" && !Array.isArray(value) && "tools" in value
        ? (value as { tools: unknown }).tools
        : value;
    // Only what the model sees is versioned; fixtures' mocked responses stay in the fixtures.
    base.tools = Array.isArray(list)
      ? list.map((tool: unknown) => {
          if (tool === null || typeof tool !== "object") return tool;
          const { name, description, parameters } = tool as Record<string, unknown>;
          return { name, description, parameters };
        })
      : list;
  }
  if (flags.model !== undefined) base.model = flags.model;
  if (flags.temperature !== undefined) base.temperature = flags.temperature;
  if (flags.maxTokens !== undefined) base.max_tokens = flags.maxTokens;
  if (flags.maxSteps !== undefined) base.max_steps = flags.maxSteps;
  return parsePromptSettings(
    Object.keys(base).length ? base : undefined,
    flags.settings ?? flags.tools ?? "flags",
  );
}

interface AddFlags extends ProjectOptions {
  label?: string;
  author?: string;
  optimizer?: boolean;
  rationale?: string;
  targetCluster?: string;
  parent?: string[];
  reason?: string;
  settings?: string;
  tools?: string;
  model?: string;
  temperature?: number;
  maxTokens?: number;
  maxSteps?: number;
}

function labelsText(labels: string[]): string {
  return labels.length ? labels.join(", ") : "-";
}

function describeVersion(v: PromptVersionRecord, lineage: LineageEntry[]): string {
  const lines = [
    `${v.name}@${v.hash}`,
    `labels:    ${labelsText(v.labels)}`,
    `author:    ${v.author} (${v.author_kind})`,
    `created:   ${v.created_at}`,
    `parents:   ${v.parents.length ? v.parents.map(short).join(", ") : "-"}`,
  ];
  if (v.rationale) lines.push(`rationale: ${v.rationale}`);
  if (v.target_cluster) lines.push(`cluster:   ${v.target_cluster}`);
  if (v.settings) lines.push(`settings:  ${JSON.stringify(v.settings)}`);
  if (lineage.length > 0) {
    lines.push("lineage:");
    for (const entry of lineage) {
      const a = entry.version;
      lines.push(
        `  ${"  ".repeat(entry.depth - 1)}← ${short(entry.hash)}${
          a
            ? ` ${a.labels.length ? `(${a.labels.join(", ")}) ` : ""}${a.author}, ${a.created_at}${a.rationale ? `: ${a.rationale}` : ""}`
            : " (pruned)"
        }`,
      );
    }
  }
  lines.push("", v.content.endsWith("\n") ? v.content.slice(0, -1) : v.content);
  return lines.join("\n");
}

function eventLine(e: PromptLabelEvent): string[] {
  return [
    String(e.id),
    e.at,
    e.label,
    e.kind,
    short(e.from_hash),
    short(e.to_hash),
    e.actor,
    e.reason ?? "",
  ];
}

export function registerPrompts(
  program: Command,
  output: Output,
  setExit: (code: number) => void,
): void {
  const prompts = program
    .command("prompts")
    .description("the prompt registry: versions, labels, lineage, rollback, import and export");

  withProjectOptions(prompts.command("add"))
    .description("add a version from a file (the same content again is the same version)")
    .argument("<name>", "prompt name, e.g. support")
    .argument("<file>", "the prompt text")
    .option("--label <label>", "point this label at the version, e.g. production or candidate")
    .option("--author <who>", "who wrote it (default: git user.name, else $USER)")
    .option("--optimizer", "the author is the optimizer, not a person")
    .option("--rationale <text>", "why this version")
    .option("--target-cluster <id>", "the failure cluster it targets")
    .option("--parent <ref...>", "the version(s) it came from (two for a merge)")
    .option("--reason <text>", "why the label moves (with --label)")
    .option("--settings <file>", "YAML/JSON: model, temperature, max_tokens, max_steps, tools")
    .option(
      "--tools <file>",
      "tool definitions (a tool-fixture file or list); only names, descriptions and parameters are kept",
    )
    .option("--model <spec>", "provider:model this version runs on")
    .option("--temperature <t>", "sampling temperature", parseNumberOption("--temperature", 0, 2))
    .option("--max-tokens <n>", "output token limit", parseIntOption("--max-tokens", 1))
    .option("--max-steps <n>", "tool-loop steps", parseIntOption("--max-steps", 1))
    .action(async (name: string, file: string, flags: AddFlags) => {
      const content = await readText(file, "file");
      const settings = await settingsFromFlags(flags);
      await withProject(flags, async ({ store, config }) => {
        const result = await addPrompt(store, {
          name,
          content,
          ...(settings ? { settings } : {}),
          ...(flags.parent ? { parents: flags.parent } : {}),
          ...(flags.author ? { author: flags.author, actor: flags.author } : {}),
          author_kind: flags.optimizer ? "optimizer" : "human",
          ...(flags.rationale ? { rationale: flags.rationale } : {}),
          ...(flags.targetCluster ? { target_cluster: flags.targetCluster } : {}),
          ...(flags.label ? { label: flags.label } : {}),
          ...(flags.reason ? { reason: flags.reason } : {}),
          retain: config.rollback.max_versions_retained,
        });
        const v = result.version;
        output.out(
          `${result.created ? "added" : "already there:"} ${v.name}@${short(v.hash)}${
            v.labels.length ? ` (${v.labels.join(", ")})` : ""
          }`,
        );
        if (result.pruned.length) {
          output.err(
            `pruned ${result.pruned.length} old version(s) beyond rollback.max_versions_retained = ${config.rollback.max_versions_retained}: ${result.pruned.map(short).join(", ")}`,
          );
        }
      });
      setExit(0);
    });

  withProjectOptions(prompts.command("list"))
    .description("names, versions, labels, authors and dates")
    .argument("[name]", "only this prompt")
    .option("--format <format>", "table | json", "table")
    .action(async (name: string | undefined, flags: ProjectOptions & { format: string }) => {
      const format = checkFormat(flags.format);
      await withProject(flags, async ({ store }) => {
        const versions = await listPrompts(store, name);
        if (format === "json") {
          output.out(JSON.stringify(versions));
          return;
        }
        if (versions.length === 0) {
          output.out(
            name
              ? `no prompt named '${name}'`
              : "no prompts yet: `ratchet prompts add <name> <file> --label production`",
          );
          return;
        }
        const rows = [...versions]
          .reverse()
          .map((v) => [
            v.name,
            short(v.hash),
            labelsText(v.labels),
            v.author,
            v.author_kind,
            v.created_at,
          ]);
        output.out(renderTable(["name", "version", "labels", "author", "kind", "created"], rows));
      });
      setExit(0);
    });

  withProjectOptions(prompts.command("show"))
    .description("a version: content, lineage, rationale, labels")
    .argument("<ref>", "name, name@label or name@hash")
    .option("--format <format>", "table | json", "table")
    .action(async (ref: string, flags: ProjectOptions & { format: string }) => {
      const format = checkFormat(flags.format);
      await withProject(flags, async ({ store }) => {
        const v = await resolvePromptRef(store, ref, "ref");
        const lineage = await promptLineage(store, v);
        output.out(
          format === "json"
            ? JSON.stringify({
                ...v,
                lineage: lineage.map((e) => ({ hash: e.hash, depth: e.depth, pruned: !e.version })),
              })
            : describeVersion(v, lineage),
        );
      });
      setExit(0);
    });

  withProjectOptions(prompts.command("diff"))
    .description("line diff of two versions' content, and what changed in their settings")
    .argument("<a>", "name@label or name@hash")
    .argument("<b>", "name@label or name@hash")
    .action(async (refA: string, refB: string, flags: ProjectOptions) => {
      await withProject(flags, async ({ store }) => {
        const a = await resolvePromptRef(store, refA, "a");
        const b = await resolvePromptRef(store, refB, "b");
        const change = describePromptChange(a, b);
        output.out(
          `${a.name}@${short(a.hash)} → ${b.name}@${short(b.hash)}: ${
            change.parts.length
              ? `${change.parts.join(", ")} changed (change type: ${change.changeType})`
              : "identical"
          }`,
        );
        const settings = unifiedDiff(
          a.settings ? `${JSON.stringify(a.settings, null, 2)}\n` : "",
          b.settings ? `${JSON.stringify(b.settings, null, 2)}\n` : "",
          { from: `${refA} settings`, to: `${refB} settings` },
        );
        const content = unifiedDiff(a.content, b.content, { from: refA, to: refB });
        if (content) output.out(content);
        if (settings) output.out(settings);
      });
      setExit(0);
    });

  withProjectOptions(prompts.command("label"))
    .description("point a label at a version (recorded in the history)")
    .argument("<name>", "prompt name")
    .argument("<version>", "hash, unique hash prefix (≥ 7), or another label")
    .argument("<label>", "e.g. production, candidate")
    .option("--reason <text>", "why")
    .option("--actor <who>", "who (default: git user.name, else $USER)")
    .action(
      async (
        name: string,
        version: string,
        label: string,
        flags: ProjectOptions & { reason?: string; actor?: string },
      ) => {
        await withProject(flags, async ({ store }) => {
          const event = await labelPrompt(store, name, version, label, {
            ...(flags.reason ? { reason: flags.reason } : {}),
            ...(flags.actor ? { actor: flags.actor } : {}),
          });
          output.out(`${name}@${label}: ${short(event.from_hash)} → ${short(event.to_hash)}`);
        });
        setExit(0);
      },
    );

  withProjectOptions(prompts.command("rollback"))
    .description("move a label back one step in its history (recorded with who and why)")
    .argument("<name>", "prompt name")
    .option("--label <label>", "the label to move back", DEFAULT_LABEL)
    .option("--reason <text>", "why")
    .option("--actor <who>", "who (default: git user.name, else $USER)")
    .action(
      async (
        name: string,
        flags: ProjectOptions & { label: string; reason?: string; actor?: string },
      ) => {
        await withProject(flags, async ({ store }) => {
          const event = await rollbackPrompt(store, name, flags.label, {
            ...(flags.reason ? { reason: flags.reason } : {}),
            ...(flags.actor ? { actor: flags.actor } : {}),
          });
          output.out(
            `rolled back ${name}@${flags.label}: ${short(event.from_hash)} → ${short(event.to_hash)} (by ${event.actor})`,
          );
        });
        setExit(0);
      },
    );

  withProjectOptions(prompts.command("history"))
    .description("every label move of a prompt, oldest first")
    .argument("<name>", "prompt name")
    .option("--label <label>", "only this label")
    .option("--format <format>", "table | json", "table")
    .action(async (name: string, flags: ProjectOptions & { label?: string; format: string }) => {
      const format = checkFormat(flags.format);
      await withProject(flags, async ({ store }) => {
        if (!(await store.prompts.listNames()).includes(name)) {
          await resolvePromptRef(store, name, "name"); // unknown: throws with a suggestion
        }
        const events = await store.prompts.labelHistory(name, flags.label);
        if (format === "json") {
          output.out(JSON.stringify(events));
          return;
        }
        if (events.length === 0) {
          output.out(`no label moves for ${name}`);
          return;
        }
        output.out(
          renderTable(
            ["#", "at", "label", "kind", "from", "to", "actor", "reason"],
            events.map(eventLine),
          ),
        );
      });
      setExit(0);
    });

  withProjectOptions(prompts.command("export"))
    .description("write a prompt's versions as plain files plus registry.json, to keep in git")
    .argument("<name>", "prompt name")
    .requiredOption("--out <dir>", "folder; files go to <dir>/<name>/")
    .action(async (name: string, flags: ProjectOptions & { out: string }) => {
      await withProject(flags, async ({ store }) => {
        const result = await exportPrompts(store, name, resolve(flags.out));
        output.out(`wrote ${result.files.length} files to ${result.dir}`);
      });
      setExit(0);
    });

  withProjectOptions(prompts.command("import"))
    .description("read exported folders back (hashes verified; all or nothing)")
    .argument("<dir>", "a folder written by export, or a folder of them")
    .option("--reason <text>", "recorded with the label moves")
    .option("--actor <who>", "who (default: git user.name, else $USER)")
    .action(async (dir: string, flags: ProjectOptions & { reason?: string; actor?: string }) => {
      await withProject(flags, async ({ store }) => {
        const summary = await importPrompts(store, resolve(dir), {
          ...(flags.reason ? { reason: flags.reason } : {}),
          ...(flags.actor ? { actor: flags.actor } : {}),
        });
        output.out(
          `imported ${summary.names.join(", ")}: ${summary.added} new version(s), ${summary.existing} already there, ${summary.labelsMoved} label move(s)`,
        );
      });
      setExit(0);
    });
}
