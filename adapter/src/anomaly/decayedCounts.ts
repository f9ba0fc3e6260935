/**
 * A record's counts by bin on a log scale, forgotten with time: what the burst record (episodes by peak)
 * and the surge record (surges by duration) both hold.
 */

/** Forgets every count by `factor` (0.5 per half-life elapsed). */
export function forgetCounts(counts: Float32Array, factor: number): void {
  for (let b = 0; b < counts.length; b++) counts[b] = counts[b]! * factor;
}

/** Counts one at `position` (in bins, ≥ 0), the last bin holding everything beyond it. */
export function countAt(counts: Float32Array, position: number): void {
  const bin = Math.min(counts.length - 1, Math.floor(position));
  counts[bin] = counts[bin]! + 1;
}

/**
 * How much was counted at or beyond `position` (in bins, ≥ 0): the bins above its own, and of its own bin
 * the share above it, as if that bin's counts were spread evenly across it.
 */
export function countedFrom(counts: Float32Array, position: number): number {
  const bin = Math.min(counts.length - 1, Math.floor(position));
  let above = counts[bin]! * Math.max(0, 1 - (position - bin));
  for (let b = bin + 1; b < counts.length; b++) above += counts[b]!;
  return above;
}
