import { renderTable } from "../../report/index.js";
import type { CanaryRow, Store } from "../../store/index.js";
import type { CanaryLookResult } from "./act.js";
import { qualified } from "./arms.js";
import type { CanaryDoc } from "./types.js";

/** What `canary status` shows beside the test: traffic, latency and cost percentiles. */
export interface CanaryTraffic {
  control: ArmTraffic;
  candidate: ArmTraffic;
  /** Traces of this prompt since the canary started that name neither arm's version. */
  other: Array<{ version: string; traces: number }>;
}

export interface ArmTraffic {
  version: string;
  traces: number;
  latency_p50?: number;
  latency_p95?: number;
  cost_mean?: number;
  cost_p95?: number;
}

export async function canaryTraffic(
  store: Store,
  canary: CanaryRow<CanaryDoc>,
): Promise<CanaryTraffic> {
  const counts = await store.live.versionCounts(canary.prompt_name, canary.start_seq);
  const arm = async (hash: string): Promise<ArmTraffic> => {
    const version = qualified(canary.prompt_name, hash);
    const q = (metric: string, at: number) =>
      store.live.armQuantile({
        promptName: canary.prompt_name,
        version,
        metric,
        afterSeq: canary.start_seq,
        q: at,
      });
    const [cost] = await store.live.armMoments({
      promptName: canary.prompt_name,
      versions: [version],
      metric: "cost_usd",
      afterSeq: canary.start_seq,
    });
    const out: ArmTraffic = { version, traces: counts.get(version) ?? 0 };
    const p50 = await q("latency_ms", 0.5);
    const p95 = await q("latency_ms", 0.95);
    const c95 = await q("cost_usd", 0.95);
    if (p50 !== undefined) out.latency_p50 = p50;
    if (p95 !== undefined) out.latency_p95 = p95;
    if (cost !== undefined && cost.n > 0) out.cost_mean = cost.sum / cost.n;
    if (c95 !== undefined) out.cost_p95 = c95;
    return out;
  };
  const control = await arm(canary.control_hash);
  const candidate = await arm(canary.candidate_hash);
  const other = [...counts]
    .filter(([version]) => version !== control.version && version !== candidate.version)
    .map(([version, traces]) => ({ version: version === "" ? "(untagged)" : version, traces }));
  return { control, candidate, other };
}

const short = (hash: string) => hash.slice(0, 12);

function num(x: number | null | undefined, digits = 3): string {
  if (x === undefined || x === null || !Number.isFinite(x)) return "—";
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString("en-US");
  return Number(x.toPrecision(digits)).toString();
}

function signed(x: number | null | undefined): string {
  if (x === undefined || x === null || !Number.isFinite(x)) return "—";
  return `${x > 0 ? "+" : ""}${num(x)}`;
}

/** A canary as `canary status` prints it: arms, every metric's test, the decision. */
export function canaryText(
  canary: CanaryRow<CanaryDoc>,
  look: CanaryLookResult | undefined,
  traffic: CanaryTraffic | undefined,
): string {
  const doc = canary.doc;
  const lines: string[] = [];
  const share = `${Math.round(canary.traffic * 1000) / 10}%`;
  lines.push(
    `${canary.id}  ${canary.prompt_name}@${canary.label}: ${share} → ${short(canary.candidate_hash)} (control ${short(
      canary.control_hash,
    )})  ${canary.status}${doc.forced ? "  FORCED (never passed the gate)" : ""}`,
  );
  lines.push(
    `  started ${canary.started_at} by ${doc.actor}${
      doc.gate_decision ? `, gate decision ${doc.gate_decision}` : ""
    }${canary.ended_at ? `; ended ${canary.ended_at}` : ""}`,
  );
  if (traffic) {
    lines.push(
      `  requests: control ${traffic.control.traces}, candidate ${traffic.candidate.traces}${
        traffic.other.length > 0
          ? `; other versions: ${traffic.other.map((o) => `${o.version} ${o.traces}`).join(", ")} (not in either arm)`
          : ""
      }`,
    );
    const ms = (x: number | undefined) => (x === undefined ? "—" : `${num(x)} ms`);
    const usd = (x: number | undefined) => (x === undefined ? "—" : `$${num(x)}`);
    lines.push(
      `  latency p50/p95: control ${ms(traffic.control.latency_p50)} / ${ms(traffic.control.latency_p95)}, candidate ${ms(
        traffic.candidate.latency_p50,
      )} / ${ms(traffic.candidate.latency_p95)}`,
    );
    if (traffic.control.cost_mean !== undefined || traffic.candidate.cost_mean !== undefined) {
      lines.push(
        `  cost mean/p95: control ${usd(traffic.control.cost_mean)} / ${usd(traffic.control.cost_p95)}, candidate ${usd(
          traffic.candidate.cost_mean,
        )} / ${usd(traffic.candidate.cost_p95)}`,
      );
    }
  }
  const looks = look?.looks ?? doc.last_look?.looks ?? [];
  if (looks.length > 0) {
    const headers = [
      "metric",
      "role",
      "better",
      "control",
      "candidate",
      "n (c/t)",
      "difference",
      "always-valid interval",
      "p",
      "verdict",
    ];
    const rows = looks.map((l) => [
      l.metric,
      l.role,
      l.better,
      l.control.n > 0 ? num(l.control.mean) : "—",
      l.candidate.n > 0 ? num(l.candidate.mean) : "—",
      `${l.control.n}/${l.candidate.n}`,
      l.control.n > 0 && l.candidate.n > 0 ? signed(l.difference) : "—",
      `[${signed(l.lower)}, ${signed(l.upper)}]`,
      num(l.p_value, 2),
      l.verdict,
    ]);
    lines.push(renderTable(headers, rows, { indent: 2 }));
  }
  const decision = look?.decision ?? doc.last_look?.decision;
  if (canary.status !== "running" && doc.outcome) {
    lines.push(
      `  ended: ${doc.outcome.action} by ${doc.outcome.by}: ${doc.outcome.reasons.join("; ")}`,
    );
  } else if (decision) {
    lines.push(`  test: ${decision.action} — ${decision.reasons.join("; ")}`);
  }
  return lines.join("\n");
}
