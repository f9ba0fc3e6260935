import { z } from 'zod';
import { countAt, forgetCounts } from './decayedCounts';
import { APART, shapeApart } from './shapeApart';
import { float32Array } from './typedArrays';

/**
 * The series' record of its own scores, read per day: how high a score it reaches about RATE_PER_DAY times
 * a day (its "daily level"). Where that level is above TARGET_SCORE, the score a calm series alarms at, the
 * series alarms far more often than a calm one at any shared threshold, so its scores are read against
 * its own level: their decades scaled by (target / level)^STRENGTH. A score then means about the same
 * rarity per day on every series, the aim of Numenta HTM's anomaly likelihood (a raw score read as a tail
 * probability of the series' own recent scores; its idea, none of its code), counted per day rather than
 * per sample so that a 5-minute and an hourly series are read alike. Only the busy series' scores fall:
 * a calm one, whose strong scores are its anomalies, reaches its daily level rarely and keeps its scores.
 * STRENGTH 0.75 goes three quarters of the way: at full strength a series whose own anomalies come every
 * few days was read against them (a held-out NAB window lost), at half the busy series kept most of
 * their false alarms. The detector reads only its point evidence so: news that already weighs the series
 * against its own past (a new extreme, a burst rate, a lasting surge) is not read down twice.
 */

/** Scores of at least this many decades are counted (0.156, the score NAB's optimal thresholds sit at). */
const TARGET_SCORE = 0.156;
const SCORE_DECADES = 10;
const TARGET = (SCORE_DECADES * TARGET_SCORE) / (1 - TARGET_SCORE);
/** Bins of the counted scores' decades, two a doubling from TARGET; the last holds everything beyond. */
const BINS_PER_OCTAVE = 2;
const BINS = 16;
/** The record forgets by half in two weeks (the burst and surge records' half-life). */
const HALF_LIFE_MS = 14 * 86_400_000;
const DAY_MS = 86_400_000;
/** The daily level: the score reached this often a day, once in five days (a calm series alarms less often). */
const RATE_PER_DAY = 0.2;
/** Days of no scores the record starts with, so a young record's first alarms do not set its level. */
const PRIOR_DAYS = 7;
export const STRENGTH = 0.75;

export const scoreRaritySchema = z.object(
  shapeApart({
    [APART]: true,
    /** Counted scores by decades, decayed to `decayedAt`. */
    counts: float32Array,
    /** Days the record has seen, decayed as its counts are. */
    days: z.number().min(0),
    decayedAt: z.number(),
  }),
);
export type ScoreRarity = z.infer<typeof scoreRaritySchema>;

export const createScoreRarity = (): ScoreRarity => ({
  counts: new Float32Array(BINS),
  days: 0,
  // JSON-safe, unlike -Infinity; the first decay starts the record's clock.
  decayedAt: -Number.MAX_VALUE,
});

/**
 * Forgets over the time elapsed since the last decay, and adds that time to the days seen, decayed as the
 * counts are (its exact integral, so decaying once over a span or sample by sample gives the same days:
 * the record is decayed only when a score counts). A sample without a valid time, or going back, does not.
 */
function decay(record: ScoreRarity, timeMs: number): void {
  if (!(timeMs > record.decayedAt)) return;
  if (record.decayedAt > -Number.MAX_VALUE) {
    const factor = 0.5 ** ((timeMs - record.decayedAt) / HALF_LIFE_MS);
    forgetCounts(record.counts, factor);
    record.days = record.days * factor + ((1 - factor) * HALF_LIFE_MS) / Math.LN2 / DAY_MS;
  }
  record.decayedAt = timeMs;
}

/**
 * The decades the record reaches `budget` times from the top: within the bin where the count from the top
 * reaches it, spread as if its counts were even across it; TARGET when it never does.
 */
export function dailyLevel(record: ScoreRarity): number {
  const budget = RATE_PER_DAY * (record.days + PRIOR_DAYS);
  let above = 0;
  for (let b = BINS - 1; b >= 0; b--) {
    const count = record.counts[b]!;
    if (above + count >= budget) return TARGET * 2 ** ((b + 1 - (budget - above) / count) / BINS_PER_OCTAVE);
    above += count;
  }
  return TARGET;
}

/**
 * Reads a score in [0, 1] against the series' daily level (as the record stood before it) and counts it.
 * The record counts the score as given, not as read, so reading it cannot feed back into the level.
 */
export function readScore(record: ScoreRarity, timeMs: number, score: number): number {
  // The record's clock starts with the series; below the target it only waits for the next count.
  if (record.decayedAt === -Number.MAX_VALUE) decay(record, timeMs);
  if (!(score >= TARGET_SCORE)) return score;
  decay(record, timeMs);
  const decades = score >= 1 ? Infinity : (SCORE_DECADES * score) / (1 - score);
  const level = dailyLevel(record);
  countAt(record.counts, BINS_PER_OCTAVE * Math.log2(decades / TARGET));
  if (!(level > TARGET) || decades === Infinity) return score;
  const read = decades * (TARGET / level) ** STRENGTH;
  return read / (read + SCORE_DECADES);
}
