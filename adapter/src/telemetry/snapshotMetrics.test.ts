import { Registry } from 'prom-client';
import type { Snapshot } from '../snapshot/snapshot';
import { registerSnapshotMetrics } from './snapshotMetrics';

const snapshot = (episodes: number, active: boolean): Snapshot =>
  ({
    generatedAt: 0,
    tick: 1,
    budgets: [],
    policies: [
      {
        name: 'web',
        namespace: 'shop',
        labels: { policy: 'web' },
        allowedNamespaces: [],
        forecast: { mode: 'reactive', reason: 'r', anomaly: { score: 0.42, active, episodes } },
      },
      { name: 'api', namespace: 'shop', labels: { policy: 'api' }, allowedNamespaces: [] },
    ],
  }) as unknown as Snapshot;

describe('anomaly metrics', () => {
  it('exports the score and the episode per policy, and counts new episodes across snapshots', async () => {
    let current = snapshot(3, true);
    const registry = new Registry();
    registerSnapshotMetrics(registry, { current: () => current }, () => 0);
    const value = async (name: string) => {
      const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name)!;
      return metric.values.map((v) => [v.labels.policy, v.value]);
    };
    expect(await value('costscale_anomaly_score')).toEqual([['web', 0.42]]);
    expect(await value('costscale_anomaly_active')).toEqual([['web', 1]]);
    // Episodes before the first scrape (the detector's replayed history) are not counted.
    expect(await value('costscale_anomalies_total')).toEqual([['web', 0]]);
    current = snapshot(5, false);
    expect(await value('costscale_anomalies_total')).toEqual([['web', 2]]);
    expect(await value('costscale_anomaly_active')).toEqual([['web', 0]]);
    // A new leader counting from fewer episodes is a new base, not a decrease.
    current = snapshot(1, false);
    expect(await value('costscale_anomalies_total')).toEqual([['web', 2]]);
    current = snapshot(2, true);
    expect(await value('costscale_anomalies_total')).toEqual([['web', 3]]);
  });
});

describe('anomaly metrics of cost, latency and budget spend', () => {
  it('are labelled by signal, and by budget for a budget', async () => {
    const current = {
      generatedAt: 0,
      tick: 1,
      budgets: [{ name: 'team', anomaly: { signal: 'budget-spend', score: 0.5, active: true, episodes: 1 } }],
      policies: [
        {
          name: 'web',
          namespace: 'shop',
          labels: { policy: 'web' },
          allowedNamespaces: [],
          forecast: { mode: 'forecast', reason: 'r', anomaly: { score: 0.1, active: false, episodes: 0 } },
          anomalies: [
            { signal: 'cost-per-hour', score: 0.9, active: true, episodes: 1 },
            { signal: 'latency', score: 0.2, active: false, episodes: 0 },
          ],
        },
      ],
    } as unknown as Snapshot;
    const registry = new Registry();
    registerSnapshotMetrics(registry, { current: () => current }, () => 0);
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'costscale_anomaly_active')!;
    expect(metric.values.map((v) => [v.labels, v.value])).toEqual([
      [{ namespace: 'shop', policy: 'web', signal: 'demand' }, 0],
      [{ namespace: 'shop', policy: 'web', signal: 'cost-per-hour' }, 1],
      [{ namespace: 'shop', policy: 'web', signal: 'latency' }, 0],
      [{ budget: 'team', signal: 'budget-spend' }, 1],
    ]);
  });
});
