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
