import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkloadsApi, type WorkloadsApi } from '../../adapter/src/k8s/workloads';
import type { ObjectChange, Recommendation } from '../../adapter/src/recommend/types';
import { recommendationResource } from '../../adapter/src/server/rest/schemas';
import { loadKubeConnection } from '../../adapter/src/k8s/connection';
import { insertStoredPolicy, getStoredPolicy } from '../../adapter/src/store/policies';
import { saveRegeneration } from '../../adapter/src/store/recommendations';
import { DATABASE_KINDS, TestDatabases } from '../support/databases';
import { startWorkloadsStandin, type WorkloadsStandin } from '../support/k8s-workloads-standin';
import { BASE_CONFIG, startRestHarness, type RestHarness } from '../support/rest';

// Recommendations through the REST API on both databases, applied to and rolled back from a
// Kubernetes API stand-in that speaks apps/v1 and autoscaling/v2 JSON with merge patches.

const DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: {
    replicas: 4,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'shop/web:1.2.3',
            ports: [{ containerPort: 8080, protocol: 'TCP' }],
            resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } },
          },
          { name: 'proxy', image: 'envoyproxy/envoy:v1.30', resources: { requests: { cpu: '100m' } } },
        ],
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
      },
    },
  },
};

const HPA = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 4,
    maxReplicas: 10,
    metrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 40 } },
      },
      {
        type: 'External',
        external: {
          metric: { name: 'costscale_replicas', selector: { matchLabels: { policy: 'web' } } },
          target: { type: 'AverageValue', averageValue: '1' },
        },
      },
    ],
    behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
  },
};

const WEB = { kind: 'Deployment' as const, name: 'web' };
const figures = {
  sloMissMinutes: 0,
  unmetDemand: 0,
  replicaHours: 96,
  meanReplicas: 4,
  peakReplicas: 4,
  cost: 3,
};

function rec(
  kind: Recommendation['kind'],
  changes: ObjectChange[],
  extra: Partial<Recommendation> = {},
): Recommendation {
  return {
    kind,
    namespace: 'shop',
    policy: 'web',
    target: { kind: 'Deployment', name: 'web' },
    summary: `${kind} for web`,
    monthlySavings: 12.5,
    currency: 'USD',
    evidence: { 'app.cpu.target': 0.21, hourlyProfile: [1, 2, 3] },
    slaCheck: {
      passed: true,
      scenario: 'costscale:web',
      hours: 168,
      toleranceMinutes: 7,
      before: figures,
      after: { ...figures, cost: 2 },
      sloMissIncreaseMinutes: 0,
      detail: 'SLO-miss minutes 0.0 → 0.0',
    },
    changes,
    ...extra,
  };
}

const RIGHTSIZING = rec('rightsizing', [
  { type: 'container-requests', workload: WEB, containers: [{ name: 'app', cpu: '250m', memory: '512Mi' }] },
]);
const HPA_TUNING = rec(
  'hpa-tuning',
  [{ type: 'hpa', hpa: 'web', workload: WEB, minReplicas: 2, cpuTargetPercent: 70 }],
  { target: { kind: 'HorizontalPodAutoscaler', name: 'web' } },
);
const IDLE = rec('idle', [{ type: 'workload-replicas', workload: WEB, replicas: 0 }]);
const SCHEDULE_FILE = rec(
  'schedule',
  [
    {
      type: 'policy',
      policy: 'web',
      minReplicas: 1,
      schedules: [
        {
          name: 'business-hours',
          timeZone: 'UTC',
          days: ['mon', 'tue', 'wed', 'thu', 'fri'],
          from: '09:00',
          to: '17:00',
          minReplicas: 6,
        },
      ],
    },
  ],
  { target: { kind: 'Policy', name: 'web' } },
);

const dbs = new TestDatabases();
let standin: WorkloadsStandin;
let dir: string;
let workloads: WorkloadsApi;
beforeAll(async () => {
  standin = await startWorkloadsStandin();
  dir = await mkdtemp(join(tmpdir(), 'costscale-recs-'));
  workloads = createWorkloadsApi(loadKubeConnection(standin.writeKubeconfig(dir))!);
});
afterAll(async () => {
  await standin?.close();
  await rm(dir, { recursive: true, force: true });
  await dbs.shutdown();
});

