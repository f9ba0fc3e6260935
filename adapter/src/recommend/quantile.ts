import { empiricalQuantile } from '../domain/empiricalQuantile';

/** The q-quantile of the finite values (type 7, as the decision core uses); NaN when there are none. */
export function finiteQuantile(values: Float64Array, q: number): number {
  return empiricalQuantile(values.filter((v) => Number.isFinite(v)).sort(), q);
}
