import { forecastFlooredByReactive } from './forecastFloor';

describe('forecastFlooredByReactive', () => {
  const forecast = { quantile: (tau: number) => 100 + 20 * tau };
  const reactive = { quantile: (tau: number) => 90 + 40 * tau };

  it('takes the larger quantile at each τ, so it stays non-decreasing', () => {
    const d = forecastFlooredByReactive(forecast, reactive);
    expect(d.quantile(0.1)).toBe(102);
    expect(d.quantile(0.5)).toBe(110);
    expect(d.quantile(0.9)).toBeCloseTo(126, 9);
    let previous = -Infinity;
    for (let tau = 0.01; tau < 1; tau += 0.01) {
      expect(d.quantile(tau)).toBeGreaterThanOrEqual(previous);
      previous = d.quantile(tau);
    }
  });

  it('leaves either side alone where the other is NaN', () => {
    const none = { quantile: () => Number.NaN };
    expect(forecastFlooredByReactive(forecast, none).quantile(0.5)).toBe(110);
    expect(forecastFlooredByReactive(none, reactive).quantile(0.5)).toBe(110);
    expect(Number.isNaN(forecastFlooredByReactive(none, none).quantile(0.5))).toBe(true);
  });
});
