import { z } from 'zod';
import { countAt, countedFrom, forgetCounts } from './decayedCounts';
import { APART, shapeApart } from './shapeApart';
import { float32Array } from './typedArrays';

/**
 * The series' record of its own bursts: each episode of strong evidence (consecutive samples of it) ends
 * with its peak entered in a histogram of peaks that forgets over weeks. A burst that several earlier
 * ones reached is routine for this series, however improbable it looks against the series' ordinary
 * samples: a series whose bursts are routine (tweet volume, a disk's writes) shows one every day, and a
 * quantile of samples, dominated by the calm ones between bursts, calibrates none of them away. The record
 * counts episodes, not samples, so a calm series, whose strong episodes are its anomalies, keeps its
 * sensitivity. (The idea of a peaks-over-threshold record, Siffer et al.'s SPOT, in a counting form.)
 * The record also knows how often its bursts come: bursts of a routine size arriving far faster than the
 * record's rate (a job's spikes every hour where they came twice a day) are evidence in their own right.
 */

/**
 * An episode: consecutive samples of calibrated evidence (decades over 1 + the quantile) at least this, a
 * score of 0.17, about where NAB's optimal thresholds lie: the bursts that would alarm. (At 1, a calm
 * series' ordinary excursions fill the record too, and more of the injected anomalies were taken as routine.)
 */
export const EPISODE_MIN = 2;
/** An episode ends after this many samples below EPISODE_MIN (the likelihood's window). */
const EPISODE_GAP = 3;
/** The peaks' bins: two a doubling of the peak, from EPISODE_MIN; the last holds everything beyond. */
const BINS_PER_OCTAVE = 2;
const BINS = 16;
/** The record forgets an episode by half in two weeks. */
const HALF_LIFE_MS = 14 * 86_400_000;
/** The recent episodes, against which the record's rate is checked, are forgotten by half in six hours. */
const RECENT_HALF_LIFE_MS = 6 * 3_600_000;
/** A burst is routine when the record holds at least this many episodes that peaked as high. */
export const ROUTINE_EPISODES = 6;

export const burstRecordSchema = z.object(
  shapeApart({
    [APART]: true,
    /** The current episode's peak (0: none). */
    peak: z.number().min(0),
    /** Samples since the evidence was last at the episode level. */
    quiet: z.number().int().min(0),
    /** Episodes by peak, decayed to `decayedAt`. */
    counts: float32Array,
    /** Episodes by recency (forgotten by half in RECENT_HALF_LIFE_MS), decayed to `decayedAt`. */
    recent: z.number().min(0),
    decayedAt: z.number(),
  }),
);
export type BurstRecord = z.infer<typeof burstRecordSchema>;

export const createBurstRecord = (): BurstRecord => ({
  peak: 0,
  quiet: 0,
  counts: new Float32Array(BINS),
  recent: 0,
  // JSON-safe, unlike -Infinity; the first decay empties nothing that was not empty.
  decayedAt: -Number.MAX_VALUE,
});

/** Forgets over the time elapsed since the last decay; a sample without a valid time, or going back, does not. */
function decay(record: BurstRecord, timeMs: number): void {
  if (!(timeMs > record.decayedAt)) return;
  forgetCounts(record.counts, 0.5 ** ((timeMs - record.decayedAt) / HALF_LIFE_MS));
  record.recent *= 0.5 ** ((timeMs - record.decayedAt) / RECENT_HALF_LIFE_MS);
  record.decayedAt = timeMs;
}

/** Follows the calibrated evidence of one sample; an episode that has ended enters the record. */
export function observeBurst(record: BurstRecord, timeMs: number, calibrated: number): void {
  if (calibrated >= EPISODE_MIN) {
    record.peak = Math.max(record.peak, calibrated);
    record.quiet = 0;
    return;
  }
  if (record.peak === 0) return;
  record.quiet += 1;
  if (record.quiet < EPISODE_GAP) return;
  decay(record, timeMs);
  countAt(record.counts, BINS_PER_OCTAVE * Math.log2(record.peak / EPISODE_MIN));
  record.recent += 1;
  record.peak = 0;
  record.quiet = 0;
}

/**
 * How many recorded episodes (decayed) peaked at least this high: the bins above it, and of its own bin
 * the share above it on a log scale.
 */
export function episodesAbove(record: BurstRecord, timeMs: number, calibrated: number): number {
  decay(record, timeMs);
  return countedFrom(record.counts, Math.max(0, BINS_PER_OCTAVE * Math.log2(calibrated / EPISODE_MIN)));
}

/** Whether a burst of this calibrated evidence is one the series has shown often enough to be routine. */
export const routineBurst = (record: BurstRecord, timeMs: number, calibrated: number): boolean =>
  calibrated >= EPISODE_MIN && episodesAbove(record, timeMs, calibrated) >= ROUTINE_EPISODES;

/**
 * Decades of evidence that bursts come faster than the record's rate: the recent episodes k against the
 * μ expected of them, by the Chernoff bound on a Poisson tail, ln P(N ≥ k) ≤ k − μ − k ln(k/μ). μ is the
 * record's episodes times the ratio of the two half-lives (the two counts' ratio at a steady rate), or,
 * while the record has been learning (`elapsedMs`) for less than its half-life, times the recent half-life
 * over that time (ln 2 short of a steady recent count: a margin), so a young record's bursts do not read
 * as a surge. Zero until the record holds ROUTINE_EPISODES: a rate needs a record, and where bursts are
 * rare each is evidence by itself.
 */
export function burstRateDecades(record: BurstRecord, timeMs: number, elapsedMs: number): number {
  decay(record, timeMs);
  let episodes = 0;
  for (let b = 0; b < BINS; b++) episodes += record.counts[b]!;
  if (episodes < ROUTINE_EPISODES || !(elapsedMs > 0)) return 0;
  const expected = (episodes * RECENT_HALF_LIFE_MS) / Math.min(HALF_LIFE_MS, elapsedMs);
  const k = record.recent;
  return k > expected ? (k * Math.log(k / expected) - k + expected) / Math.LN10 : 0;
}
