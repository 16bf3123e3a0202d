/**
 * Deterministic-grader throughput on a realistic mix (support-agent replies, JSON answers,
 * tool calls), compared with a baseline loop that only does `output.includes(x)` once per
 * assertion on the same inputs. Run: npx tsx bench/graders/index.ts
 */
import {
  type AssertionSpec,
  createRng,
  GENAI,
  type SideEffect,
  type Span,
  type ToolCall,
} from "../../src/core/index.js";
import {
  type CompiledAssertion,
  compileAssertions,
  type GradeInput,
  scoreAttempt,
} from "../../src/graders/index.js";

const rng = createRng(20240501);
const ATTEMPTS = 400;
const SECONDS = 2;

const sentences = [
  "Thanks for reaching out about your order.",
  "I looked up the order and it shipped on Tuesday from our Rotterdam warehouse.",
  "A refund of 20 EUR has been issued to your original payment method.",
  "Refunds usually take 3 to 5 business days to appear on your statement.",
  "If the parcel arrives damaged, please keep the packaging and send us a photo.",
  "You can track the delivery from the Orders page in your account.",
  "Our support team is available Monday to Friday, 9:00 to 17:00 CET.",
  "I'm sorry for the inconvenience this has caused.",
  "Is there anything else I can help you with today?",
];
const tools = ["lookup_order", "search_docs", "refund", "notify_customer", "escalate"];

function span(name: string, start: number, attributes: Span["attributes"]): Span {
  return {
    trace_id: "t",
    span_id: `s${start}`,
    name,
    kind: "internal",
    start_ms: start,
    end_ms: start + 5,
    attributes,
    status: { code: "ok" },
    events: [],
  };
}

function makeAttempt(i: number): GradeInput {
  const json = i % 4 === 0;
  let output: string;
  if (json) {
    const items = Array.from({ length: 1 + rng.int(5) }, (_, k) => ({
      sku: `SKU-${k}${rng.int(900)}`,
      price: rng.int(100) + 0.99,
      qty: 1 + rng.int(3),
    }));
    output = JSON.stringify({
      order_id: `A-${rng.int(9999)}`,
      status: rng.pick(["shipped", "refunded", "pending"]),
      items,
      note: rng.pick(sentences),
    });
  } else {
    const n = 4 + rng.int(10);
    output = Array.from({ length: n }, () => rng.pick(sentences)).join(" ");
    if (rng.next() < 0.05) output += " Contact me at jane.doe@example.com.";
  }
  const tool_calls: ToolCall[] = [
    "lookup_order",
    ...Array.from({ length: rng.int(4) }, () => rng.pick(tools)),
  ].map((name, k) => ({
    id: `call_${k}`,
    name,
    arguments:
      name === "refund"
        ? { order_id: `A-${rng.int(9999)}`, amount: rng.int(50) }
        : { query: rng.pick(sentences).slice(0, 30) },
  }));
  const t0 = 1_000 * i;
  const spans: Span[] = [
    span("invoke_agent support", t0, {}),
    ...tool_calls.flatMap((c, k) => [
      span("chat sim", t0 + 10 * k + 1, {
        [GENAI.operation]: "chat",
        [GENAI.finishReasons]: ["tool-calls"],
      }),
      span(`execute_tool ${c.name}`, t0 + 10 * k + 2, { [GENAI.toolName]: c.name }),
    ]),
    span("chat sim", t0 + 500, { [GENAI.operation]: "chat", [GENAI.finishReasons]: ["stop"] }),
  ];
  const side_effects: SideEffect[] = tool_calls
    .filter((c) => c.name === "refund" || c.name === "notify_customer")
    .map((c) => ({
      tool: c.name,
      effect: c.name === "refund" ? "refund.issued" : "customer.notified",
      data: c.arguments,
    }));
  return {
    case: {
      id: `case-${i % 20}`,
      input: "Where is my refund?",
      assertions: [],
      tags: [],
      severity: "blocking",
    },
    output,
    messages: [],
    tool_calls,
    side_effects,
    spans,
    steps: tool_calls.length + 1,
    latency_ms: 300 + rng.int(4000),
    cost_usd: rng.next() * 0.01,
    usage: { input_tokens: 500, output_tokens: 200 },
  };
}

