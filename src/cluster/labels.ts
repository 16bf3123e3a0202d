/**
 * Cluster labels renumbered 0..k-1 in order of first appearance, each label first mapped
 * through `to` (a merge's root, say); -1 (unclustered) stays -1.
 */
export function renumberLabels(
  labels: ArrayLike<number>,
  to: (label: number) => number = (label) => label,
): Int32Array {
  const renumbered = new Map<number, number>();
  return Int32Array.from(labels, (label) => {
    if (label < 0) return -1;
    const target = to(label);
    let id = renumbered.get(target);
    if (id === undefined) {
      id = renumbered.size;
      renumbered.set(target, id);
    }
    return id;
  });
}
