import { dryRunResult, forecastResource } from '../../adapter/src/server/rest/schemas';
import { DATABASE_KINDS, TestDatabases } from '../support/databases';
import { startPrometheus, toOpenMetrics, type PrometheusHandle } from '../support/prometheus';
import { BASE_CONFIG, startRestHarness, type RestHarness } from '../support/rest';

// The dry run and the forecast resource against a real Prometheus with backfilled history:
// requests at a constant 30/s and a deployment of 4 replicas (three hours, so the engine's one-hour
// warm-up window never reaches the start of the counter, where rate() sees a partial window). The API's clock stands at the last
// backfilled sample, so results do not depend on the wall clock.

const STEP = 15;
const END = Math.floor(Date.now() / 1000 / 60) * 60 - 600;
const START = END - 3 * 3600;
const T = END * 1000;
const RATE = 30;

function history(): string {
  const times = Array.from({ length: (END - START) / STEP + 1 }, (_, i) => START + i * STEP);
  return toOpenMetrics([
    {
      name: 'http_requests_total',
      labels: { namespace: 'shop', service: 'web', pod: 'web-1' },
      samples: times.map((t) => [t, (t - START) * RATE]),
    },
    {
      name: 'kube_deployment_status_replicas',
      labels: { namespace: 'shop', deployment: 'checkout' },
      samples: times.map((t) => [t, 4]),
    },
  ]);
}

const dbs = new TestDatabases();
let prom: PrometheusHandle;
beforeAll(async () => {
  prom = await startPrometheus({ backfill: history() });
});
afterAll(async () => {
  await prom?.destroy();
  await dbs.shutdown();
});

const candidate = (extra: Record<string, unknown> = {}) => ({
  name: 'checkout',
  namespace: 'shop',
  target: { name: 'checkout' },
  demand: { query: 'sum(rate(http_requests_total{service="web"}[2m]))' },
  capacityPerReplica: 20,
  replicas: { min: 1, max: 10 },
  resources: { cpuCores: 0.5 },
  ...extra,
});

describe.each(DATABASE_KINDS)('dry run on %s PostgreSQL', (kind) => {
  let h: RestHarness;
  beforeAll(async () => {
    h = await startRestHarness(await dbs.fresh(kind), { config: BASE_CONFIG, prometheusUrl: prom.url });
    h.now = () => T;
  });
  afterAll(() => h.close());

  test('runs the queries now and previews the decision; nothing is stored', async () => {
    const r = await h.call('POST', '/api/v1/policies/dry-run', { body: candidate() });
    expect(r.status).toBe(200);
    const result = dryRunResult.parse(r.json);
    expect(result.at).toBe(new Date(T).toISOString());
    expect(result.policy).toMatchObject({ backend: 'default', mode: 'balanced', readinessDelaySeconds: 30 });
    const byRole = Object.fromEntries(result.queries.map((q) => [q.role, q]));
    expect(Object.keys(byRole)).toEqual(['demand', 'currentReplicas']);
    expect(byRole.demand).toMatchObject({ ok: true, error: null, observedAt: new Date(T).toISOString() });
    expect(byRole.demand!.value).toBeCloseTo(RATE, 9);
    expect(byRole.currentReplicas).toMatchObject({ ok: true, value: 4 });
    // 30/s over κ 20 with a flat history: ceil(1.5) = 2, no bound acting; 0.5 core at the book price.
    expect(result.decision).toMatchObject({ replicas: 2, unboundedReplicas: 2, actingBound: 'none' });
    expect(result.decision!.costPerHour).toBeCloseTo(2 * 0.5 * 0.031611, 12);
    expect(result.explanation.errors).toEqual([]);
    // D(t) is the query's value extrapolated over its rate() lag; the source names the query and says so.
    expect(result.explanation.inputs.find((i) => i.name === 'demand')?.source).toBe(
      `${candidate().demand.query}, extrapolated over its 60 s lag`,
    );
    expect(result.inputs).toMatchObject({
      policy: 'checkout',
      currentReplicas: 4,
      minReplicas: 1,
      maxReplicas: 10,
    });

    expect(await h.db.query('SELECT 1 FROM decisions')).toHaveLength(0);
    expect(await h.db.query('SELECT 1 FROM audit_log')).toHaveLength(0);
    expect(await h.db.query('SELECT 1 FROM policies')).toHaveLength(0);
  });

  test('previews a change to a file policy, with the API override in force', async () => {
    const changed = await h.call('POST', '/api/v1/policies/dry-run', {
      body: {
        ...candidate({ capacityPerReplica: 4 }),
        name: 'web',
        target: { name: 'checkout' },
        budget: 'team',
      },
    });
    // 30/s over κ 4 → ceil(7.5) = 8.
    expect(dryRunResult.parse(changed.json).decision).toMatchObject({ replicas: 8, actingBound: 'none' });
    expect(changed.json.explanation.inputs.map((i: { name: string }) => i.name)).toContain('shadowPrice');

    await h.call('PUT', '/api/v1/policies/shop/web/override', {
      as: 'operator',
      body: { replicas: 3, ttlSeconds: 600 },
    });
    try {
      const overridden = await h.call('POST', '/api/v1/policies/dry-run', {
        body: { ...candidate({ capacityPerReplica: 4 }), name: 'web', target: { name: 'checkout' } },
      });
      expect(dryRunResult.parse(overridden.json).decision).toMatchObject({
        replicas: 3,
        actingBound: 'override',
      });
    } finally {
      await h.call('DELETE', '/api/v1/policies/shop/web/override');
    }
  });

  test('a query without series: 200 with no decision and the reason; bad specs 400; admins only', async () => {
    const r = await h.call('POST', '/api/v1/policies/dry-run', {
      body: candidate({ demand: { query: 'sum(rate(nonexistent_total[2m]))' } }),
    });
    expect(r.status).toBe(200);
    const result = dryRunResult.parse(r.json);
    expect(result.decision).toBeNull();
    expect(result.queries[0]).toMatchObject({ role: 'demand', ok: false, value: null });
    expect(result.queries[0]!.error).toMatch(/no series/);
    expect(result.explanation.errors).toEqual(['demand is missing: no decision (never a silent zero)']);
    expect(result.explanation.inputs.find((i) => i.name === 'demand')?.source).toMatch(/no series/);

    const bad = await h.call('POST', '/api/v1/policies/dry-run', {
      body: candidate({ backend: 'mimir', capacityPerReplica: -1 }),
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { path: string }) => e.path)).toEqual(['/capacityPerReplica']);
    const backend = await h.call('POST', '/api/v1/policies/dry-run', {
      body: candidate({ backend: 'mimir' }),
    });
    expect(backend.json.errors).toEqual([expect.objectContaining({ path: '/backend' })]);
    expect(
      (await h.call('POST', '/api/v1/policies/dry-run', { as: 'operator', body: candidate() })).status,
    ).toBe(403);
  });

  test('forecast resource: actuals from a range query', async () => {
    await h.call('POST', '/api/v1/policies', { body: candidate() });
    const f = forecastResource.parse(
      (await h.call('GET', '/api/v1/policies/shop/checkout/forecast?window=30m&step=1m', { as: 'viewer' }))
        .json,
    );
    expect(f.actuals.error).toBeNull();
    expect(f.actuals.timestamps).toEqual(Array.from({ length: 31 }, (_, i) => T - 1_800_000 + i * 60_000));
    for (const v of f.actuals.values) expect(v).toBeCloseTo(RATE, 9);
    expect(f.unit).toBe('requests');
    await h.call('DELETE', '/api/v1/policies/shop/checkout');
  });
});
