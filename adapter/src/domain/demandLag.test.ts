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
