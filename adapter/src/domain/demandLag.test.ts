import { lagCorrectedDemand, lagSteps, rateLagSeconds, rateWindowOf } from './demandLag';

describe('the demand query lag', () => {
  it('is half the first rate() or increase() window of the query, 0 for a gauge', () => {
    expect(rateLagSeconds(rateWindowOf('sum(rate(http_requests_total{job="a"}[2m]))'))).toBe(60);
    expect(rateLagSeconds(rateWindowOf('sum(increase(jobs_total[30s])) / 30'))).toBe(15);
    expect(rateLagSeconds(rateWindowOf('max(queue_depth)'))).toBe(0);
    expect(rateLagSeconds(0)).toBe(0);
  });

  it('spans a whole number of ticks, none for no lag', () => {
    expect(lagSteps(60, 15)).toBe(4);
    expect(lagSteps(50, 15)).toBe(3);
    expect(lagSteps(0, 15)).toBe(0);
    expect(lagSteps(60, 0)).toBe(0);
  });
});

describe('lagCorrectedDemand', () => {
  // Ticks every 15 s; rate()[2m] trails by 60 s = 4 ticks.
  const ramp = Float64Array.from({ length: 20 }, (_, i) => 100 + 2 * i);

  it('recovers the demand at the tick on a linear ramp that the windowed rate trails', () => {
    // The true demand rises 2 per tick; the query reads it 4 ticks late: 140 measured while it is 148.
    const c = lagCorrectedDemand(140, ramp, 4, 60);
    expect(c.earlier).toBe(132);
    expect(c.demand).toBe(148);
    expect(c.measured).toBe(140);
  });

  describe('at the foot of a ramp, where the query still holds the flat before it', () => {
    // Demand 1 until tick 0, then 1 more each tick; rate()[2m] (8 ticks) is its mean over the window:
    // 1 + k²/16 at tick k ≤ 8. The query's newest half-lag rose by 0.75 at tick 4 where the whole lag
    // rose by 1: four times the rise of a quarter window is the rise of demand over the window.
    const query = (k: number): number => (k <= 0 ? 1 : k <= 8 ? 1 + (k * k) / 16 : 1 + k - 4);
    const before = (k: number): Float64Array =>
      Float64Array.from({ length: 12 }, (_, i) => query(k - 12 + i));

    it('reads the demand the newest rise implies, above the linear extrapolation, never above the demand', () => {
      // Tick 4: true demand 5, query 2, linear 2·2 − 1 = 3; the newest half: 1 + 4·(2 − 1.25) = 4.
      const c = lagCorrectedDemand(query(4), before(4), 4, 60);
      expect(c.earlier).toBe(1);
      expect(c.demand).toBe(4);
      // The explanation's value half a lag before: 1 + 2²/16.
      expect(c.halfEarlier).toBe(1.25);
      // Tick 8, the window wholly on the ramp: 2 + 4·(5 − 3.25) = 9, the demand; the linear read 8.
      expect(lagCorrectedDemand(query(8), before(8), 4, 60).demand).toBe(9);
    });

    it('leaves a slowing rise to the linear extrapolation, and a dip’s comeback below the level before it', () => {
      // The newer half rose by 1, the older by 3: linear 2·8 − 4 = 12, the newest half's 4 + 4·1 = 8.
      const slowing = lagCorrectedDemand(8, Float64Array.from([4, 6, 7, 7.5]), 4, 60);
      expect(slowing.demand).toBe(12);
      expect(slowing.halfEarlier).toBeUndefined();
      // Down from 10 to 5 and back up to 8: the query is below its value a lag before, no read of its own.
      expect(lagCorrectedDemand(8, Float64Array.from([10, 7, 5, 6]), 4, 60).demand).toBe(8);
    });
  });

  it('does not extrapolate a fall: it keeps the measured value', () => {
    // Scaling down on a fall the query has not shown yet cannot be undone within the horizon when the
    // demand turns; holding the measured level only costs the replicas for the lag.
    const falling = Float64Array.from([50, 40, 30, 20]);
    expect(lagCorrectedDemand(15, falling, 2, 30)).toMatchObject({ demand: 15, earlier: 30 });
    expect(lagCorrectedDemand(25, falling, 2, 30).demand).toBe(25);
  });

  it('leaves flat demand alone', () => {
    expect(lagCorrectedDemand(7, new Float64Array(10).fill(7), 4, 60).demand).toBe(7);
  });

  it('keeps the measured value without an earlier one: short history, a gap, or no lag', () => {
    expect(lagCorrectedDemand(10, Float64Array.from([1, 2]), 4, 60)).toMatchObject({
      demand: 10,
      earlier: Number.NaN,
    });
    const gap = Float64Array.from([Number.NaN, 5, 5, 5]);
    expect(lagCorrectedDemand(10, gap, 4, 60).demand).toBe(10);
    expect(lagCorrectedDemand(10, ramp, 0, 0).demand).toBe(10);
    expect(Number.isNaN(lagCorrectedDemand(Number.NaN, ramp, 4, 60).demand)).toBe(true);
  });
});
