import type { ToolFixture, ToolResponse as ToolFixtureResponse } from "../config/index.js";
import type { SideEffect, ToolCall } from "../core/index.js";

export interface ToolOutcome {
  /** What the agent sees as the tool's result. */
  result: unknown;
  isError: boolean;
  latencyMs: number;
}

/**
 * A mocked world for one attempt. It answers tool calls from fixtures and keeps two
 * ledgers apart: the calls the agent asked for (intent) and the effects that happened.
 * A graders can then tell "tried to refund" from "refunded".
 */
export class MockToolbox {
  readonly calls: ToolCall[] = [];
  readonly effects: SideEffect[] = [];
  private readonly byName: Map<string, ToolFixture>;

  constructor(fixtures: readonly ToolFixture[]) {
    this.byName = new Map(fixtures.map((fixture) => [fixture.name, fixture]));
  }

  get fixtures(): ToolFixture[] {
    return [...this.byName.values()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** A call the agent asked for that could not be made (arguments that do not parse). */
  refuse(id: string, name: string, reason: string): ToolOutcome {
    this.calls.push({ id, name, arguments: {} });
    return { result: reason, isError: true, latencyMs: 0 };
  }

  call(id: string, name: string, args: Record<string, unknown>): ToolOutcome {
    this.calls.push({ id, name, arguments: args });
    const fixture = this.byName.get(name);
    if (!fixture) {
      return { result: { error: `unknown tool '${name}'` }, isError: true, latencyMs: 0 };
    }
    const response = pickResponse(fixture.responses, args);
    if (!response) {
      return {
        result: { error: `no mocked response of '${name}' matches these arguments` },
        isError: true,
        latencyMs: 0,
      };
    }
    const latencyMs = response.latency_ms ?? 0;
    if (response.error !== undefined) {
      return { result: { error: response.error }, isError: true, latencyMs };
    }
    for (const effect of response.effects ?? []) {
      this.effects.push({ tool: name, effect: effect.effect, data: effect.data ?? args });
    }
    if (fixture.side_effect && !response.effects?.length) {
      this.effects.push({ tool: name, effect: `${name}.executed`, data: args });
    }
    return { result: response.result ?? null, isError: false, latencyMs };
  }
}

/** The response a fixture gives to these arguments: the first that matches, else its default. */
export function pickResponse(
  responses: readonly ToolFixtureResponse[],
  args: Record<string, unknown>,
): ToolFixtureResponse | undefined {
  let fallback: ToolFixtureResponse | undefined;
  for (const response of responses) {
    if (response.default) {
      fallback ??= response;
      continue;
    }
    if (matches(response, args)) return response;
  }
  return fallback;
}

function matches(response: ToolFixtureResponse, args: Record<string, unknown>): boolean {
  if (response.when && !isSubset(response.when, args)) return false;
  for (const [field, pattern] of Object.entries(response.when_regex ?? {})) {
    const value = args[field];
    if (value === undefined || !new RegExp(pattern).test(String(value))) return false;
  }
  return response.when !== undefined || response.when_regex !== undefined;
}

function isSubset(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (typeof expected !== typeof actual || expected === null || actual === null) {
    // Fixtures are written by hand: "42" in YAML should match 42 from a model.
    return String(expected) === String(actual);
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      expected.length === actual.length &&
      expected.every((item, i) => isSubset(item, actual[i]))
    );
  }
  if (typeof expected === "object") {
    const actualRecord = actual as Record<string, unknown>;
    return Object.entries(expected as Record<string, unknown>).every(([key, value]) =>
      isSubset(value, actualRecord[key]),
    );
  }
  return false;
}
