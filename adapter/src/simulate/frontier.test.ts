import { costAtMisses, dominates, frontier, gapClosed, perfectForesightReplicaHours } from './frontier';

const p = (misses: number, cost: number) => ({ misses, cost });

describe('frontier', () => {
  it('keeps the settings nothing beats on both misses and cost, by misses', () => {
    expect(frontier([p(10, 5), p(0, 9), p(5, 6), p(6, 7), p(20, 5), p(Number.NaN, 1)])).toEqual([
      p(0, 9),
      p(5, 6),
      p(10, 5),
    ]);
    expect(frontier([])).toEqual([]);
  });
});

describe('costAtMisses', () => {
  const front = frontier([p(0, 9), p(5, 6), p(10, 5)]);

  it('is linear between neighbouring settings', () => {
    expect(costAtMisses(front, 0)).toBe(9);
    expect(costAtMisses(front, 2.5)).toBeCloseTo(7.5, 12);
    expect(costAtMisses(front, 7.5)).toBeCloseTo(5.5, 12);
  });

  it('is the cheapest cost beyond the most missing setting, and undefined below the least', () => {
    expect(costAtMisses(front, 100)).toBe(5);
    expect(costAtMisses(frontier([p(3, 4)]), 1)).toBeUndefined();
    expect(costAtMisses([], 1)).toBeUndefined();
  });
});

describe('dominates', () => {
  const hpa = [p(2, 10), p(6, 8), p(12, 7)];

  it('holds when every setting of the other side is matched with no more misses and cost', () => {
    expect(dominates(frontier([p(1, 9.5), p(6, 7.5), p(12, 6)]), hpa)).toBe(true);
    // Exactly equal counts as matched.
    expect(dominates(frontier(hpa), hpa)).toBe(true);
  });

  it('fails where the other side is cheaper at some miss level, or misses less than any setting', () => {
    expect(dominates(frontier([p(1, 9.5), p(6, 8.5), p(12, 6)]), hpa)).toBe(false);
    expect(dominates(frontier([p(3, 1)]), hpa)).toBe(false);
  });
});

describe('gapClosed', () => {
  it('is the share of the baseline-to-lower-bound gap a cost closes', () => {
    expect(gapClosed(80, 100, 60)).toBeCloseTo(0.5, 12);
    expect(gapClosed(60, 100, 60)).toBe(1);
    expect(gapClosed(110, 100, 60)).toBeCloseTo(-0.25, 12);
    expect(gapClosed(undefined, 100, 60)).toBeUndefined();
    expect(gapClosed(80, 100, 100)).toBeUndefined();
  });
});

describe('perfectForesightReplicaHours', () => {
  it('runs ceil(demand / κ) replicas at every step, at least the minimum', () => {
    const hour = 3_600_000;
    // Demand rises linearly from 0 to 40 over an hour; κ 10; 15-minute steps at 0, 10, 20, 30.
    const trace = { timesMs: Float64Array.of(0, hour), demand: Float64Array.of(0, 40) };
    expect(perfectForesightReplicaHours(trace, 10, hour / 4)).toBeCloseTo((1 + 1 + 2 + 3) / 4, 12);
    expect(perfectForesightReplicaHours(trace, 10, hour / 4, 2)).toBeCloseTo((2 + 2 + 2 + 3) / 4, 12);
  });
});
