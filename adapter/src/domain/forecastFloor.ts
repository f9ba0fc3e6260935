import type { DemandDistribution } from '../forecast/distribution';
import { recentPeakOf, recentPeakStepsAt } from './growthHistogram';

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

// The floor is never above the demand query's recent highest value, over the last 5 minutes (the span over
// which the HPA controller by default holds the highest count it was asked for, RECENT_PEAK_SECONDS) and
// the decision's horizon and the query's lag besides. A forecast of a 5-minute bucket says where demand's
// level is; where demand has stayed under that level all that time, the present contradicts it, and
// holding the forecast's level paid for a level demand had left (road occupancy 6005 at 30 s, day 2.3:
// demand at 2–7κ for six hours under a seasonal median of 9–22κ, whose floor bound on 57 % of the ticks
// and held 1.7× HPA-70's replica-hours; the peak over the horizon reached the median on none of them). A
// dip under the level keeps its floor at the level demand left while that is in the look back (NASA's
// one-bucket dips to a tenth of its level and back: the floor held through them is what the reactive
// distribution, which had not seen them come back, lacked). The horizon and the lag are in the look back
// because a comeback is served only if the count is held until the query shows it (a lag) and the pods
// started then are ready (the horizon): with 5 minutes alone, at 2 min readiness NASA's dips lost their
// floor before the comeback and its strict end missed a third more. At 30 s readiness the reactive
// quantiles are narrow (a horizon of 4 ticks), so a forecast floor binds far more often than at 2 minutes.

const MEDIAN = 0.5;

/**
 * The reactive peak distribution floored at the forecast's median peak from τ = 0.5 up, the floor at most
 * `recentPeak` (the demand query's recent highest, {@link recentDemandPeak}; NaN: no cap); where either
 * distribution is NaN, the other as it is.
 */
export function reactiveFlooredByForecast(
  forecast: DemandDistribution,
  reactive: DemandDistribution,
  recentPeak = Number.NaN,
): DemandDistribution {
  let level: number | undefined;
  return {
    quantile: (tau) => {
      const r = reactive.quantile(tau);
      if (Number.isNaN(r)) return forecast.quantile(tau);
      if (tau < MEDIAN) return r;
      level ??= recentPeak >= 0 ? Math.min(forecast.quantile(MEDIAN), recentPeak) : forecast.quantile(MEDIAN);
      return Number.isNaN(level) ? r : Math.max(level, r);
    },
  };
}

/**
 * The demand query's highest value over the last RECENT_PEAK_SECONDS, `horizonSteps` and `lagSteps` of
 * `pastDemand` (oldest first, one value a tick of `intervalSeconds`): the cap of the forecast floor. NaN
 * where it holds none.
 */
export function recentDemandPeak(
  pastDemand: ArrayLike<number>,
  intervalSeconds: number,
  horizonSteps: number,
  lagSteps: number,
): number {
  const steps = recentPeakStepsAt(intervalSeconds) + horizonSteps + lagSteps;
  return recentPeakOf(pastDemand, Math.max(0, pastDemand.length - Math.max(1, steps)), pastDemand.length);
}
