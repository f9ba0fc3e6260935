import { CPU_SCALE, decayingPercentiles } from './histogram';
import { requestEstimate, withPodMinimum } from './requestEstimate';

const DAY = 86_400_000;

describe('decaying histogram', () => {
  it('answers a percentile with the upper edge of its bucket, within 5 % above the exact value', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => (i + 1) / 1000);
    const times = new Float64Array(1000).fill(0);
    const [p50, p90] = decayingPercentiles({ values, timesMs: times }, [0.5, 0.9], CPU_SCALE, 0);
    expect(p50).toBeGreaterThanOrEqual(0.5);
    expect(p50).toBeLessThan(0.5 * 1.05 + 0.01);
    expect(p90).toBeGreaterThanOrEqual(0.9);
    expect(p90).toBeLessThan(0.9 * 1.05 + 0.01);
  });

  it('weighs a sample a half-life older at half the weight', () => {
    // One old sample of 1 core against one new of 0.1: equal weights would put P50 at the lower value;
    // the old one counts half, so the median is the new value, and P70 reaches the old one only
    // when it is at most a half-life old.
    const values = Float64Array.of(1, 0.1, 0.1);
    const recent = decayingPercentiles({ values, timesMs: Float64Array.of(0, 0, 0) }, [0.7], CPU_SCALE, 0);
    const old = decayingPercentiles(
      { values, timesMs: Float64Array.of(-2 * DAY, 0, 0) },
      [0.7],
      CPU_SCALE,
      0,
    );
    expect(recent[0]).toBeGreaterThanOrEqual(1);
    expect(old[0]).toBeLessThan(0.2);
  });

  it('skips NaN samples and answers NaN without any', () => {
    const none = decayingPercentiles(
      { values: Float64Array.of(NaN), timesMs: Float64Array.of(0) },
      [0.9],
      CPU_SCALE,
      0,
    );
    expect(none[0]).toBeNaN();
  });
});

describe('VPA-style request estimate', () => {
  it('widens the bounds by confidence multipliers that shrink with history', () => {
    const values = Float64Array.from({ length: 100 }, () => 0.5);
    const samples = { values, timesMs: new Float64Array(100) };
    const oneDay = requestEstimate(samples, CPU_SCALE, 0, 1)!;
    const week = requestEstimate(samples, CPU_SCALE, 0, 7)!;
    expect(oneDay.upper / oneDay.target).toBeCloseTo(2, 9);
    expect(week.upper / week.target).toBeCloseTo(1 + 1 / 7, 9);
    expect(oneDay.lower / oneDay.target).toBeCloseTo(Math.pow(1.001, -2), 9);
  });

  it('shares the per-pod minimum between containers in proportion to their targets', () => {
    const [a, b] = withPodMinimum([0.005, 0.015], 0.025);
    expect(a).toBeCloseTo(0.00625, 12);
    expect(b).toBeCloseTo(0.01875, 12);
    expect(withPodMinimum([0, 0], 0.025)).toEqual([0.0125, 0.0125]);
    expect(withPodMinimum([0.1, 0.2], 0.025)).toEqual([0.1, 0.2]);
  });
});
