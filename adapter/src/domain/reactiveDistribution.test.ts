import fc from 'fast-check';
import { reactiveDistribution } from './reactiveDistribution';

/** Straightforward O(n·H) reference: sorted peak/base ratios (bases > minBase) and differences. */
function reference(history: number[], h: number, minBase: number) {
  const ratios: number[] = [];
  const differences: number[] = [];
  for (let i = 0; i + h < history.length; i++) {
    const base = history[i] as number;
    const future = history.slice(i + 1, i + h + 1).filter((x) => !Number.isNaN(x));
    if (!Number.isFinite(base) || future.length === 0) continue;
    const peak = Math.max(...future);
    differences.push(peak - base);
    if (base > 0 && base >= minBase) ratios.push(peak / base);
  }
  const byValue = (a: number, b: number) => a - b;
  return { ratios: ratios.sort(byValue), differences: differences.sort(byValue) };
}

function type7(sorted: number[], tau: number): number {
  const h = (sorted.length - 1) * tau;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

describe('reactiveDistribution', () => {
  it('scales current demand by the growth seen over past horizons', () => {
    // Demand growing 1 % per step: every peak over 5 steps is 1.01⁵ times its base.
    const history = Float64Array.from({ length: 200 }, (_, i) => 100 * 1.01 ** i);
    const d = reactiveDistribution(history, 5, 300);
    expect(d.method).toBe('ratio');
    expect(d.windows).toBe(195);
    for (const tau of [0, 0.5, 0.99]) expect(d.quantile(tau)).toBeCloseTo(300 * 1.01 ** 5, 9);
  });

  it('matches a direct computation on random histories with gaps', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: 0, max: 1000, noNaN: true }), fc.constant(Number.NaN)), {
          minLength: 40,
          maxLength: 150,
        }),
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 1, max: 500, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (samples, h, current, tau) => {
          const positive = samples.filter((x) => x > 0);
          const minBase =
            positive.length === 0 ? 0 : (0.01 * positive.reduce((a, b) => a + b, 0)) / positive.length;
          const ref = reference(samples, h, minBase);
          const d = reactiveDistribution(Float64Array.from(samples), h, current, { minWindows: 10 });
          if (ref.ratios.length >= 10 && current >= minBase) {
            expect(d.method).toBe('ratio');
            expect(d.quantile(tau)).toBeCloseTo(current * type7(ref.ratios, tau), 6);
          } else if (ref.differences.length >= 10) {
            expect(d.method).toBe('difference');
            expect(d.quantile(tau)).toBeCloseTo(Math.max(0, current + type7(ref.differences, tau)), 6);
          } else {
            expect(d.method).toBe('current');
            expect(d.quantile(tau)).toBe(current);
          }
          expect(d.quantile(Math.min(1, tau + 0.1))).toBeGreaterThanOrEqual(d.quantile(tau) - 1e-9);
        },
      ),
    );
  });

  it('uses differences when current demand is zero', () => {
    const history = Float64Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 20 : 0));
    const d = reactiveDistribution(history, 3, 0);
    expect(d.method).toBe('difference');
    expect(d.note.text()).toMatch(/current demand is zero/);
    // Within any 3 future steps a spike of 20 follows a zero base 3 times in 10; never more than +20.
    expect(d.quantile(1)).toBe(20);
    expect(d.quantile(0)).toBe(0);
  });

  it('uses differences when too few bases are non-zero', () => {
    const history = new Float64Array(100);
    history[50] = 10;
    const d = reactiveDistribution(history, 2, 4);
    expect(d.method).toBe('difference');
    expect(d.note.text()).toMatch(/only 1 past horizons start from non-zero demand/);
    expect(d.quantile(1)).toBe(14);
  });

  it('falls back to current demand on short history, and says so', () => {
    const d = reactiveDistribution(Float64Array.from([1, 2, 3, 4, 5]), 2, 42);
    expect(d.method).toBe('current');
    expect(d.windows).toBe(0);
    expect(d.quantile(0.99)).toBe(42);
    expect(d.note.text()).toMatch(/history too short \(3 usable past horizons/);
  });

  it('skips windows with no finite future and bases that are gaps', () => {
    const history = new Float64Array(60).fill(10);
    for (let i = 20; i < 30; i++) history[i] = Number.NaN;
    const d = reactiveDistribution(history, 4, 10, { minWindows: 1 });
    // 56 windows, less the 10 with a NaN base, less i = 19 whose whole future (20…23) is the gap.
    expect(d.windows).toBe(56 - 10 - 1);
    expect(d.quantile(0.5)).toBe(10);
  });

  it('gives NaN quantiles for a NaN current demand', () => {
    const d = reactiveDistribution(new Float64Array(100).fill(5), 3, Number.NaN);
    expect(Number.isNaN(d.quantile(0.9))).toBe(true);
  });
});
