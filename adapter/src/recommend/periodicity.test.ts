import { autocorrelation, hourlyDemand } from './periodicity';
import { withDailyInterruptions } from './spot';

describe('periodicity', () => {
  it('finds a daily sine strongly correlated at 24 h and not at 12 h', () => {
    const hours = Float64Array.from({ length: 24 * 7 }, (_, h) => 10 + 5 * Math.sin((2 * Math.PI * h) / 24));
    expect(autocorrelation(hours, 24)).toBeGreaterThan(0.95);
    expect(autocorrelation(hours, 12)).toBeLessThan(-0.9);
  });

  it('does not read a trend as periodicity', () => {
    // Growth with irregular wobble: without removing the trend, every lag would look correlated.
    const wobble = (i: number): number => Math.sin(i * 12.9898) * 0.5 + Math.sin(i * 4.1414) * 0.5;
    const growing = Float64Array.from({ length: 24 * 7 }, (_, h) => h + 5 * wobble(h));
    expect(Math.abs(autocorrelation(growing, 24))).toBeLessThan(0.2);
    expect(
      autocorrelation(
        Float64Array.from({ length: 24 * 7 }, (_, h) => h),
        24,
      ),
    ).toBeNaN();
  });

  it('averages demand per hour on the wall clock of a time zone', () => {
    const start = Date.UTC(2024, 0, 1, 0, 0); // Monday 00:00 UTC, 01:00 in Berlin
    const times = Float64Array.from({ length: 24 }, (_, i) => start + i * 300_000);
    const demand = Float64Array.from({ length: 24 }, (_, i) => (i < 12 ? 1 : 3));
    const h = hourlyDemand(times, demand, 'Europe/Berlin');
    expect(Array.from(h.means)).toEqual([1, 3]);
    expect(Array.from(h.hourOfDay)).toEqual([1, 2]);
    expect(Array.from(h.weekday)).toEqual([1, 1]);
  });
});

describe('modelled spot interruptions', () => {
  it('raises demand by n / (n − 1) for exactly the span, once a day at the peak', () => {
    const step = 300_000;
    const times = Float64Array.from({ length: 576 }, (_, i) => i * step);
    const demand = Float64Array.from({ length: 576 }, (_, i) => (i % 288 === 100 ? 400 : 100));
    const out = withDailyInterruptions({ timesMs: times, demand }, 90_000, 100);
    // Peaks at steps 100 and 388: 400/s needs 4 replicas, so demand rises to 400 · 4/3 for 90 s.
    const raised = Array.from(out.timesMs).filter((_, i) => (out.demand[i] as number) > 400);
    expect(raised).toEqual([100 * step, 100 * step + 90_000, 388 * step, 388 * step + 90_000]);
    expect(out.demand[Array.from(out.timesMs).indexOf(100 * step)]).toBeCloseTo(400 * (4 / 3), 9);
    // Around the span the original level holds: a step up at the peak and down after the span.
    expect(out.demand[Array.from(out.timesMs).indexOf(100 * step - 1)]).toBe(400);
    expect(out.demand[Array.from(out.timesMs).indexOf(100 * step + 90_001)]).toBe(400);
    expect(out.timesMs[0]).toBe(0);
    expect(out.timesMs[out.timesMs.length - 1]).toBe(575 * step);
  });
});
