import { createDetector, deserializeDetector, scoreSample, serializeDetector } from './detector';
import { uniformNoise } from '../../../test/support/uniformNoise';
import { EPISODE_START } from './episode';
import { createWeekly, learnWeekly, weeklyEvidence } from './weeklyProfile';

const STEP = 1_800_000;
const PER_DAY = 48;
/** A Monday, so day k of the series is weekday k mod 7 (Saturday 5, Sunday 6). */
const T0 = Date.UTC(2024, 0, 1);

/** Demand with a weekly rhythm: busy weekday days, quiet weekends; `holiday` is a day shaped like a Sunday. */
function weekly(days: number, holiday = -1, seed = 1): number[] {
  const noise = uniformNoise(seed);
  return Array.from({ length: days * PER_DAY }, (_, t) => {
    const day = Math.floor(t / PER_DAY);
    const weekend = day % 7 >= 5 || day === holiday;
    const daytime = Math.max(0, Math.sin((2 * Math.PI * ((t % PER_DAY) - 12)) / PER_DAY));
    return (weekend ? 60 + 25 * daytime : 60 + 90 * daytime) + 6 * noise();
  });
}

const scoreAll = (values: number[], state = createDetector({ stepMs: STEP })): number[] =>
  values.map((v, i) => scoreSample(state, T0 + i * STEP, v));

const dayMax = (scores: number[], day: number): number =>
  Math.max(...scores.slice(day * PER_DAY, (day + 1) * PER_DAY));

describe('weekly profile', () => {
  // Thursday of the fifth week.
  const HOLIDAY = 4 * 7 + 3;

  it('scores a weekday shaped like a Sunday as an anomaly once it knows the week, and not the same day without it', () => {
    const withHoliday = scoreAll(weekly(6 * 7, HOLIDAY));
    const regular = scoreAll(weekly(6 * 7));
    expect(dayMax(withHoliday, HOLIDAY)).toBeGreaterThan(EPISODE_START);
    expect(dayMax(regular, HOLIDAY)).toBeLessThan(0.15);
  });

  it('stays below the episode threshold on a regular weekly rhythm', () => {
    const scores = scoreAll(weekly(6 * 7));
    expect(Math.max(...scores.slice(3 * 7 * PER_DAY))).toBeLessThan(0.2);
  });

  it('does not speak before a slot has been seen in two earlier weeks, nor where there is no weekly rhythm', () => {
    const noise = uniformNoise(7);
    const state = createWeekly(STEP, true);
    for (let t = 0; t < 5 * 7 * PER_DAY; t++) {
      const time = T0 + t * STEP;
      // A daily pattern: the daily profile misses only the noise, as the week does; four hours run high on day 30.
      const miss = 6 * noise();
      const x =
        100 +
        40 * Math.sin((2 * Math.PI * t) / PER_DAY) +
        miss +
        (t >= 30 * PER_DAY && t < 30 * PER_DAY + 8 ? 30 : 0);
      expect(weeklyEvidence(state, time, x, miss, 1e-6)).toBe(0);
      learnWeekly(state, time, x, 1e-6);
    }
    expect(state.witness.smoothVar).toBeGreaterThan(0);
    const young = createWeekly(STEP, true);
    for (let t = 0; t < 2 * 7 * PER_DAY; t++) {
      const x = t === 2 * 7 * PER_DAY - 1 ? 1e6 : 1;
      expect(weeklyEvidence(young, T0 + t * STEP, x, NaN, 1e-6)).toBe(0);
      learnWeekly(young, T0 + t * STEP, x, 1e-6);
    }
  });

  it('keeps an hourly slot of the week at most, and none without a time of day', () => {
    expect(createWeekly(60_000, true).expected).toHaveLength(168);
    expect(createWeekly(STEP, true).expected).toHaveLength(168);
    expect(createWeekly(2 * 3_600_000, true).expected).toHaveLength(84);
    expect(createWeekly(6 * 3_600_000, false).expected).toHaveLength(0);
  });

  it('is causal once the weekly profile speaks: appending weeks never changes earlier scores', () => {
    const values = weekly(6 * 7, HOLIDAY);
    const full = scoreAll(values);
    for (const days of [22, HOLIDAY + 1, 36]) {
      const head = days * PER_DAY + 7;
      expect(scoreAll(values.slice(0, head))).toEqual(full.slice(0, head));
    }
  });

  it('continues identically from a detector state that went through JSON, weekly profile included', () => {
    const values = weekly(5 * 7, HOLIDAY);
    const expected = scoreAll(values);
    const head = 3 * 7 * PER_DAY + 5;
    const first = createDetector({ stepMs: STEP });
    scoreAll(values.slice(0, head), first);
    expect(first.weekly.witness.smoothVar).toBeGreaterThan(0);
    const restored = deserializeDetector(serializeDetector(first));
    const tail = values.slice(head).map((v, i) => scoreSample(restored, T0 + (head + i) * STEP, v));
    expect(tail).toEqual(expected.slice(head));
  });
});
