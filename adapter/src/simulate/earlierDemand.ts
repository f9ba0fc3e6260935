import { growthWarmStartSteps } from '../domain';

// The history before a what-if's window, which the live engine would have warm-started its growth
// histogram from (engine/gather.ts): the demand query's values at the tick step over the day before.

/**
 * The span to read before a window: start and end (inclusive, one tick before `t0`) at `stepMs`; a day,
 * or what one query answers at a tick shorter than 8 s.
 */
export function earlierDemandRange(
  t0: number,
  stepMs: number,
): { start: number; end: number; stepMs: number } {
  const count = growthWarmStartSteps(stepMs / 1000);
  return { start: t0 - count * stepMs, end: t0 - stepMs, stepMs };
}

/**
 * A range query's samples on the day of ticks before `t0` (the trace's first), oldest first; NaN on a tick
 * the series has no sample for (the histogram skips those horizons, as the engine's does a failed tick),
 * e.g. between the window's start and a trace that begins later.
 */
export function earlierDemandAt(
  series: { readonly timestamps: ArrayLike<number>; readonly values: ArrayLike<number> },
  t0: number,
  stepMs: number,
): Float64Array {
  const { start } = earlierDemandRange(t0, stepMs);
  const out = new Float64Array(Math.round((t0 - start) / stepMs)).fill(Number.NaN);
  for (let i = 0; i < series.timestamps.length; i++) {
    const k = Math.round(((series.timestamps[i] as number) - start) / stepMs);
    if (k >= 0 && k < out.length) out[k] = series.values[i] as number;
  }
  return out;
}
