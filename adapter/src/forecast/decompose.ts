import { fresh, type Allocate } from './scratch';

/**
 * Multiple-seasonal decomposition in the manner of MSTL (Bandara, Hyndman & Bergmeir, 2021): each
 * seasonal component is re-estimated in turn from the series minus the others, a few times over. Each
 * estimate follows the STL idea (Cleveland et al., 1990) in a cheaper form: remove a centred moving
 * average trend, smooth every cycle-subseries (all Mondays 09:00, …) with tricube weights over nearby
 * cycles, and remove what the smoothed seasonal has left of a level. When robust (the default), a
 * second pass down-weights points with large remainders (bisquare weights), so outliers and short
 * incidents do not imprint on the seasonal shape.
 */
export interface Decomposition {
  periods: number[];
  /** One seasonal component per period, each as long as the series. */
  seasonals: Float64Array[];
  /** The series minus all seasonal components (trend plus remainder). */
  deseasonalized: Float64Array;
}

export interface DecomposeOptions {
  /** Cycles in each cycle-subseries smoothing window, per period (default 7, 11, 15, …). */
  seasonalWindows?: number[];
  /** Rounds of re-estimating every component (default 2). */
  iterations?: number;
  /** Add the robust pass (default true). */
  robust?: boolean;
}

/**
 * Centred moving average of length `width` (a 2×width average for even widths, so it is centred on a
 * point); the half windows at both ends are extrapolated linearly from the last full period of the
 * average, which keeps the end of the series (what forecasts start from) free of seasonal leakage.
 */
export function centredMovingAverage(
  x: Float64Array,
  width: number,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  const n = x.length;
  const half = Math.floor(width / 2);
  const even = width % 2 === 0;
  if (n < width + (even ? 1 : 0) || width < 2) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x[i]!;
    return out.fill(n > 0 ? sum / n : 0);
  }
  let sum = 0;
  for (let i = 0; i < width; i++) sum += x[i]!;
  // window [i - half, i - half + width) for odd widths; for even widths the two end points get half weight.
  const first = half;
  const last = n - 1 - half;
  for (let i = first; i <= last; i++) {
    if (even) {
      const start = i - half;
      const windowSum = sum + x[start + width]!;
      out[i] = (windowSum - 0.5 * x[start]! - 0.5 * x[start + width]!) / width;
      sum += x[start + width]! - x[start]!;
    } else {
      out[i] = sum / width;
      if (i + half + 1 < n) sum += x[i + half + 1]! - x[i - half]!;
    }
  }
  const span = Math.min(width, last - first);
  const headSlope = span > 0 ? (out[first + span]! - out[first]!) / span : 0;
  const tailSlope = span > 0 ? (out[last]! - out[last - span]!) / span : 0;
  for (let i = 0; i < first; i++) out[i] = out[first]! - headSlope * (first - i);
  for (let i = last + 1; i < n; i++) out[i] = out[last]! + tailSlope * (i - last);
  return out;
}

/** Tricube kernel on [0, 1). */
function tricube(u: number): number {
  if (u >= 1) return 0;
  const c = 1 - u * u * u;
  return c * c * c;
}

/**
 * One seasonal component of period `period` from x: detrend, smooth each cycle-subseries over
 * `window` nearby cycles (weighted by `weights` when robust), then remove the component's own level.
 */
function seasonalComponent(
  x: Float64Array,
  period: number,
  window: number,
  weights: Float64Array | null,
  scratch: Float64Array,
  out: Float64Array,
): void {
  const n = x.length;
  const trend = centredMovingAverage(x, period, scratch);
  for (let phase = 0; phase < period; phase++) {
    const count = Math.floor((n - 1 - phase) / period) + 1;
    const span = Math.min(window, count);
    for (let c = 0; c < count; c++) {
      // The `span` cycles nearest to c (one-sided at the ends, like loess).
      let lo = c - Math.floor((span - 1) / 2);
      lo = Math.max(0, Math.min(lo, count - span));
      const hi = lo + span - 1;
      const reach = Math.max(c - lo, hi - c) + 1;
      let sw = 0;
      let swx = 0;
      for (let k = lo; k <= hi; k++) {
        const t = phase + k * period;
        let w = tricube(Math.abs(k - c) / reach);
        if (weights) w *= weights[t]!;
        sw += w;
        swx += w * (x[t]! - trend[t]!);
      }
      out[phase + c * period] = sw > 0 ? swx / sw : 0;
    }
  }
  const level = centredMovingAverage(out, period, scratch);
  for (let i = 0; i < n; i++) out[i]! -= level[i]!;
}

/**
 * Decomposes y into one seasonal component per period (periods needing two full cycles are dropped);
 * its arrays come from `allocate`.
 */
export function decompose(
  y: Float64Array,
  periods: number[],
  options: DecomposeOptions = {},
  allocate: Allocate = fresh,
): Decomposition {
  const n = y.length;
  const usable = periods.filter((p) => p >= 2 && n >= 2 * p).sort((a, b) => a - b);
  const iterations = options.iterations ?? 2;
  const seasonals = usable.map(() => allocate(n));
  const deseasonalized = allocate(n);
  deseasonalized.set(y);
  const x = allocate(n);
  const scratch = allocate(n);
  let weights: Float64Array | null = null;
  const passes = options.robust === false ? 1 : 2;
  for (let pass = 0; pass < passes; pass++) {
    for (let it = 0; it < iterations; it++) {
      for (let k = 0; k < usable.length; k++) {
        const period = usable[k]!;
        const seasonal = seasonals[k]!;
        for (let i = 0; i < n; i++) x[i] = deseasonalized[i]! + seasonal[i]!;
        seasonalComponent(x, period, options.seasonalWindows?.[k] ?? 7 + 4 * k, weights, scratch, seasonal);
        for (let i = 0; i < n; i++) deseasonalized[i] = x[i]! - seasonal[i]!;
      }
    }
    if (pass + 1 < passes && usable.length > 0)
      weights = robustnessWeights(deseasonalized, usable[usable.length - 1]!, allocate);
  }
  return { periods: usable, seasonals, deseasonalized };
}

/** Bisquare weights of the remainder around a moving-average trend (STL's robustness weights). */
function robustnessWeights(deseasonalized: Float64Array, period: number, allocate: Allocate): Float64Array {
  const n = deseasonalized.length;
  const trend = centredMovingAverage(deseasonalized, Math.max(3, Math.min(period, n >> 1)), allocate(n));
  const remainder = allocate(n);
  for (let i = 0; i < n; i++) remainder[i] = Math.abs(deseasonalized[i]! - trend[i]!);
  const sorted = allocate(n);
  sorted.set(remainder);
  sorted.sort();
  const h = 6 * sorted[n >> 1]!;
  const weights = allocate(n);
  for (let i = 0; i < n; i++) {
    const u = h > 0 ? remainder[i]! / h : 0;
    weights[i] = u >= 1 ? 0 : (1 - u * u) * (1 - u * u);
  }
  return weights;
}

/** Continues each seasonal component by repeating its last cycle. */
export function seasonalForecast(decomposition: Decomposition, horizon: number): Float64Array {
  const out = new Float64Array(horizon);
  const n = decomposition.deseasonalized.length;
  decomposition.periods.forEach((period, k) => {
    const seasonal = decomposition.seasonals[k]!;
    for (let h = 0; h < horizon; h++) out[h]! += seasonal[n - period + (h % period)]!;
  });
  return out;
}
