import fc from 'fast-check';
import { budgetPeriodAt, budgetStatus } from '../domain/budget';
import { decide, type DecisionInput, type Mode } from '../domain/decide';
import { decideCompact, explainedDecision, heldExplanation } from '../domain/explainDecision';
import { z } from 'zod';
import { parseSnapshotInSlices, SNAPSHOT_SLICE, snapshotSchema } from './schema';
import { snapshotJson, type Snapshot } from './snapshot';

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

describe('parseSnapshotInSlices', () => {
  /** The full snapshot's entries repeated past two slice boundaries, as compact JSON parsed back. */
  function manyEntries(): Record<string, unknown> {
    const full = fullSnapshot();
    const policies = Array.from({ length: 2 * SNAPSHOT_SLICE + 7 }, (_, i) => ({
      ...full.policies[i % 2]!,
      name: `p${i}`,
    }));
    return JSON.parse(snapshotJson({ ...full, policies })) as Record<string, unknown>;
  }
  const yields = () => {
    const calls = { count: 0 };
    const between = async () => void (calls.count += 1);
    return { calls, between };
  };

  test('gives what snapshotSchema gives, yielding after each slice', async () => {
    const body = manyEntries();
    const { calls, between } = yields();
    const sliced = await parseSnapshotInSlices(body, between);
    expect(sliced).toEqual(snapshotSchema.safeParse(body));
    expect(sliced.success && snapshotJson(sliced.data)).toBe(snapshotJson(snapshotSchema.parse(body)));
    expect(calls.count).toBe(3);
  });

  test.each<[string, (s: Record<string, unknown>) => unknown]>([
    ['not an object', () => 'snapshot'],
    ['a head value of the wrong type', (s) => ({ ...s, tick: -1 })],
    [
      'an entry in the third slice that breaks its schema',
      (s) => ({
        ...s,
        policies: (s.policies as object[]).map((p, i) =>
          i === 2 * SNAPSHOT_SLICE + 3 ? { ...p, decision: { replicas: -1 } } : p,
        ),
      }),
    ],
  ])('rejects %s as snapshotSchema does, naming the same places', async (_, mangle) => {
    const body = mangle(manyEntries());
    const sliced = await parseSnapshotInSlices(body, yields().between);
    const whole = snapshotSchema.safeParse(body);
    expect(whole.success).toBe(false);
    expect(sliced.success).toBe(false);
    if (!sliced.success && !whole.success)
      expect(z.prettifyError(sliced.error)).toBe(z.prettifyError(whole.error));
  });
});

describe('the compact form', () => {
  const amount = (max: number) => fc.integer({ min: 0, max: max * 100 }).map((x) => x / 100);
  const measured = fc.option(fc.oneof(amount(2), fc.constant(Number.NaN)), { nil: undefined });
  const inputArb: fc.Arbitrary<DecisionInput> = fc
    .record({
      mode: fc.constantFrom<Mode>('sla-first', 'balanced', 'budget-first'),
      demand: amount(5000),
      capacity: fc.integer({ min: 1, max: 500 }),
      cost: amount(20),
      v: amount(200),
      min: fc.integer({ min: 0, max: 10 }),
      span: fc.integer({ min: 0, max: 100 }),
      current: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
      tolerance: fc.option(fc.constantFrom(0.1, 0.3), { nil: undefined }),
      lag: fc.option(
        fc.record({ earlier: fc.oneof(amount(5000), fc.constant(Number.NaN)), lagSeconds: amount(300) }),
        {
          nil: undefined,
        },
      ),
      budget: fc.option(
        fc.record({
          name: fc.constant('team'),
          shadowPrice: amount(100),
          utilisation: amount(1.3),
          criticalThreshold: fc.constantFrom(0.9, 0.95),
          remaining: amount(5000),
          hoursLeft: amount(744),
        }),
        { nil: undefined },
      ),
      latency: measured,
      errorRatio: measured,
      override: fc.option(fc.integer({ min: -3_600_000, max: 3_600_000 }), { nil: undefined }),
      spread: fc.option(amount(3), { nil: undefined }),
      observedAgo: fc.integer({ min: 0, max: 600_000 }),
    })
    .map((r) => ({
      policy: 'p',
      at,
      mode: r.mode,
      demand: r.demand,
      ...(r.lag && { demandLag: { measured: r.demand, ...r.lag } }),
      demandUnit: 'requests',
      anomalies: r.override === undefined ? [] : [{ signal: 'demand', since: at - 60_000, peak: 0.8 }],
      ...(r.spread !== undefined && {
        distribution: { quantile: (tau: number) => r.demand * (1 + r.spread! * tau) },
      }),
      capacityPerReplica: r.capacity,
      costPerReplicaHour: r.cost,
      sloMissCostPerHour: r.v,
      ...(r.budget && { budget: r.budget }),
      ...(r.current !== undefined && { currentReplicas: r.current }),
      ...(r.tolerance !== undefined && { hpaTolerance: r.tolerance }),
      slo: {
        ...(r.latency !== undefined && { latency: { measured: r.latency, target: 0.5 } }),
        ...(r.errorRatio !== undefined && { errorRatio: { measured: r.errorRatio, target: 0.01 } }),
      },
      minReplicas: r.min,
      maxReplicas: r.min + r.span,
      schedules: [
        {
          name: 'day',
          timeZone: 'Europe/Berlin',
          days: ['mon', 'tue'],
          from: '08:00',
          to: '18:00',
          minReplicas: 3,
        },
      ],
      holidays: ['2024-12-25'],
      overrides:
        r.override === undefined ? [] : [{ replicas: 4, expiresAt: at + r.override, reason: 'launch' }],
      provenance: {
        demand: { source: 'sum(rate(http_requests_total[2m]))', observedAt: at - r.observedAgo },
        distribution: { source: 'reactive (60 samples)' },
      },
      staleAfterMs: 120_000,
    }));

  test('a decision read back from the compact JSON renders the explanation decide() gives', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const compact = decideCompact(input);
        const full = decide(input);
        if (!compact.ok || !full.ok) return;
        const json = snapshotJson({
          generatedAt: at,
          tick: 1,
          policies: [
            {
              name: 'p',
              namespace: 'ns',
              labels: { policy: 'p' },
              allowedNamespaces: [],
              decision: compact.decision,
              explanation: compact.decision.facts,
            },
          ],
        });
        const read = snapshotSchema.parse(JSON.parse(json)).policies[0]!;
        expect(explainedDecision(read.decision!)).toEqual(full.decision);
        expect(heldExplanation(read.explanation!)).toEqual(full.decision.explanation);
      }),
      { numRuns: 300 },
    );
  });
});