// Stored objects are walked as loose JSON; their shape is what the tests check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;
const specOf = (o: Record<string, unknown> | undefined): Loose => o!.spec as Loose;

/** The object without the server's bookkeeping, for comparing states. */
const content = (o: Record<string, unknown> | undefined) => {
  const { metadata, ...rest } = o as { metadata: Record<string, unknown> };
  const { resourceVersion: _rv, ...meta } = metadata;
  return { ...rest, metadata: meta };
};

describe.each(DATABASE_KINDS)('recommendations on %s PostgreSQL', (kind) => {
  let h: RestHarness;
  let ids: Record<string, number>;
  beforeAll(async () => {
    h = await startRestHarness(await dbs.fresh(kind), { workloads });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    standin.put(DEPLOYMENT);
    standin.put(HPA);
    await h.db.query('DELETE FROM config_changes');
    await h.db.query('DELETE FROM recommendations');
    await h.db.transaction((tx) =>
      saveRegeneration(
        tx,
        [{ namespace: 'shop', policy: 'web', offered: [RIGHTSIZING, HPA_TUNING, IDLE, SCHEDULE_FILE] }],
        h.now(),
        86_400_000,
      ),
    );
    const rows = await h.db.query<{ id: number; kind: string }>('SELECT id, kind FROM recommendations');
    ids = Object.fromEntries(rows.map((r) => [r.kind, r.id]));
  });

  test('viewers list and read; applying, dismissing and rolling back need the operator role', async () => {
    const requestsBefore = standin.requests.length;
    const list = await h.call('GET', '/api/v1/recommendations?status=open&namespace=shop', { as: 'viewer' });
    expect(list.status).toBe(200);
    expect(list.json.items.map((r: { kind: string }) => r.kind).sort()).toEqual([
      'hpa-tuning',
      'idle',
      'rightsizing',
      'schedule',
    ]);
    for (const item of list.json.items) recommendationResource.parse(item);
    const byKind = await h.call('GET', '/api/v1/recommendations?kind=idle', { as: 'viewer' });
    expect(byKind.json.items.map((r: { id: number }) => r.id)).toEqual([ids.idle]);
    expect(
      (await h.call('GET', '/api/v1/recommendations?status=applied', { as: 'viewer' })).json.items,
    ).toEqual([]);
    const paged = await h.call('GET', '/api/v1/recommendations?limit=3', { as: 'viewer' });
    expect(paged.json.items).toHaveLength(3);
    const rest = await h.call('GET', `/api/v1/recommendations?limit=3&cursor=${paged.json.nextCursor}`, {
      as: 'viewer',
    });
    expect(rest.json.items).toHaveLength(1);
    expect(rest.json.nextCursor).toBeNull();

    const one = await h.call('GET', `/api/v1/recommendations/${ids.rightsizing}`, { as: 'viewer' });
    expect(one.status).toBe(200);
    expect(recommendationResource.parse(one.json)).toMatchObject({
      kind: 'rightsizing',
      status: 'open',
      monthlySavings: 12.5,
      changes: RIGHTSIZING.changes,
      configChanges: [],
    });
    for (const action of ['apply', 'dismiss', 'rollback']) {
      const denied = await h.call('POST', `/api/v1/recommendations/${ids.rightsizing}/${action}`, {
        as: 'viewer',
      });
      expect(denied.status).toBe(403);
    }
    expect((await h.call('GET', '/api/v1/recommendations/999999', { as: 'viewer' })).status).toBe(404);
    expect((await h.call('POST', '/api/v1/recommendations/999999/apply', { as: 'operator' })).status).toBe(
      404,
    );
    expect(standin.requests.slice(requestsBefore)).toEqual([]);
  });

  test('right-sizing patches only the requests (merge patch); rollback restores the exact prior fields', async () => {
    const original = standin.get('Deployment', 'shop', 'web');
    const patchesBefore = standin.requests.length;
    const applied = await h.call('POST', `/api/v1/recommendations/${ids.rightsizing}/apply`, {
      as: 'operator',
    });
    expect(applied.status).toBe(200);
    expect(applied.json).toMatchObject({
      status: 'applied',
      statusChangedBy: expect.stringMatching(/operator/),
    });
    const patches = standin.requests.slice(patchesBefore).filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]!.contentType).toBe('application/merge-patch+json');
    expect(patches[0]!.path).toBe('/apis/apps/v1/namespaces/shop/deployments/web');
    // The patch names the version it was computed from, so a concurrent writer is not overwritten.
    expect(patches[0]!.body).toMatchObject({
      metadata: { resourceVersion: (original!.metadata as { resourceVersion: string }).resourceVersion },
    });

    const live = standin.get('Deployment', 'shop', 'web')!;
    const containers = specOf(live).template.spec.containers;
    expect(containers[0].resources).toEqual({
      requests: { cpu: '250m', memory: '512Mi' },
      limits: { cpu: '2', memory: '2Gi' },
    });
    expect(containers[0].image).toBe('shop/web:1.2.3');
    expect(containers[1]).toEqual(DEPLOYMENT.spec.template.spec.containers[1]);
    expect(specOf(live).replicas).toBe(4);

    const [change] = applied.json.configChanges;
    expect(change).toMatchObject({
      source: 'recommendation',
      target: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
      before: { spec: { template: { spec: { containers: DEPLOYMENT.spec.template.spec.containers } } } },
      after: { spec: { template: { spec: { containers } } } },
    });
    expect(await h.db.query("SELECT 1 FROM audit_log WHERE action = 'recommendation.apply'")).toHaveLength(1);
    expect(
      (await h.call('POST', `/api/v1/recommendations/${ids.rightsizing}/apply`, { as: 'operator' })).status,
    ).toBe(409);

    const rolledBack = await h.call('POST', `/api/v1/recommendations/${ids.rightsizing}/rollback`, {
      as: 'operator',
    });
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.json.status).toBe('rolled_back');
    expect(rolledBack.json.configChanges.map((c: { source: string }) => c.source)).toEqual([
      'recommendation',
      'rollback',
    ]);
    const restored = standin.get('Deployment', 'shop', 'web')!;
    expect(specOf(restored).template.spec.containers).toEqual(DEPLOYMENT.spec.template.spec.containers);
    expect(content(restored)).toEqual(content(original));
    expect(
      (await h.call('POST', `/api/v1/recommendations/${ids.rightsizing}/rollback`, { as: 'operator' }))
        .status,
    ).toBe(409);
  });

  test('HPA tuning patches min and the CPU target; rollback restores the HPA exactly', async () => {
    const original = standin.get('HorizontalPodAutoscaler', 'shop', 'web');
    const applied = await h.call('POST', `/api/v1/recommendations/${ids['hpa-tuning']}/apply`, {
      as: 'operator',
    });
    expect(applied.status).toBe(200);
    const live = standin.get('HorizontalPodAutoscaler', 'shop', 'web')!;
    expect(specOf(live).minReplicas).toBe(2);
    expect(specOf(live).maxReplicas).toBe(10);
    expect(specOf(live).metrics[0].resource.target).toEqual({
      type: 'Utilization',
      averageUtilization: 70,
    });
    expect(specOf(live).metrics[1]).toEqual(HPA.spec.metrics[1]);
    expect(specOf(live).behavior).toEqual(HPA.spec.behavior);
    expect(applied.json.configChanges[0].before).toEqual({
      spec: { minReplicas: 4, metrics: HPA.spec.metrics },
    });

    expect(
      (await h.call('POST', `/api/v1/recommendations/${ids['hpa-tuning']}/rollback`, { as: 'operator' }))
        .status,
    ).toBe(200);
    expect(content(standin.get('HorizontalPodAutoscaler', 'shop', 'web'))).toEqual(content(original));
  });

  test('rollback is refused when the object changed since it was applied, unless forced', async () => {
    expect(
      (await h.call('POST', `/api/v1/recommendations/${ids.idle}/apply`, { as: 'operator' })).status,
    ).toBe(200);
    expect(specOf(standin.get('Deployment', 'shop', 'web')!).replicas).toBe(0);
    // Someone scales the workload up by hand.
    await workloads.patch({ kind: 'Deployment', namespace: 'shop', name: 'web' }, { spec: { replicas: 3 } });
    const refused = await h.call('POST', `/api/v1/recommendations/${ids.idle}/rollback`, { as: 'operator' });
    expect(refused.status).toBe(409);
    expect(refused.json.detail).toMatch(/changed since the recommendation was applied/);
    expect(specOf(standin.get('Deployment', 'shop', 'web')!).replicas).toBe(3);
    expect((await h.call('GET', `/api/v1/recommendations/${ids.idle}`, { as: 'viewer' })).json.status).toBe(
      'applied',
    );

    const forced = await h.call('POST', `/api/v1/recommendations/${ids.idle}/rollback?force=true`, {
      as: 'operator',
    });
    expect(forced.status).toBe(200);
    expect(specOf(standin.get('Deployment', 'shop', 'web')!).replicas).toBe(4);
    expect(forced.json.configChanges[1]).toMatchObject({
      source: 'rollback',
      before: { spec: { replicas: 3 } },
      after: { spec: { replicas: 4 } },
    });
  });

  test('a change to a file policy is refused and changes nothing; an API policy is changed in the store and restored', async () => {
    const refused = await h.call('POST', `/api/v1/recommendations/${ids.schedule}/apply`, { as: 'operator' });
    expect(refused.status).toBe(409);
    expect(refused.json.detail).toMatch(/defined in the configuration file/);
    expect(
      (await h.call('GET', `/api/v1/recommendations/${ids.schedule}`, { as: 'viewer' })).json.status,
    ).toBe('open');
    expect(await h.db.query('SELECT 1 FROM config_changes')).toHaveLength(0);

    const spec = {
      name: 'api-web',
      namespace: 'shop',
      target: { name: 'web' },
      demand: { query: 'sum(rate(x[1m]))' },
      capacityPerReplica: 10,
      replicas: { min: 4, max: 10 },
    };
    await h.db.query('DELETE FROM policies');
    await insertStoredPolicy(h.db, 'shop', 'api-web', spec, h.now());
    const apiSchedule = rec(
      'schedule',
      [{ ...(SCHEDULE_FILE.changes[0] as ObjectChange & { type: 'policy' }), policy: 'api-web' }],
      {
        policy: 'api-web',
        target: { kind: 'Policy', name: 'api-web' },
      },
    );
    await h.db.transaction((tx) =>
      saveRegeneration(
        tx,
        [{ namespace: 'shop', policy: 'api-web', offered: [apiSchedule] }],
        h.now(),
        86_400_000,
      ),
    );
    const id = (
      await h.db.query<{ id: number }>("SELECT id FROM recommendations WHERE policy = 'api-web'")
    )[0]!.id;
    h.changes.length = 0;
    expect((await h.call('POST', `/api/v1/recommendations/${id}/apply`, { as: 'operator' })).status).toBe(
      200,
    );
    expect(h.changes).toEqual(['policies']);
    expect((await getStoredPolicy(h.db, 'shop', 'api-web'))!.spec).toEqual({
      ...spec,
      replicas: { min: 1, max: 10 },
      schedules: (SCHEDULE_FILE.changes[0] as { schedules: unknown }).schedules,
    });
    expect((await h.call('POST', `/api/v1/recommendations/${id}/rollback`, { as: 'operator' })).status).toBe(
      200,
    );
    expect((await getStoredPolicy(h.db, 'shop', 'api-web'))!.spec).toEqual(spec);
    expect(standin.requests.filter((r) => r.method === 'PATCH' && r.path.includes('api-web'))).toEqual([]);
  });

  test('when a later change fails, the earlier ones are rolled back and nothing is recorded', async () => {
    const broken = rec(
      'hpa-tuning',
      [
        { type: 'hpa', hpa: 'web', workload: WEB, minReplicas: 2 },
        { type: 'container-requests', workload: WEB, containers: [{ name: 'sidecar', cpu: '50m' }] },
      ],
      { target: { kind: 'HorizontalPodAutoscaler', name: 'other' } },
    );
    await h.db.transaction((tx) =>
      saveRegeneration(tx, [{ namespace: 'shop', policy: 'web', offered: [broken] }], h.now(), 86_400_000),
    );
    const id = (
      await h.db.query<{ id: number }>(`SELECT id FROM recommendations WHERE identity LIKE '%/other'`)
    )[0]!.id;
    const hpaBefore = standin.get('HorizontalPodAutoscaler', 'shop', 'web');
    const r = await h.call('POST', `/api/v1/recommendations/${id}/apply`, { as: 'operator' });
    expect(r.status).toBe(409);
    expect(r.json.detail).toBe('Deployment shop/web has no container sidecar');
    expect(content(standin.get('HorizontalPodAutoscaler', 'shop', 'web'))).toEqual(content(hpaBefore));
    expect(await h.db.query('SELECT 1 FROM config_changes')).toHaveLength(0);
    expect((await h.call('GET', `/api/v1/recommendations/${id}`, { as: 'viewer' })).json.status).toBe('open');
  });

  test('an open recommendation past its expiry is not applied', async () => {
    const now = h.now;
    h.now = () => now() + 2 * 86_400_000;
    try {
      const r = await h.call('POST', `/api/v1/recommendations/${ids.idle}/apply`, { as: 'operator' });
      expect(r.status).toBe(409);
      expect(r.json.detail).toMatch(/expired/);
      expect((standin.get('Deployment', 'shop', 'web')!.spec as Loose).replicas).toBe(4);
    } finally {
      h.now = now;
    }
  });

  test('dismissed recommendations stay dismissed; a regeneration does not bring back the same change', async () => {
    const dismissed = await h.call('POST', `/api/v1/recommendations/${ids.idle}/dismiss`, { as: 'operator' });
    expect(dismissed.status).toBe(200);
    expect(dismissed.json.status).toBe('dismissed');
    expect(
      (await h.call('POST', `/api/v1/recommendations/${ids.idle}/apply`, { as: 'operator' })).status,
    ).toBe(409);
    const result = await h.db.transaction((tx) =>
      saveRegeneration(
        tx,
        [{ namespace: 'shop', policy: 'web', offered: [IDLE, { ...RIGHTSIZING, monthlySavings: 20 }] }],
        h.now(),
        86_400_000,
      ),
    );
    // Right-sizing refreshed, idle not brought back, HPA tuning and schedule no longer hold.
    expect(result).toEqual({ inserted: 0, refreshed: 1, expired: 2, suppressed: 1 });
    const rows = await h.db.query<{ kind: string; status: string; monthly_savings: number }>(
      'SELECT kind, status, monthly_savings FROM recommendations ORDER BY kind',
    );
    expect(rows.map((r) => [r.kind, r.status, Number(r.monthly_savings)])).toEqual([
      ['hpa-tuning', 'expired', 12.5],
      ['idle', 'dismissed', 12.5],
      ['rightsizing', 'open', 20],
      ['schedule', 'expired', 12.5],
    ]);
  });
});

test('without a Kubernetes API (recommendations.apply off, the default), applying a workload change is a conflict', async () => {
  const h = await startRestHarness(await dbs.fresh('embedded'), { config: BASE_CONFIG });
  try {
    await h.db.transaction((tx) =>
      saveRegeneration(tx, [{ namespace: 'shop', policy: 'web', offered: [IDLE] }], h.now(), 86_400_000),
    );
    const id = (await h.db.query<{ id: number }>('SELECT id FROM recommendations'))[0]!.id;
    const r = await h.call('POST', `/api/v1/recommendations/${id}/apply`, { as: 'operator' });
    expect(r.status).toBe(409);
    expect(r.json.detail).toMatch(
      /changing Kubernetes objects is off for this service \(recommendations.apply/,
    );
  } finally {
    await h.close();
  }
});
