import type { DemandTrace } from './trace';

// What each autoscaler sees of the demand, as the real metric pipelines deliver it rather than the
// exact demand: costscale reads `rate()` of a counter Prometheus scraped, at an engine tick some time
// before the HPA reads the served value; the CPU HPA reads metrics-server's CPU rate between its two
// latest kubelet scrapes (that part lives in simulate.ts, where the pods are).

export interface MetricPipeline {
  /** Prometheus scrape interval of the demand counter. */
  readonly scrapeIntervalMs: number;
  /** Range of the demand query's `rate()`; 0 for a query that reads a gauge (its newest sample). */
  readonly rateWindowMs: number;
  /** How long before an HPA sync the engine tick that computed the served value ran. */
  readonly tickAgeMs: number;
  /** metrics-server `--metric-resolution`: its kubelet scrape interval and CPU rate window. */
  readonly cpuResolutionMs: number;
  /** Age of metrics-server's newest CPU sample when the HPA syncs. */
  readonly cpuAgeMs: number;
}

/**
 * Realistic defaults: a 30 s ServiceMonitor interval (kube-prometheus), `rate(…[2m])`, engine ticks and
 * HPA syncs both every 15 s but not in step (half a period apart), and metrics-server's default 15 s
 * resolution (kubernetes-sigs/metrics-server `--metric-resolution`, default 15s since v0.6) with its
 * newest sample half a resolution old.
 */
export const DEFAULT_PIPELINE: MetricPipeline = {
  scrapeIntervalMs: 30_000,
  rateWindowMs: 120_000,
  tickAgeMs: 7_500,
  cpuResolutionMs: 15_000,
  cpuAgeMs: 7_500,
};

export { rateWindowOf } from '../domain/demandLag';

/** End of the trace: the last sample holds for as long as the interval before it. */
export function traceEnd(trace: DemandTrace): number {
  const n = trace.timesMs.length;
  return (trace.timesMs[n - 1] as number) * 2 - (trace.timesMs[n - 2] as number);
}

/**
 * The counter an application exports, ∫ demand dt from the trace start (demand linear or held between
 * samples), read at increasing times through a cursor.
 */
export function demandCounter(trace: DemandTrace, interpolation: 'linear' | 'hold'): (tMs: number) => number {
  const { timesMs, demand } = trace;
  const n = timesMs.length;
  const linear = interpolation === 'linear';
  const cumulative = new Float64Array(n);
  const area = (i: number, dtMs: number): number => {
    const d = demand[i] as number;
    if (!linear || i + 1 >= n) return (d * dtMs) / 1000;
    const span = (timesMs[i + 1] as number) - (timesMs[i] as number);
    const slope = ((demand[i + 1] as number) - d) / span;
    return ((d + (slope * dtMs) / 2) * dtMs) / 1000;
  };
  for (let i = 1; i < n; i++) {
    cumulative[i] =
      (cumulative[i - 1] as number) + area(i - 1, (timesMs[i] as number) - (timesMs[i - 1] as number));
  }
  const end = traceEnd(trace);
  let j = 0;
  return (tMs) => {
    const t = Math.min(tMs, end);
    if (t <= (timesMs[0] as number)) return 0;
    while (j + 1 < n && (timesMs[j + 1] as number) <= t) j++;
    while (j > 0 && (timesMs[j] as number) > t) j--;
    return (cumulative[j] as number) + area(j, t - (timesMs[j] as number));
  };
}

/**
 * Prometheus' `rate()` over samples (times in ms, counter values) inside (end − window, end]: the
 * increase between the first and last sample, extrapolated towards the window's edges by at most half
 * a sample interval (or to where the counter would reach zero), per second of the window — upstream
 * prometheus/prometheus `promql/functions.go` extrapolatedRate. NaN with fewer than two samples.
 */
export function prometheusRate(
  times: Float64Array,
  values: Float64Array,
  first: number,
  last: number,
  endMs: number,
  windowMs: number,
): number {
  if (last - first < 1) return Number.NaN;
  const firstT = times[first] as number;
  const lastT = times[last] as number;
  let increase = 0;
  for (let i = first + 1; i <= last; i++) {
    const prev = values[i - 1] as number;
    const cur = values[i] as number;
    increase += cur >= prev ? cur - prev : cur;
  }
  const sampled = (lastT - firstT) / 1000;
  const average = sampled / (last - first);
  let toStart = (firstT - (endMs - windowMs)) / 1000;
  let toEnd = (endMs - lastT) / 1000;
  const firstValue = values[first] as number;
  if (increase > 0 && firstValue >= 0) {
    const toZero = sampled * (firstValue / increase);
    if (toZero < toStart) toStart = toZero;
  }
  const threshold = average * 1.1;
  if (toStart >= threshold) toStart = average / 2;
  if (toEnd >= threshold) toEnd = average / 2;
  return (increase * ((sampled + toStart + toEnd) / sampled)) / (windowMs / 1000);
}

