import { z } from 'zod';
import { APART, shapeApart } from './shapeApart';
import { createWitness, witnessEvidence, witnessStateSchema } from './rhythmWitness';
import { signedFloat32Array, uint16Array } from './typedArrays';

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
/** Days of samples the witness's statistics learn from before it speaks. */
const SETTLE_DAYS = 7;

export const weeklyStateSchema = z.object(
  shapeApart({
    [APART]: true,
    slotMs: z.number().positive(),
    /**
     * The series' first value (null before it): the expectations are held against it, in four-byte floats.
     * An expectation is a mean of values seen, so it differs from the first by at most the range, and is
     * held within 2^-24 of the range: the witness's spreads are at least 1e-3 of it (`typedArrays.ts`).
     */
    anchor: z.number().nullable(),
    expected: signedFloat32Array,
    /** Visits of each slot, saturating at COUNT_MAX. */
    count: uint16Array,
    /** Samples per slot in a week (a series finer than the slots visits each several times). */
    visitsPerWeek: z.number().int().min(1),
    /** The witness on the weekly expectation, its rival the daily profile. */
    witness: witnessStateSchema,
  }),
);
export type WeeklyState = z.infer<typeof weeklyStateSchema>;

/** A weekly profile for a series sampled every `stepMs` (no slots when it has no time of day). */
export function createWeekly(stepMs: number, hasTimeOfDay: boolean): WeeklyState {
  const slotMs = Math.max(stepMs, WEEK_MS / MAX_SLOTS);
  const slots = hasTimeOfDay ? Math.round(WEEK_MS / slotMs) : 0;
  const perDay = 86_400_000 / stepMs;
  return {
    slotMs,
    anchor: null,
    expected: new Float32Array(slots),
    count: new Uint16Array(slots),
    visitsPerWeek: Math.min(MAX_VISITS, Math.max(1, Math.round(slotMs / stepMs))),
    witness: createWitness(perDay, SETTLE_DAYS, false),
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
 * evidence), from the state before this sample (`rhythmWitness.ts`). `dailyResidual` is the daily
 * profile's residual for the same sample (NaN when it has none), `floor` the smallest spread the caller
 * allows.
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
  const residual = x - state.anchor! - state.expected[slot]!;
  const z = residual / Math.max(state.witness.error, floor);
  return witnessEvidence(state.witness, z, residual, dailyResidual, floor);
}

/** Learns the sample's week slot after it was scored. */
export function learnWeekly(state: WeeklyState, timeMs: number, x: number, floor: number): void {
  const slot = slotOf(state, timeMs);
  if (slot < 0) return;
  state.anchor ??= x;
  const count = state.count[slot]!;
  const residual = x - state.anchor - state.expected[slot]!;
  const scale = CLIP * Math.max(state.witness.error, floor);
  const step =
    count < state.visitsPerWeek || state.witness.samples === 0
      ? residual
      : Math.max(-scale, Math.min(scale, residual));
  // A running mean at first, then each week weighs SLOT_ALPHA, shared among the slot's visits in it.
  const alpha = 1 - (1 - SLOT_ALPHA) ** (1 / state.visitsPerWeek);
  state.expected[slot] = state.expected[slot]! + Math.max(alpha, 1 / (count + 1)) * step;
  state.count[slot] = Math.min(COUNT_MAX, count + 1);
}
