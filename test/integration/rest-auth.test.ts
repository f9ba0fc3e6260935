import { listAnomalyEvents, recordAnomalyEvent } from '../../adapter/src/store/anomalyEvents';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadKubeConnection } from '../../adapter/src/k8s/connection';
import { createKubernetesAuthApi } from '../../adapter/src/server/auth';
import { createApiServer } from '../../adapter/src/server/external-metrics';
import { hasRole } from '../../adapter/src/server/rest/auth';
import type { Route } from '../../adapter/src/server/rest/router';
import { ROLES, type Role } from '../../adapter/src/config/roles';
import { createApiKey } from '../../adapter/src/store/apiKeys';
import { insertStoredBudget } from '../../adapter/src/store/budgets';
import { setOverride } from '../../adapter/src/store/overrides';
import { insertStoredPolicy } from '../../adapter/src/store/policies';
import { saveRegeneration } from '../../adapter/src/store/recommendations';
import { DATABASE_KINDS, TestDatabases } from '../support/databases';
import { httpsRequest } from '../support/https-client';
import { startKubernetesStandin, type KubernetesStandin } from '../support/k8s-standin';
import { startRestHarness, type RestHarness } from '../support/rest';

// Authentication and authorization of every route: a role × endpoint matrix (200/201/204 for roles at
// or above the route's, 403 below, 401 without valid credentials), Kubernetes tokens through
// TokenReview mapped to roles by configuration, and the API mounted behind the HTTPS server.

const dbs = new TestDatabases();
let standin: KubernetesStandin;
let workDir: string;
beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'costscale-rest-auth-'));
  standin = await startKubernetesStandin();
  standin.tokens.set('alice-token', { username: 'alice', groups: ['sre'] });
  standin.tokens.set('bob-token', { username: 'bob', groups: ['dev'] });
  standin.tokens.set('carol-token', { username: 'carol', groups: ['finance'] });
});
afterAll(async () => {
  await standin?.close();
  await dbs.shutdown();
});

const spec = (name: string) => ({
  name,
  namespace: 'shop',
  target: { name },
  demand: { query: 'sum(rate(x[1m]))' },
  capacityPerReplica: 10,
  replicas: { min: 1, max: 3 },
});

type Prepared = { path: string; body?: unknown };
let counter = 0;
const unique = (p: string) => `${p}-${++counter}`;

/** An open recommendation that changes a new API-managed policy (so applying needs no Kubernetes API). */
async function openRecommendation(h: RestHarness): Promise<number> {
  const name = unique('p');
  await insertStoredPolicy(h.db, 'shop', name, spec(name), Date.now());
  const figures = {
    sloMissMinutes: 0,
    unmetDemand: 0,
    replicaHours: 1,
    meanReplicas: 1,
    peakReplicas: 1,
    cost: 1,
  };
  await h.db.transaction((tx) =>
    saveRegeneration(
      tx,
      [
        {
          namespace: 'shop',
          policy: name,
          offered: [
            {
              kind: 'hpa-tuning',
              namespace: 'shop',
              policy: name,
              target: { kind: 'Policy', name },
              summary: 'raise max',
              monthlySavings: -1,
              currency: 'USD',
              evidence: {},
              slaCheck: {
                passed: true,
                scenario: 'test',
                hours: 1,
                toleranceMinutes: 0,
                before: figures,
                after: figures,
                sloMissIncreaseMinutes: 0,
                detail: '',
              },
              changes: [{ type: 'policy', policy: name, maxReplicas: 5 }],
            },
          ],
        },
      ],
      Date.now(),
      3_600_000,
    ),
  );
  const rows = await h.db.query<{ id: number }>('SELECT id FROM recommendations WHERE policy = $1', [name]);
  return rows[0]!.id;
}

