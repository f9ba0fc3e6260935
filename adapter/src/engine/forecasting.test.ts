import { createDetector, newWatch, type AnomalyEpisode } from '../anomaly';
import { feedSeries, fitForecastState, forecastFromState, onlineSeries } from '../forecast';
import { compactModel, keepHistoryDays, watchClosedBuckets, withDemandAnomaly } from './forecasting';

describe('forecast gate while demand is anomalous', () => {
  const trusted = {
    mode: 'forecast' as const,
    reason: 'MASE 0.7 vs seasonal naive',
    distribution: { quantile: () => 1, mean: 1 } as never,
    model: 'ets',
  };

  it('only adds the anomaly state when there is no episode', () => {
    expect(withDemandAnomaly(trusted, undefined)).toBe(trusted);
    const watch = { ...newWatch(createDetector()), score: 0.12, episodes: 2 };
    expect(withDemandAnomaly(trusted, watch)).toEqual({
      ...trusted,
      anomaly: { score: 0.12, active: false, episodes: 2 },
    });
  });

  it('turns a trusted forecast reactive and says why', () => {
    const since = Date.UTC(2026, 0, 2, 3, 4);
    const episode = { active: true, since, peak: 0.61, low: 0, high: 1, quiet: 0 };
    const watch = { ...newWatch(createDetector()), episode, score: 0.4, episodes: 1 };
    const view = withDemandAnomaly(trusted, watch);
    expect(view.mode).toBe('reactive');
    expect(view.distribution).toBeUndefined();
    expect(view.model).toBe('ets');
    expect(view.reason).toBe('demand is anomalous since 2026-01-02 03:04 UTC (peak anomaly score 0.61)');
    expect(view.anomaly).toEqual({ score: 0.4, active: true, since, peak: 0.61, episodes: 1 });
    const reactive = withDemandAnomaly({ mode: 'reactive', reason: 'coverage 0.5' }, watch);
    expect(reactive.reason).toMatch(/\(peak anomaly score 0\.61\); coverage 0\.5$/);
  });
});

describe('demand anomaly episodes from closed forecast buckets', () => {
  it('reports an episode when it starts and when demand is back', () => {
    const step = 300_000;
    const level = (t: number): number => 100 + ((t * 7) % 5);
    const series = onlineSeries(step, 0, []);
    const watch = newWatch(createDetector({ stepMs: step }));
    const episodes: Array<[AnomalyEpisode, number | null]> = [];
    const tick = (t: number, value: number) => {
      const open = series.bucketStart;
      feedSeries(series, value, t * step, 0.1);
      watchClosedBuckets(watch, series, open, (e, endedAt) => episodes.push([e, endedAt]));
    };
    for (let t = 0; t < 400; t++) tick(t, level(t));
    expect(episodes).toEqual([]);
    for (let t = 400; t < 406; t++) tick(t, level(t) + 100);
    for (let t = 406; t < 420; t++) tick(t, level(t));
    // The bucket of tick t closes at tick t + 1.
    expect(
      episodes.map(([e, endedAt]) => [e.since / step, endedAt === null ? null : endedAt / step]),
    ).toEqual([
      [400, null],
      [400, 408],
    ]);
    expect(episodes[1]![0].peak).toBeGreaterThanOrEqual(0.35);
  });
});

describe('forecast history held per policy', () => {
  it('keeps the last historyDays of closed buckets, as the warm start loads', () => {
    const step = 300_000;
    const day = 288;
    const series = onlineSeries(
      step,
      20 * day * step,
      Array.from({ length: 20 * day }, (_, i) => i),
    );
    keepHistoryDays(series, 14);
    expect(series.values).toHaveLength(14 * day);
    expect(series.values.at(0)).toBe(6 * day);
    expect(series.values.at(-1)).toBe(20 * day - 1);
    keepHistoryDays(series, 30);
    expect(series.values).toHaveLength(14 * day);
  });
});

describe('fitted models held per policy', () => {
  const values = Float64Array.from(
    { length: 4 * 288 },
    (_, i) => 100 + 30 * Math.sin((2 * Math.PI * i) / 288) + (i % 7),
  );
  const state = fitForecastState(values, { horizon: 12, stepSeconds: 300, nowMs: 0 });

  it('are compacted into an equal copy', () => {
    const compact = compactModel(state);
    expect(compact).not.toBe(state);
    expect(compact).toEqual(state);
    expect(forecastFromState(compact, values).point).toEqual(forecastFromState(state, values).point);
  });

  it('are kept as they are when the copy would not be exact', () => {
    const odd = { ...state, fittedAtMs: Number.NaN };
    expect(compactModel(odd)).toBe(odd);
  });
});
