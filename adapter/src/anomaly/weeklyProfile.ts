import { z } from 'zod';
import { logNormalTail } from './normal';
import { uint16Array } from './typedArrays';

/**
 * A day-of-week witness for the anomaly detector: the series against what this time of this weekday looked
 * like in earlier weeks. A holiday is a weekday shaped like a Sunday; the daily profile, which averages
 * weekdays and weekends, expects neither, so its band is wide enough to hide it, and every step of such a
 * day follows the one before it. Against the weekly expectation the whole day runs low, so the witness is
 * the smoothed signed residual against it, over a few hours: one sample's deviation is noise, a day's is
 * news. It speaks only where the weekly expectation explains the series better than the daily profile (a
 * weekly rhythm exists) and once the slot has been seen in two earlier weeks.
 */

export const WEEK_MS = 7 * 86_400_000;
/**
 * At most this many week slots (hourly): the witness looks at hours, not minutes, and the engine keeps a
 * detector per watched signal, so a 5-minute series shares a slot between twelve samples (and the slot's
 * expectation averages them).
 */
const MAX_SLOTS = 168;
/**
 * A slot's visits are counted up to this (two bytes): past a slot's first MIN_WEEKS weeks only the learning
 * rate reads the count, and that stops depending on it after about 1.5 weeks of visits.
 */
const COUNT_MAX = 0xffff;
/** At most this many visits of a slot a week, so MIN_WEEKS of them stay countable (a step of 110 ms or more). */
const MAX_VISITS = 0x7fff;
/** Weight of the newest week in a slot's expectation. */
const SLOT_ALPHA = 0.5;
/** Residuals beyond this many mean absolute errors move the expectation only this far (Huber). */
const CLIP = 3;
/** Weeks a slot must have been seen in before it is trusted. */
const MIN_WEEKS = 2;
/** The smoothing's span, as a share of a day: a few hours. */
const SMOOTH_DAY_SHARE = 1 / 8;
/** The errors' and the smoothed residual's long-run statistics forget over about a week. */
const LONG_WEEKS = 1;
/** The weekly expectation must be at least this much better than the daily profile to speak. */
const BETTER_RATIO = 0.8;
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

export const weeklyStateSchema = z.object({
  slotMs: z.number().positive(),
  expected: z.array(z.number()),
  /** Visits of each slot, saturating at COUNT_MAX. */
  count: uint16Array,
  /** Samples per slot in a week (a series finer than the slots visits each several times). */
  visitsPerWeek: z.number().int().min(1),
  smoothAlpha: z.number().min(0).max(1),
  longAlpha: z.number().min(0).max(1),
  /** Mean absolute error of the weekly expectation and of the daily profile, on the same samples. */
  weeklyError: z.number().min(0),
  dailyError: z.number().min(0),
  errorSamples: z.number().int().min(0),
  /** Samples of the long-run statistics before the witness speaks (a week's: they are settled by then). */
  minSamples: z.number().int().min(1),
  /** The smoothed standardised residual and its long-run mean and variance. */
  smooth: z.number(),
  smoothMean: z.number(),
  smoothVar: z.number().min(0),
  /** The deviation last reported in the current excursion (0 outside one): news again once doubled. */
  excursionPeak: z.number().min(0),
});
export type WeeklyState = z.infer<typeof weeklyStateSchema>;

/** A weekly profile for a series sampled every `stepMs` (no slots when it has no time of day). */
export function createWeekly(stepMs: number, hasTimeOfDay: boolean): WeeklyState {
  const slotMs = Math.max(stepMs, WEEK_MS / MAX_SLOTS);
  const slots = hasTimeOfDay ? Math.round(WEEK_MS / slotMs) : 0;
  const perDay = 86_400_000 / stepMs;
  return {
    slotMs,
    expected: new Array<number>(slots).fill(0),
    count: new Uint16Array(slots),
    visitsPerWeek: Math.min(MAX_VISITS, Math.max(1, Math.round(slotMs / stepMs))),
    smoothAlpha: Math.min(1, 1 / Math.max(1, perDay * SMOOTH_DAY_SHARE)),
    longAlpha: 1 / (perDay * 7 * LONG_WEEKS),
    weeklyError: 0,
    dailyError: 0,
    errorSamples: 0,
    minSamples: Math.max(1, Math.round(perDay * 7 * LONG_WEEKS)),
    smooth: 0,
    smoothMean: 0,
    smoothVar: 0,
    excursionPeak: 0,
  };
}

