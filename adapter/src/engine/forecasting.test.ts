import { createDetector, NO_EPISODE } from '../anomaly';
import { distrustWhileAnomalous } from './forecasting';

describe('forecast gate while demand is anomalous', () => {
  const detector = createDetector();
  const trusted = {
    mode: 'forecast' as const,
    reason: 'MASE 0.7 vs seasonal naive',
    distribution: { quantile: () => 1, mean: 1 } as never,
    model: 'ets',
  };

  it('leaves the view alone when there is no anomaly', () => {
    expect(distrustWhileAnomalous(trusted, undefined)).toBe(trusted);
    expect(distrustWhileAnomalous(trusted, { detector, episode: NO_EPISODE })).toBe(trusted);
  });

  it('turns a trusted forecast reactive and says why', () => {
    const episode = {
      active: true,
      since: Date.UTC(2026, 0, 2, 3, 4),
      peak: 0.61,
      low: 0,
      high: 1,
      quiet: 0,
    };
    const view = distrustWhileAnomalous(trusted, { detector, episode });
    expect(view.mode).toBe('reactive');
    expect(view.distribution).toBeUndefined();
    expect(view.model).toBe('ets');
    expect(view.reason).toBe('demand is anomalous since 2026-01-02 03:04 UTC (peak anomaly score 0.61)');
    const reactive = distrustWhileAnomalous(
      { mode: 'reactive', reason: 'coverage 0.5' },
      { detector, episode },
    );
    expect(reactive.reason).toMatch(/\(peak anomaly score 0\.61\); coverage 0\.5$/);
  });
});
