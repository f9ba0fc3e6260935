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
  /**
   * Per-step values whose largest over the first `steps` steps (default: all) is the τ-quantile of
   * the peak over those steps, when the forecaster calibrates the peak itself.
   */
  peakBand?(tau: number, steps?: number): Float64Array;
  /**
   * The largest of peakBand(τ, steps)'s first `steps` values, without building the band: a decision
   * asks for some forty levels per policy per tick (issue 16: a tick's garbage).
   */
  peakBandMax?(tau: number, steps?: number): number;
}

function maxOf(values: Float64Array, count: number): number {
  let peak = -Infinity;
  for (let h = 0; h < Math.min(count, values.length); h++) if (values[h]! > peak) peak = values[h]!;
  return peak;
}

/**
 * Distribution of the peak over the first `steps` steps (default: all): the peak of the calibrated
 * peak band when there is one; otherwise the largest of the steps' τ-quantiles, which is a lower bound
 * of the peak's τ-quantile (exact only when the steps' errors move together).
 */
export function peakDistribution(forecast: StepQuantiles, steps?: number): DemandDistribution {
  return new PeakDistribution(forecast, steps);
}

/**
 * An object of a class rather than a closure: each policy's view holds one while its forecast is served,
 * and a closure is three objects (the function, its context and the object holding it; issue 16).
 */
class PeakDistribution implements DemandDistribution {
  constructor(
    private readonly forecast: StepQuantiles,
    private readonly steps: number | undefined,
  ) {}

  quantile(tau: number): number {
    const { forecast, steps } = this;
    if (forecast.peakBandMax) return forecast.peakBandMax(tau, steps);
    if (forecast.peakBand) {
      const band = forecast.peakBand(tau, steps);
      return maxOf(band, steps ?? band.length);
    }
    const marginal = forecast.quantile(tau);
    return maxOf(marginal, steps ?? marginal.length);
  }
}
