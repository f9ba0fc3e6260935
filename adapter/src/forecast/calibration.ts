import { fresh, type Allocate } from './scratch';

/**
 * Prediction intervals from backtest errors, split-conformal style with normalised scores (Lei et al.,
 * "Distribution-free predictive inference for regression", 2018, §5.2): each horizon step gets a scale,
 * the mean absolute backtest error around that step, and errors are divided by their step's scale.
 *
 * - Per step, the τ-quantile is the point forecast plus the step's scale times the conformal
 *   τ-quantile of all scores pooled across steps and origins: pooling gives enough scores for tail
 *   quantiles from a handful of origins, the scales keep the growth of error with the horizon.
 * - For the peak over the first s steps, the score of an origin is the smallest q for which the peak
 *   of the band "forecast + q·scale" over those steps reaches the actual peak; the conformal
 *   τ-quantile of these scores makes the band's peak a calibrated τ-quantile of the peak.
 */
export interface Calibration {
  /** Scale of the backtest errors per horizon step (transformed units). */
  scales: number[];
  /** Backtest errors divided by their step's scale, one path per origin. */
  paths: number[][];
  /** Per origin, the peak score for each window length 1…horizon. */
  peakPaths: number[][];
}

/**
 * A calibration as a service holds it for each policy (issue 16: engine memory): the paths, then the
 * peak paths, origin after origin in one typed array (`width` scores each) instead of a JS array per
 * origin. Scores rounded to four decimals, as calibrate() makes them, are kept exactly as integers in
 * ten-thousandths (`unit` 1e4), in 16 bits: a score beyond ±3.2767 is marked WIDE there and kept in
 * `wide` (index, integer; a few of a model's hundreds). Any other calibration is kept as doubles
 * (`unit` 1, `wide` empty).
 */
export interface PackedCalibration {
  scales: number[];
  origins: number;
  width: number;
  unit: number;
  scores: Int16Array | Float64Array;
  /** The scores marked WIDE in `scores`, as pairs of their index and their integer value. */
  wide: number[];
}

/** Marks a fixed-point score outside 16 bits, found in `wide`. */
const WIDE = -32768;

/** Score `i` of a packed calibration, in its own units: the same double the unpacked one holds. */
function packedScore(calibration: PackedCalibration, i: number): number {
  const { scores, unit, wide } = calibration;
  const v = scores[i]!;
  if (v !== WIDE || wide.length === 0) return v / unit;
  let j = 0;
  while (wide[j] !== i) j += 2;
  return wide[j + 1]! / unit;
}

/** Fixed-point unit of rounded scores. */
const SCORE_UNIT = 1e4;

/** Scores are kept to four decimals: far below their sampling noise, and states stay compact. */
const roundScore = (x: number): number => Math.round(x * SCORE_UNIT) / SCORE_UNIT;

/**
 * Builds a calibration from backtests: per origin, the actual values that followed it and the errors
 * (actual minus forecast) per step, both in transformed units. `smoothing` is the half-width, in
 * steps, of the window a step's scale is averaged over.
 */
export function calibrate(
  actuals: Float64Array[],
  errors: Float64Array[],
  horizon: number,
  smoothing = Math.max(1, Math.round(horizon / 16)),
): Calibration {
  const scales: number[] = [];
  let largest = 0;
  for (let h = 0; h < horizon; h++) {
    let sum = 0;
    let count = 0;
    for (const path of errors) {
      for (let j = Math.max(0, h - smoothing); j <= Math.min(horizon - 1, h + smoothing); j++) {
        sum += Math.abs(path[j]!);
        count++;
      }
    }
    const scale = count > 0 ? sum / count : NaN;
    scales.push(scale);
    if (scale > largest) largest = scale;
  }
  // A floor keeps the scores finite for error-free series; steps no origin reached take the largest scale.
  const floor = largest > 0 ? largest * 1e-6 : 1e-12;
  for (let h = 0; h < horizon; h++) {
    scales[h] = Number.isFinite(scales[h]!) ? Math.max(scales[h]!, floor) : Math.max(largest, floor);
  }
  const paths = errors.map((path) =>
    Array.from(path.subarray(0, horizon), (e, h) => roundScore(e / scales[h]!)),
  );
  const peakPaths = errors.map((path, k) => peakPath(actuals[k]!, path, scales, horizon));
  return { scales, paths, peakPaths };
}

/** Peak scores of one origin for every window length s: min over h < s of (peak_s − forecast_h) / scale_h. */
function peakPath(actual: Float64Array, errors: Float64Array, scales: number[], horizon: number): number[] {
  const out: number[] = [];
  let peak = -Infinity;
  for (let s = 1; s <= horizon; s++) {
    peak = Math.max(peak, actual[s - 1]!);
    let score = Infinity;
    for (let h = 0; h < s; h++) {
      const forecast = actual[h]! - errors[h]!;
      score = Math.min(score, (peak - forecast) / scales[h]!);
    }
    out.push(roundScore(score));
  }
  return out;
}

