// A demand query over `rate(x[w])` returns the mean demand over the last w, so on a ramp it trails the
// demand at the tick by about w/2 (more with the scrape's age; Prometheus' extrapolation to the window's
// edges keeps it near w/2: prometheus/prometheus promql/functions.go extrapolatedRate). Horizon and
// headroom cannot recover a level that is already behind: the reactive distribution's growth ratios are
// measured on the same lagged series, and the frontier bench showed the lag as the largest single loss.
// So D(t) is extrapolated over the lag by the change the query itself showed over the same span:
// D̂(t) = D(t) + (D(t) − D(t − lag)) — upward only. A fall is not extrapolated: scaling down on a fall
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
  readonly lagSeconds: number;
}

/**
 * D(t) extrapolated upward over the query's lag (a fall keeps the measured value). `pastDemand` holds
 * the query's values at the tick steps before this tick, oldest first (NaN where a tick had none); `steps`
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
  const demand =
    Number.isFinite(measured) && Number.isFinite(earlier)
      ? Math.max(measured, 2 * measured - earlier)
      : measured;
  return { demand, measured, earlier, lagSeconds };
}
