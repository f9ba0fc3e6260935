import { fitForecastState, forecastFromState } from './forecaster';
import { ScratchArrays } from './scratch';

describe('ScratchArrays', () => {
  it('hands out zeroed arrays, the same ones again after a reset', () => {
    const scratch = new ScratchArrays();
    const a = scratch.take(4);
    const b = scratch.take(3);
    a.fill(7);
    b.fill(9);
    scratch.reset();
    const again = scratch.take(2);
    expect(again.buffer).toBe(a.buffer);
    expect(Array.from(again)).toEqual([0, 0]);
    expect(Array.from(scratch.take(3))).toEqual([0, 0, 0]);
    expect(scratch.take(5).buffer).not.toBe(b.buffer);
  });
});

describe('forecastFromState in reused arrays', () => {
  const daily = (n: number, level: number) =>
    Float64Array.from({ length: n }, (_, i) => level * (2 + Math.sin((2 * Math.PI * i) / 24)) + (i % 5));

  it('gives each forecast what it gives alone, and leaves earlier forecasts as they were', () => {
    const a = daily(24 * 10, 10);
    const b = daily(24 * 14, 3).map((v, i) => (i % 50 === 7 ? Number.NaN : v));
    const stateA = fitForecastState(a, { horizon: 12 });
    const stateB = fitForecastState(b, { horizon: 6 });
    const first = forecastFromState(stateA, a);
    const firstPoint = Array.from(first.point);
    const firstBand = Array.from(first.quantile(0.95));
    const other = forecastFromState(stateB, b);
    expect(Array.from(first.point)).toEqual(firstPoint);
    expect(Array.from(first.quantile(0.95))).toEqual(firstBand);
    expect(Array.from(forecastFromState(stateA, a).point)).toEqual(firstPoint);
    expect(Array.from(other.point)).toEqual(Array.from(forecastFromState(stateB, b).point));
  });
});
