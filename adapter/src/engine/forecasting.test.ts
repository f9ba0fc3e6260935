import { createDetector, newWatch } from '../anomaly';
import { withDemandAnomaly } from './forecasting';

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
