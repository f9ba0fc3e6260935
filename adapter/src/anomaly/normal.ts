const POLY_AT_ZERO = 0.254829592 - 0.284496736 + 1.421413741 - 1.453152027 + 1.061405429;

/**
 * Natural log of the standard normal upper tail, ln P(Z > z). Abramowitz & Stegun 7.1.26 for erfc,
 * kept in log form (poly(t)·e^(−x²)) so that far tails neither underflow nor lose their relative accuracy.
 * Its coefficients sum to 1 − 1e-9, so at z = 0 it gave ln 0.5 − 1e-9 and a flat series, every residual 0,
 * scored 4e-11 rather than 0; the polynomial is divided by that sum, exact at 0 (a change of 1e-9 of
 * every tail, far below the approximation's own 1.5e-7).
 */
export function logNormalTail(z: number): number {
  if (z < 0) return Math.log1p(-Math.exp(logNormalTail(-z)));
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return Math.log((0.5 * poly) / POLY_AT_ZERO) - x * x;
}

/** P(Z > z) for the standard normal. */
export const normalTail = (z: number): number => Math.exp(logNormalTail(z));
