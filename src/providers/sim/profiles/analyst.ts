import type { SimProfileInput } from "../profile.js";
import { ALWAYS_USE_TOOLS, CONCISE, ISO_DATES, ONLY_JSON } from "./cures.js";

/** A data/report agent: metrics and SQL, JSON reports with dates and numbers. */
export const analystProfile: SimProfileInput = {
  name: "analyst",
  description:
    "Data analyst agent answering metric questions with JSON reports. " +
    "Tools: get_metric, run_query, create_chart.",
  tokenizer: "o200k_base",
  latency: { base_ms: 900, per_output_token_ms: 15, jitter: 0.3 },
  context_budget_tokens: 500,
  flake_rate: 0.02,
  templates: [
    {
      id: "metric",
      match: "\\b(?<metric>revenue|sales|orders|signups|churn|active users)\\b",
      tool: { name: "get_metric", arguments: { metric: "{metric}" } },
      answer: "{metric} for the requested period: {result.value|not available}.",
    },
    {
      id: "query",
      match: "\\b(query|sql|table|rows)\\b",
      tool: { name: "run_query", arguments: { sql: "SELECT COUNT(*) AS n FROM orders" } },
      answer: "The query returned {result.rows|no rows}.",
    },
    {
      id: "fallback",
      answer:
        "I can report on revenue, orders, signups, churn and active users, or run a SQL query. Which metric and date range do you need?",
    },
  ],
  habits: [
    {
      id: "prose_around_json",
      description: "Introduces the JSON report with a sentence and a markdown code fence.",
      trigger: { when: ["json_answer"] },
      probability: 0.6,
      effect: {
        type: "wrap_json",
        prefix: "Here's the report in JSON format:",
        suffix: "The numbers above cover the full period you asked about.",
        fence: true,
      },
      cure: ONLY_JSON,
    },
    {
      id: "us_date_format",
      description: "Writes dates as MM/DD/YYYY in reports instead of ISO 8601.",
      trigger: { when: ["final_answer", "contains_date"] },
      probability: 0.5,
      effect: { type: "date_format", format: "MM/DD/YYYY" },
      cure: ISO_DATES,
    },
    {
      id: "us_date_argument",
      description: "Passes start dates to get_metric as MM/DD/YYYY.",
      trigger: { when: ["tool_call"] },
      probability: 0.35,
      effect: {
        type: "mangle_argument",
        tool: "get_metric",
        argument: "start_date",
        pattern: "^(\\d{4})-(\\d{2})-(\\d{2})$",
        replacement: "$2/$3/$1",
      },
      cure: ISO_DATES,
    },
    {
      id: "camel_case_keys",
      description: "Renames snake_case report fields to camelCase.",
      trigger: { when: ["json_answer"] },
      probability: 0.3,
      effect: { type: "json_rename_keys", style: "camelCase" },
      cure: [
        {
          any_of: [
            "snake_case",
            "exact field names",
            "exact key names",
            "keys exactly",
            "field names exactly",
            "do not rename",
            "don't rename",
          ],
        },
      ],
    },
    {
      id: "stringified_numbers",
      description: 'Writes numbers as strings with thousands separators ("12,500").',
      trigger: { when: ["json_answer"] },
      probability: 0.3,
      effect: { type: "json_stringify_numbers", thousands_separator: true },
      cure: [
        {
          any_of: [
            "json numbers",
            "numbers as numbers",
            "numeric values as numbers",
            "numbers, not strings",
            "not strings",
            "no thousands separator",
            "without thousands separators",
            "do not quote numbers",
            "unquoted numbers",
          ],
        },
      ],
    },
    {
      id: "dropped_field",
      description: "Leaves the last field out of a JSON report.",
      trigger: { when: ["json_answer"] },
      probability: 0.25,
      effect: { type: "json_drop_key" },
      cure: [
        {
          any_of: [
            "include every field",
            "include all fields",
            "all required fields",
            "every required field",
            "all keys",
            "every key",
            "do not omit",
            "don't omit",
            "never omit",
          ],
        },
      ],
    },
    {
      id: "skipped_query",
      description: "Estimates a figure instead of querying for it.",
      trigger: { when: ["tool_call"] },
      probability: 0.3,
      effect: {
        type: "skip_tool_call",
        answer: "Based on typical trends, that figure is roughly 12,500 for the period.",
      },
      cure: ALWAYS_USE_TOOLS,
    },
    {
      id: "verbose_narrative",
      description: "Adds an executive-summary narrative to plain-text answers.",
      trigger: { when: ["text_answer"] },
      probability: 0.4,
      effect: {
        type: "pad",
        count: 2,
        paragraphs: [
          "Executive summary: overall, the data points to a healthy trajectory, although seasonal effects and one-off campaigns can make period-over-period comparisons noisy. It is worth reviewing these numbers alongside marketing spend and product releases.",
          "Methodology note: figures are aggregated from the reporting warehouse and may differ slightly from finance numbers due to refunds, currency conversion and late-arriving events. Consider re-running the analysis at month end for the final view.",
          "Next steps: I'd recommend setting up a recurring dashboard for this metric, adding alerts for significant deviations, and segmenting by region and channel to understand the drivers in more depth.",
        ],
      },
      cure: CONCISE,
    },
  ],
};
