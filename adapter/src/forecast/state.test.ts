import { synthetic } from '../../../test/support/syntheticSeries';
import { fitForecastState, forecastFromState } from './forecaster';
import { deserializeForecastState, isRefitDue, serializeForecastState } from './state';

describe('forecast state', () => {
  const y = synthetic({ length: 24 * 20, daily: { period: 24, amplitude: 20 }, noise: 2, seed: 1 });
  const state = fitForecastState(y, { horizon: 12, periods: [24], nowMs: 1_700_000_000_000 });

  it('survives a JSON round trip with identical forecasts', () => {
    const restored = deserializeForecastState(serializeForecastState(state));
    expect(restored).toEqual(state);
    const before = forecastFromState(state, y);
    const after = forecastFromState(restored, y);
    expect(Array.from(after.point)).toEqual(Array.from(before.point));
    expect(Array.from(after.quantile(0.9))).toEqual(Array.from(before.quantile(0.9)));
  });

  it('round-trips the state of a series too short for any backtest', () => {
    const tiny = fitForecastState([3, 4], { horizon: 3 });
    expect(tiny.backtest).toEqual({ origins: 0, ensembleError: null, seasonalNaiveError: null });
    expect(deserializeForecastState(serializeForecastState(tiny))).toEqual(tiny);
    expect(Array.from(forecastFromState(tiny, [3, 4]).quantile(0.9))).toEqual([4, 4, 4]);
  });

  it('forecasts from newer history without refitting', () => {
    const newer = synthetic({ length: 24 * 21, daily: { period: 24, amplitude: 20 }, noise: 2, seed: 1 });
    const forecast = forecastFromState(state, newer, 6);
    expect(forecast.point).toHaveLength(6);
    const expected = synthetic({ length: 24 * 21 + 6, daily: { period: 24, amplitude: 20 } }).subarray(
      24 * 21,
    );
    for (let h = 0; h < 6; h++) expect(Math.abs(forecast.point[h]! - expected[h]!)).toBeLessThan(6);
  });

  it('rejects text that is not JSON or not a state, naming the field', () => {
    expect(() => deserializeForecastState('{')).toThrow(/not JSON/);
    const broken = JSON.parse(serializeForecastState(state)) as { members: { kind: string }[] };
    broken.members[0]!.kind = 'prophet';
    expect(() => deserializeForecastState(JSON.stringify(broken))).toThrow(/members\.0\.kind/);
    expect(() => deserializeForecastState(JSON.stringify({ ...state, members: [] }))).toThrow(/members/);
  });

  it('is due for a refit once the interval has passed, or when the clock went back', () => {
    expect(isRefitDue(state, state.fittedAtMs + 59_999, 60_000)).toBe(false);
    expect(isRefitDue(state, state.fittedAtMs + 60_000, 60_000)).toBe(true);
    expect(isRefitDue(state, state.fittedAtMs - 1, 60_000)).toBe(true);
  });
});
