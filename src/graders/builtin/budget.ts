import { z } from "zod";
import type { GraderDefinition } from "../types.js";
import { fail, pass } from "../verdict.js";

const latencyParams = z.strictObject({ max_ms: z.number().positive() });

export const latency: GraderDefinition<z.output<typeof latencyParams>> = {
  type: "latency",
  dimension: "latency",
  params: latencyParams,
  description: "the attempt finished within `max_ms` milliseconds",
  grade(input, p) {
    const ms = Math.round(input.latency_ms);
    return input.latency_ms <= p.max_ms
      ? pass(`latency ${ms} ms (max ${p.max_ms} ms)`)
      : fail(`latency ${ms} ms exceeds the max of ${p.max_ms} ms`);
  },
};

const costParams = z.strictObject({ max_usd: z.number().min(0) });

function usd(n: number): string {
  return `$${n < 0.01 ? n.toPrecision(3) : n.toFixed(4)}`;
}

export const cost: GraderDefinition<z.output<typeof costParams>> = {
  type: "cost",
  dimension: "cost",
  params: costParams,
  description: "the attempt cost at most `max_usd` US dollars",
  grade(input, p) {
    return input.cost_usd <= p.max_usd
      ? pass(`cost ${usd(input.cost_usd)} (max ${usd(p.max_usd)})`)
      : fail(`cost ${usd(input.cost_usd)} exceeds the max of ${usd(p.max_usd)}`);
  },
};
