// A demand query over `rate(x[w])` returns the mean demand over the last w, so on a ramp it trails the
// demand at the tick by about w/2 (more with the scrape's age; Prometheus' extrapolation to the window's
// edges keeps it near w/2: prometheus/prometheus promql/functions.go extrapolatedRate). Horizon and
// headroom cannot recover a level that is already behind: the reactive distribution's growth ratios are
// measured on the same lagged series, and the frontier bench showed the lag as the largest single loss.
// So D(t) is extrapolated over the lag by the change the query itself showed over the same span:
// D̂(t) = D(t) + (D(t) − D(t − lag)) — upward only; where the newest half of that span rose faster, by the
// change it showed (acceleratingRead: a ramp's foot, a comeback). A fall is not extrapolated: scaling down on a fall
// the query has not shown yet cannot be undone within the horizon when the demand turns (a dip between
// bursts, a V-shaped reversal), while holding the measured level costs only the replicas for the lag.
// With the HPA reading costscale holding nothing itself (scale-down window 0, deploy/examples/hpa.yaml),
// the frontier bench showed the downward extrapolation as misses at every v on NASA and road occupancy.

const DURATION = /\b(?:rate|increase)\s*\([^[]*\[\s*(\d+(?:\.\d+)?)(ms|s|m|h)\s*\]/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The range of the first `rate(…[w])` or `increase(…[w])` in a PromQL query, in ms. */
export function rateWindowOf(query: string): number | undefined {
  const m = DURATION.exec(query);
  return m === null ? undefined : Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

/** Engine ticks to look back for a lag of `lagSeconds` at a tick every `tickSeconds` (0: no correction). */
export function lagSteps(lagSeconds: number, tickSeconds: number): number {
  return lagSeconds > 0 && tickSeconds > 0 ? Math.round(lagSeconds / tickSeconds) : 0;
}

/** How far behind the tick a windowed rate() is on a ramp: half its window, in seconds. */
export function rateLagSeconds(rateWindowMs: number | undefined): number {
  return rateWindowMs !== undefined && rateWindowMs > 0 ? rateWindowMs / 2000 : 0;
}

export interface LagCorrection {
  /** D̂(t), the demand to decide on. */
  readonly demand: number;
  /** D(t) as the query returned it. */
  readonly measured: number;
  /** D(t − lag), the query's value `steps` ticks before; NaN when there is none. */
  readonly earlier: number;
  /** D(t − lag/2), where D̂ is the accelerating read of the rise since (see {@link acceleratingRead}). */
  readonly halfEarlier?: number;
  readonly lagSeconds: number;
}

/**
 * D(t) extrapolated upward over the query's lag (a fall keeps the measured value), and over the lag's
 * newer half where the rise accelerates there (see {@link acceleratingRead}). `pastDemand` holds the
 * query's values at the tick steps before this tick, oldest first (NaN where a tick had none); `steps`
 * ticks span the lag. Without an earlier value (short history, a gap, or `steps` 0) the measured value
 * stands.
 */
export function lagCorrectedDemand(
  measured: number,
  pastDemand: Float64Array | Float32Array,
  steps: number,
  lagSeconds: number,
): LagCorrection {
  const earlier =
    steps >= 1 && steps <= pastDemand.length ? (pastDemand[pastDemand.length - steps] as number) : Number.NaN;
  if (!(Number.isFinite(measured) && Number.isFinite(earlier)))
    return { demand: measured, measured, earlier, lagSeconds };
  const linear = Math.max(measured, 2 * measured - earlier);
  const accelerated = acceleratingRead(measured, earlier, pastDemand, steps);
  return accelerated !== undefined && accelerated.demand > linear
    ? { demand: accelerated.demand, measured, earlier, halfEarlier: accelerated.halfEarlier, lagSeconds }
    : { demand: linear, measured, earlier, lagSeconds };
}

/**
 * The demand the query's newest half-lag of rise implies. `rate()` over a window w is the mean demand over
 * it, so its rise over the last δ is (demand entering − demand leaving) · δ/w: the demand now is the demand
 * a window ago plus w/δ times that rise, the demand a window ago read as the query one lag earlier (the
 * mean centred there). Over the whole lag (δ = w/2) that is the linear extrapolation above; over its newer
 * half (δ = w/4, w = 2·lag) it is the same on a steady ramp and more where the rise accelerates: at a
 * comeback from an idle level or the foot of a ramp the window still holds the flat before it, and the
 * whole lag's rise shows half the slope the newest samples do (NASA at 30 s readiness: at 3.4κ of true
 * demand the query read 1.3κ and the linear extrapolation 2.35κ). A quarter of the window is the shortest
 * span the query is sure to have a new sample in: Prometheus asks for a rate() window of at least four
 * scrape intervals. Only while the query rose over the whole lag: past a dip's bottom the query a lag
 * earlier is the level before the dip, not the demand a window ago. Elsewhere (and where the lag spans
 * under two ticks or the value half a lag before is missing) no read of its own.
 */
function acceleratingRead(
  measured: number,
  earlier: number,
  pastDemand: Float64Array | Float32Array,
  steps: number,
): { demand: number; halfEarlier: number } | undefined {
  const half = Math.round(steps / 2);
  if (steps < 2 || half > pastDemand.length || !(measured > earlier)) return undefined;
  const halfEarlier = pastDemand[pastDemand.length - half] as number;
  return Number.isFinite(halfEarlier)
    ? { demand: earlier + ((2 * steps) / half) * (measured - halfEarlier), halfEarlier }
    : undefined;
}
