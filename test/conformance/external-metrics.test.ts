// Conformance of the External Metrics API server with the facts of
// /work/shared/specs/external-metrics-api.md (section numbers in the test names), over real HTTPS
// against a server serving a snapshot the test builds.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import type { PolicySnapshot, Snapshot } from '../../adapter/src/snapshot/snapshot';
import { SERVED_METRICS, SnapshotHolder } from '../../adapter/src/snapshot/snapshot';
import type { ApiServer, Readiness } from '../../adapter/src/server/external-metrics';
import { createApiServer } from '../../adapter/src/server/external-metrics';
import { generateServingCertificate } from '../../adapter/src/server/tls';
import type { HttpsResponse } from '../support/https-client';
import { httpsRequest } from '../support/https-client';

const GV = '/apis/external.metrics.k8s.io/v1beta1';
const ACCEPT_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const ACCEPT_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
const START = Date.UTC(2024, 4, 1, 12, 0, 0, 750);

let clock = START;
const holder = new SnapshotHolder();
let readiness: Readiness = { ready: true, checks: {} };
let api: ApiServer;
let base: string;

function policy(overrides: Partial<PolicySnapshot> & { name: string; namespace: string }): PolicySnapshot {
  return {
    labels: { policy: overrides.name },
    allowedNamespaces: [],
    values: {
      costscale_replicas: 3,
      costscale_load: 2.5,
      costscale_cost_per_hour: 0.0316,
      costscale_budget_pressure: 0,
      costscale_forecast_demand: 1234.5678,
    },
    valuesAt: START - 5000,
    ...overrides,
  };
}

function snapshot(policies: PolicySnapshot[], tick = 1): Snapshot {
  return { generatedAt: START, tick, policies };
}

const DEFAULT_POLICIES = (): PolicySnapshot[] => [
  policy({ name: 'orders', namespace: 'shop', labels: { policy: 'orders', team: 'a' } }),
  policy({
    name: 'billing',
    namespace: 'shop',
    labels: { policy: 'billing', team: 'a', canary: 'yes' },
    values: {
      costscale_replicas: 7,
      costscale_load: 6.25,
      costscale_cost_per_hour: 1.5,
      costscale_budget_pressure: 0.25,
      costscale_forecast_demand: 42,
    },
  }),
  policy({ name: 'reports', namespace: 'analytics', allowedNamespaces: ['shop-readers'] }),
];

/** metav1.Time as Go marshals it: UTC, whole seconds (§1.8). */
function goTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<HttpsResponse> {
  return httpsRequest(base, path, { ca: api.servingCA as string, headers, method });
}

function statusBody(message: string, reason: string, code: number, details?: object): string {
  return `${JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  })}\n`;
}

const NOT_FOUND = statusBody('the server could not find the requested resource', 'NotFound', 404, {});

