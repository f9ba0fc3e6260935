import { meanAbsoluteError, normal, seededRandom, synthetic } from '../../../test/support/syntheticSeries';
import { fitForecastState, forecastFromState } from './forecaster';
import { forecastSeasonalNaive } from './seasonalNaive';

const H = 24;

/** Positive series with a multiplicative daily shape, a weekly one and noise; truth without noise too. */
function demand(length: number, seed: number, noise = 0.05): { observed: Float64Array; truth: Float64Array } {
  const random = seededRandom(seed);
  const truth = new Float64Array(length);
  const observed = new Float64Array(length);
  for (let t = 0; t < length; t++) {
    const day = 1 + 0.6 * Math.sin((2 * Math.PI * t) / 24);
    const week = Math.floor(t / 24) % 7 >= 5 ? 0.7 : 1;
    truth[t] = 500 * day * week;
    observed[t] = truth[t]! * Math.exp(noise * normal(random));
  }
  return { observed, truth };
}

describe('fitForecastState and forecastFromState', () => {
  it('forecasts a daily and weekly seasonal series better than seasonal naive', () => {
    const { observed, truth } = demand(24 * 35 + H, 1);
    const train = observed.subarray(0, 24 * 35);
    const state = fitForecastState(train, { horizon: H, stepSeconds: 3600 });
    expect(state.periods).toEqual([24, 168]);
    expect(state.transform.kind).toBe('log');
    const forecast = forecastFromState(state, train);
    const future = truth.subarray(24 * 35);
    const modelError = meanAbsoluteError(forecast.point, future);
    expect(modelError).toBeLessThan(0.6 * meanAbsoluteError(forecastSeasonalNaive(24, train, H), future));
    expect(modelError / 500).toBeLessThan(0.05);
    expect(state.backtest.ensembleError).toBeLessThan(state.backtest.seasonalNaiveError!);
  });

  it('follows a trend under the season', () => {
    const y = synthetic({
      length: 24 * 20 + H,
      level: 100,
      trend: 0.5,
      daily: { period: 24, amplitude: 20 },
      noise: 1,
      seed: 2,
    });
    const train = y.subarray(0, 24 * 20);
    const forecast = forecastFromState(fitForecastState(train, { horizon: H, periods: [24] }), train);
    const truth = synthetic({
      length: 24 * 20 + H,
      level: 100,
      trend: 0.5,
      daily: { period: 24, amplitude: 20 },
    });
    expect(meanAbsoluteError(forecast.point, truth.subarray(24 * 20))).toBeLessThan(4);
  });

  it('adapts to a level shift', () => {
    const { observed } = demand(24 * 35 + H, 3);
    // Demand doubles three days before the end of the history.
    const shifted = observed.map((v, t) => (t >= 24 * 32 ? 2 * v : v));
    const train = shifted.subarray(0, 24 * 35);
    const forecast = forecastFromState(fitForecastState(train, { horizon: H, periods: [24, 168] }), train);
    const ratio =
      forecast.point.reduce((a, b) => a + b, 0) / shifted.subarray(24 * 35).reduce((a, b) => a + b, 0);
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  });

  it('forecasts through gaps as well as from the complete history', () => {
    const { observed, truth } = demand(24 * 35 + H, 4);
    const train = Float64Array.from(observed.subarray(0, 24 * 35));
    const gappy = Float64Array.from(train);
    const random = seededRandom(5);
    for (let t = 0; t < gappy.length; t++) if (random() < 0.1) gappy[t] = NaN;
    for (let t = 24 * 33 + 3; t < 24 * 33 + 20; t++) gappy[t] = NaN;
    const future = truth.subarray(24 * 35);
    const complete = meanAbsoluteError(
      forecastFromState(fitForecastState(train, { horizon: H, periods: [24, 168] }), train).point,
      future,
    );
    const withGaps = meanAbsoluteError(
      forecastFromState(fitForecastState(gappy, { horizon: H, periods: [24, 168] }), gappy).point,
      future,
    );
    expect(withGaps).toBeLessThan(1.5 * complete + 5);
    expect(withGaps / 500).toBeLessThan(0.06);
  });

  it('works in the original units when the series has zeros', () => {
    const y = synthetic({
      length: 24 * 14 + H,
      level: 20,
      daily: { period: 24, amplitude: 30 },
      noise: 1,
      seed: 6,
    }).map((v) => Math.max(0, v));
    const train = y.subarray(0, 24 * 14);
    const state = fitForecastState(train, { horizon: H, periods: [24] });
    expect(state.transform.kind).toBe('identity');
    const forecast = forecastFromState(state, train);
    expect(meanAbsoluteError(forecast.point, y.subarray(24 * 14))).toBeLessThan(3);
  });

  it('is robust to outliers in the history', () => {
    const { observed, truth } = demand(24 * 35 + H, 7);
    const train = Float64Array.from(observed.subarray(0, 24 * 35));
    for (const t of [24 * 30 + 5, 24 * 31 + 12, 24 * 33 + 8]) train[t]! *= 8;
    const forecast = forecastFromState(fitForecastState(train, { horizon: H, periods: [24, 168] }), train);
    expect(meanAbsoluteError(forecast.point, truth.subarray(24 * 35)) / 500).toBeLessThan(0.06);
  });

  it('falls back to seasonal naive, still with intervals, when the history is too short to backtest', () => {
    const y = Float64Array.from([5, 9, 5, 9, 5, 9, 6, 10, 5, 9]);
    const state = fitForecastState(y, { horizon: 4, periods: [2] });
    expect(state.backtest.origins).toBe(0);
    expect(state.members).toEqual([{ kind: 'seasonal-naive', period: 2 }]);
    const forecast = forecastFromState(state, y);
    expect(Array.from(forecast.point)).toEqual([5, 9, 5, 9].map((v) => expect.closeTo(v, 9)));
    const upper = forecast.quantile(0.95);
    const lower = forecast.quantile(0.05);
    for (let h = 0; h < 4; h++) expect(upper[h]!).toBeGreaterThan(lower[h]!);
  });

  it('forecasts a constant series as that constant with a collapsed interval', () => {
    const y = new Float64Array(100).fill(42);
    const forecast = forecastFromState(fitForecastState(y, { horizon: 5 }), y);
    for (const q of [forecast.point, forecast.quantile(0.05), forecast.quantile(0.95)]) {
      for (const v of q) expect(v).toBeCloseTo(42, 6);
    }
  });

  it('gives quantiles that increase with the level and a peak distribution over the window', () => {
    const { observed } = demand(24 * 21, 8);
    const forecast = forecastFromState(fitForecastState(observed, { horizon: H, periods: [24] }), observed);
    const levels = [0.05, 0.25, 0.5, 0.75, 0.95];
    const quantiles = levels.map((tau) => forecast.quantile(tau));
    for (let h = 0; h < H; h++) {
      for (let i = 1; i < levels.length; i++)
        expect(quantiles[i]![h]!).toBeGreaterThanOrEqual(quantiles[i - 1]![h]!);
    }
    const peak = forecast.peak();
    expect(peak.quantile(0.5)).toBeLessThan(peak.quantile(0.9));
    expect(peak.quantile(0.9)).toBeLessThan(peak.quantile(0.95));
    expect(peak.quantile(0.9)).toBeGreaterThan(Math.max(...forecast.point));
    const early = forecast.peak(3).quantile(0.9);
    expect(early).toBeGreaterThan(Math.max(...forecast.point.subarray(0, 3)));
    expect(early).toBeLessThan(peak.quantile(0.9));
  });

  it("takes the peak's quantile as the largest of the peak band's steps, in log and in own units", () => {
    for (const [offset, kind] of [
      [0, 'log'],
      [-400, 'identity'],
    ] as const) {
      const { observed } = demand(24 * 21, 8);
      const values = observed.map((v) => v + offset);
      const state = fitForecastState(values, { horizon: H, periods: [24] });
      expect(state.transform.kind).toBe(kind);
      const forecast = forecastFromState(state, values);
      for (const steps of [1, 3, H, H + 5])
        for (const tau of [0.01, 0.3, 0.5, 0.9, 0.99]) {
          const band = forecast.peakBand(tau, steps);
          expect(forecast.peak(steps).quantile(tau)).toBe(Math.max(...band.subarray(0, steps)));
        }
    }
  });

  it('rejects bad horizons, empty series and quantile levels outside (0, 1)', () => {
    const y = synthetic({ length: 100, noise: 1 });
    expect(() => fitForecastState(y, { horizon: 0 })).toThrow(RangeError);
    expect(() => fitForecastState(y, { horizon: 2.5 })).toThrow(RangeError);
    expect(() => fitForecastState([NaN, 1], { horizon: 3 })).toThrow(RangeError);
    const forecast = forecastFromState(fitForecastState(y, { horizon: 3 }), y);
    expect(() => forecast.quantile(1)).toThrow(RangeError);
    expect(() => forecast.quantile(0)).toThrow(RangeError);
  });

  it('calibrates step intervals and the peak to their nominal coverage out of sample', () => {
    // 30 simulated series with AR(1) noise on a daily season, each fitted once on two weeks; the three
    // days after are forecast from that state with the history growing day by day.
    const n = 24 * 14;
    const covered = { 0.9: 0, 0.8: 0 };
    let points = 0;
    let peaksCovered = 0;
    let windows = 0;
    for (let s = 0; s < 30; s++) {
      const random = seededRandom(100 + s);
      const y = new Float64Array(n + 3 * H);
      let ar = 0;
      for (let t = 0; t < y.length; t++) {
        ar = 0.6 * ar + 3 * normal(random);
        y[t] = 100 + 20 * Math.sin((2 * Math.PI * t) / 24) + ar;
      }
      const state = fitForecastState(y.subarray(0, n), { horizon: H, periods: [24] });
      for (let origin = n; origin + H <= y.length; origin += H) {
        const forecast = forecastFromState(state, y.subarray(0, origin));
        const bands = {
          0.9: [forecast.quantile(0.05), forecast.quantile(0.95)],
          0.8: [forecast.quantile(0.1), forecast.quantile(0.9)],
        } as const;
        for (let h = 0; h < H; h++) {
          points++;
          for (const level of [0.9, 0.8] as const) {
            const [lower, upper] = bands[level];
            if (y[origin + h]! >= lower[h]! && y[origin + h]! <= upper[h]!) covered[level]++;
          }
        }
        windows++;
        if (Math.max(...y.subarray(origin, origin + H)) <= forecast.peak().quantile(0.9)) peaksCovered++;
      }
    }
    expect(covered[0.9] / points).toBeGreaterThan(0.85);
    expect(covered[0.9] / points).toBeLessThan(0.95);
    expect(covered[0.8] / points).toBeGreaterThan(0.74);
    expect(covered[0.8] / points).toBeLessThan(0.86);
    expect(peaksCovered / windows).toBeGreaterThan(0.8);
    expect(peaksCovered / windows).toBeLessThan(0.98);
  });
});

describe('a forecast as it is held until the next one', () => {
  const { observed } = demand(24 * 14, 7);
  const state = fitForecastState(observed, { horizon: 12, stepSeconds: 3600 });
  const forecast = forecastFromState(state, observed, 12);

  it('holds no typed array of its own, its peak scores asked for included', () => {
    const peak = forecast.peak(6).quantile(0.9);
    expect(peak).toBe(Math.max(...forecast.peakBand(0.9, 6).subarray(0, 6)));
    // The point forecast is made on each read (not held); the center and sorted peak scores are JS arrays.
    expect(Object.keys(forecast)).not.toContain('point');
    expect(Object.values(forecast).filter((v) => ArrayBuffer.isView(v))).toEqual([]);
  });

  it('gives the same point forecast at every read, each a new array', () => {
    const [a, b] = [forecast.point, forecast.point];
    expect(a).not.toBe(b);
    expect(a).toEqual(b);
    expect(a).toHaveLength(12);
  });
});
