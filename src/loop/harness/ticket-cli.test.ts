import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli as ratchet } from "../../cli/test-support.js";
import type { TrackRecommendation } from "./types.js";

const EXAMPLE = new URL("../../../examples/support-agent", import.meta.url).pathname;
let dir: string;
let config: string;
let clusters: Array<{ id: string; recommendation: TrackRecommendation }>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ratchet-ticket-"));
  cpSync(EXAMPLE, dir, { recursive: true });
  config = join(dir, "ratchet.yaml");
  writeFileSync(config, readFileSync(config, "utf8").replace("latency_ms: 5", "latency_ms: 0"));
  // Production traces (a refund tool that times out) and an eval run's failed attempts.
  expect((await ratchet("ingest", join(dir, "traces.jsonl"), "-c", config)).code).toBe(0);
  expect((await ratchet("eval", "-c", config)).code).toBe(1); // the example's baseline fails
  const build = await ratchet("clusters", "build", "--run", "latest", "--json", "-c", config);
  expect(build.code, build.err).toBe(0);
  const ids = (JSON.parse(build.out) as { clusters: Array<{ id: string }> }).clusters;
  clusters = [];
  for (const { id } of ids) {
    const show = await ratchet("clusters", "show", id, "--json", "-c", config);
    clusters.push(JSON.parse(show.out) as (typeof clusters)[number]);
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const onTrack = (track: string) => {
  const found = clusters.find((c) => c.recommendation.track === track);
  if (!found) throw new Error(`no ${track}-track cluster in ${JSON.stringify(clusters)}`);
  return found;
};

describe("ratchet clusters show / ticket", () => {
  it("finds the refund tool's time-outs a harness problem and the eval failures a prompt one", () => {
    const code = onTrack("code");
    expect(code.recommendation.harness?.kind).toBe("tools");
    expect(code.recommendation.reasons[0]).toMatch(/are tool calls that failed \(.*issue_refund/);
    expect(onTrack("prompt").recommendation.reasons[0]).toMatch(/behaviour a prompt steers/);
  });

  it("prints the track and its top reason in `clusters show`", async () => {
    const { id, recommendation } = onTrack("code");
    const show = await ratchet("clusters", "show", id, "-c", config);
    expect(show.code, show.err).toBe(0);
    expect(show.out).toContain(
      `track: code, harness tools (confidence ${recommendation.confidence.toFixed(2)}): ${recommendation.reasons[0]}`,
    );
    expect(show.out).toContain(`ratchet clusters ticket ${id}`);
  });

  it("prints a harness ticket, or writes it with --out", async () => {
    const { id } = onTrack("code");
    const printed = await ratchet("clusters", "ticket", id, "-c", config);
    expect(printed.code, printed.err).toBe(0);
    expect(printed.out).toMatch(/^# Harness proposal: /);
    expect(printed.out).toContain("**Recommended track: code** · harness: **tools**");
    expect(printed.out).toContain("| issue_refund | payments service timed out after 30 s |");
    expect(printed.out).toContain(`ratchet evals draft --cluster ${id}`);

    const out = join(dir, "tickets", "refunds.md");
    const written = await ratchet("clusters", "ticket", id, "--out", out, "-c", config);
    expect(written.code, written.err).toBe(0);
    expect(written.out).toBe("");
    expect(written.err).toMatch(/^wrote .*refunds\.md \(track: code, harness tools/);
    expect(readFileSync(out, "utf8")).toBe(printed.out);
  });

  it("writes a ticket for a prompt-track cluster that says so", async () => {
    const { id } = onTrack("prompt");
    const ticket = await ratchet("clusters", "ticket", id, "-c", config);
    expect(ticket.code, ticket.err).toBe(0);
    expect(ticket.out).toContain("**Recommended track: prompt**");
    expect(ticket.out).toContain("a prompt patch is the recommended track");
    expect(ticket.out).toMatch(/`ratchet eval --case [a-z0-9-]+/);
  });

  it("refuses an unknown cluster with exit 2", async () => {
    const ticket = await ratchet("clusters", "ticket", "clu_nope", "-c", config);
    expect(ticket.code).toBe(2);
    expect(ticket.err).toMatch(/no cluster matches 'clu_nope'/);
    expect(ticket.out).toBe("");
  });

  it("refuses a --out it cannot write with exit 2", async () => {
    const { id } = onTrack("code");
    const ticket = await ratchet("clusters", "ticket", id, "--out", dir, "-c", config);
    expect(ticket.code).toBe(2);
    expect(ticket.err).toMatch(/--out: cannot write /);
  });
});