function slotOf(state: WeeklyState, timeMs: number): number {
  if (state.expected.length === 0 || !Number.isFinite(timeMs)) return -1;
  const ofWeek = ((timeMs % WEEK_MS) + WEEK_MS) % WEEK_MS;
  return Math.min(state.expected.length - 1, Math.floor(ofWeek / state.slotMs));
}

/** Whether the slot has been seen in MIN_WEEKS earlier weeks. */
const ready = (state: WeeklyState, slot: number): boolean =>
  slot >= 0 && state.count[slot]! >= MIN_WEEKS * state.visitsPerWeek;

/**
 * The natural log of the tail probability of the smoothed residual against the weekly expectation (0: no
 * evidence), from the state before this sample; learns the long-run statistics unless the series is in
 * an excursion (so a holiday does not widen the band it is measured against). `dailyResidual` is the
 * daily profile's residual for the same sample (NaN when it has none), `floor` the smallest spread the
 * caller allows.
 */
export function weeklyEvidence(
  state: WeeklyState,
  timeMs: number,
  x: number,
  dailyResidual: number,
  floor: number,
): number {
  const slot = slotOf(state, timeMs);
  if (!ready(state, slot)) return 0;
  const residual = x - state.expected[slot]!;
  const z = residual / Math.max(state.weeklyError, floor);
  state.smooth += state.smoothAlpha * (Math.max(-Z_CLIP, Math.min(Z_CLIP, z)) - state.smooth);
  const sd = Math.sqrt(state.smoothVar);
  const deviation = Math.abs(state.smooth - state.smoothMean) / sd;
  const settled = state.errorSamples >= state.minSamples && sd > 0;
  if (!settled || deviation <= EXCURSION) {
    learnErrors(state, residual, dailyResidual, floor);
    state.excursionPeak = 0;
  } else if (deviation <= state.excursionPeak * GROWTH) return 0;
  else state.excursionPeak = deviation;
  if (!settled || state.weeklyError > BETTER_RATIO * state.dailyError) return 0;
  return logNormalTail(deviation) + Math.LN2;
}

function learnErrors(state: WeeklyState, residual: number, dailyResidual: number, floor: number): void {
  const alpha = Math.max(state.longAlpha, 1 / (state.errorSamples + 1));
  const first = state.errorSamples === 0;
  const bounded = (r: number, error: number): number =>
    first ? Math.abs(r) : Math.min(Math.abs(r), CLIP * Math.max(error, floor));
  state.weeklyError += alpha * (bounded(residual, state.weeklyError) - state.weeklyError);
  // Without a daily profile yet the weekly expectation has nothing to beat.
  if (Number.isFinite(dailyResidual))
    state.dailyError += alpha * (bounded(dailyResidual, state.dailyError) - state.dailyError);
  else state.dailyError = Math.max(state.dailyError, state.weeklyError / BETTER_RATIO);
  const delta = state.smooth - state.smoothMean;
  state.smoothMean += alpha * delta;
  state.smoothVar = (1 - alpha) * (state.smoothVar + alpha * delta * delta);
  state.errorSamples += 1;
}

/** Learns the sample's week slot after it was scored. */
export function learnWeekly(state: WeeklyState, timeMs: number, x: number, floor: number): void {
  const slot = slotOf(state, timeMs);
  if (slot < 0) return;
  const count = state.count[slot]!;
  const residual = x - state.expected[slot]!;
  const scale = CLIP * Math.max(state.weeklyError, floor);
  const step =
    count < state.visitsPerWeek || state.errorSamples === 0
      ? residual
      : Math.max(-scale, Math.min(scale, residual));
  // A running mean at first, then each week weighs SLOT_ALPHA, shared among the slot's visits in it.
  const alpha = 1 - (1 - SLOT_ALPHA) ** (1 / state.visitsPerWeek);
  state.expected[slot] = state.expected[slot]! + Math.max(alpha, 1 / (count + 1)) * step;
  state.count[slot] = Math.min(COUNT_MAX, count + 1);
}
