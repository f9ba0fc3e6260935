import { budgetPeriodAt, budgetStatus } from '../domain/budget';
import { decide } from '../domain/decide';
import { snapshotSchema } from './schema';
import type { Snapshot } from './snapshot';

const at = Date.UTC(2024, 6, 8, 12);

function fullSnapshot(): Snapshot {
  const result = decide({
    policy: 'orders',
    at,
    mode: 'balanced',
    demand: 50,
    demandUnit: 'requests',
    distribution: { quantile: (tau) => 100 + 100 * tau },
    capacityPerReplica: 10,
    costPerReplicaHour: 1,
    sloMissCostPerHour: 3,
    minReplicas: 1,
    maxReplicas: 50,
  });
  if (!result.ok) throw new Error('expected a decision');
  const { decision } = result;
  return {
    generatedAt: at,
    tick: 7,
    policies: [
      {
        name: 'orders',
        namespace: 'shop',
        labels: { policy: 'orders', team: 'a' },
        allowedNamespaces: ['web'],
        target: { kind: 'Deployment', name: 'orders' },
        values: {
          costscale_replicas: decision.replicas,
          costscale_load: decision.load,
          costscale_cost_per_hour: decision.costPerHour,
          costscale_budget_pressure: 0,
          costscale_forecast_demand: Number.NaN,
        },
        valuesAt: at,
        error: 'latency query failed',
        decision,
        explanation: decision.explanation,
        forecast: {
          mode: 'reactive',
          reason: 'accuracy below the bar',
          model: 'seasonal-naive',
          fittedAt: at - 3600_000,
          accuracy: { count: 3, mase: Number.NaN, smape: 0.1, coverage: 1, bias: 0, relativeMae: Number.NaN },
        },
      },
      { name: 'new', namespace: 'shop', labels: { policy: 'new' }, allowedNamespaces: [] },
    ],
    budgets: [
      {
        name: 'team-a',
        status: budgetStatus({
          amount: 1000,
          period: budgetPeriodAt('monthly', 'UTC', at),
          spent: 400,
          burnRatePerHour: 2,
          at,
        }),
      },
      { name: 'broken', error: 'spend query failed' },
    ],
  };
}

describe('snapshotSchema', () => {
  test('a snapshot survives its JSON round trip, non-finite numbers included', () => {
    const snapshot = fullSnapshot();
    const parsed = snapshotSchema.parse(JSON.parse(JSON.stringify(snapshot)));
    expect(parsed).toEqual(snapshot);
    expect(parsed.policies[0]!.values!.costscale_forecast_demand).toBeNaN();
  });

  test.each<[string, (s: Record<string, unknown>) => unknown]>([
    ['not an object', () => 'snapshot'],
    [
      'a policy without a namespace',
      (s) => ({ ...s, policies: [{ name: 'x', labels: {}, allowedNamespaces: [] }] }),
    ],
    ['a value of the wrong type', (s) => ({ ...s, generatedAt: '2024-07-08' })],
    [
      'a decision that breaks its schema',
      (s) => ({
        ...s,
        policies: [{ ...(s.policies as object[])[0], decision: { replicas: -1 } }],
      }),
    ],
  ])('rejects %s', (_, mangle) => {
    const body = JSON.parse(JSON.stringify(fullSnapshot())) as Record<string, unknown>;
    expect(snapshotSchema.safeParse(mangle(body)).success).toBe(false);
  });
});
