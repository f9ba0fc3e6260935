import {
  demandFloorOnFall,
  demandOnceReady,
  exceedanceOnceReady,
  startupShareOverFall,
} from './fallingDemand';

describe('demandFloorOnFall', () => {
  it('extrapolates a fall in progress over the query lag, never below 0', () => {
    expect(demandFloorOnFall(50, { measured: 50, earlier: 60 })).toBe(40);
    expect(demandFloorOnFall(50, { measured: 50, earlier: 130 })).toBe(0);
  });

  it('keeps D(t) on a flat or rising query, or without a lag', () => {
    expect(demandFloorOnFall(50, { measured: 50, earlier: 50 })).toBe(50);
    expect(demandFloorOnFall(60, { measured: 55, earlier: 50 })).toBe(60);
    expect(demandFloorOnFall(50, undefined)).toBe(50);
    expect(demandFloorOnFall(50, { measured: 50, earlier: Number.NaN })).toBe(50);
  });
});

describe('demandOnceReady', () => {
  it('extrapolates a fall over the query lag and the readiness delay, never below 0', () => {
    // The query fell 10 over its 60 s lag: 30 s after the demand of now (40), 35.
    expect(demandOnceReady(50, { measured: 50, earlier: 60, lagSeconds: 60 }, 30)).toBe(35);
    expect(demandOnceReady(50, { measured: 50, earlier: 60, lagSeconds: 60 }, 600)).toBe(0);
  });

  it('keeps D(t) on a flat or rising query, without a lag or without a readiness delay', () => {
    expect(demandOnceReady(50, { measured: 50, earlier: 50, lagSeconds: 60 }, 30)).toBe(50);
    expect(demandOnceReady(60, { measured: 55, earlier: 50, lagSeconds: 60 }, 30)).toBe(60);
    expect(demandOnceReady(50, undefined, 30)).toBe(50);
    expect(demandOnceReady(50, { measured: 50, earlier: 60, lagSeconds: 60 }, undefined)).toBe(50);
    expect(demandOnceReady(50, { measured: 50, earlier: 60, lagSeconds: 0 }, 30)).toBe(50);
  });
});

describe('exceedanceOnceReady', () => {
  // The peak over the horizon: D(t) = 100 (the fall goes on) with probability 0.8, else a comeback to 120.
  const exceeds = (x: number): number => (x < 100 ? 1 : x < 120 ? 0.2 : 0);

  it('reads the level now at the level once ready, and a comeback above D(t) as it is', () => {
    const late = exceedanceOnceReady(exceeds, 100, 70);
    expect(late(60)).toBe(1);
    expect(late(70)).toBe(0.2);
    expect(late(99)).toBe(0.2);
    expect(late(110)).toBe(0.2);
    expect(late(120)).toBe(0);
  });

  it('is the peak itself where the demand once ready is not below D(t)', () => {
    expect(exceedanceOnceReady(exceeds, 100, 100)).toBe(exceeds);
  });
});

describe('startupShareOverFall', () => {
  const lag = { measured: 50, earlier: 60, lagSeconds: 60 };

  it('is R over how long the demand once ready stays above the capacity at the query rate of fall', () => {
    // 35 once ready falls to 30 in 30 s at 10 a minute: R = 30 s is 1 of that.
    expect(startupShareOverFall(lag, 30, 35, 30)).toBe(1);
    expect(startupShareOverFall(lag, 30, 40, 30)).toBe(0.5);
  });

  it('is 0 on a flat or rising query, without a readiness delay, or where the capacity covers it', () => {
    expect(startupShareOverFall({ ...lag, earlier: 50 }, 30, 35, 30)).toBe(0);
    expect(startupShareOverFall(undefined, 30, 35, 30)).toBe(0);
    expect(startupShareOverFall(lag, undefined, 35, 30)).toBe(0);
    expect(startupShareOverFall(lag, 30, 30, 30)).toBe(0);
  });
});
