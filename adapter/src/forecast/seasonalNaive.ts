/** Seasonal naive: each future step repeats the value one season earlier (naive for period ≤ 1). */
export function forecastSeasonalNaive(period: number, y: Float64Array, horizon: number): Float64Array {
  const n = y.length;
  const m = period >= 1 && period <= n ? period : 1;
  const out = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) out[h] = y[n - m + (h % m)]!;
  return out;
}
