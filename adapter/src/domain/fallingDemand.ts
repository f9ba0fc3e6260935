import type { LagCorrection } from './demandLag';

// On a fall the demand query trails the demand: `rate()` over its window is the mean of a fall still in
// progress, so the demand of now is below D(t), by about the fall the query showed over its lag
// (demandLag.ts extrapolates a rise that way, a fall not: extrapolated into a V-shaped reversal, a
// scale-down cannot be undone within the horizon). Taking D(t) as certain on a fall held every count down
// to ⌈D(t)/κ⌉ whatever a miss was worth: an hour of miss at v = 0.3 paid the replicas of the query's last
// minute on every burst's falling side (EC2 network 5abac7 at 30 s readiness: 13 replicas where demand
// needed 8 and a CPU HPA at 80 % ran 14 → 10 → 8), so a cheap miss bought headroom all the same.
// So on a fall the counts down to the fall extrapolated over the lag are weighed too, and those under D(t)
// are priced by the peak's distribution, whose rows learned what followed such bases (a fall that goes on,
// or a comeback): a count under D(t) is chosen only where v times the miss it risks is worth less than
// its replicas, which at a strict v it is not.

/**
 * The least the demand of now may be, for the counts a decision weighs: D(t) extrapolated down over the
 * query's lag, 2·D(t) − D(t − lag) (at least 0), while the query falls; D(t) otherwise.
 */
export function demandFloorOnFall(
  demand: number,
  lag: Pick<LagCorrection, 'measured' | 'earlier'> | undefined,
): number {
  if (lag === undefined || !(lag.measured < lag.earlier)) return demand;
  return Math.min(demand, Math.max(0, 2 * lag.measured - lag.earlier));
}

// A replica started now serves only once ready, a readiness delay R on. On a fall the objective priced
// it against the peak over the whole horizon, which on a fall is the demand of now: a count between the
// replicas there are and D(t) missed as surely as the count there is, so the few pods that would serve the
// fall's foot once ready were never started, at any v short of one that covers the whole spike (EC2 network
// 5abac7 at 30 s readiness, v = 0.3: 4 replicas through a 20κ triangle's fall, missing to its foot, where a
// CPU HPA's pods, started on the way up, serve the last minutes). So the counts above the current one are
// priced by the demand they meet once ready: the fall extrapolated over the query's lag and R, or a
// comeback above D(t), priced as before.

/**
 * The least the demand a replica started now meets may be: D(t) extrapolated down over the query's lag
 * and the readiness delay, D(t) − (D(t − lag) − D(t))·(lag + R)/lag (at least 0), while the query falls;
 * D(t) otherwise.
 */
export function demandOnceReady(
  demand: number,
  lag: Pick<LagCorrection, 'measured' | 'earlier' | 'lagSeconds'> | undefined,
  readinessSeconds: number | undefined,
): number {
  if (lag === undefined || !(lag.measured < lag.earlier) || !(lag.lagSeconds > 0)) return demand;
  if (readinessSeconds === undefined || !(readinessSeconds > 0)) return demand;
  const fall = ((lag.earlier - lag.measured) * (lag.lagSeconds + readinessSeconds)) / lag.lagSeconds;
  return Math.min(demand, Math.max(0, lag.measured - fall));
}

/**
 * P(demand once ready > x) from P(peak over the horizon > x): below D(t) the peak's distribution moved down
 * by the fall to `onceReady` (what it read of the level now, read at the level R on), above D(t) as it is
 * (a comeback). `exceeds` itself where `onceReady` is not below D(t).
 */
export function exceedanceOnceReady(
  exceeds: (x: number) => number,
  demand: number,
  onceReady: number,
): (x: number) => number {
  if (!(onceReady < demand)) return exceeds;
  const drop = demand - onceReady;
  return (x) => (x >= demand ? exceeds(x) : exceeds(Math.min(demand, x + drop)));
}

/**
 * R over how long the demand once ready stays above `capacity` at the rate the query falls: the share of
 * their time replicas started for a fall spend starting, where they serve only until the fall reaches the
 * replicas there are. Their start spread over the horizon instead (R/H), pods were started at 2 min
 * readiness for a fall's last tick or two (EC2 network 257a54, v = 0.1: 111 fewer miss minutes for
 * $0.77, $7 a thousand, where a miss minute is worth $1.7 a thousand). 0 where the query does not fall.
 */
export function startupShareOverFall(
  lag: Pick<LagCorrection, 'measured' | 'earlier' | 'lagSeconds'> | undefined,
  readinessSeconds: number | undefined,
  onceReady: number,
  capacity: number,
): number {
  if (lag === undefined || !(lag.measured < lag.earlier) || !(lag.lagSeconds > 0)) return 0;
  if (readinessSeconds === undefined || !(readinessSeconds > 0) || !(onceReady > capacity)) return 0;
  const serves = ((onceReady - capacity) * lag.lagSeconds) / (lag.earlier - lag.measured);
  return readinessSeconds / serves;
}
