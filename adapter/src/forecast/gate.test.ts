import type { AccuracySummary } from './accuracy';
import { forecastGate, type ForecastMode } from './gate';

const options = { nominalCoverage: 0.9, coverageMargin: 0.1, minOutcomes: 48 };
const summary = (relativeMae: number, coverage: number, count = 200): AccuracySummary => ({
  count,
  mase: relativeMae,
  smape: 10,
  coverage,
  bias: 0,
  relativeMae,
});

describe('forecastGate', () => {
  it('keeps a forecast that beats seasonal naive with coverage in the band', () => {
    const decision = forecastGate(summary(0.7, 0.88), 'forecast', options);
    expect(decision.mode).toBe('forecast');
    expect(decision.reason).toMatch(/trusted/);
  });

  it('falls back to reactive when the forecast is worse than seasonal naive', () => {
    const decision = forecastGate(summary(1.2, 0.9), 'forecast', options);
    expect(decision.mode).toBe('reactive');
    expect(decision.reason).toMatch(/worse than seasonal naive.*1\.20×/);
  });

  it('falls back to reactive when coverage is off by more than the margin, either way', () => {
    expect(forecastGate(summary(0.7, 0.75), 'forecast', options).mode).toBe('reactive');
    expect(forecastGate(summary(0.7, 1.0 + 0.0), 'forecast', { ...options, coverageMargin: 0.05 }).mode).toBe(
      'reactive',
    );
    expect(forecastGate(summary(0.7, 0.75), 'forecast', options).reason).toMatch(
      /coverage off by more than 10\.0 %/,
    );
  });

  it('does not change mode on too few outcomes', () => {
    for (const mode of ['forecast', 'reactive'] as ForecastMode[]) {
      const decision = forecastGate(summary(2, 0.2, 10), mode, options);
      expect(decision.mode).toBe(mode);
      expect(decision.reason).toMatch(/fewer than the 48/);
    }
  });

  it('goes back to the forecast only once it is clearly better again', () => {
    let mode: ForecastMode = 'forecast';
    const track: ForecastMode[] = [];
    for (const [mae, coverage] of [
      [0.8, 0.9],
      [1.1, 0.9],
      [0.98, 0.9],
      [0.9, 0.9],
    ] as const) {
      mode = forecastGate(summary(mae, coverage), mode, options).mode;
      track.push(mode);
    }
    expect(track).toEqual(['forecast', 'reactive', 'reactive', 'forecast']);
    expect(forecastGate(summary(0.9, 0.9), 'reactive', options).reason).toMatch(/back from the reactive/);
  });
});
