import type { DemandDistribution } from '../forecast/distribution';

// While the forecast is trusted it says where demand is going over the horizon: a daily ramp, a scheduled
// change the recent ticks have not shown yet. Its spread says something else: it is calibrated on
// backtest errors of 5-minute bucket means fitted hours before, so its strict quantiles price level
// uncertainty that a decision made every tick from the observed D(t) does not carry. The uncertainty a
// decision does carry is the growth from D(t) over its horizon at tick resolution, which the reactive
// distribution measures (the growth histogram, domain/growthHistogram.ts). So the forecast contributes
// its median peak as a floor under the reactive distribution, and the reactive distribution the spread.
// On the frontier bench taking the larger of the two quantiles at every τ instead paid the forecast's
// bucket-level spread on near-random levels (road occupancy) for no fewer misses.

/**
 * The reactive peak distribution floored at the forecast's median peak; where either side is NaN, the
 * other distribution as it is.
 */
export function reactiveFlooredByForecast(
  forecast: DemandDistribution,
  reactive: DemandDistribution,
): DemandDistribution {
  let level: number | undefined;
  return {
    quantile: (tau) => {
      const r = reactive.quantile(tau);
      if (Number.isNaN(r)) return forecast.quantile(tau);
      level ??= forecast.quantile(0.5);
      return Number.isNaN(level) ? r : Math.max(level, r);
    },
  };
}
