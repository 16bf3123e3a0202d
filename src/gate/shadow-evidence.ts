import type { Store } from "../store/index.js";
import { shortHash } from "./registry.js";

/**
 * The few fields of a stored shadow the gate reads. The document belongs to `live/shadow/`,
 * which sits above the gate; the gate reads the JSON, it does not import the module.
 */
interface ShadowDocView {
  summary?: { replayed?: number; verdict?: string };
  problems?: string[];
}

export interface ShadowCheck {
  /** The shadow that stands as evidence, when one does. */
  accepted?: string;
  /** Why promotion waits (empty when accepted). */
  reason?: string;
}

/**
 * A model change is promoted on offline evidence only with a shadow run of the challenger's
 * own version: the newest completed one, with at least `minInputs` replayed inputs and no
 * problem (worse beyond noise, too many errors, a grader clearly broken).
 */
export async function shadowCheck(
  store: Store,
  challenger: { name: string; hash: string },
  minInputs: number,
): Promise<ShadowCheck> {
  const ref = `${challenger.name}@${shortHash(challenger.hash)}`;
  const how = `run \`ratchet shadow --challenger ${ref} --sample ${minInputs}\` on recent production inputs, then gate again`;
  const [newest] = await store.shadows.list<ShadowDocView>({
    promptName: challenger.name,
    challengerHash: challenger.hash,
    status: "completed",
    limit: 1,
  });
  if (!newest) {
    return {
      reason: `a model change also needs a shadow run on production inputs, and ${ref} has none: ${how}`,
    };
  }
  const replayed = newest.doc.summary?.replayed ?? 0;
  if (replayed < minInputs) {
    return {
      reason: `a model change needs a shadow of at least ${minInputs} inputs (promotion.gatekeeper.shadow_sample_size); ${newest.id} replayed ${replayed}: ${how}`,
    };
  }
  const problems = newest.doc.problems ?? [];
  if (problems.length > 0) {
    return { reason: `shadow ${newest.id} of ${ref} has a problem: ${problems[0]}` };
  }
  return { accepted: newest.id };
}
