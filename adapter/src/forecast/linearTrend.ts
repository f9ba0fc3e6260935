import { regressionSlope } from './theta';

/**
 * A straight line fitted by least squares to the last `window` points of a (seasonally adjusted)
 * series and extended over the horizon.
 */
export interface LinearTrendParams {
  window: number;
}

export function forecastLinearTrend(
  params: LinearTrendParams,
  y: Float64Array,
  horizon: number,
): Float64Array {
  const n = y.length;
  const from = Math.max(0, n - params.window);
  const count = n - from;
  const slope = regressionSlope(y, from, n);
  let meanY = 0;
  for (let i = from; i < n; i++) meanY += y[i]!;
  meanY /= count;
  // The fitted line passes through (mean time, mean value); the last point sits at count - 1.
  const atLast = meanY + slope * ((count - 1) / 2);
  const out = new Float64Array(horizon);
  for (let h = 1; h <= horizon; h++) out[h - 1] = atLast + slope * h;
  return out;
}
