/**
 * The shadow's benchmark (issue 22): "Shadow of 500 inputs: wall time and agent calls." Run:
 *   npx tsx bench/live/shadow.ts [--inputs 500] [--concurrency 8] [--json] [--keep]
 *
 * Production traffic is derived from the support example: each trace is one of the example
 * suites' cases as the application would have served it (the user's message, the tool calls
 * the case expects with the results the example's tool fixtures give, the reference answer),
 * tagged with the production prompt's version as `ratchet/client` tags it. Every fifth trace
 * ends on the user's "thanks" (replayed from its answered turn) and one in fifty has no answer
 * (skipped). The candidate prompt is then shadowed on them with `sim:support` and `sim:judge`
 * (the example's profile latency set to 0, so the numbers are Ratchet's own overhead plus the
 * sim's CPU, not a simulated network).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { MockToolbox } from "../../src/agents/index.js";
import { loadAgentTools, loadConfig } from "../../src/config/index.js";
import { GENAI, type Span } from "../../src/core/index.js";
import { runShadow } from "../../src/live/shadow/index.js";
import { addPrompt } from "../../src/prompts/index.js";
import { openSqliteStore } from "../../src/store/index.js";
import { intFlag, parseFlags } from "../shared/flags.js";

const EXAMPLE = new URL("../../examples/support-agent", import.meta.url).pathname;

interface SuiteCase {
  id: string;
  input: string;
  expected?: {
    output?: string;
    tool_calls?: Array<{ name: string; arguments?: Record<string, unknown> }>;
  };
}

const flags = parseFlags(process.argv.slice(2));
const inputs = intFlag(flags, "inputs", 500);
const concurrency = intFlag(flags, "concurrency", 8);

const dir = mkdtempSync(join(tmpdir(), "ratchet-bench-shadow-"));
cpSync(EXAMPLE, dir, { recursive: true });
const configPath = join(dir, "ratchet.yaml");
writeFileSync(
  configPath,
  readFileSync(configPath, "utf8").replace("latency_ms: 5", "latency_ms: 0"),
);
const loaded = await loadConfig(configPath);
const store = await openSqliteStore(join(dir, "bench.db"));

try {
  const prompt = readFileSync(join(dir, "prompts/system.md"), "utf8");
  const production = await addPrompt(store, {
    name: "support",
    content: prompt,
    label: "production",
    actor: "bench",
  });
  await addPrompt(store, {
    name: "support",
    content: `${prompt}\nNever guess: always use the tools before answering, and pass order ids exactly as written, with their ORD- prefix.\n`,
    label: "candidate",
    actor: "bench",
  });

  const cases: SuiteCase[] = [];
  for (const file of readdirSync(join(dir, "suites")).sort()) {
    const doc = parse(readFileSync(join(dir, "suites", file), "utf8")) as { cases?: SuiteCase[] };
    for (const c of doc.cases ?? []) if (typeof c.input === "string") cases.push(c);
  }
  const tools = new MockToolbox(await loadAgentTools(loaded));
  const version = `support@${production.version.hash}`;
  const now = Date.now();
  const spans: Span[] = [];
  for (let i = 0; i < inputs; i++) {
    const c = cases[i % cases.length] as SuiteCase;
    const traceId = `bench-${String(i).padStart(5, "0")}`;
    const at = now - (inputs - i) * 1000;
    const mk = (id: string, attributes: Span["attributes"], parent?: string): Span => ({
      trace_id: traceId,
      span_id: `${traceId}-${id}`,
      ...(parent ? { parent_span_id: parent } : {}),
      name: String(attributes[GENAI.operation]),
      kind: "internal",
      start_ms: at,
      end_ms: at + 800,
      attributes,
      status: { code: "ok" },
      events: [],
    });
    const answer = c.expected?.output ?? "Thanks for reaching out, I'm looking into it.";
    const messages = [{ role: "user", content: c.input }];
    if (i % 5 === 4)
      messages.push({ role: "assistant", content: answer }, { role: "user", content: "thanks!" });
    const root = mk("root", {
      [GENAI.operation]: "invoke_agent",
      "ratchet.agent.name": "support",
      "ratchet.prompt.name": "support",
      "ratchet.prompt.version": version,
      "gen_ai.input.messages": JSON.stringify(messages),
      ...(i % 50 === 47 || i % 5 === 4
        ? {}
        : { "gen_ai.output.messages": JSON.stringify([{ role: "assistant", content: answer }]) }),
    });
    spans.push(root);
    for (const [k, call] of (c.expected?.tool_calls ?? []).entries()) {
      const args = call.arguments ?? {};
      const outcome = tools.call(`c${k}`, call.name, args);
      spans.push(
        mk(
          `tool${k}`,
          {
            [GENAI.operation]: "execute_tool",
            [GENAI.toolName]: call.name,
            [GENAI.toolArguments]: JSON.stringify(args),
            [GENAI.toolResult]: JSON.stringify(outcome.result),
          },
          root.span_id,
        ),
      );
    }
  }
  await store.traces.insertSpans(spans, { sourceFormat: "bench" });

  const started = performance.now();
  const doc = await runShadow({
    store,
    loaded,
    challenger: "support@candidate",
    sample: inputs,
    concurrency,
  });
  const wallMs = performance.now() - started;
  const s = doc.summary;
  const result = {
    inputs,
    replayed: s.replayed,
    skipped: s.skipped,
    wall_s: Number((wallMs / 1000).toFixed(2)),
    agent_calls: s.agent_calls,
    judge_calls: s.judge_calls,
    ms_per_input: Number((wallMs / Math.max(1, s.replayed)).toFixed(1)),
    agent_calls_per_input: Number((s.agent_calls / Math.max(1, s.replayed)).toFixed(2)),
    tools: s.tools,
    verdict: s.verdict,
    win_rate: s.win_rate,
    concurrency,
  };
  if (flags.has("json")) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(
      `shadow of ${inputs} production inputs (sim:support, sim:judge, concurrency ${concurrency})`,
    );
    console.log(`  replayed ${s.replayed}, skipped ${JSON.stringify(s.skipped)}`);
    console.log(`  wall time ${result.wall_s} s, ${result.ms_per_input} ms per input`);
    console.log(
      `  agent calls ${s.agent_calls} (${result.agent_calls_per_input} per input), judge calls ${s.judge_calls}`,
    );
    console.log(
      `  tools: ${s.tools.recorded} recorded, ${s.tools.mock} mocked, ${s.tools.unanswered} unanswered; verdict ${s.verdict}`,
    );
  }
} finally {
  await store.close();
  if (!flags.has("keep")) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
