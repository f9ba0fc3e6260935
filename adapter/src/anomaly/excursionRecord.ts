/**
 * The series' record of its excursions out of the band expected of it (the detector's fast level ± 3
 * standard deviations, the band an episode is measured against): the highest above the level and the
 * deepest below it, of this week and the last (weeks counted from the epoch, so the record spans seven to
 * fourteen days). A value that departs from the level by more than every recorded excursion in its
 * direction, by more than RECORD_TOLERANCE of it, is a burst (or a drop) this series has not shown lately.
 *
 * The engine's episodes read such a sample's score before the detector's record of scores read it down
 * (`scoreRarity.ts`): that reading scales a busy series' point evidence down so that one threshold fits
 * every kind of series, and took a burst far beyond the series' own bursts down with its routine ones (a
 * +150 burst among bursts of +60 to +100: 0.48 → 0.22, under the episode start). Its evidence does not
 * tell it apart (ordinary bursts of that series score 0.46–0.57 unread: evidence grows with the log of
 * a residual, against bands the bursts have widened); its height does. Such news already weighs the series
 * against its own past, as a spatial anomaly does, and is not read down twice. Heights are in the series'
 * own units, compared only with each other, so the rule needs none. The record is forgotten by whole
 * weeks, not decayed: halving in two weeks, it would fall 7 % in the 35 hours between that series' +100
 * bursts, past the tolerance, and a burst of its usual largest size would break it.
 */

/** Beyond the record by more than this share of it (Numenta's spatial tolerance, as the detector's). */
export const RECORD_TOLERANCE = 0.05;
const WEEK_MS = 7 * 86_400_000;

export interface ExcursionRecord {
  /** The excursion in progress: its largest departure from the level, signed (0: none). */
  current: number;
  /** The highest excursion above the level of this week and of the last, and the deepest below. */
  above: number;
  aboveBefore: number;
  below: number;
  belowBefore: number;
  /** This week, from the epoch. */
  week: number;
  /** The time of the first sample followed (NaN: none yet). */
  since: number;
}

export const createExcursionRecord = (): ExcursionRecord => ({
  current: 0,
  above: 0,
  aboveBefore: 0,
  below: 0,
  belowBefore: 0,
  week: 0,
  since: Number.NaN,
});

/** Moves the record on to the sample's week; a sample without a valid time, or going back, does not. */
function turnWeek(record: ExcursionRecord, timeMs: number): void {
  const week = Math.floor(timeMs / WEEK_MS);
  if (!(week > record.week)) return;
  const last = week === record.week + 1;
  record.aboveBefore = last ? record.above : 0;
  record.belowBefore = last ? record.below : 0;
  record.above = 0;
  record.below = 0;
  record.week = week;
}

/** Enters the excursion in progress in this week's record. */
function endExcursion(record: ExcursionRecord): void {
  if (record.current > 0) record.above = Math.max(record.above, record.current);
  else record.below = Math.max(record.below, -record.current);
  record.current = 0;
}

/**
 * Follows one sample: its departure from the level before it (the value less the level) against the
 * band's half-width. Returns whether it lies beyond the record (an excursion in a direction the record
 * holds none of is), asked before its own excursion enters it; never before the record has followed the
 * series for a week: a few days' record has not seen its weekly range (on the injected corpus, a young
 * record's one break, three days in, was a false episode).
 */
export function observeExcursion(
  record: ExcursionRecord,
  timeMs: number,
  departure: number,
  halfWidth: number,
): boolean {
  turnWeek(record, timeMs);
  if (Number.isNaN(record.since) && Number.isFinite(timeMs)) record.since = timeMs;
  const outside = Math.abs(departure) > halfWidth;
  const above = departure > 0;
  if (record.current !== 0 && (!outside || above !== record.current > 0)) endExcursion(record);
  if (!outside) return false;
  const held = above
    ? Math.max(record.above, record.aboveBefore)
    : Math.max(record.below, record.belowBefore);
  const height = Math.abs(departure);
  record.current = (above ? 1 : -1) * Math.max(Math.abs(record.current), height);
  return height > (1 + RECORD_TOLERANCE) * held && timeMs - record.since >= WEEK_MS;
}
