import { seededRandom, normal, synthetic, meanAbsoluteError } from '../../../test/support/syntheticSeries';
import { centredMovingAverage, decompose, seasonalForecast } from './decompose';
import { fitEts, forecastEts } from './ets';
import { forecastLinearTrend } from './linearTrend';
import { forecastSeasonalNaive } from './seasonalNaive';
import { fitTheta, forecastTheta } from './theta';

const daily = { period: 24, amplitude: 20 };
const weekly = { period: 168, amplitude: 15 };

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('seasonal naive', () => {
  it('repeats the last season', () => {
    const y = Float64Array.from([1, 2, 3, 4, 5, 6]);
    expect(Array.from(forecastSeasonalNaive(3, y, 5))).toEqual([4, 5, 6, 4, 5]);
    expect(Array.from(forecastSeasonalNaive(1, y, 2))).toEqual([6, 6]);
  });
});

describe('exponential smoothing', () => {
  it('forecasts a pure seasonal series by its pattern', () => {
    const full = synthetic({ length: 24 * 30, daily, noise: 1, seed: 3 });
    const train = full.subarray(0, 24 * 28);
    const params = fitEts(train, 'none', 24);
    const f = forecastEts(params, train, 48);
    const truth = synthetic({ length: 24 * 30, daily, noise: 0 }).subarray(24 * 28);
    expect(meanAbsoluteError(f, truth)).toBeLessThan(2);
  });

  it('continues a trend with an additive trend and bends it with a damped one', () => {
    const y = synthetic({ length: 200, level: 10, trend: 0.5, noise: 0.2, seed: 5 });
    const additive = forecastEts(fitEts(y, 'additive', 0), y, 20);
    expect(additive[19]! - additive[0]!).toBeCloseTo(19 * 0.5, 0);
    const dampedParams = fitEts(y, 'damped', 0);
    expect(dampedParams.phi).toBeLessThan(1);
    const damped = forecastEts(dampedParams, y, 20);
    expect(damped[19]! - damped[0]!).toBeLessThan(additive[19]! - additive[0]!);
    expect(damped[19]!).toBeGreaterThan(y[199]!);
  });

  it('follows a level shift', () => {
    const random = seededRandom(9);
    const y = Float64Array.from({ length: 300 }, (_, t) => (t < 250 ? 50 : 80) + normal(random));
    const f = forecastEts(fitEts(y, 'none', 0), y, 10);
    for (const v of f) expect(Math.abs(v - 80)).toBeLessThan(2);
  });

  it('keeps parameters inside the admissible region', () => {
    const y = synthetic({ length: 24 * 10, daily, noise: 5, seed: 11 });
    const p = fitEts(y, 'damped', 24);
    expect(p.alpha).toBeGreaterThan(0);
    expect(p.alpha).toBeLessThan(1);
    expect(p.beta).toBeLessThan(p.alpha);
    expect(p.gamma).toBeLessThan(1 - p.alpha);
    expect(p.phi).toBeGreaterThanOrEqual(0.8);
    expect(p.phi).toBeLessThanOrEqual(0.98);
  });
});

describe('decomposition', () => {
  it('keeps a straight line through the centred moving average, ends included', () => {
    const line = Float64Array.from({ length: 100 }, (_, t) => 3 + 0.25 * t);
    for (const width of [24, 7]) {
      const ma = centredMovingAverage(line, width);
      for (let t = 0; t < 100; t++) expect(ma[t]).toBeCloseTo(line[t]!, 9);
    }
  });

  it('separates daily and weekly components', () => {
    const n = 168 * 6;
    const y = synthetic({ length: n, level: 200, daily, weekly, noise: 1, seed: 13 });
    const d = decompose(y, [24, 168]);
    expect(d.periods).toEqual([24, 168]);
    const trueDaily = Float64Array.from(
      { length: n },
      (_, t) => daily.amplitude * Math.sin((2 * Math.PI * t) / 24),
    );
    const trueWeekly = Float64Array.from(
      { length: n },
      (_, t) => weekly.amplitude * Math.sin((2 * Math.PI * t) / 168 + 1),
    );
    expect(correlation(d.seasonals[0]!, trueDaily)).toBeGreaterThan(0.97);
    expect(correlation(d.seasonals[1]!, trueWeekly)).toBeGreaterThan(0.95);
    const f = seasonalForecast(d, 24);
    const future = Float64Array.from(
      { length: 24 },
      (_, h) => trueDaily[n - 24 + h]! + weekly.amplitude * Math.sin((2 * Math.PI * (n + h)) / 168 + 1),
    );
    expect(meanAbsoluteError(f, future)).toBeLessThan(2);
  });

  it('drops periods without two full cycles', () => {
    const y = synthetic({ length: 300, daily, noise: 1 });
    expect(decompose(y, [24, 168]).periods).toEqual([24]);
  });

  it('does not imprint an outlier on the seasonal shape in the robust pass', () => {
    const y = synthetic({ length: 24 * 14, level: 100, daily, noise: 0.5, seed: 17 });
    const spiked = Float64Array.from(y);
    spiked[24 * 12 + 5]! += 400;
    const robust = decompose(spiked, [24], { robust: true });
    const plain = decompose(spiked, [24], { robust: false });
    const clean = decompose(y, [24], { robust: true });
    const shift = (d: typeof robust): number =>
      Math.abs(d.seasonals[0]![24 * 13 + 5]! - clean.seasonals[0]![24 * 13 + 5]!);
    expect(shift(robust)).toBeLessThan(2);
    expect(shift(plain)).toBeGreaterThan(5 * shift(robust));
  });
});

describe('trend models', () => {
  it('extends a straight line exactly with the linear-trend model', () => {
    const y = Float64Array.from({ length: 60 }, (_, t) => 5 + 2 * t);
    const f = forecastLinearTrend({ window: 30 }, y, 3);
    expect(Array.from(f)).toEqual([125, 127, 129].map((v) => expect.closeTo(v, 9)));
  });

  it('gives the Theta forecast half the regression slope as drift', () => {
    const y = synthetic({ length: 200, level: 10, trend: 1, noise: 0.5, seed: 19 });
    const f = forecastTheta(fitTheta(y), y, 40);
    // Slope between h=20 and h=40 is half the data's slope of 1.
    expect((f[39]! - f[19]!) / 20).toBeCloseTo(0.5, 1);
  });
});
