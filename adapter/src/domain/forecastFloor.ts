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
//
// A median says the peak reaches it with probability one half, so it floors the quantiles from τ = 0.5 up
// and not below. Floored at every τ, every count under the median read as a certain miss, and the
// objective (missObjective.ts) held the forecast's level however little a miss was worth; read as half a
// miss, the level is held only where v/2 outweighs the replicas it takes. The floor binds where demand has
// left the level a bucket forecast was made for (road occupancy 6005 at 30 s: demand at 5κ for minutes
// under a median of 10.6κ, the reactive distribution's 0.998-quantile; on a quarter of some days' ticks).

const MEDIAN = 0.5;

/**
 * The reactive peak distribution floored at the forecast's median peak from τ = 0.5 up; where either side
 * is NaN, the other distribution as it is.
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
      if (tau < MEDIAN) return r;
      level ??= forecast.quantile(MEDIAN);
      return Number.isNaN(level) ? r : Math.max(level, r);
    },
  };
}
