import { z } from 'zod';
import { createWitness, witnessEvidence, witnessStateSchema } from './rhythmWitness';

/**
 * A witness on a positive series' slow level, in log space: the log of the value over its time of day's
 * share of the day (the daily profile's ratio), against a robust level that learns over about LEVEL_DAYS,
 * smoothed over half a day and measured against that smoothed residual's own spread (`rhythmWitness.ts`).
 * A price or a rate that halves for two days, or shifts and stays, is explained sample by sample by the
 * previous value and the fast level, and the long-run distribution of values is too wide for it to be
 * novel (a price's spikes, which double it for an hour, widen it); against the slow level it runs half a
 * day off. In log space a halving weighs as much as a doubling: the spikes' upper tail no longer hides a
 * drop. It needs no rhythm, so it speaks from its fifth day, where a short series (hourly, a few weeks)
 * has no weekly profile yet. A value of zero or below has no log: the witness skips it (a drop to zero
 * is a new extreme or novel anyway).
 */

/** The slow level learns over about this many days. */
const LEVEL_DAYS = 4;
/** The smoothing's span, as a share of a day: a single spike weighs little, a day's shift fully. */
const SMOOTH_DAY_SHARE = 1 / 2;
/** Residuals beyond this many mean absolute errors move the level and its error only this far (Huber). */
const CLIP = 3;
/**
 * Days of samples the witness's statistics learn from before it speaks: the level's own span. Settled
 * after two days, it alarmed on noiseless flat lines with spikes (NAB's artificial files' shape) between
 * the spikes, right after NAB's two-day probation, where the daily profile still echoes each spike at
 * its time of day.
 */
const SETTLE_DAYS = LEVEL_DAYS;
/** The smallest error of the log level assumed: a change of 0.1 % is noise in any unit. */
const LOG_FLOOR = 1e-3;

export const levelWitnessStateSchema = z.object({
  alpha: z.number().min(0).max(1),
  /** The slow level of the log value and its mean absolute error (null before the first positive sample). */
  level: z.number().nullable(),
  error: z.number().min(0),
  witness: witnessStateSchema,
});
export type LevelWitnessState = z.infer<typeof levelWitnessStateSchema>;

export function createLevelWitness(perDay: number): LevelWitnessState {
  const witness = createWitness(perDay, SETTLE_DAYS, true);
  witness.smoothAlpha = Math.min(1, 1 / Math.max(1, perDay * SMOOTH_DAY_SHARE));
  // The white-noise floor of the smoothed residual's spread, for this smoothing (as createWitness sets it).
  witness.sdFloor = Math.sqrt(witness.smoothAlpha / (2 - witness.smoothAlpha));
  return { alpha: Math.min(1, 1 / Math.max(1, perDay * LEVEL_DAYS)), level: null, error: 0, witness };
}

/**
 * The natural log of the tail probability of the smoothed residual against the slow level (0: no
 * evidence), from the state before this sample; then learns the sample. `timeOfDay` is the daily
 * profile's expectation at this time over the day's mean (1 when it has none).
 */
export function levelEvidence(state: LevelWitnessState, x: number, timeOfDay: number): number {
  if (!(x > 0) || !(timeOfDay > 0)) return 0;
  const y = Math.log(x / timeOfDay);
  if (state.level === null) {
    state.level = y;
    return 0;
  }
  const residual = y - state.level;
  const scale = Math.max(state.error, LOG_FLOOR);
  // No rival: every positive series has a level.
  const log = witnessEvidence(state.witness, residual / scale, residual, NaN, LOG_FLOOR);
  const bounded = Math.max(-CLIP * scale, Math.min(CLIP * scale, residual));
  const alpha = Math.max(state.alpha, 1 / (state.witness.samples + 1));
  state.level += alpha * bounded;
  state.error += alpha * (Math.abs(bounded) - state.error);
  return log;
}
