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
