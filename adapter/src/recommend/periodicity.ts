import { MS_PER_HOUR, wallTimeAt } from '../domain/wallClock';

// Demand by the hour, on the wall clock of a time zone, and how strongly it repeats daily and weekly
// (autocorrelation at lags of 24 and 168 hours, as Crane's period detection looks for; cost-inputs.md §4).

export interface HourlyDemand {
  /** Start of the first hour (epoch ms, a whole UTC hour). */
  readonly startMs: number;
  /** Mean demand per hour; NaN for hours without samples. */
  readonly means: Float64Array;
  /** Local hour of day (0–23) of each hour's middle. */
  readonly hourOfDay: Uint8Array;
  /** Local ISO weekday (1 = Monday … 7 = Sunday) of each hour's middle. */
  readonly weekday: Uint8Array;
}

export function hourlyDemand(timesMs: Float64Array, demand: Float64Array, timeZone: string): HourlyDemand {
  const n = timesMs.length;
  const startMs = Math.floor((timesMs[0] as number) / MS_PER_HOUR) * MS_PER_HOUR;
  const hours = n === 0 ? 0 : Math.floor(((timesMs[n - 1] as number) - startMs) / MS_PER_HOUR) + 1;
  const sums = new Float64Array(hours);
  const counts = new Float64Array(hours);
  for (let i = 0; i < n; i++) {
    const v = demand[i] as number;
    if (!Number.isFinite(v)) continue;
    const h = Math.floor(((timesMs[i] as number) - startMs) / MS_PER_HOUR);
    sums[h] = (sums[h] as number) + v;
    counts[h] = (counts[h] as number) + 1;
  }
  const means = new Float64Array(hours);
  const hourOfDay = new Uint8Array(hours);
  const weekday = new Uint8Array(hours);
  for (let h = 0; h < hours; h++) {
    means[h] = (counts[h] as number) > 0 ? (sums[h] as number) / (counts[h] as number) : Number.NaN;
    const wall = wallTimeAt(startMs + h * MS_PER_HOUR + MS_PER_HOUR / 2, timeZone);
    hourOfDay[h] = wall.hour;
    weekday[h] = wall.isoWeekday;
  }
  return { startMs, means, hourOfDay, weekday };
}

/**
 * Autocorrelation at `lag` of the series without its mean and linear trend (so growth does not read
 * as correlation); pairs with a missing value are skipped. NaN when the series is shorter than two lags.
 */
export function autocorrelation(values: Float64Array, lag: number): number {
  const n = values.length;
  if (n < 2 * lag) return Number.NaN;
  let count = 0;
  let st = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    count++;
    st += i;
    sy += v;
  }
  if (count < 2) return Number.NaN;
  const mt = st / count;
  const my = sy / count;
  let stt = 0;
  let sty = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    stt += (i - mt) * (i - mt);
    sty += (i - mt) * (v - my);
  }
  const slope = stt > 0 ? sty / stt : 0;
  const residual = new Float64Array(n);
  let energy = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    residual[i] = Number.isFinite(v) ? v - my - slope * (i - mt) : Number.NaN;
    if (Number.isFinite(v)) energy += (residual[i] as number) ** 2;
  }
  if (!(energy > 0)) return Number.NaN;
  let sum = 0;
  let pairs = 0;
  for (let i = lag; i < n; i++) {
    const a = residual[i] as number;
    const b = residual[i - lag] as number;
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    sum += a * b;
    pairs++;
  }
  // Per pair against per sample, so a long lag over a short window is not biased towards zero.
  return pairs > 0 ? sum / pairs / (energy / count) : Number.NaN;
}
