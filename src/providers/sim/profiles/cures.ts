import type { SimProfileInput } from "../profile.js";

type Cure = SimProfileInput["habits"][number]["cure"];

/** Cures shared by several habits and profiles: the instructions a prompt engineer writes. */
export const ONLY_JSON: Cure = [
  {
    any_of: [
      "only json",
      "json only",
      "raw json",
      "only the json",
      "nothing but json",
      "no prose",
      "no markdown",
      "no code fence",
      "without code fences",
      "without markdown",
      "without any explanation",
      "no explanation",
    ],
  },
  { regex: "\\b(only|just|solely)\\b[^.\\n]{0,40}\\bjson\\b" },
  { regex: "\\bjson\\b[^.\\n]{0,30}\\b(only|nothing else)\\b" },
];

export const ISO_DATES: Cure = [
  { any_of: ["iso 8601", "iso-8601", "iso8601", "yyyy-mm-dd", "iso format", "iso date"] },
];

export const CONCISE: Cure = [
  {
    any_of: [
      "be concise",
      "be brief",
      "keep answers short",
      "keep your answer short",
      "keep replies short",
      "short answers",
      "no filler",
      "do not pad",
      "don't pad",
    ],
  },
  {
    regex:
      "\\b(at most|no more than|under|fewer than|maximum of|max\\.?|within)\\s+\\d+\\s+(words|sentences|lines|paragraphs?)",
  },
];

export const ALWAYS_USE_TOOLS: Cure = [
  {
    any_of: [
      "never guess",
      "do not guess",
      "don't guess",
      "never make up",
      "always use the tools",
      "use the tools before answering",
      "always look up",
      "always check",
    ],
  },
  { regex: "\\b(always|must|first)\\b[^.\\n]{0,60}\\b(call|use|look ?up|run|query)\\b" },
  { regex: "\\b(before|prior to)\\s+answering\\b[^.\\n]{0,60}\\b(call|use|look ?up|run)\\b" },
];