/** The harness's policy shop/web with values the engine has just decided. */
function freshSnapshot() {
  const now = Date.now();
  const values = {
    costscale_replicas: 3,
    costscale_load: 2.5,
    costscale_cost_per_hour: 0.3,
    costscale_budget_pressure: 0,
    costscale_forecast_demand: 120,
  };
  return {
    generatedAt: now,
    tick: 1,
    policies: [
      {
        name: 'web',
        namespace: 'shop',
        labels: { policy: 'web' },
        allowedNamespaces: [],
        values,
        valuesAt: now,
      },
    ],
  };
}

/** A valid request for each operation, with whatever it needs created first. */
const REQUESTS: Record<string, (h: RestHarness) => Promise<Prepared>> = {
  getOpenApi: async () => ({ path: '/api/v1/openapi.json' }),
  whoami: async () => ({ path: '/api/v1/whoami' }),
  getOverview: async () => ({ path: '/api/v1/overview' }),
  listAudit: async () => ({ path: '/api/v1/audit' }),
  listApiKeys: async () => ({ path: '/api/v1/apikeys' }),
  createApiKey: async () => ({ path: '/api/v1/apikeys', body: { name: unique('k'), role: 'viewer' } }),
  revokeApiKey: async (h) => {
    const { key } = await createApiKey(h.db, { name: unique('k'), role: 'viewer' }, Date.now());
    return { path: `/api/v1/apikeys/${key.id}` };
  },
  dryRunPolicy: async () => ({ path: '/api/v1/policies/dry-run', body: spec('preview') }),
  listPolicies: async () => ({ path: '/api/v1/policies' }),
  createPolicy: async () => ({ path: '/api/v1/policies', body: spec(unique('p')) }),
  getPolicy: async () => ({ path: '/api/v1/policies/shop/web' }),
  updatePolicy: async (h) => {
    const name = unique('p');
    await insertStoredPolicy(h.db, 'shop', name, spec(name), Date.now());
    return { path: `/api/v1/policies/shop/${name}`, body: { ...spec(name), replicas: { min: 2, max: 4 } } };
  },
  deletePolicy: async (h) => {
    const name = unique('p');
    await insertStoredPolicy(h.db, 'shop', name, spec(name), Date.now());
    return { path: `/api/v1/policies/shop/${name}` };
  },
  getForecast: async () => ({ path: '/api/v1/policies/shop/web/forecast' }),
  listOverrides: async () => ({ path: '/api/v1/overrides' }),
  getOverride: async (h) => {
    await setOverride(h.db, {
      namespace: 'shop',
      policy: 'web',
      replicas: 2,
      expiresAt: Date.now() + 60_000,
      reason: '',
      createdBy: 'test',
      createdAt: Date.now(),
    });
    return { path: '/api/v1/policies/shop/web/override' };
  },
  setOverride: async () => ({
    path: '/api/v1/policies/shop/web/override',
    body: { replicas: 4, ttlSeconds: 300 },
  }),
  clearOverride: async (h) => REQUESTS.getOverride!(h),
  listDecisions: async () => ({ path: '/api/v1/decisions' }),
  listAnomalies: async () => ({ path: '/api/v1/anomalies' }),
  getAnomaly: async (h) => {
    // Recording the same start again is the same episode, so each role's request reads one row.
    const startedAt = Date.UTC(2026, 0, 5, 12);
    await recordAnomalyEvent(h.db, {
      namespace: 'shop',
      policy: 'web',
      signal: 'demand',
      startedAt,
      endedAt: null,
      peakScore: 0.5,
      expectedLow: 1,
      expectedHigh: 2,
    });
    const [event] = await listAnomalyEvents(h.db, { from: startedAt, to: startedAt + 1, limit: 1 });
    return { path: `/api/v1/anomalies/${event!.id}` };
  },
  listBudgets: async () => ({ path: '/api/v1/budgets' }),
  createBudget: async () => ({
    path: '/api/v1/budgets',
    body: { name: unique('b'), period: 'daily', amount: 5 },
  }),
  getBudget: async () => ({ path: '/api/v1/budgets/team' }),
  updateBudget: async (h) => {
    const name = unique('b');
    await insertStoredBudget(h.db, name, { name, period: 'daily', amount: 5 }, Date.now());
    return { path: `/api/v1/budgets/${name}`, body: { name, period: 'weekly', amount: 7 } };
  },
  deleteBudget: async (h) => {
    const name = unique('b');
    await insertStoredBudget(h.db, name, { name, period: 'daily', amount: 5 }, Date.now());
    return { path: `/api/v1/budgets/${name}` };
  },
  listBudgetEvents: async () => ({ path: '/api/v1/budgets/team/events' }),
  listRecommendations: async () => ({ path: '/api/v1/recommendations' }),
  getRecommendation: async (h) => ({ path: `/api/v1/recommendations/${await openRecommendation(h)}` }),
  applyRecommendation: async (h) => ({
    path: `/api/v1/recommendations/${await openRecommendation(h)}/apply`,
  }),
  dismissRecommendation: async (h) => ({
    path: `/api/v1/recommendations/${await openRecommendation(h)}/dismiss`,
  }),
  rollBackRecommendation: async (h) => {
    const id = await openRecommendation(h);
    expect((await h.call('POST', `/api/v1/recommendations/${id}/apply`)).status).toBe(200);
    return { path: `/api/v1/recommendations/${id}/rollback` };
  },
  simulatePolicy: async () => ({
    path: '/api/v1/policies/shop/web/simulate',
    body: { window: '1h', step: '1m', baselines: ['fixed:2'] },
  }),
  getKedaPolicyValues: async (h) => {
    h.holder.publish(freshSnapshot());
    return { path: '/api/v1/keda/namespaces/shop/policies/web' };
  },
};

