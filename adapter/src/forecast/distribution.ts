import { quantileOfSorted } from './series';

/**
 * What the decision engine consumes: a predictive distribution of peak demand over the horizon
 * [t, t+H], queried by quantile (τ in (0, 1); larger τ gives a larger value).
 */
export interface DemandDistribution {
  quantile(tau: number): number;
}

/** Per-step quantile forecasts, as produced by a fitted forecaster. */
export interface StepQuantiles {
  /** Forecast of each step's τ-quantile (length = horizon). */
  quantile(tau: number): Float64Array;
}

/**
 * Distribution of the peak over the first `steps` steps: its τ-quantile is the largest of the steps'
 * τ-quantiles. That is exact when the steps' errors move together (a forecast that is off is usually
 * off for the whole window, by its level) and otherwise a lower bound of the true quantile of the
 * maximum, so the benchmark reports the peak's own coverage alongside the per-step one.
 */
export function peakDistribution(forecast: StepQuantiles, steps?: number): DemandDistribution {
  return {
    quantile(tau: number): number {
      const q = forecast.quantile(tau);
      const count = Math.min(steps ?? q.length, q.length);
      let peak = -Infinity;
      for (let h = 0; h < count; h++) if (q[h]! > peak) peak = q[h]!;
      return peak;
    },
  };
}

/**
 * The reactive stand-in used without a trusted forecast: current demand times the empirical
 * distribution of (peak over the next `steps` points) / (demand now) over the history. Points with
 * non-positive or missing demand carry no ratio; with no usable ratio at all every quantile is the
 * current demand.
 */
export function reactiveDistribution(history: ArrayLike<number>, steps: number): DemandDistribution {
  const n = history.length;
  let current = NaN;
  for (let i = n - 1; i >= 0 && !Number.isFinite(current); i--) current = history[i]!;
  const ratios: number[] = [];
  for (let t = 0; t + steps < n; t++) {
    const base = history[t]!;
    if (!(base > 0)) continue;
    let peak = -Infinity;
    for (let j = t + 1; j <= t + steps; j++) if (history[j]! > peak) peak = history[j]!;
    if (Number.isFinite(peak)) ratios.push(peak / base);
  }
  ratios.sort((a, b) => a - b);
  return {
    quantile(tau: number): number {
      if (ratios.length === 0 || !Number.isFinite(current)) return current;
      return current * quantileOfSorted(ratios, tau);
    },
  };
}
