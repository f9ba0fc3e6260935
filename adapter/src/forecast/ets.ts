import { minimize } from './optimize';

/**
 * Exponential smoothing with additive errors: Holt–Winters with an additive seasonal component and
 * no, additive or damped trend (the ETS(A,N|A|Ad,N|A) family in the error-correction form of
 * Hyndman et al., "Forecasting with Exponential Smoothing", 2008, ch. 2). Multiplicative seasonality is
 * obtained by fitting in log space (see transform.ts). Smoothing parameters minimise the in-sample
 * one-step squared error; initial states come from the first seasons (classical decomposition), which is
 * cheaper than optimising them and is what keeps a fit well under a millisecond.
 */
export type EtsTrend = 'none' | 'additive' | 'damped';

export interface EtsParams {
  trend: EtsTrend;
  /** Season length in steps; 0 for no seasonal component. */
  period: number;
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

interface EtsStates {
  level: number;
  slope: number;
  /** Seasonal states indexed by absolute time modulo the period. */
  seasonal: Float64Array;
}

/** Initial level, slope and seasonal states from the first (up to four) complete seasons. */
function initialStates(y: Float64Array, period: number, trend: EtsTrend): EtsStates {
  const n = y.length;
  const seasonal = new Float64Array(Math.max(period, 1));
  if (period > 1 && n >= 2 * period) {
    const seasons = Math.min(4, Math.floor(n / period));
    const means = new Float64Array(seasons);
    for (let c = 0; c < seasons; c++) {
      let sum = 0;
      for (let j = 0; j < period; j++) sum += y[c * period + j]!;
      means[c] = sum / period;
    }
    const slope = trend === 'none' ? 0 : (means[seasons - 1]! - means[0]!) / ((seasons - 1) * period);
    for (let j = 0; j < period; j++) {
      let sum = 0;
      for (let c = 0; c < seasons; c++)
        sum += y[c * period + j]! - (means[c]! + slope * (j - (period - 1) / 2));
      seasonal[j] = sum / seasons;
    }
    // The first observation is forecast from the level one step before it.
    return { level: means[0]! - slope * ((period + 1) / 2), slope, seasonal };
  }
  const window = Math.min(n, 10);
  let sum = 0;
  for (let i = 0; i < window; i++) sum += y[i]!;
  const level = sum / window;
  const slope = trend === 'none' || window < 2 ? 0 : (y[window - 1]! - y[0]!) / (window - 1);
  return { level: level - slope * ((window + 1) / 2), slope, seasonal };
}

/**
 * Runs the recursions over y, leaving the final states in `states`; returns the sum of squared
 * one-step errors. `residuals`, when given, receives the one-step errors.
 */
function filter(y: Float64Array, p: EtsParams, states: EtsStates, residuals?: Float64Array): number {
  const { alpha, gamma } = p;
  const beta = p.trend === 'none' ? 0 : p.beta;
  const phi = p.trend === 'damped' ? p.phi : 1;
  const m = p.period > 1 ? p.period : 0;
  const s = states.seasonal;
  let level = states.level;
  let slope = p.trend === 'none' ? 0 : states.slope;
  let sse = 0;
  let phase = 0;
  for (let t = 0; t < y.length; t++) {
    const damped = phi * slope;
    const season = m > 0 ? s[phase]! : 0;
    const error = y[t]! - (level + damped + season);
    sse += error * error;
    if (residuals) residuals[t] = error;
    level = level + damped + alpha * error;
    slope = damped + beta * error;
    if (m > 0) {
      s[phase] = season + gamma * error;
      phase = phase + 1 === m ? 0 : phase + 1;
    }
  }
  states.level = level;
  states.slope = slope;
  return sse;
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));
const logit = (p: number): number => Math.log(p / (1 - p));

function paramsFrom(x: Float64Array, trend: EtsTrend, period: number): EtsParams {
  // Admissible region: 0 < β < α < 1, 0 < γ < 1 − α, 0.8 ≤ φ ≤ 0.98 (Hyndman et al. 2008, §10.2).
  const alpha = 1e-4 + (1 - 2e-4) * logistic(x[0]!);
  const beta = trend === 'none' ? 0 : alpha * logistic(x[1]!) * 0.999;
  const gamma = period > 1 ? (1 - alpha) * logistic(x[2]!) * 0.999 : 0;
  const phi = trend === 'damped' ? 0.8 + 0.18 * logistic(x[3]!) : 1;
  return { trend, period, alpha, beta, gamma, phi };
}

/** Fits the smoothing parameters of one ETS variant to y. */
export function fitEts(y: Float64Array, trend: EtsTrend, period: number, maxEvaluations = 160): EtsParams {
  const m = period > 1 && y.length >= 2 * period ? period : 0;
  const init = initialStates(y, m, trend);
  const states: EtsStates = { level: 0, slope: 0, seasonal: new Float64Array(init.seasonal.length) };
  const objective = (x: Float64Array): number => {
    states.level = init.level;
    states.slope = init.slope;
    states.seasonal.set(init.seasonal);
    return filter(y, paramsFrom(x, trend, m), states);
  };
  const start = [logit(0.2), logit(0.2), logit(0.1), logit(0.5)];
  const result = minimize(objective, start, { maxEvaluations, initialStep: 1 });
  return paramsFrom(result.point, trend, m);
}

/** Forecasts `horizon` steps after y with fixed smoothing parameters (states re-initialised on y). */
export function forecastEts(params: EtsParams, y: Float64Array, horizon: number): Float64Array {
  const m = params.period > 1 && y.length >= 2 * params.period ? params.period : 0;
  const p = m === params.period ? params : { ...params, period: m, gamma: 0 };
  const states = initialStates(y, m, p.trend);
  filter(y, p, states);
  const out = new Float64Array(horizon);
  const phi = p.trend === 'damped' ? p.phi : 1;
  let cumulative = 0;
  let power = 1;
  for (let h = 1; h <= horizon; h++) {
    power *= phi;
    cumulative += power;
    const season = m > 0 ? states.seasonal[(y.length + h - 1) % m]! : 0;
    out[h - 1] = states.level + (p.trend === 'none' ? 0 : cumulative * states.slope) + season;
  }
  return out;
}
