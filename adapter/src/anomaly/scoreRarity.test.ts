import { createScoreRarity, dailyLevel, readScore, STRENGTH } from './scoreRarity';

const STEP = 300_000;
const DAY = 86_400_000;
/** The decades of a score (the detector's map d/(d + 10), inverted). */
const decades = (score: number): number => (10 * score) / (1 - score);

/** Feeds `days` of 5-minute scores of 0.01 with `score` at `perDay` evenly spaced times a day. */
function feed(
  record: ReturnType<typeof createScoreRarity>,
  from: number,
  days: number,
  perDay: number,
  score: number,
): number {
  const every = Math.round(288 / perDay);
  let t = from;
  for (let i = 0; i < days * 288; i++, t += STEP)
    readScore(record, t, i % every === every - 1 ? score : 0.01);
  return t;
}

describe('score rarity', () => {
  it("leaves a calm series' scores as they are", () => {
    const record = createScoreRarity();
    // Two alarms of 0.6 in three weeks: fewer than one in five days.
    const t = feed(record, 0, 21, 2 / 21, 0.6);
    expect(dailyLevel(record)).toBeCloseTo(decades(0.156), 6);
    expect(readScore(record, t, 0.6)).toBe(0.6);
    expect(readScore(record, t + STEP, 0.2)).toBe(0.2);
  });

  it("reads a busy series' scores against the level it reaches once in five days", () => {
    const record = createScoreRarity();
    // Scores of 0.5 (10 decades) twice a day for three weeks: its daily level is in their bin (7.4 to 10.5
    // decades, two a doubling from 0.156's 1.85), and a score there is read at 0.156's decades over the
    // level to the power STRENGTH (0.75).
    const t = feed(record, 0, 21, 2, 0.5);
    const level = dailyLevel(record);
    expect(level).toBeGreaterThan(decades(0.156) * 4);
    expect(level).toBeLessThan(decades(0.156) * 4 * Math.SQRT2);
    const read = readScore(record, t, 0.5);
    const expected = 10 * (decades(0.156) / level) ** STRENGTH;
    expect(read).toBeCloseTo(expected / (expected + 10), 4);
    expect(read).toBeLessThan(0.25);
    // Order is kept, and a score too low to count is left alone; a score of 1 stays 1.
    expect(readScore(record, t + STEP, 0.9)).toBeGreaterThan(readScore(record, t + 2 * STEP, 0.6));
    expect(readScore(record, t + 3 * STEP, 0.15)).toBe(0.15);
    expect(readScore(record, t + 4 * STEP, 1)).toBe(1);
  });

  it('counts the scores as given, not as read, and forgets them by half in two weeks', () => {
    const record = createScoreRarity();
    const t = feed(record, 0, 21, 2, 0.5);
    const counted = record.counts.reduce((a, b) => a + b, 0);
    readScore(record, t, 0.5);
    expect(record.counts.reduce((a, b) => a + b, 0)).toBeCloseTo(counted + 1, 1);
    // Six weeks of calm (decayed when a score next counts): the counts fall to an eighth, and a score of 0.5
    // is the series' own again.
    const after = feed(record, t + STEP, 42, 1, 0.01);
    expect(readScore(record, after, 0.5)).toBe(0.5);
    expect(record.counts.reduce((a, b) => a + b, 0)).toBeCloseTo((counted + 1) / 8 + 1, 0);
  });

  it("does not let a young record's first alarm set its level", () => {
    const record = createScoreRarity();
    // One alarm on the first day: seven days of no scores come before it.
    readScore(record, 0, 0.01);
    readScore(record, DAY / 2, 0.8);
    expect(readScore(record, DAY, 0.8)).toBe(0.8);
  });
});