/**
 * Conformal quantile of ascending scores: the ⌈(N+1)τ⌉-th smallest for upper quantiles and the
 * ⌊(N+1)τ⌋-th for lower ones, which gives coverage of at least τ (resp. 1 − τ) under exchangeability;
 * levels beyond what N scores can resolve take the extreme score, and no scores give 0.
 */
export function conformalQuantile(sorted: ArrayLike<number>, tau: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  if (tau === 0.5) {
    const mid = (n - 1) / 2;
    return (sorted[Math.floor(mid)]! + sorted[Math.ceil(mid)]!) / 2;
  }
  const rank = tau > 0.5 ? Math.ceil((n + 1) * tau) : Math.floor((n + 1) * tau);
  return sorted[Math.min(n, Math.max(1, rank)) - 1]!;
}

/** All scores pooled across steps and origins, ascending, in an array `allocate` gives. */
export function pooledScores(
  calibration: Calibration | PackedCalibration,
  allocate: Allocate = fresh,
): Float64Array {
  if ('scores' in calibration) {
    // A loop: Float64Array.from over a typed array iterates it, an object per score (issue 16: a tick's
    // garbage, 8 % of what outlived a scavenge at 2,000 forecasting policies).
    const pooled = allocate(calibration.origins * calibration.width);
    for (let i = 0; i < pooled.length; i++) pooled[i] = packedScore(calibration, i);
    return pooled.sort();
  }
  const pooled = allocate(calibration.paths.reduce((n, path) => n + path.length, 0));
  let i = 0;
  for (const path of calibration.paths) for (const score of path) pooled[i++] = score;
  return pooled.sort();
}

/**
 * Per origin, the peak score over the first `steps` steps (the whole horizon at most), ascending, in an
 * array `allocate` gives.
 */
export function peakScores(
  calibration: Calibration | PackedCalibration,
  steps: number,
  allocate: Allocate = fresh,
): Float64Array {
  if ('scores' in calibration) {
    const { origins, width } = calibration;
    if (width === 0) return allocate(0);
    const at = Math.min(steps, width) - 1;
    const scores = allocate(origins);
    for (let k = 0; k < origins; k++) scores[k] = packedScore(calibration, (origins + k) * width + at);
    return scores.sort();
  }
  const out: number[] = [];
  for (const path of calibration.peakPaths)
    if (path.length > 0) out.push(path[Math.min(steps, path.length) - 1]!);
  const scores = allocate(out.length);
  scores.set(out);
  return scores.sort();
}

/**
 * The calibration packed in one typed array, or as it is when its paths are not one per origin of a
 * common width (a form calibrate() never makes). Forecasts from either are the same to the bit.
 */
export function packCalibration(calibration: Calibration): Calibration | PackedCalibration {
  const { scales, paths, peakPaths } = calibration;
  const origins = paths.length;
  const width = paths[0]?.length ?? 0;
  if (peakPaths.length !== origins || [...paths, ...peakPaths].some((row) => row.length !== width))
    return calibration;
  const all = [...paths.flat(), ...peakPaths.flat()];
  const fixed = all.every(
    (v) => Math.abs(v) < 2 ** 31 / SCORE_UNIT && Math.round(v * SCORE_UNIT) / SCORE_UNIT === v,
  );
  if (!fixed) return { scales, origins, width, unit: 1, scores: Float64Array.from(all), wide: [] };
  const scores = new Int16Array(all.length);
  const wide: number[] = [];
  all.forEach((v, i) => {
    const fixedPoint = Math.round(v * SCORE_UNIT);
    if (Math.abs(fixedPoint) < -WIDE) scores[i] = fixedPoint;
    else {
      scores[i] = WIDE;
      wide.push(i, fixedPoint);
    }
  });
  return { scales, origins, width, unit: SCORE_UNIT, scores, wide };
}

/** The calibration with a JS array per origin, as calibrate() makes it and a state is stored. */
export function unpackCalibration(calibration: Calibration | PackedCalibration): Calibration {
  if (!('scores' in calibration)) return calibration;
  const { scales, origins, width } = calibration;
  const row = (k: number): number[] =>
    Array.from({ length: width }, (_, h) => packedScore(calibration, k * width + h));
  return {
    scales,
    paths: Array.from({ length: origins }, (_, k) => row(k)),
    peakPaths: Array.from({ length: origins }, (_, k) => row(origins + k)),
  };
}

/** Scale of step h (0-based); steps past the calibrated horizon keep the last scale. */
export function stepScale(calibration: Calibration | PackedCalibration, h: number): number {
  const scales = calibration.scales;
  if (scales.length === 0) return 0;
  return scales[Math.min(h, scales.length - 1)]!;
}
