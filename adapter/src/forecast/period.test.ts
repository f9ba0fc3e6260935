import { seededRandom, normal, synthetic } from '../../../test/support/syntheticSeries';
import { calendarPeriods, detectSeasonalPeriods } from './period';

const daily = { period: 24, amplitude: 20 };

describe('calendarPeriods', () => {
  it('gives daily and weekly periods in steps when they are whole', () => {
    expect(calendarPeriods(300)).toEqual([288, 2016]);
    expect(calendarPeriods(3600)).toEqual([24, 168]);
    expect(calendarPeriods(1800)).toEqual([48, 336]);
    expect(calendarPeriods(7000)).toEqual([]);
    expect(calendarPeriods(0)).toEqual([]);
  });
});

describe('detectSeasonalPeriods', () => {
  it('finds a daily season at an hourly step and no weekly one when weekdays are alike', () => {
    const y = synthetic({ length: 24 * 28, daily, trend: 0.05, noise: 3, seed: 2 });
    expect(detectSeasonalPeriods(y, { stepSeconds: 3600 })).toEqual([24]);
  });

  it('adds the week when weekdays differ', () => {
    // Weekends at 70 % of the weekday level.
    const y = synthetic({ length: 24 * 35, daily: { period: 24, amplitude: 50 }, noise: 2, seed: 4 }).map(
      (v, t) => (Math.floor(t / 24) % 7 >= 5 ? 0.7 * v : v),
    );
    expect(detectSeasonalPeriods(y, { stepSeconds: 3600 })).toEqual([24, 168]);
    expect(detectSeasonalPeriods(y)).toEqual([24, 168]);
  });

  it('finds the calendar periods of a 5-minute series', () => {
    const y = synthetic({ length: 288 * 15, daily: { period: 288, amplitude: 10 }, noise: 1, seed: 6 }).map(
      (v, t) => (Math.floor(t / 288) % 7 >= 5 ? v - 30 : v),
    );
    expect(detectSeasonalPeriods(y, { stepSeconds: 300 })).toEqual([288, 2016]);
  });

  it('still finds the daily season behind one incident a hundred times the usual peak', () => {
    const y = synthetic({ length: 24 * 28, daily, noise: 3, seed: 2 });
    y[24 * 10 + 5] = 100 * Math.max(...y);
    expect(detectSeasonalPeriods(y, { stepSeconds: 3600 })).toEqual([24]);
  });

  it('finds nothing in white noise or a random walk', () => {
    const random = seededRandom(8);
    const noise = Float64Array.from({ length: 24 * 20 }, () => normal(random));
    expect(detectSeasonalPeriods(noise, { stepSeconds: 3600 })).toEqual([]);
    expect(detectSeasonalPeriods(noise)).toEqual([]);
    let level = 0;
    const walk = Float64Array.from({ length: 24 * 20 }, () => (level += normal(random)));
    expect(detectSeasonalPeriods(walk)).toEqual([]);
  });

  it('searches open periods without a step and tolerates gaps', () => {
    const y = synthetic({ length: 12 * 20, daily: { period: 12, amplitude: 5 }, noise: 1, seed: 10 });
    for (let t = 30; t < 40; t++) y[t] = NaN;
    expect(detectSeasonalPeriods(y)).toEqual([12]);
  });

  it('ignores periods the history is too short for', () => {
    const y = synthetic({ length: 24 * 10, daily, noise: 1 });
    expect(detectSeasonalPeriods(y, { stepSeconds: 3600 })).toEqual([24]);
  });
});