/** Demand at `tMs` (linear or held between samples; the last sample holds). */
function gaugeAt(trace: DemandTrace, tMs: number, interpolation: 'linear' | 'hold'): number {
  const { timesMs, demand } = trace;
  let i = 0;
  let hi = timesMs.length - 1;
  while (i < hi) {
    const mid = (i + hi + 1) >> 1;
    if ((timesMs[mid] as number) <= tMs) i = mid;
    else hi = mid - 1;
  }
  const d = demand[i] as number;
  if (interpolation === 'hold' || i + 1 >= timesMs.length || tMs < (timesMs[0] as number)) return d;
  const t1 = timesMs[i] as number;
  return d + (((demand[i + 1] as number) - d) * (tMs - t1)) / ((timesMs[i + 1] as number) - t1);
}

export interface ObservedDemand {
  /** HPA sync k is at t0 + k·stepMs; the engine tick it reads ran tickAgeMs earlier. */
  readonly t0: number;
  readonly stepMs: number;
  /** Demand the engine read at each tick (NaN: the query had no value). */
  readonly values: Float64Array;
  readonly pipeline: MetricPipeline;
  readonly interpolation: 'linear' | 'hold';
}

/**
 * The demand query's value at every engine tick: the app's counter scraped every scrape interval
 * (scrapes fall between ticks, so the newest sample is on average half an interval old), `rate()` over
 * its window at the tick — or, with no window, the newest sample of a demand gauge —, the tick
 * `tickAgeMs` before each HPA sync.
 */
export function observeDemand(
  trace: DemandTrace,
  stepMs: number,
  interpolation: 'linear' | 'hold',
  pipeline: MetricPipeline,
): ObservedDemand {
  const t0 = trace.timesMs[0] as number;
  const end = traceEnd(trace);
  const steps = Math.ceil((end - t0) / stepMs);
  const counter = demandCounter(trace, interpolation);
  const interval = pipeline.scrapeIntervalMs;
  // The series existed before the trace, at its first demand, as the baseline's pods ran warm before it
  // (simulate.ts): the first ticks read a full rate() window, not the ramp of a counter born at t0.
  const warmMs = pipeline.rateWindowMs + interval;
  const before = ((trace.demand[0] as number) * warmMs) / 1000;
  const scraped = (tMs: number): number =>
    tMs < t0 ? before - ((trace.demand[0] as number) * (t0 - tMs)) / 1000 : before + counter(tMs);
  // Scrapes on a grid offset from the ticks by half the shorter period.
  const phase = t0 - pipeline.tickAgeMs - Math.min(stepMs, interval) / 2;
  const firstScrape = phase + Math.ceil((t0 - warmMs - phase) / interval) * interval;
  const count = Math.max(0, Math.floor((end - firstScrape) / interval) + 1);
  const times = new Float64Array(count);
  const values = new Float64Array(count);
  for (let j = 0; j < count; j++) {
    times[j] = firstScrape + j * interval;
    values[j] = scraped(times[j] as number);
  }
  const observed = new Float64Array(steps);
  const gauge = pipeline.rateWindowMs === 0;
  if (gauge) {
    // A gauge of the demand: the sample is its value at the scrape, kept until the next one.
    for (let j = 0; j < count; j++) values[j] = gaugeAt(trace, times[j] as number, interpolation);
  }
  let lo = 0;
  let hi = -1;
  for (let k = 0; k < steps; k++) {
    const at = t0 + k * stepMs - pipeline.tickAgeMs;
    while (hi + 1 < count && (times[hi + 1] as number) <= at) hi++;
    if (gauge) {
      // Prometheus' lookback (5 min) always holds the newest scrape here.
      observed[k] = hi >= 0 ? (values[hi] as number) : Number.NaN;
      continue;
    }
    while (lo < count && (times[lo] as number) <= at - pipeline.rateWindowMs) lo++;
    observed[k] = hi >= lo ? prometheusRate(times, values, lo, hi, at, pipeline.rateWindowMs) : Number.NaN;
  }
  return { t0, stepMs, values: observed, pipeline, interpolation };
}
