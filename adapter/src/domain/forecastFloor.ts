import type { DemandDistribution } from '../forecast/distribution';

// A trusted forecast predicts demand per forecast bucket (5 minutes by default), a mean over the
// bucket, while the decision must cover the peak at tick resolution within the horizon: a ramp or a
// burst inside one bucket lies above its mean. The reactive distribution measures exactly that
// short-term growth from recent ticks, so while the forecast decides, its quantile is never taken below
// the reactive one's: the forecast can raise the target ahead of a change, not hide the growth the
// ticks show.

/** The forecast's peak distribution floored, quantile by quantile, at the reactive distribution. */
export function forecastFlooredByReactive(
  forecast: DemandDistribution,
  reactive: DemandDistribution,
): DemandDistribution {
  return {
    quantile: (tau) => {
      const f = forecast.quantile(tau);
      const r = reactive.quantile(tau);
      // A NaN on either side leaves the other (decide() reports a NaN quantile when both are).
      if (Number.isNaN(r)) return f;
      if (Number.isNaN(f)) return r;
      return Math.max(f, r);
    },
  };
}