describe.each(DATABASE_KINDS)('REST authentication and authorization on %s PostgreSQL', (kind) => {
  let h: RestHarness;
  beforeAll(async () => {
    const kubeApi = createKubernetesAuthApi(loadKubeConnection(standin.writeKubeconfig(workDir))!);
    h = await startRestHarness(await dbs.fresh(kind), {
      kubeApi,
      settings: {
        tokenRoles: [
          { group: 'sre', role: 'operator' },
          { user: 'alice', role: 'admin' },
          { user: 'bob', role: 'viewer' },
        ],
      },
    });
  });
  afterAll(() => h.close());

  test('every route has a request in the matrix', () => {
    expect(h.api.routes.map((r) => r.operationId).sort()).toEqual(Object.keys(REQUESTS).sort());
  });

  test('role × endpoint: success at or above the route’s role, 403 below, 401 without valid credentials', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const route of h.api.routes as Route[]) {
      for (const identity of [null, 'bad-key', 'bad-token', ...ROLES] as const) {
        const prepared = await REQUESTS[route.operationId]!(h);
        const as =
          identity === 'bad-key'
            ? { token: `csk_${'0'.repeat(12)}_${'A'.repeat(43)}` }
            : identity === 'bad-token'
              ? { token: 'not-a-kubernetes-token' }
              : identity;
        const r = await h.call(route.method, prepared.path, {
          as,
          ...(prepared.body !== undefined && { body: prepared.body }),
        });
        outcomes.push(`${route.operationId} ${identity}: ${r.status}`);
        const want =
          identity === null || identity === 'bad-key' || identity === 'bad-token'
            ? 401
            : hasRole({ role: identity as Role, actor: '', kind: 'apikey', rateKey: '' }, route.role)
              ? route.success.status
              : 403;
        expected.push(`${route.operationId} ${identity}: ${want}`);
        if (r.status === 401) {
          expect(r.headers.get('www-authenticate')).toBe(
            identity === null
              ? 'Bearer realm="costscale"'
              : 'Bearer realm="costscale", error="invalid_token"',
          );
        }
        if (r.status >= 400) expect(r.headers.get('content-type')).toBe('application/problem+json');
      }
    }
    expect(outcomes).toEqual(expected);
    // The matrix exercised all three levels: some routes are viewer-, some operator-, some admin-only.
    expect(new Set(h.api.routes.map((r) => r.role))).toEqual(new Set(ROLES));
  });

  test('Kubernetes tokens: TokenReview, roles from users and groups (highest wins), 403 without a role', async () => {
    const alice = await h.call('GET', '/api/v1/whoami', { as: { token: 'alice-token' } });
    expect(alice.json).toEqual({ actor: 'kubernetes:alice', kind: 'kubernetes', role: 'admin' });
    expect((await h.call('GET', '/api/v1/whoami', { as: { token: 'bob-token' } })).json.role).toBe('viewer');
    const carol = await h.call('GET', '/api/v1/whoami', { as: { token: 'carol-token' } });
    expect(carol.status).toBe(403);
    expect(carol.json.detail).toContain('carol');
    expect(standin.tokenReviews).toEqual(expect.arrayContaining(['alice-token', 'bob-token', 'carol-token']));

    const bobEdits = await h.call('PUT', '/api/v1/policies/shop/web/override', {
      as: { token: 'bob-token' },
      body: { replicas: 3, ttlSeconds: 120 },
    });
    expect(bobEdits.status).toBe(403);
    h.settings = { ...h.settings, tokenRoles: [{ group: 'dev', role: 'operator' }] };
    const bobNow = await h.call('PUT', '/api/v1/policies/shop/web/override', {
      as: { token: 'bob-token' },
      body: { replicas: 3, ttlSeconds: 120 },
    });
    expect(bobNow.status).toBe(200);
    const audit = await h.call('GET', '/api/v1/audit?action=override.set&limit=1');
    expect(audit.json.items[0]).toMatchObject({ actor: 'kubernetes:bob', role: 'operator' });
  });

  test('a revoked key stops working; an API key never goes to TokenReview', async () => {
    const reviews = standin.tokenReviews.length;
    const { key, token } = await createApiKey(h.db, { name: 'short-lived', role: 'operator' }, Date.now());
    expect((await h.call('GET', '/api/v1/whoami', { as: { token } })).status).toBe(200);
    expect((await h.call('DELETE', `/api/v1/apikeys/${key.id}`)).status).toBe(204);
    expect((await h.call('GET', '/api/v1/whoami', { as: { token } })).status).toBe(401);
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect((await h.call('GET', '/api/v1/whoami', { as: { token: tampered } })).status).toBe(401);
    expect(standin.tokenReviews.length).toBe(reviews);
  });
});

test('mounted as the External Metrics server’s fallback: REST needs credentials, health stays open', async () => {
  const h = await startRestHarness(await dbs.fresh('embedded'));
  const server = await createApiServer({
    snapshot: h.holder,
    tls: { serviceName: 'costscale', serviceNamespace: 'costscale' },
    auth: { mode: 'local' },
    fallback: h.api,
  });
  try {
    const { port } = await server.listen(0, '127.0.0.1');
    const base = `https://127.0.0.1:${port}`;
    const ca = server.servingCA as string;
    const whoami = await httpsRequest(base, '/api/v1/whoami', {
      ca,
      headers: { authorization: `Bearer ${h.tokens.viewer}` },
    });
    expect(whoami.status).toBe(200);
    expect(JSON.parse(whoami.body)).toMatchObject({ role: 'viewer' });
    expect((await httpsRequest(base, '/api/v1/whoami', { ca })).status).toBe(401);
    expect((await httpsRequest(base, '/healthz', { ca })).status).toBe(200);
    expect((await httpsRequest(base, '/readyz', { ca })).status).toBe(200);
    expect((await httpsRequest(base, '/elsewhere', { ca })).status).toBe(404);
  } finally {
    await server.close();
    await h.close();
  }
});
