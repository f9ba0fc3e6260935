import { demandCounter, observeDemand, prometheusRate, rateWindowOf, DEFAULT_PIPELINE } from './pipeline';
import type { DemandTrace } from './trace';

describe('rateWindowOf', () => {
  it('reads the first rate() or increase() range of a query, in ms', () => {
    expect(rateWindowOf('sum(rate(http_requests_total{job="a"}[2m]))')).toBe(120_000);
    expect(rateWindowOf('sum by (x) (increase(jobs_total[30s])) / 30')).toBe(30_000);
    expect(rateWindowOf('avg_over_time(queue_depth[5m])')).toBeUndefined();
    expect(rateWindowOf('demand')).toBeUndefined();
  });
});

describe('demandCounter', () => {
  it('integrates linear and held demand exactly', () => {
    const trace: DemandTrace = {
      timesMs: Float64Array.of(0, 10_000, 20_000),
      demand: Float64Array.of(0, 10, 10),
    };
    const linear = demandCounter(trace, 'linear');
    expect(linear(0)).toBe(0);
    expect(linear(5_000)).toBeCloseTo(12.5, 9); // ∫ t dt over 5 s
    expect(linear(10_000)).toBeCloseTo(50, 9);
    expect(linear(30_000)).toBeCloseTo(250, 9); // the last sample holds for one more interval
    expect(linear(40_000)).toBeCloseTo(250, 9); // and no further
    const held = demandCounter(trace, 'hold');
    expect(held(10_000)).toBe(0);
    expect(held(15_000)).toBeCloseTo(50, 9);
  });
});

describe('prometheusRate (promql extrapolatedRate)', () => {
  const times = Float64Array.of(15_000, 45_000, 75_000, 105_000);

  it('is exact for a constant rate when samples reach to within an interval of the window edges', () => {
    const values = Float64Array.from(times, (t) => 1000 + (5 * t) / 1000);
    expect(prometheusRate(times, values, 0, 3, 120_000, 120_000)).toBeCloseTo(5, 9);
  });

  it('extrapolates by at most half an interval when the edge is farther', () => {
    const values = Float64Array.from(times, (t) => 1000 + (5 * t) / 1000);
    // Window (−60 s, 180 s]: 450 increase over 90 s sampled, extended by 15 s at each end, per 240 s.
    expect(prometheusRate(times, values, 0, 3, 180_000, 240_000)).toBeCloseTo((450 * (120 / 90)) / 240, 9);
  });

  it('does not extrapolate a counter below zero, and needs two samples', () => {
    const values = Float64Array.from(times, (t) => (5 * (t - 10_000)) / 1000);
    // The counter was 0 at 10 s: the start extends 5 s, not 15 s.
    expect(prometheusRate(times, values, 0, 3, 120_000, 120_000)).toBeCloseTo((450 * (110 / 90)) / 120, 9);
    expect(Number.isNaN(prometheusRate(times, values, 2, 2, 120_000, 120_000))).toBe(true);
  });
});

describe('observeDemand', () => {
  it('sees a step late: the rate window smooths it and the newest scrape is older than the tick', () => {
    const minute = 60_000;
    const timesMs = Float64Array.from({ length: 60 }, (_, i) => i * minute);
    const demand = Float64Array.from({ length: 60 }, (_, i) => (i < 30 ? 10 : 30));
    const seen = observeDemand({ timesMs, demand }, 15_000, 'hold', DEFAULT_PIPELINE);
    const at = (ms: number) => seen.values[Math.round(ms / 15_000)] as number;
    // The series ran at its first demand before the trace: the first tick reads a full window.
    expect(at(0)).toBeCloseTo(10, 6);
    expect(at(15_000)).toBeCloseTo(10, 6);
    expect(at(20 * minute)).toBeCloseTo(10, 6);
    expect(at(30 * minute + 15_000)).toBeCloseTo(10, 6); // the step is not scraped yet
    const halfway = at(31 * minute);
    expect(halfway).toBeGreaterThan(10);
    expect(halfway).toBeLessThan(30);
    expect(at(33 * minute)).toBeCloseTo(30, 6);
  });

  it('reads a gauge query (no rate window) as its newest scrape, without smoothing', () => {
    const minute = 60_000;
    const timesMs = Float64Array.from({ length: 60 }, (_, i) => i * minute);
    const demand = Float64Array.from({ length: 60 }, (_, i) => (i < 30 ? 10 : 30));
    const gauge = observeDemand({ timesMs, demand }, 15_000, 'hold', {
      ...DEFAULT_PIPELINE,
      rateWindowMs: 0,
    });
    const at = (ms: number) => gauge.values[Math.round(ms / 15_000)] as number;
    expect(at(30 * minute)).toBe(10);
    // Scrapes at 15 s and 45 s past each minute; the tick 7.5 s before the sync at 30 min 30 s sees 45 s's.
    expect(at(30 * minute + 30_000)).toBe(30);
    expect(at(31 * minute)).toBe(30);
  });
});
