import {
  createExcursionRecord,
  observeExcursion,
  RECORD_TOLERANCE,
  type ExcursionRecord,
} from './excursionRecord';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
// A Monday 00:00 UTC: the epoch's weeks start on Thursdays, so this is the middle of one.
const T0 = Date.UTC(2024, 0, 1);
const HALF = 10;

/** Follows departures one an hour from `from`; returns whether each broke the record. */
function follow(record: ExcursionRecord, from: number, departures: number[]): boolean[] {
  return departures.map((d, k) => observeExcursion(record, from + k * 3_600_000, d, HALF));
}

describe('record of excursions', () => {
  it('finds a departure beyond every recorded excursion in its direction, by more than the tolerance', () => {
    const record = createExcursionRecord();
    // Excursions of +60 (over two samples, entered at its height) and −40, a week before the questions.
    follow(record, T0, [0, 50, 60, 0, -40, 0]);
    const later = T0 + WEEK;
    const beyond = (d: number) => observeExcursion({ ...record }, later, d, HALF);
    expect(beyond(60 * (1 + RECORD_TOLERANCE))).toBe(false);
    expect(beyond(60 * (1 + RECORD_TOLERANCE) + 1)).toBe(true);
    expect(beyond(-45)).toBe(true);
    expect(beyond(-41)).toBe(false);
    // Inside the band is never an excursion.
    expect(beyond(HALF)).toBe(false);
  });

  it('asks before the excursion enters: its own earlier samples are not its record', () => {
    const record = createExcursionRecord();
    follow(record, T0, [0, 30, 0]);
    expect(follow(record, T0 + WEEK, [20, 40, 80, 0])).toEqual([false, true, true, false]);
    // Entered once it ended: now 80 is the record.
    expect(follow(record, T0 + WEEK + DAY, [82, 0, 90])).toEqual([false, false, true]);
  });

  it('says nothing in its first week; after it, an excursion in a direction it holds none of is beyond it', () => {
    const record = createExcursionRecord();
    follow(record, T0, [0, 30, 0]);
    expect(observeExcursion({ ...record }, T0 + WEEK - 1, 100, HALF)).toBe(false);
    expect(observeExcursion({ ...record }, T0 + WEEK, 100, HALF)).toBe(true);
    expect(observeExcursion({ ...record }, T0 + WEEK, -11, HALF)).toBe(true);
  });

  it('holds this week and the last: an excursion two weeks back is forgotten', () => {
    const record = createExcursionRecord();
    follow(record, T0, [0, 100, 0]);
    follow(record, T0 + 3 * DAY, [0, 30, 0]);
    // T0 is a Monday: its week (from a Thursday) ends on Wednesday night, the next a week later.
    expect(observeExcursion({ ...record }, T0 + 8 * DAY, 50, HALF)).toBe(false);
    expect(observeExcursion({ ...record }, T0 + 10 * DAY, 50, HALF)).toBe(true);
    // A sample without a valid time, or going back, turns no week.
    const held = { ...record };
    observeExcursion(held, Number.NaN, 0, HALF);
    observeExcursion(held, T0 - WEEK, 0, HALF);
    expect(held).toMatchObject({ above: record.above, aboveBefore: record.aboveBefore, week: record.week });
  });
});
