/**
 * The τ-quantile of an ascending sorted sample, interpolating linearly between order statistics
 * (Hyndman & Fan type 7, the default of R and NumPy). τ is clamped to [0, 1]; an empty sample or a NaN τ
 * gives NaN.
 */
export function empiricalQuantile(sorted: Float64Array, tau: number): number {
  const n = sorted.length;
  if (n === 0 || Number.isNaN(tau)) return Number.NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, tau));
  const lo = Math.floor(h);
  const below = sorted[lo] as number;
  if (lo + 1 >= n) return below;
  return below + (h - lo) * ((sorted[lo + 1] as number) - below);
}
