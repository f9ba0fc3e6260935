import { fitEts, forecastEts } from './ets';

/**
 * The Theta method of Assimakopoulos & Nikolopoulos (2000) in its equivalent form of simple
 * exponential smoothing with drift equal to half the slope of a linear regression on time
 * (Hyndman & Billah, 2003). It is applied to a seasonally adjusted series.
 */
export interface ThetaParams {
  alpha: number;
}

export function fitTheta(y: Float64Array): ThetaParams {
  return { alpha: fitEts(y, 'none', 0, 40).alpha };
}

export function forecastTheta(params: ThetaParams, y: Float64Array, horizon: number): Float64Array {
  const n = y.length;
  const level = forecastEts(
    { trend: 'none', period: 0, alpha: params.alpha, beta: 0, gamma: 0, phi: 1 },
    y,
    1,
  )[0]!;
  const slope = regressionSlope(y, 0, n);
  const alpha = params.alpha;
  const out = new Float64Array(horizon);
  const offset = 1 / alpha - Math.pow(1 - alpha, n) / alpha;
  for (let h = 1; h <= horizon; h++) out[h - 1] = level + 0.5 * slope * (h - 1 + offset);
  return out;
}

/** Least-squares slope of y[from..to) against time. */
export function regressionSlope(y: Float64Array, from: number, to: number): number {
  const count = to - from;
  if (count < 2) return 0;
  const meanT = (count - 1) / 2;
  let meanY = 0;
  for (let i = from; i < to; i++) meanY += y[i]!;
  meanY /= count;
  let sxy = 0;
  let sxx = 0;
  for (let i = from; i < to; i++) {
    const dt = i - from - meanT;
    sxy += dt * (y[i]! - meanY);
    sxx += dt * dt;
  }
  return sxy / sxx;
}
