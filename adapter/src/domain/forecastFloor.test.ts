import { reactiveFlooredByForecast, recentDemandPeak } from './forecastFloor';

describe('reactiveFlooredByForecast', () => {
  const forecast = { quantile: (tau: number) => 100 + 40 * tau };
  const reactive = { quantile: (tau: number) => 90 + 60 * tau };

  it("floors the reactive quantile at the forecast's median, so the reactive spread decides above it", () => {
    const d = reactiveFlooredByForecast(forecast, reactive);
    expect(d.quantile(0.5)).toBe(120);
    // Above the median the forecast's own, wider-tailed quantile (136 at 0.9) is not used.
    expect(d.quantile(0.9)).toBeCloseTo(144, 9);
    expect(d.quantile(0.99)).toBeCloseTo(149.4, 9);
    let previous = -Infinity;
    for (let tau = 0.01; tau < 1; tau += 0.01) {
      expect(d.quantile(tau)).toBeGreaterThanOrEqual(previous);
      previous = d.quantile(tau);
    }
  });

  it('floors only from the median up: below it the peak reaches the median with probability one half', () => {
    const d = reactiveFlooredByForecast(forecast, reactive);
    // A count under the median is a miss with probability 1/2, not a certain one.
    expect(d.quantile(0.1)).toBe(96);
    expect(d.quantile(0.49)).toBeCloseTo(119.4, 9);
    expect(d.quantile(0.5)).toBe(120);
  });

  it("keeps the reactive spread where it is narrower than the forecast's", () => {
    const wide = { quantile: (tau: number) => 100 + 400 * (tau - 0.5) };
    const narrow = { quantile: (tau: number) => 95 + 10 * tau };
    const d = reactiveFlooredByForecast(wide, narrow);
    expect(d.quantile(0.3)).toBe(98);
    expect(d.quantile(0.5)).toBe(100);
    expect(d.quantile(0.99)).toBeCloseTo(104.9, 9);
  });

  it('leaves either side alone where the other is NaN', () => {
    const none = { quantile: () => Number.NaN };
    expect(reactiveFlooredByForecast(forecast, none).quantile(0.9)).toBe(136);
    expect(reactiveFlooredByForecast(none, reactive).quantile(0.5)).toBe(120);
    expect(Number.isNaN(reactiveFlooredByForecast(none, none).quantile(0.5))).toBe(true);
  });

  it('never floors above the recent peak: a level demand has stayed under for the whole window is not held', () => {
    const narrow = { quantile: (tau: number) => 90 + 20 * tau };
    // Demand's highest over the last 5 minutes was 104: the median 120 is not held, 104 is.
    const capped = reactiveFlooredByForecast(forecast, narrow, 104);
    expect(capped.quantile(0.5)).toBe(104);
    expect(capped.quantile(0.9)).toBe(108);
    expect(capped.quantile(0.1)).toBe(92);
    // A dip within the window: demand was at 130, above the median, so the median is held whole.
    expect(reactiveFlooredByForecast(forecast, narrow, 130).quantile(0.5)).toBe(120);
    // No recent value: the floor as before.
    expect(reactiveFlooredByForecast(forecast, narrow).quantile(0.5)).toBe(120);
  });
});

describe('recentDemandPeak', () => {
  it("is the query's highest value over the last 5 minutes, the horizon and the lag, gaps skipped", () => {
    // 15 s ticks, a horizon of 4 and a lag of 4: the last 28 values; the 150 is 29 ticks back, outside.
    const past = Float64Array.from({ length: 40 }, (_, i) => (i === 11 ? 150 : i === 30 ? Number.NaN : i));
    expect(recentDemandPeak(past, 15, 4, 4)).toBe(39);
    past[12] = 140;
    expect(recentDemandPeak(past, 15, 4, 4)).toBe(140);
    // Over 5 minutes alone the 140, 28 ticks back, is outside.
    expect(recentDemandPeak(past, 15, 0, 0)).toBe(39);
    expect(Number.isNaN(recentDemandPeak(new Float64Array(0), 15, 4, 4))).toBe(true);
  });
});
