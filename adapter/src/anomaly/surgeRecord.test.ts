import { createSurgeRecord, observeSurge, surgeDuration, surgesAsLong } from './surgeRecord';

const STEP = 300_000;
const DAY = 86_400_000;
const LEVEL = 10;

/**
 * Feeds one surge from `start`: a jump of `height` over LEVEL decaying by half every `halfLife` samples,
 * then calm samples until it ends; returns the time after it and the largest news decades it gave.
 */
function surge(
  record: ReturnType<typeof createSurgeRecord>,
  start: number,
  height: number,
  halfLife: number,
): { end: number; news: number; reports: number } {
  const decades: number[] = [];
  let t = start;
  for (let k = 0; height * 0.5 ** (k / halfLife) > 0.01 * height; k++, t += STEP)
    decades.push(observeSurge(record, t, LEVEL + height * 0.5 ** (k / halfLife), LEVEL, 5, k === 0));
  for (let k = 0; k < 8; k++, t += STEP) decades.push(observeSurge(record, t, LEVEL, LEVEL, 0, false));
  return { end: t, news: Math.max(...decades), reports: decades.filter((d) => d > 0).length };
}

describe('surge record', () => {
  it("measures a surge's duration as its mass over its height, and records it when it ends", () => {
    const record = createSurgeRecord();
    // A flat-topped surge of 6 samples at +20: its duration is 6 once the smoothing has caught up.
    [30, 30, 30, 30, 30, 30].forEach((x, k) => observeSurge(record, k * STEP, x, LEVEL, 3, k === 0));
    expect(surgeDuration(record)).toBeCloseTo(6, 6);
    expect(surgesAsLong(record, 6 * STEP, 1)).toBe(0);
    // The smoothed excess falls below a tenth of the height on the sixth calm sample; three such end it.
    for (let k = 6; k < 13; k++) observeSurge(record, k * STEP, LEVEL, LEVEL, 0, false);
    expect(surgesAsLong(record, 13 * STEP, 1)).toBe(0);
    observeSurge(record, 14 * STEP, LEVEL, LEVEL, 0, false);
    expect(surgesAsLong(record, 14 * STEP, 1)).toBeCloseTo(1, 6);
    expect(surgesAsLong(record, 14 * STEP, 16)).toBe(0);
  });

  it('starts a surge only where the value left the level, not on any sample', () => {
    const record = createSurgeRecord();
    expect(observeSurge(record, 0, 30, LEVEL, 3, false)).toBe(0);
    expect(record.direction).toBe(0);
    observeSurge(record, STEP, 0, LEVEL, 3, true);
    expect(record.direction).toBe(-1);
  });

  it('reports a surge of a routine height that outlasts the recorded ones, once, and never a short one', () => {
    const record = createSurgeRecord();
    let t = 0;
    // Fifteen bursts of +200 decaying by half every 2 samples (a duration of about 3): none is news.
    for (let k = 0; k < 15; k++) {
      const burst = surge(record, t, 200, 2);
      expect(burst.news).toBe(0);
      t = burst.end + DAY / 4;
    }
    // A surge no higher, decaying by half every 24 samples: news once, with more than its samples' evidence.
    const { news, reports } = surge(record, t, 200, 24);
    expect(reports).toBe(1);
    expect(news).toBeGreaterThan(5);
    expect(news).toBeLessThan(5 + Math.log10(16));
  });

  it('judges nothing until it holds twelve surges', () => {
    const record = createSurgeRecord();
    let t = 0;
    for (let k = 0; k < 10; k++) t = surge(record, t, 200, 2).end + DAY / 4;
    expect(surge(record, t, 200, 24).news).toBe(0);
  });

  it('forgets a surge by half in two weeks', () => {
    const record = createSurgeRecord();
    surge(record, 0, 200, 2);
    expect(surgesAsLong(record, record.decayedAt + 14 * DAY, 1)).toBeCloseTo(0.5, 5);
  });
});
