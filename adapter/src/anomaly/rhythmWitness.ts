import { z } from 'zod';
import { logNormalTail } from './normal';
import { APART, shapeApart } from './shapeApart';

/**
 * A witness on a rhythm's expectation, shared by the weekly profile (this hour of this weekday in earlier
 * weeks) and the daily one (this time of day, around the last day's mean): the smoothed signed residual
 * against the expectation, over a few hours, against that smoothed residual's own long-run spread. One
 * sample's deviation is noise; hours of it are news even when every step follows the one before it (a
 * holiday shaped like a Sunday, a day whose peak does not come, a flat line where the day should swing),
 * which the detector's one-step forecasts explain away. It speaks only where the expectation explains the
 * series better than a rival forecast (the rhythm exists) and once its statistics have settled.
 */

/** The smoothing's span, as a share of a day: a few hours. */
const SMOOTH_DAY_SHARE = 1 / 8;
/** The errors' and the smoothed residual's long-run statistics forget over about a week. */
const LONG_DAYS = 7;
/** The expectation must be at least this much better than its rival to speak. */
const BETTER_RATIO = 0.8;
/** Residuals beyond this many mean absolute errors count only this far in the errors (Huber). */
const CLIP = 3;
/** A standardised residual counts at most this much in the smoothing (one sample is not a day). */
const Z_CLIP = 6;
/** The smoothed residual this many standard deviations out is an excursion: the statistics stop learning. */
const EXCURSION = 3;
/**
 * Within an excursion, evidence is news only when the deviation has doubled since it last was: a holiday
 * lasts a day and would otherwise alarm on every sample whose deviation edges higher (the detector's
 * continuation rule likewise keeps an event quiet unless its score doubles).
 */
const GROWTH = 2;

export const witnessStateSchema = z.object(
  shapeApart({
    [APART]: true,
    smoothAlpha: z.number().min(0).max(1),
    longAlpha: z.number().min(0).max(1),
    /** Samples of the long-run statistics before the witness speaks (they are settled by then). */
    minSamples: z.number().int().min(1),
    /**
     * The smallest spread of the smoothed residual the witness assumes, in standard deviations of the
     * residual (0: none).
     */
    sdFloor: z.number().min(0),
    /** Mean absolute error of the expectation and of its rival, on the same samples. */
    error: z.number().min(0),
    rivalError: z.number().min(0),
    samples: z.number().int().min(0),
    /** The smoothed standardised residual and its long-run mean and variance. */
    smooth: z.number(),
    smoothMean: z.number(),
    smoothVar: z.number().min(0),
    /** The deviation last reported in the current excursion (0 outside one): news again once doubled. */
    excursionPeak: z.number().min(0),
  }),
);
export type WitnessState = z.infer<typeof witnessStateSchema>;

/**
 * A witness for a series of `perDay` samples a day, speaking once it has learnt from `settleDays` of them.
 * With `whiteNoiseFloor`, the smoothed residual's spread is taken as at least what independent residuals
 * of unit spread would give it: where the expectation fits ever better (a noiseless rhythm), its residuals
 * shrink below the standardising error's floor and the smoothed residual's own spread with them, and the
 * first sample at the floor would otherwise read as an excursion.
 */
export function createWitness(perDay: number, settleDays: number, whiteNoiseFloor: boolean): WitnessState {
  const smoothAlpha = Math.min(1, 1 / Math.max(1, perDay * SMOOTH_DAY_SHARE));
  return {
    smoothAlpha,
    longAlpha: 1 / (perDay * LONG_DAYS),
    minSamples: Math.max(1, Math.round(perDay * settleDays)),
    // An exponential smoothing of rate a keeps a share a/(2 − a) of independent residuals' variance.
    sdFloor: whiteNoiseFloor ? Math.sqrt(smoothAlpha / (2 - smoothAlpha)) : 0,
    error: 0,
    rivalError: 0,
    samples: 0,
    smooth: 0,
    smoothMean: 0,
    smoothVar: 0,
    excursionPeak: 0,
  };
}

/**
 * The natural log of the tail probability of the smoothed residual (0: no evidence). `z` is the residual
 * standardised by the caller, `residual` and `rivalResidual` the raw residuals of the expectation and of
 * its rival (NaN: the rival has none yet), `floor` the smallest error the caller allows. Learns the
 * long-run statistics unless the series is in an excursion, so an anomaly that lasts does not widen the
 * band it is measured against.
 */
export function witnessEvidence(
  state: WitnessState,
  z: number,
  residual: number,
  rivalResidual: number,
  floor: number,
): number {
  state.smooth += state.smoothAlpha * (Math.max(-Z_CLIP, Math.min(Z_CLIP, z)) - state.smooth);
  const sd = Math.max(Math.sqrt(state.smoothVar), state.sdFloor);
  const deviation = Math.abs(state.smooth - state.smoothMean) / sd;
  const settled = state.samples >= state.minSamples && sd > 0;
  if (!settled || deviation <= EXCURSION) {
    learn(state, residual, rivalResidual, floor);
    state.excursionPeak = 0;
  } else if (deviation <= state.excursionPeak * GROWTH) return 0;
  else state.excursionPeak = deviation;
  if (!settled || state.error > BETTER_RATIO * state.rivalError) return 0;
  return logNormalTail(deviation) + Math.LN2;
}

/** A residual as the errors learn it: whole at first, then clipped at CLIP errors (at least the floor). */
const bounded = (r: number, error: number, first: boolean, floor: number): number =>
  first ? Math.abs(r) : Math.min(Math.abs(r), CLIP * Math.max(error, floor));

function learn(state: WitnessState, residual: number, rivalResidual: number, floor: number): void {
  const alpha = Math.max(state.longAlpha, 1 / (state.samples + 1));
  const first = state.samples === 0;
  state.error += alpha * (bounded(residual, state.error, first, floor) - state.error);
  // Without a rival yet the expectation has nothing to beat.
  if (Number.isFinite(rivalResidual))
    state.rivalError += alpha * (bounded(rivalResidual, state.rivalError, first, floor) - state.rivalError);
  else state.rivalError = Math.max(state.rivalError, state.error / BETTER_RATIO);
  const delta = state.smooth - state.smoothMean;
  state.smoothMean += alpha * delta;
  state.smoothVar = (1 - alpha) * (state.smoothVar + alpha * delta * delta);
  state.samples += 1;
}