beforeAll(async () => {
  api = await createApiServer({
    snapshot: holder,
    tls: { serviceName: 'costscale', serviceNamespace: 'costscale' },
    auth: { mode: 'local' },
    readiness: () => readiness,
    now: () => clock,
  });
  const address = await api.listen(0, '127.0.0.1');
  base = `https://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await api.close();
});

beforeEach(() => {
  clock = START;
  readiness = { ready: true, checks: {} };
  holder.publish(snapshot(DEFAULT_POLICIES()));
});

describe('§1.4 legacy discovery documents', () => {
  test.each([GV, `${GV}/`])('GET %s is an APIResourceList listing every served metric', async (path) => {
    const res = await get(path, { Accept: 'application/json' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body.endsWith('}\n')).toBe(true);
    const doc = JSON.parse(res.body);
    expect(Object.keys(doc)).toEqual(['kind', 'apiVersion', 'groupVersion', 'resources']);
    expect(doc.kind).toBe('APIResourceList');
    expect(doc.apiVersion).toBe('v1');
    expect(doc.groupVersion).toBe('external.metrics.k8s.io/v1beta1');
    expect(doc.resources.length).toBeGreaterThan(0);
    expect(doc.resources).toEqual(
      SERVED_METRICS.map((name) => ({
        name,
        singularName: '',
        namespaced: true,
        kind: 'ExternalMetricValueList',
        verbs: ['get'],
      })),
    );
    for (const r of doc.resources) {
      expect(Object.keys(r)).toEqual(['name', 'singularName', 'namespaced', 'kind', 'verbs']);
    }
  });

  test('GET /apis/external.metrics.k8s.io is the APIGroup document', async () => {
    const res = await get('/apis/external.metrics.k8s.io');
    expect(res.status).toBe(200);
    expect(res.body).toBe(
      '{"kind":"APIGroup","apiVersion":"v1","name":"external.metrics.k8s.io","versions":[{"groupVersion":"external.metrics.k8s.io/v1beta1","version":"v1beta1"}],"preferredVersion":{"groupVersion":"external.metrics.k8s.io/v1beta1","version":"v1beta1"}}\n',
    );
  });

  test.each([undefined, 'application/json', 'application/json, */*', '*/*'])(
    'GET /apis with Accept %p is the APIGroupList without apiVersion',
    async (accept) => {
      const res = await get('/apis', accept === undefined ? {} : { Accept: accept });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toBe(
        '{"kind":"APIGroupList","groups":[{"name":"external.metrics.k8s.io","versions":[{"groupVersion":"external.metrics.k8s.io/v1beta1","version":"v1beta1"}],"preferredVersion":{"groupVersion":"external.metrics.k8s.io/v1beta1","version":"v1beta1"}}]}\n',
      );
    },
  );
});

describe('§1.5 aggregated discovery for each kube-aggregator version', () => {
  function expectedDocument(version: 'v2' | 'v2beta1'): unknown {
    return {
      kind: 'APIGroupDiscoveryList',
      apiVersion: `apidiscovery.k8s.io/${version}`,
      metadata: {},
      items: [
        {
          metadata: { name: 'external.metrics.k8s.io', creationTimestamp: null },
          versions: [
            {
              version: 'v1beta1',
              resources: SERVED_METRICS.map((resource) => ({
                resource,
                responseKind: { group: '', version: '', kind: 'ExternalMetricValueList' },
                scope: 'Namespaced',
                singularResource: '',
                verbs: ['get'],
              })),
              freshness: 'Current',
            },
          ],
        },
      ],
    };
  }

  test.each([
    ['v0.26–v0.29 (v2beta1 only)', ACCEPT_V2BETA1, 'v2beta1'],
    ['v0.30–v0.36 (v2, v2beta1)', `${ACCEPT_V2},${ACCEPT_V2BETA1}`, 'v2'],
    ['HEAD / 1.37 (v2 only)', ACCEPT_V2, 'v2'],
    ['kubectl ≤1.36 (v2, v2beta1, json)', `${ACCEPT_V2},${ACCEPT_V2BETA1},application/json`, 'v2'],
    [
      'parameters in another order',
      'application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io',
      'v2',
    ],
  ] as const)('%s', async (_label, accept, version) => {
    const res = await get('/apis', { Accept: accept });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(
      `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`,
    );
    expect(res.headers.vary).toBe('Accept');
    expect(JSON.parse(res.body)).toEqual(expectedDocument(version));
  });

  test('the document carries an ETag and If-None-Match gets 304', async () => {
    const first = await get('/apis', { Accept: ACCEPT_V2 });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const again = await get('/apis', { Accept: ACCEPT_V2, 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    const other = await get('/apis', { Accept: ACCEPT_V2BETA1, 'If-None-Match': etag });
    expect(other.status).toBe(200);
  });

  test('nothing acceptable is 406', async () => {
    const res = await get('/apis', { Accept: 'application/yaml' });
    expect(res.status).toBe(406);
    expect(res.body).toBe(
      statusBody('only the following media types are accepted: application/json', 'NotAcceptable', 406),
    );
  });
});

describe('§1.2 routing table (custom-metrics-apiserver TestExternalMetricsAPI)', () => {
  test.each([
    '/apis/',
    `${GV}/nonexistent-metric`,
    `${GV}/namespaces/foo`,
    `${GV}/namespaces/foo/group/metric`,
    `${GV}/namespaces/shop/costscale%2Freplicas`,
    '/apis/custom.metrics.k8s.io/v1beta1',
    '/apis/external.metrics.k8s.io/v1',
  ])('GET %s is 404', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toBe(NOT_FOUND);
  });

  test('an unknown metric is NewMetricNotFoundError (§1.9)', async () => {
    const res = await get(`${GV}/namespaces/foo/queue_depth`);
    expect(res.status).toBe(404);
    expect(res.body).toBe(
      statusBody(
        'the server could not find the metric queue_depth for queue_depth.external.metrics.k8s.io',
        'NotFound',
        404,
      ),
    );
  });

  test.each(['/openapi/v2', '/openapi/v3', '/openapi/v3/apis/external.metrics.k8s.io/v1beta1'])(
    '§1.6 GET %s is 404 so the aggregator skips it',
    async (path) => {
      const res = await get(path, { Accept: 'application/json' });
      expect(res.status).toBe(404);
    },
  );

  test.each([
    ['POST', `${GV}/namespaces/shop/costscale_replicas`],
    ['PUT', `${GV}/namespaces/shop/costscale_replicas`],
    ['DELETE', `${GV}/namespaces/shop/costscale_replicas`],
    ['POST', GV],
    ['POST', '/apis/external.metrics.k8s.io'],
  ])('%s %s is 405', async (method, path) => {
    const res = await get(path, {}, method);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET');
    expect(res.body).toBe(
      statusBody(
        'the server does not allow this method on the requested resource',
        'MethodNotAllowed',
        405,
        {},
      ),
    );
  });
});

describe('§1.8 ExternalMetricValueList', () => {
  test('the HPA request returns one item with every field in Go order', async () => {
    const res = await get(`${GV}/namespaces/shop/costscale_replicas?labelSelector=policy%3Dorders`, {
      Accept: 'application/vnd.kubernetes.protobuf, */*',
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toBe(
      `{"kind":"ExternalMetricValueList","apiVersion":"external.metrics.k8s.io/v1beta1","metadata":{},"items":[{"metricName":"costscale_replicas","metricLabels":{"policy":"orders","team":"a"},"timestamp":"${goTime(START - 5000)}","value":"3"}]}\n`,
    );
    expect(goTime(START - 5000)).toBe('2024-05-01T11:59:55Z');
  });

  test.each([
    ['costscale_replicas', '3'],
    ['costscale_load', '2500m'],
    ['costscale_cost_per_hour', '31600u'],
    ['costscale_budget_pressure', '0'],
    ['costscale_forecast_demand', '1234567800u'],
  ])('%s is served as the canonical Quantity %s (zero as one item, §5)', async (metric, quantity) => {
    const res = await get(`${GV}/namespaces/shop/${metric}?labelSelector=policy%3Dorders`);
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.body);
    expect(doc.items).toHaveLength(1);
    expect(doc.items[0]).toEqual({
      metricName: metric,
      metricLabels: { policy: 'orders', team: 'a' },
      timestamp: goTime(START - 5000),
      value: quantity,
    });
  });

  test('§1.2 metric names are case-insensitive', async () => {
    const lower = await get(`${GV}/namespaces/shop/costscale_replicas?labelSelector=policy%3Dorders`);
    const mixed = await get(`${GV}/namespaces/shop/CostScale_Replicas?labelSelector=policy%3Dorders`);
    expect(mixed.status).toBe(200);
    expect(mixed.body).toBe(lower.body);
  });

  test('a path segment percent-encoded by Go is decoded', async () => {
    const res = await get(`${GV}/namespaces/shop/costscale%5Freplicas?labelSelector=policy%3Dorders`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).items[0].value).toBe('3');
  });

  test('without a selector every policy of the namespace is listed (labels.Everything)', async () => {
    const res = await get(`${GV}/namespaces/shop/costscale_budget_pressure`);
    const doc = JSON.parse(res.body);
    expect(doc.items.map((i: { value: string }) => i.value).sort()).toEqual(['0', '250m']);
    const billing = doc.items.find((i: { value: string }) => i.value === '250m');
    // Go marshals map keys sorted.
    expect(JSON.stringify(billing.metricLabels)).toBe('{"canary":"yes","policy":"billing","team":"a"}');
  });

  test('a scaling metric whose selector picks several policies is 400 BadRequest naming them', async () => {
    const res = await get(`${GV}/namespaces/shop/costscale_replicas?labelSelector=team%3Da`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({
      reason: 'BadRequest',
      message: expect.stringContaining('(shop/orders, shop/billing)') as unknown,
    });
    expect(JSON.parse(res.body).message).toMatch(/select one with policy=NAME$/);
  });

  // Selectors on an informational metric, which may list several policies (orders 0, billing 250m).
  test.each([
    // §1.1/§6.1: query strings as url.Values.Encode writes them.
    ['labelSelector=policy%3Dorders', ['0']],
    ['labelSelector=team%3Da', ['0', '250m']],
    ['labelSelector=policy+in+%28billing%2Corders%29', ['0', '250m']],
    ['labelSelector=policy+notin+%28orders%29', ['250m']],
    ['labelSelector=%21canary', ['0']],
    ['labelSelector=canary', ['250m']],
    ['labelSelector=%21canary%2Cpolicy+in+%28orders%29%2Cteam%3Da', ['0']],
    ['labelSelector=policy%3D%3Dorders', ['0']],
    ['labelSelector=policy%21%3Dorders', ['250m']],
    ['fieldSelector=&labelSelector=policy%3Dbilling', ['250m']],
  ])('?%s selects %p', async (query, values) => {
    const res = await get(`${GV}/namespaces/shop/costscale_budget_pressure?${query}`);
    expect(res.status).toBe(200);
    expect(
      JSON.parse(res.body)
        .items.map((i: { value: string }) => i.value)
        .sort(),
    ).toEqual(values);
  });

  test('a bad selector is 400 BadRequest with the parser message (§1.9)', async () => {
    const res = await get(`${GV}/namespaces/shop/costscale_replicas?labelSelector=env%3D%28prod%29`);
    expect(res.status).toBe(400);
    expect(res.body).toBe(
      statusBody("unable to parse requirement: found '(', expected: identifier", 'BadRequest', 400),
    );
  });

  test('a selector that picks no policy is 404 naming the namespace and selector, never an empty list', async () => {
    const res = await get(`${GV}/namespaces/shop/costscale_replicas?labelSelector=policy%3Dnope`);
    expect(res.status).toBe(404);
    expect(res.body).toBe(
      statusBody(
        'no costscale policy serves namespace "shop" with labels matching "policy=nope"',
        'NotFound',
        404,
        {
          group: 'external.metrics.k8s.io',
          kind: 'costscale_replicas',
        },
      ),
    );
  });

  test('no cross-namespace reads unless the policy allows the namespace', async () => {
    const denied = await get(`${GV}/namespaces/shop/costscale_replicas?labelSelector=policy%3Dreports`);
    expect(denied.status).toBe(404);
    const own = await get(`${GV}/namespaces/analytics/costscale_replicas?labelSelector=policy%3Dreports`);
    expect(own.status).toBe(200);
    const allowed = await get(
      `${GV}/namespaces/shop-readers/costscale_replicas?labelSelector=policy%3Dreports`,
    );
    expect(allowed.status).toBe(200);
    expect(allowed.body).toBe(own.body);
  });

  test('a newly published snapshot is served at once', async () => {
    const path = `${GV}/namespaces/shop/costscale_replicas?labelSelector=policy%3Dorders`;
    expect(JSON.parse((await get(path)).body).items[0].value).toBe('3');
    holder.publish(
      snapshot(
        [
          policy({
            name: 'orders',
            namespace: 'shop',
            values: { ...DEFAULT_POLICIES()[0]!.values!, costscale_replicas: 12 },
          }),
        ],
        2,
      ),
    );
    expect(JSON.parse((await get(path)).body).items[0].value).toBe('12');
  });
});

describe('ARCHITECTURE.md §6 staleness: 503 so the HPA holds its replicas', () => {
  const path = `${GV}/namespaces/shop/costscale_replicas?labelSelector=policy%3Dorders`;

  test('values are served while younger than the bound and refused from the bound on', async () => {
    clock = START - 5000 + 119_999;
    expect((await get(path)).status).toBe(200);
    clock = START - 5000 + 120_000;
    const stale = await get(path);
    expect(stale.status).toBe(503);
    expect(stale.headers['retry-after']).toBeUndefined();
    expect(stale.body).toBe(
      statusBody(
        'the last value of costscale policy shop/orders is 120s old (staleness bound 120s): no newer decision',
        'ServiceUnavailable',
        503,
      ),
    );
  });

  test('the reason the engine recorded is part of the message', async () => {
    holder.publish(
      snapshot([
        policy({
          name: 'orders',
          namespace: 'shop',
          valuesAt: START - 600_000,
          error: 'prometheus: connection refused',
        }),
      ]),
    );
    const res = await get(path);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body).message).toBe(
      'the last value of costscale policy shop/orders is 600s old (staleness bound 120s): prometheus: connection refused',
    );
  });

  test('a policy without values yet is 503', async () => {
    holder.publish(
      snapshot([{ name: 'orders', namespace: 'shop', labels: { policy: 'orders' }, allowedNamespaces: [] }]),
    );
    const res = await get(path);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ reason: 'ServiceUnavailable', code: 503 });
  });

  test('one stale policy among several selected fails the whole list', async () => {
    holder.publish(
      snapshot([
        policy({ name: 'orders', namespace: 'shop', labels: { policy: 'orders', team: 'a' } }),
        policy({
          name: 'billing',
          namespace: 'shop',
          labels: { policy: 'billing', team: 'a' },
          valuesAt: START - 300_000,
        }),
      ]),
    );
    expect((await get(`${GV}/namespaces/shop/costscale_cost_per_hour?labelSelector=team%3Da`)).status).toBe(
      503,
    );
    expect((await get(path)).status).toBe(200);
  });

  test('a non-finite value is never served', async () => {
    holder.publish(
      snapshot([
        policy({
          name: 'orders',
          namespace: 'shop',
          values: { ...DEFAULT_POLICIES()[0]!.values!, costscale_replicas: Number.NaN },
        }),
      ]),
    );
    expect((await get(path)).status).toBe(503);
    expect((await get(path.replace('costscale_replicas', 'costscale_load'))).status).toBe(200);
  });

  test('before the first snapshot every value request is 503', async () => {
    const empty = new SnapshotHolder();
    const fresh = await createApiServer({
      snapshot: empty,
      tls: { serviceName: 'costscale', serviceNamespace: 'costscale' },
      auth: { mode: 'local' },
    });
    const address = await fresh.listen(0, '127.0.0.1');
    try {
      const res = await httpsRequest(`https://127.0.0.1:${address.port}`, path, {
        ca: fresh.servingCA as string,
      });
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body).reason).toBe('ServiceUnavailable');
    } finally {
      await fresh.close();
    }
  });
});

