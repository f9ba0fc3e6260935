import { fillGaps } from './series';

/**
 * Seasonal period detection from the autocorrelation function. With a known sampling step only
 * calendar periods are considered (a day and a week, e.g. 288 and 2016 steps at 300 s, 24 and 168 at
 * 3600 s); without one, the strongest repeating lag is searched for. A period is accepted when its
 * autocorrelation is clearly positive and a peak against the lags around it, and a longer period that
 * is a multiple of an accepted one (the week over the day) only when it stands above the
 * neighbouring multiples of the shorter one, i.e. when weekdays differ.
 */
export interface PeriodDetectionOptions {
  /** Sampling step of the series in seconds; restricts the search to calendar periods. */
  stepSeconds?: number;
  /** Explicit candidate periods (overrides the calendar candidates). */
  candidates?: number[];
  /** At most this many periods (default 2). */
  maxPeriods?: number;
}

/** Minimum autocorrelation of an accepted season. */
const MIN_AUTOCORRELATION = 0.2;
/** How far a multiple must stand above the mean of its neighbouring multiples of the shorter period. */
const MIN_MULTIPLE_GAIN = 0.01;
/** The same for the open search, where a multiple has no calendar reason to exist. */
const MIN_OPEN_MULTIPLE_GAIN = 0.05;
/** Longest lag of the open search (keeps it O(n·lag) cheap). */
const MAX_SEARCH_LAG = 1000;

const DAY_SECONDS = 86_400;
const WEEK_SECONDS = 7 * DAY_SECONDS;

/** Daily and weekly periods in steps of `stepSeconds`, where they are whole numbers of at least 2 steps. */
export function calendarPeriods(stepSeconds: number): number[] {
  if (!(stepSeconds > 0)) return [];
  return [DAY_SECONDS, WEEK_SECONDS]
    .map((span) => span / stepSeconds)
    .filter((p) => Number.isInteger(p) && p >= 2);
}

/** Autocorrelation at one lag of a mean-zero series with sum of squares `energy`. */
function autocorrelation(x: Float64Array, lag: number, energy: number): number {
  let sum = 0;
  for (let i = lag; i < x.length; i++) sum += x[i]! * x[i - lag]!;
  return energy > 0 ? sum / energy : 0;
}

/**
 * Share of the highest values lowered to the quantile below them before the autocorrelation: one incident
 * (a burst a hundred times the usual peak) otherwise holds most of the series' energy, and the lags that
 * do not align it with itself, the seasons among them, read as uncorrelated.
 */
const CLIPPED_SHARE = 0.01;

/** `x` with the values above its (1 − CLIPPED_SHARE) quantile lowered to it, in place. */
function clipIncidents(x: Float64Array): Float64Array {
  const cap = Float64Array.from(x).sort()[Math.floor((1 - CLIPPED_SHARE) * (x.length - 1))];
  if (cap !== undefined) for (let i = 0; i < x.length; i++) x[i] = Math.min(x[i]!, cap);
  return x;
}

/** The series minus its least-squares line, so a trend does not read as correlation at every lag. */
function detrended(values: ArrayLike<number>): Float64Array {
  const x = clipIncidents(fillGaps(values));
  const n = x.length;
  const meanT = (n - 1) / 2;
  let meanY = 0;
  for (let i = 0; i < n; i++) meanY += x[i]!;
  meanY /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - meanT) * (x[i]! - meanY);
    sxx += (i - meanT) * (i - meanT);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  for (let i = 0; i < n; i++) x[i] = x[i]! - meanY - slope * (i - meanT);
  return x;
}

/** Detects up to `maxPeriods` seasonal periods, ascending; [] when the series shows none. */
export function detectSeasonalPeriods(
  values: ArrayLike<number>,
  options: PeriodDetectionOptions = {},
): number[] {
  const x = detrended(values);
  const n = x.length;
  let energy = 0;
  for (let i = 0; i < n; i++) energy += x[i]! * x[i]!;
  const memo = new Map<number, number>();
  const acf = (lag: number): number => {
    let r = memo.get(lag);
    if (r === undefined) {
      r = lag < n ? autocorrelation(x, lag, energy) : 0;
      memo.set(lag, r);
    }
    return r;
  };
  const maxPeriods = options.maxPeriods ?? 2;
  const candidates =
    options.candidates ?? (options.stepSeconds !== undefined ? calendarPeriods(options.stepSeconds) : null);
  const fits = (p: number): boolean => Number.isInteger(p) && p >= 2 && n >= 2 * p;

  const accepted: number[] = [];
  const isSeason = (p: number): boolean => {
    const r = acf(p);
    if (r < MIN_AUTOCORRELATION) return false;
    const shorter = accepted.find((q) => p % q === 0);
    if (shorter !== undefined) return r >= (acf(p - shorter) + acf(p + shorter)) / 2 + MIN_MULTIPLE_GAIN;
    // A peak against the lags half a period away, where a season has its troughs.
    const half = Math.max(1, Math.floor(p / 2));
    return r > acf(p - half) && r > acf(p + half);
  };

  if (candidates) {
    for (const p of [...new Set(candidates)].filter(fits).sort((a, b) => a - b)) {
      if (accepted.length >= maxPeriods) break;
      if (isSeason(p)) accepted.push(p);
    }
    return accepted;
  }

  // Open search: the local ACF peak whose first harmonics are strongest on average (so a noisy peak a
  // lag away from the true period loses to it), then the multiple of it that stands out most.
  const maxLag = Math.min(Math.floor(n / 2), MAX_SEARCH_LAG);
  const isLocalPeak = (lag: number): boolean => acf(lag) >= acf(lag - 1) && acf(lag) > acf(lag + 1);
  const harmonicStrength = (lag: number): number => {
    let sum = 0;
    let count = 0;
    for (let k = 1; k <= 3 && k * lag < n; k++, count++) sum += acf(k * lag);
    return sum / count;
  };
  let primary = 0;
  let best = MIN_AUTOCORRELATION;
  for (let lag = 2; lag < maxLag; lag++) {
    if (acf(lag) < MIN_AUTOCORRELATION || !isLocalPeak(lag)) continue;
    const strength = harmonicStrength(lag);
    if (strength > best && isSeason(lag)) {
      best = strength;
      primary = lag;
    }
  }
  if (primary === 0) return accepted;
  // A strong weekly peak can outrank the daily one it is a multiple of: prefer the shortest divisor
  // that is a season itself, and keep the found lag as its multiple.
  for (let k = Math.floor(primary / 2); k >= 2; k--) {
    if (primary % k === 0 && isLocalPeak(primary / k) && isSeason(primary / k)) {
      primary /= k;
      break;
    }
  }
  accepted.push(primary);
  let multiple = 0;
  let bestGain = MIN_OPEN_MULTIPLE_GAIN;
  for (let k = 2; accepted.length < maxPeriods && fits(k * primary); k++) {
    const gain = acf(k * primary) - (acf((k - 1) * primary) + acf((k + 1) * primary)) / 2;
    if (gain >= bestGain && acf(k * primary) >= MIN_AUTOCORRELATION) {
      bestGain = gain;
      multiple = k * primary;
    }
  }
  if (multiple > 0) accepted.push(multiple);
  return accepted;
}
