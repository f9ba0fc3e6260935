import { z } from 'zod';
import { countAt, countedFrom, forgetCounts } from './decayedCounts';
import { APART, shapeApart } from './shapeApart';
import { float32Array } from './typedArrays';

/**
 * The series' record of how long its surges last: a surge starts where a value leaves the fast level's
 * band, and lasts while the value, smoothed over a few samples, stays beyond a tenth of the surge's height
 * above (or below) the level it left; its duration is its mass over its height (the samples a flat-topped
 * surge of that height would last), entered in a histogram when it ends. A burst of a routine height is
 * one row or a few and decays within the hour; a news event (what NAB labels in realTweets) stays up for
 * hours, however high it rose. A surge that outlasts all the recorded ones (all but half of one) is news
 * once, with the evidence of its strongest sample and the rarity of its duration: the masking and the
 * record of burst heights (`burstRecord.ts`) judge a surge by its first samples, this by how long it holds.
 * Height and duration are scale-free, so the rule needs no unit of the series.
 */

/** The surge follows the value smoothed over about three samples (tweet counts swing by half from row to row). */
const SMOOTH = 1 / 3;
/** A surge ends once the smoothed value has been within this share of its height for END_GAP samples. */
const END_SHARE = 0.1;
const END_GAP = 3;
/**
 * Durations by bin, one a doubling from one sample. Sixteen, as the burst record's, though eight (the last
 * holding everything from 128 samples) scored the same on every corpus: the engine packs an array of
 * sixteen or more between buckets (`packedDetector.ts`), so a flat series' empty record costs nothing there.
 */
const BINS = 16;
/** The record forgets a surge by half in two weeks (as the burst record forgets a burst). */
const HALF_LIFE_MS = 14 * 86_400_000;
/** A duration is judged once the record holds this many surges (a busy series holds dozens a week). */
const MIN_SURGES = 12;
/** A surge is news once at most this many recorded (decayed) surges lasted as long. */
const NEWS_ABOVE = 0.5;

export const surgeRecordSchema = z.object(
  shapeApart({
    [APART]: true,
    /** +1 while a surge above the level lasts, −1 below, 0 none. */
    direction: z.number().int().min(-1).max(1),
    /** The level the surge left, the smoothed excess over it, its largest, and their sum over the surge. */
    base: z.number(),
    smooth: z.number().min(0),
    height: z.number().min(0),
    mass: z.number().min(0),
    /** Samples since the smoothed excess was last beyond END_SHARE of the height. */
    quiet: z.number().int().min(0),
    /** The largest calibrated evidence (decades) of the surge's samples. */
    evidence: z.number().min(0),
    /** Whether the surge has been reported as news. */
    reported: z.boolean(),
    /** Surges by duration, decayed to `decayedAt`. */
    counts: float32Array,
    decayedAt: z.number(),
  }),
);
export type SurgeRecord = z.infer<typeof surgeRecordSchema>;

export const createSurgeRecord = (): SurgeRecord => ({
  direction: 0,
  base: 0,
  smooth: 0,
  height: 0,
  mass: 0,
  quiet: 0,
  evidence: 0,
  reported: false,
  counts: new Float32Array(BINS),
  // JSON-safe, unlike -Infinity; the first decay empties nothing that was not empty.
  decayedAt: -Number.MAX_VALUE,
});

/** Forgets over the time elapsed since the last decay; a sample without a valid time, or going back, does not. */
function decay(record: SurgeRecord, timeMs: number): void {
  if (!(timeMs > record.decayedAt)) return;
  forgetCounts(record.counts, 0.5 ** ((timeMs - record.decayedAt) / HALF_LIFE_MS));
  record.decayedAt = timeMs;
}

/** The current surge's duration in samples: its mass over its height. */
export const surgeDuration = (record: SurgeRecord): number =>
  record.height > 0 ? record.mass / record.height : 0;

const position = (duration: number): number => Math.log2(Math.max(1, duration));

/** How many recorded (decayed) surges lasted at least this long: the bins above, and a share of its own. */
export function surgesAsLong(record: SurgeRecord, timeMs: number, duration: number): number {
  decay(record, timeMs);
  return countedFrom(record.counts, position(duration));
}

function recordSurge(record: SurgeRecord, timeMs: number): void {
  decay(record, timeMs);
  countAt(record.counts, position(surgeDuration(record)));
  record.direction = 0;
}

/**
 * Follows one sample: `x`, the fast level before it, the sample's calibrated evidence, and whether it left
 * the level's band (`onset`), which starts a surge when none lasts. Returns decades of evidence that the
 * current surge is news (once a surge, 0 otherwise): its strongest sample's evidence plus log10 of the
 * record's surges over those as long (plus one each).
 */
export function observeSurge(
  record: SurgeRecord,
  timeMs: number,
  x: number,
  level: number,
  calibrated: number,
  onset: boolean,
): number {
  if (record.direction === 0) {
    if (!onset || x === level) return 0;
    record.direction = x > level ? 1 : -1;
    record.base = level;
    record.smooth = Math.abs(x - level);
    record.height = 0;
    record.mass = 0;
    record.quiet = 0;
    record.evidence = 0;
    record.reported = false;
  }
  const excess = Math.max(0, record.direction * (x - record.base));
  record.smooth += SMOOTH * (excess - record.smooth);
  record.height = Math.max(record.height, record.smooth);
  record.evidence = Math.max(record.evidence, calibrated);
  record.quiet = record.smooth < END_SHARE * record.height ? record.quiet + 1 : 0;
  if (record.quiet >= END_GAP) {
    recordSurge(record, timeMs);
    return 0;
  }
  record.mass += excess;
  if (record.reported) return 0;
  const recorded = surgesAsLong(record, timeMs, 1);
  if (recorded < MIN_SURGES) return 0;
  const asLong = surgesAsLong(record, timeMs, surgeDuration(record));
  if (asLong > NEWS_ABOVE) return 0;
  record.reported = true;
  return record.evidence + Math.log10((recorded + 1) / (asLong + 1));
}