describe('§1.3 content negotiation', () => {
  const path = `${GV}/namespaces/shop/costscale_replicas?labelSelector=policy%3Dorders`;
  test.each([
    undefined,
    'application/json',
    'application/vnd.kubernetes.protobuf, */*',
    'application/json, */*',
    'application/*',
    'application/json;charset=utf-8',
  ])('Accept %p gets JSON', async (accept) => {
    const res = await get(path, accept === undefined ? {} : { Accept: accept });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
  });

  test.each([
    'application/vnd.kubernetes.protobuf',
    'application/yaml',
    'application/json;as=Table;v=v1;g=meta.k8s.io',
    'application/json;q=0',
  ])('Accept %p is 406', async (accept) => {
    const res = await get(path, { Accept: accept });
    expect(res.status).toBe(406);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', reason: 'NotAcceptable', code: 406 });
  });
});

describe('§1.7 health endpoints', () => {
  test.each(['/healthz', '/livez', '/readyz'])('GET %s is 200 text/plain "ok"', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toBe('ok');
  });

  test('?verbose lists the checks', async () => {
    readiness = { ready: true, checks: { prometheus: true, store: true } };
    expect((await get('/healthz?verbose')).body).toBe('[+]ping ok\nhealthz check passed\n');
    expect((await get('/readyz?verbose=1')).body).toBe(
      '[+]ping ok\n[+]prometheus ok\n[+]store ok\n[+]shutdown ok\nreadyz check passed\n',
    );
  });

  test('a failing check is 500 and always verbose; liveness is unaffected', async () => {
    readiness = { ready: false, checks: { prometheus: false, store: true } };
    const res = await get('/readyz');
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toBe(
      '[+]ping ok\n[-]prometheus failed: reason withheld\n[+]store ok\n[+]shutdown ok\nreadyz check failed\n',
    );
    expect((await get('/livez')).status).toBe(200);
    expect((await get('/healthz')).status).toBe(200);
  });

  test('?exclude skips a check and warns about unknown names', async () => {
    readiness = { ready: false, checks: { prometheus: false } };
    const res = await get('/readyz?verbose&exclude=prometheus&exclude=nosuch');
    expect(res.status).toBe(200);
    expect(res.body).toBe(
      '[+]ping ok\n[+]prometheus excluded: ok\n[+]shutdown ok\nwarn: some health checks cannot be excluded: no matches for "nosuch"\nreadyz check passed\n',
    );
  });

  test('/<endpoint>/<check> answers a single check', async () => {
    readiness = { ready: false, checks: { prometheus: false, store: true } };
    expect((await get('/healthz/ping')).body).toBe('ok');
    expect((await get('/readyz/store')).status).toBe(200);
    expect((await get('/readyz/prometheus')).status).toBe(500);
    expect((await get('/readyz/shutdown')).body).toBe('ok');
    expect((await get('/healthz/nosuch')).status).toBe(404);
  });

  test('readyz reports shutdown once close() has begun, while serving through the delay', async () => {
    const other = await createApiServer({
      snapshot: holder,
      tls: { serviceName: 'costscale', serviceNamespace: 'costscale' },
      auth: { mode: 'local' },
      now: () => clock,
    });
    const { port: httpsPort } = await other.listen(0, '127.0.0.1');
    const otherBase = `https://127.0.0.1:${httpsPort}`;
    const plain = http.createServer((req, res) => {
      if (!other.handleHealth(req, res)) {
        res.writeHead(418);
        res.end();
      }
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const port = (plain.address() as AddressInfo).port;
    const fetchText = async (p: string): Promise<[number, string]> => {
      const r = await fetch(`http://127.0.0.1:${port}${p}`);
      return [r.status, await r.text()];
    };
    try {
      expect(await fetchText('/readyz')).toEqual([200, 'ok']);
      expect((await fetchText('/metrics'))[0]).toBe(418);
      const closed = other.close({ delayMs: 1000 });
      expect(await fetchText('/readyz')).toEqual([
        500,
        '[+]ping ok\n[-]shutdown failed: reason withheld\nreadyz check failed\n',
      ]);
      expect(await fetchText('/livez')).toEqual([200, 'ok']);
      const during = await httpsRequest(otherBase, '/readyz', { ca: other.servingCA as string });
      expect(during.status).toBe(500);
      const value = await httpsRequest(
        otherBase,
        `${GV}/namespaces/shop/costscale_replicas?labelSelector=policy%3Dorders`,
        {
          ca: other.servingCA as string,
        },
      );
      expect(value.status).toBe(200);
      await closed;
      await expect(httpsRequest(otherBase, '/livez', { ca: other.servingCA as string })).rejects.toThrow(
        /ECONNREFUSED/,
      );
    } finally {
      await new Promise((resolve) => plain.close(resolve));
    }
  });
});

describe('fallback and TLS', () => {
  test('paths outside the API are handed to the fallback, or 404 without one', async () => {
    expect((await get('/api/v1/policies')).body).toBe(NOT_FOUND);
    const withFallback = await createApiServer({
      snapshot: holder,
      tls: { serviceName: 'costscale', serviceNamespace: 'costscale' },
      auth: { mode: 'local' },
      fallback: (req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end(`fallback ${req.url}`);
      },
    });
    const address = await withFallback.listen(0, '127.0.0.1');
    try {
      const url = `https://127.0.0.1:${address.port}`;
      const ca = withFallback.servingCA as string;
      expect((await httpsRequest(url, '/api/v1/policies?x=1', { ca })).body).toBe(
        'fallback /api/v1/policies?x=1',
      );
      expect((await httpsRequest(url, '/apis-not-ours', { ca })).body).toBe('fallback /apis-not-ours');
      expect((await httpsRequest(url, '/apis', { ca })).status).toBe(200);
    } finally {
      await withFallback.close();
    }
  });

  test('§1.1 the generated certificate is valid for the names the aggregator dials', async () => {
    for (const servername of [
      'costscale.costscale.svc',
      'costscale.costscale.svc.cluster.local',
      'localhost',
    ]) {
      const res = await httpsRequest(base, '/livez', { ca: api.servingCA as string, servername });
      expect(res.body).toBe('ok');
    }
    await expect(
      httpsRequest(base, '/livez', { ca: api.servingCA as string, servername: 'other.svc' }),
    ).rejects.toThrow(/altnames|Hostname/i);
  });

  test('§2.2 TLS below 1.2 is refused', async () => {
    // A client able to speak TLS 1.1 (legacy ciphers allowed), first proven against a server that accepts it.
    const attempt = (port: number, ca: string, maxVersion: tls.SecureVersion): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = tls.connect({
          host: '127.0.0.1',
          port,
          ca,
          servername: 'localhost',
          maxVersion,
          minVersion: 'TLSv1',
          ciphers: 'DEFAULT:@SECLEVEL=0',
        });
        socket.once('secureConnect', () => {
          resolve(socket.getProtocol() ?? '');
          socket.end();
        });
        socket.once('error', reject);
      });
    const certificate = await generateServingCertificate('control', 'test', new Date());
    const control = tls.createServer(
      { cert: certificate.cert, key: certificate.key, minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' },
      (socket) => socket.end(),
    );
    await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
    try {
      const controlPort = (control.address() as AddressInfo).port;
      await expect(attempt(controlPort, certificate.caCert, 'TLSv1.1')).resolves.toBe('TLSv1.1');
    } finally {
      control.close();
    }
    const port = Number(new URL(base).port);
    await expect(attempt(port, api.servingCA as string, 'TLSv1.2')).resolves.toBe('TLSv1.2');
    await expect(attempt(port, api.servingCA as string, 'TLSv1.1')).rejects.toThrow();
  });
});
