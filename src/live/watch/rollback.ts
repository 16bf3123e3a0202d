import type { Store } from "../../store/index.js";

export interface LabelRollback {
  /** The event's unique key: what caused the rollback, so it happens once. */
  key: string;
  name: string;
  label: string;
  /** Where the label points now; nothing happens when it has moved since. */
  from: string;
  /** Where it goes back to. */
  to: string;
  actor: string;
  at: string;
  reason: string;
  /** The evidence, kept with the event. */
  doc: Record<string, unknown>;
}

/**
 * Moves a label back one step with its `rollback` event in one transaction: true when this
 * call did it, false when the key was taken (done before) or the label moved since.
 */
export function rollBackLabel(store: Store, r: LabelRollback): Promise<boolean> {
  return store.live.recordEvent(
    { key: r.key, kind: "rollback", prompt_name: r.name, actor: r.actor, at: r.at, doc: r.doc },
    [
      {
        name: r.name,
        label: r.label,
        to: r.to,
        kind: "rollback",
        actor: r.actor,
        reason: r.reason,
        at: r.at,
      },
    ],
    { name: r.name, label: r.label, hash: r.from },
  );
}
