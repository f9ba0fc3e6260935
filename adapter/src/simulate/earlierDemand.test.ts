import { earlierDemandAt, earlierDemandRange } from './earlierDemand';

describe('the history before a what-if window', () => {
  it('is the day of ticks up to one tick before the window', () => {
    expect(earlierDemandRange(100 * 86_400_000, 15_000)).toEqual({
      start: 99 * 86_400_000,
      end: 100 * 86_400_000 - 15_000,
      stepMs: 15_000,
    });
    // At a 5 s tick a day is 17,280 points: what one Prometheus query answers, 11,000 of them.
    const short = earlierDemandRange(0, 5_000);
    expect((short.end - short.start) / 5_000 + 1).toBe(11_000);
  });

  it('aligns the samples on the ticks before the trace, NaN where the series has none', () => {
    const t0 = 86_400_000;
    const at = earlierDemandAt(
      {
        timestamps: Float64Array.from([0, 15_000, t0 - 15_000, t0]),
        values: Float64Array.from([1, 2, 3, 4]),
      },
      t0,
      15_000,
    );
    expect(at).toHaveLength(5760);
    expect([at[0], at[1], at[5759]]).toEqual([1, 2, 3]);
    expect(at[2]).toBeNaN();
  });
});