const textCase: AssertionSpec[] = [
  { type: "contains", value: "refund" },
  { type: "icontains", value: ["ORDER", "payment"], match: "any" },
  { type: "not-contains", value: ["guarantee", "lawsuit", "password"] },
  { type: "regex", pattern: "\\b\\d+ (?:to|-) \\d+ business days\\b", flags: "i" },
  { type: "equals", value: "Thanks for reaching out about your order." },
  { type: "tool-called", tool: "lookup_order" },
  { type: "tool-not-called", tool: "escalate" },
  { type: "tool-sequence", tools: ["lookup_order", "refund"] },
  { type: "tool-args-match", tool: "refund", args: { order_id: { $regex: "^A-\\d+$" } } },
  { type: "max-steps", max: 4 },
  { type: "latency", max_ms: 3000 },
  { type: "cost", max_usd: 0.008 },
  { type: "no-pii" },
  { type: "no-refusal" },
  // Lexical similarity (LCS / edit distance are quadratic in length: the realistic cost).
  { type: "levenshtein", value: "Thanks for reaching out about your order.", threshold: 0.5 },
  { type: "rouge-l", value: "A refund has been issued to your original payment method." },
  { type: "list-contains", value: ["refund", "order"], fuzzy: true, match: "any" },
  { type: "numeric", value: 20, pick: "any" },
  // Trajectory and mocked-tool effects.
  { type: "required-spans", spans: ["execute_tool lookup_order", "chat *"], in_order: true },
  { type: "forbidden-spans", spans: ["/execute_tool (escalate|delete_.*)/"] },
  { type: "expected-stop-reason", reason: "stop" },
  { type: "step-count", min: 1, max: 5 },
  {
    type: "tool-args-schema",
    tool: "refund",
    schema: {
      type: "object",
      required: ["order_id", "amount"],
      properties: { order_id: { type: "string" }, amount: { type: "number", maximum: 40 } },
    },
  },
  { type: "side-effect", effect: "customer.notified", max: 2, min: 0 },
  { type: "forbidden-side-effect", effect: { effect: "refund.*", data: { amount: 49 } } },
  {
    type: "goal-success",
    effects: ["refund.issued"],
    forbid: ["ticket.deleted"],
    state: { "refund.issued": { order_id: { $regex: "^A-" } } },
  },
];
const jsonCase: AssertionSpec[] = [
  { type: "json-valid" },
  {
    type: "json-schema",
    schema: {
      type: "object",
      required: ["order_id", "status", "items"],
      properties: {
        order_id: { type: "string", pattern: "^A-\\d+$" },
        status: { enum: ["shipped", "refunded", "pending"] },
        items: {
          type: "array",
          items: {
            type: "object",
            required: ["sku", "price"],
            properties: { price: { type: "number", minimum: 0 } },
          },
        },
      },
    },
  },
  { type: "equals", json: true, value: { order_id: "A-1", status: "shipped", items: [] } },
  { type: "contains", value: "order_id" },
  { type: "tool-called", tool: "lookup_order", max: 2 },
  { type: "latency", max_ms: 3000 },
  { type: "no-pii" },
  {
    type: "json-diff",
    value: { order_id: "A-1", status: "shipped", items: [{ sku: "SKU-0", qty: 1 }] },
    threshold: 0.5,
    ignore_extra: true,
  },
  { type: "step-count", max: 5 },
];

const attempts = Array.from({ length: ATTEMPTS }, (_, i) => makeAttempt(i));

let t0 = performance.now();
const compiledFor: CompiledAssertion[][] = attempts.map((_, i) =>
  compileAssertions(i % 4 === 0 ? jsonCase : textCase, `bench.yaml:${i}`),
);
const compileMs = performance.now() - t0;
const totalAssertions = compiledFor.reduce((n, c) => n + c.length, 0);
// Distinct schemas each pay a full ajv compile; measure that cost separately.
t0 = performance.now();
const DISTINCT = 50;
for (let i = 0; i < DISTINCT; i++) {
  const schema = { ...(jsonCase[1]!.schema as object), title: `distinct-${i}` };
  compileAssertions([{ type: "json-schema", schema }]);
}
const distinctSchemaMs = (performance.now() - t0) / DISTINCT;

// Fresh shallow copies per pass so the per-attempt cache (lowered text, parsed JSON) starts
// cold each time, as it does for a real attempt graded once.
async function gradePass(): Promise<number> {
  let passed = 0;
  for (let i = 0; i < attempts.length; i++) {
    const r = await scoreAttempt({ ...attempts[i]! }, compiledFor[i]!);
    for (const score of r.scores) if (score.passed) passed++;
  }
  return passed;
}

const needles = compiledFor.map((c) =>
  c.map((a, k) => (typeof a.spec.value === "string" ? a.spec.value : `needle-${k}`)),
);
function baselinePass(): number {
  let hits = 0;
  for (let i = 0; i < attempts.length; i++) {
    const out = attempts[i]!.output;
    for (const x of needles[i]!) if (out.includes(x)) hits++;
  }
  return hits;
}

async function rate(
  pass: () => number | Promise<number>,
): Promise<{ perSecond: number; sink: number }> {
  for (let w = 0; w < 20; w++) await pass(); // warm up the JIT
  let passes = 0;
  let sink = 0;
  t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    sink += await pass();
    passes++;
  }
  return { perSecond: (passes * totalAssertions) / ((performance.now() - t0) / 1000), sink };
}

const graders = await rate(gradePass);
const baseline = await rate(baselinePass);
const passRate = (await gradePass()) / totalAssertions;

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
console.log(
  `attempts: ${ATTEMPTS}, assertions per pass: ${totalAssertions} (${textCase.length} per text case, ${jsonCase.length} per JSON case), assertion pass rate ${(passRate * 100).toFixed(0)}%`,
);
console.log(
  `compile: ${fmt((ATTEMPTS / compileMs) * 1000)} cases/s (${fmt((totalAssertions / compileMs) * 1000)} assertions/s, ajv schema compile included)`,
);
console.log(`compile of a distinct JSON schema (ajv): ${distinctSchemaMs.toFixed(2)} ms each`);
console.log(
  `graders (scoreAttempt, full scoring): ${fmt(graders.perSecond)} assertions/s (target >= 50,000)`,
);
console.log(`baseline (output.includes only):      ${fmt(baseline.perSecond)} assertions/s`);
console.log(
  `ratio baseline/graders: ${(baseline.perSecond / graders.perSecond).toFixed(1)}x slower than the bare includes loop`,
);
if (graders.sink < 0 || baseline.sink < 0) console.log("unreachable");
