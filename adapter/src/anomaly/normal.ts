/**
 * Natural log of the standard normal upper tail, ln P(Z > z). Abramowitz & Stegun 7.1.26 for erfc,
 * kept in log form (poly(t)·e^(−x²)) so that far tails neither underflow nor lose their relative accuracy.
 */
export function logNormalTail(z: number): number {
  if (z < 0) return Math.log1p(-Math.exp(logNormalTail(-z)));
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return Math.log(0.5 * poly) - x * x;
}

/** P(Z > z) for the standard normal. */
export const normalTail = (z: number): number => Math.exp(logNormalTail(z));
