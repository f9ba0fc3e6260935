// Forwarding of metric names costscale does not own (keda.md §1, §4; issue 13): costscale's External
// Metrics server in front of a KEDA metrics-server stand-in, both over real TLS. The caller reaches
// costscale as kube-aggregator does (front-proxy certificate and X-Remote-* headers) or as kubectl does
// (bearer token); costscale forwards KEDA's s<index>-<scaler> requests with the caller's identity and
// its own client certificate, relays KEDA's answers and errors verbatim and lists the union of
// resources in discovery.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { forwardSettingsSchema } from '../../adapter/src/config/forwardSettings';
import { loadKubeConnection } from '../../adapter/src/k8s/connection';
import { createKubernetesAuthApi } from '../../adapter/src/server/auth';
import type { ApiServer } from '../../adapter/src/server/external-metrics';
import { createApiServer } from '../../adapter/src/server/external-metrics';
import { createForwarder, type Forwarder } from '../../adapter/src/server/forward';
import { SnapshotHolder } from '../../adapter/src/snapshot/snapshot';
import { registerForwardMetrics } from '../../adapter/src/telemetry/forwardMetrics';
import { createCA, localServerCertificate, type Issued } from '../support/certs';
import { capturedLog } from '../support/capturedLog';
import { httpsRequest, type HttpsResponse } from '../support/https-client';
import { startKedaMetricsStandin, type KedaMetricsStandin } from '../support/keda-metrics-standin';
import { startKubernetesStandin, type KubernetesStandin } from '../support/k8s-standin';
import { waitFor } from '../support/ports';
import { run } from '../support/processes';

const GV = '/apis/external.metrics.k8s.io/v1beta1';
const HPA_USER = 'system:serviceaccount:kube-system:horizontal-pod-autoscaler';
const KEDA_PATH = `${GV}/namespaces/shop/s0-prometheus?labelSelector=scaledobject.keda.sh%2Fname%3Dcheckout`;
const NOW = Math.floor(Date.now() / 1000) * 1000;
const TOKEN = 'kubectl-token';
const DISCOVERY_TTL_MS = 30_000;
/** The forwarder's clock, which ages its cached discovery lists. */
let clock = NOW;

let workDir: string;
let k8s: KubernetesStandin;
let keda: KedaMetricsStandin;
let forwarder: Forwarder;
let api: ApiServer;
let base: string;
let aggregatorCert: Issued;
let registry: Registry;
let frontProxyCA: ReturnType<typeof createCA>;
let kedaCAFile: string;

const holder = new SnapshotHolder({
  generatedAt: NOW,
  tick: 1,
  policies: [
    {
      name: 'checkout',
      namespace: 'shop',
      labels: { policy: 'checkout' },
      allowedNamespaces: [],
      values: {
        costscale_replicas: 6,
        costscale_load: 5.25,
        costscale_cost_per_hour: 0.75,
        costscale_budget_pressure: 0.1,
        costscale_forecast_demand: 420,
      },
      valuesAt: NOW + 3600_000,
    },
  ],
});

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'costscale-forward-'));
  frontProxyCA = createCA('front-proxy-ca');
  aggregatorCert = frontProxyCA.issue({ commonName: 'front-proxy-client', usages: ['clientAuth'] });
  // KEDA's metrics server trusts the cluster's front-proxy CA; costscale presents a certificate from it.
  const costscaleClient = frontProxyCA.issue({ commonName: 'costscale-forwarder', usages: ['clientAuth'] });
  const kedaCA = createCA('keda-ca');
  keda = await startKedaMetricsStandin({ ...localServerCertificate(kedaCA), clientCA: frontProxyCA.cert });
  keda.values.set('shop/checkout/s0-prometheus', '2500m');

  k8s = await startKubernetesStandin();
  k8s.tokens.set(TOKEN, { username: 'alice', groups: ['sre'], extra: { scopes: ['metrics'] } });
  k8s.authenticationConfigMap = {
    'requestheader-client-ca-file': frontProxyCA.cert,
    'requestheader-allowed-names': '["front-proxy-client"]',
    'requestheader-username-headers': '["X-Remote-User"]',
    'requestheader-group-headers': '["X-Remote-Group"]',
    'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
  };
  k8s.authorize = (spec) => ({ allowed: spec.user === HPA_USER || spec.user === 'alice' });

  const file = (name: string, text: string): string => {
    const p = path.join(workDir, name);
    writeFileSync(p, text);
    return p;
  };
  registry = new Registry();
  forwarder = createForwarder(
    forwardSettingsSchema.parse([
      {
        name: 'keda',
        url: keda.url,
        kedaScaledObjects: true,
        tls: {
          caFile: (kedaCAFile = file('keda-ca.crt', kedaCA.cert)),
          certFile: file('client.crt', costscaleClient.cert),
          keyFile: file('client.key', costscaleClient.key),
        },
      },
    ]),
    { observer: registerForwardMetrics(registry), now: () => clock, discoveryTtlMs: DISCOVERY_TTL_MS },
  );
  const connection = loadKubeConnection(k8s.writeKubeconfig(workDir));
  if (connection === undefined) throw new Error('no stand-in connection');
  api = await createApiServer({
    snapshot: holder,
    tls: { serviceName: 'costscale', serviceNamespace: 'costscale' },
    auth: { mode: 'delegated', kubeApi: createKubernetesAuthApi(connection) },
    forward: forwarder,
    now: () => NOW,
  });
  base = `https://127.0.0.1:${(await api.listen(0, '127.0.0.1')).port}`;
});

afterAll(async () => {
  await api?.close();
  forwarder?.close();
  await keda?.close();
  await k8s?.close();
  rmSync(workDir, { recursive: true, force: true });
});

beforeEach(() => {
  keda.requests.length = 0;
  keda.failing.clear();
});

/** A request as kube-aggregator proxies the HPA's. */
function asAggregator(
  pathAndQuery: string,
  headers: Record<string, string | string[]> = {},
): Promise<HttpsResponse> {
  return httpsRequest(base, pathAndQuery, {
    ca: api.servingCA as string,
    cert: aggregatorCert.cert,
    key: aggregatorCert.key,
    headers: {
      'X-Remote-User': HPA_USER,
      'X-Remote-Group': ['system:serviceaccounts', 'system:serviceaccounts:kube-system'],
      'X-Remote-Extra-Authentication.kubernetes.io%2fcredential-Id': 'JTI=1234',
      Accept: 'application/vnd.kubernetes.protobuf, */*',
      'Audit-ID': 'audit-1',
      ...headers,
    },
  });
}

test("KEDA's s<index>-<scaler> metric with its ScaledObject selector is answered by KEDA", async () => {
  const res = await asAggregator(KEDA_PATH);
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body).items[0]).toMatchObject({ metricName: 's0-prometheus', value: '2500m' });
  // KEDA's header fields relayed: its Content-Length, so no re-chunking on the way.
  expect(res.headers['content-type']).toBe('application/json');
  expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.body)));
  expect(res.headers['transfer-encoding']).toBeUndefined();
  expect(keda.requests).toHaveLength(1);
  const seen = keda.requests[0]!;
  // Same path and query; identity as the aggregator asserts it, over costscale's client certificate.
  expect(seen.path).toBe(KEDA_PATH);
  expect(seen.clientCN).toBe('costscale-forwarder');
  expect(seen.headers['x-remote-user']).toBe(HPA_USER);
  expect(seen.headers['x-remote-group']).toBe(
    'system:serviceaccounts, system:serviceaccounts:kube-system, system:authenticated',
  );
  expect(seen.headers['x-remote-extra-authentication.kubernetes.io%2fcredential-id']).toBe('JTI=1234');
  expect(seen.headers['audit-id']).toBe('audit-1');
  expect(seen.headers.accept).toBe('application/vnd.kubernetes.protobuf, */*');
  expect(seen.headers.authorization).toBeUndefined();
});

test("costscale's own metrics are never forwarded", async () => {
  const res = await asAggregator(`${GV}/namespaces/shop/costscale_replicas?labelSelector=policy%3Dcheckout`);
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body).items[0].value).toBe('6');
  expect(keda.requests).toHaveLength(0);
});

test('a KEDA-style name without the ScaledObject selector is not forwarded', async () => {
  const res = await asAggregator(`${GV}/namespaces/shop/s0-prometheus`);
  expect(res.status).toBe(404);
  expect(JSON.parse(res.body).message).toMatch(/s0-prometheus/);
  expect(keda.requests).toHaveLength(0);
});

test("KEDA's errors are relayed verbatim: status and body", async () => {
  keda.failing.set('checkout', { code: 500, message: 'scaler prometheus: query returned no series' });
  const res = await asAggregator(KEDA_PATH);
  expect(res.status).toBe(500);
  expect(res.body).toBe(
    `${JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'scaler prometheus: query returned no series',
      reason: 'InternalError',
      code: 500,
    })}\n`,
  );
  keda.failing.clear();
  const notFound = await asAggregator(KEDA_PATH.replace('s0-prometheus', 's3-kafka'));
  expect(notFound.status).toBe(404);
  expect(JSON.parse(notFound.body).message).toBe('scaledObject checkout has no metric s3-kafka');
});

test('discovery lists the union of costscale and KEDA resources, legacy and aggregated', async () => {
  const list = JSON.parse((await asAggregator(GV, { Accept: 'application/json' })).body);
  expect(list.resources.map((r: { name: string }) => r.name)).toEqual([
    'costscale_replicas',
    'costscale_load',
    'costscale_cost_per_hour',
    'costscale_budget_pressure',
    'costscale_forecast_demand',
    's0-prometheus',
    's1-cron',
  ]);
  expect(keda.requests[0]!.headers['x-remote-user']).toBe(HPA_USER);
  const aggregated = await asAggregator('/apis', {
    Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  });
  const resources = JSON.parse(aggregated.body).items[0].versions[0].resources.map(
    (r: { resource: string }) => r.resource,
  );
  expect(resources).toContain('s1-cron');
  const etag = aggregated.headers.etag as string;
  keda.resources = ['s0-prometheus', 's1-cron', 's2-kafka'];
  clock += DISCOVERY_TTL_MS;
  await asAggregator(GV); // answered from the cache; starts the refresh
  await waitFor('the background refresh', async () => discoveryFetches() === 2);
  const changed = await asAggregator('/apis', {
    Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    'If-None-Match': etag,
  });
  expect(changed.status).toBe(200);
  expect(changed.headers.etag).not.toBe(etag);
  keda.resources = ['s0-prometheus', 's1-cron'];
});

const discoveryFetches = (): number => keda.requests.filter((r) => r.path === GV).length;

test('discovery is cached per caller for its TTL and refreshed in the background, never awaited', async () => {
  const alice = { 'X-Remote-User': 'alice', 'X-Remote-Group': 'sre', Accept: 'application/json' };
  const names = (res: HttpsResponse): string[] =>
    JSON.parse(res.body).resources.map((r: { name: string }) => r.name);
  // A new caller's concurrent first requests share one fetch, with that caller's identity.
  const first = await Promise.all([
    asAggregator(GV, alice),
    asAggregator(GV, alice),
    asAggregator(GV, alice),
  ]);
  for (const res of first) expect(names(res)).toContain('s1-cron');
  expect(discoveryFetches()).toBe(1);
  expect(keda.requests[0]!.headers['x-remote-user']).toBe('alice');

  keda.resources = ['s0-prometheus', 's1-cron', 's2-kafka'];
  clock += DISCOVERY_TTL_MS - 1;
  expect(names(await asAggregator(GV, alice))).not.toContain('s2-kafka');
  expect(discoveryFetches()).toBe(1);
  clock += 1;
  // Expired: still answered from the cache at once, while one refresh runs.
  const [a, b] = await Promise.all([asAggregator(GV, alice), asAggregator(GV, alice)]);
  expect(names(a)).not.toContain('s2-kafka');
  expect(names(b)).not.toContain('s2-kafka');
  await waitFor('the background refresh', async () => discoveryFetches() === 2);
  await waitFor('the refreshed list', async () => names(await asAggregator(GV, alice)).includes('s2-kafka'));
  expect(discoveryFetches()).toBe(2);
  keda.resources = ['s0-prometheus', 's1-cron'];
});

test('kubectl get --raw through costscale reaches KEDA as the token user', async () => {
  const caFile = path.join(workDir, 'serving-ca.crt');
  writeFileSync(caFile, api.servingCA as string);
  const out = await run(
    'kubectl',
    [
      '--server',
      base,
      '--certificate-authority',
      caFile,
      '--token',
      TOKEN,
      '--cache-dir',
      path.join(workDir, 'cache'),
      'get',
      '--raw',
      `${GV}/namespaces/shop/s0-prometheus?labelSelector=scaledobject.keda.sh/name=checkout`,
    ],
    { env: { PATH: process.env.PATH, HOME: workDir, KUBECONFIG: path.join(workDir, 'none') } },
  );
  expect(JSON.parse(out).items[0].value).toBe('2500m');
  const seen = keda.requests.find((r) => r.path.includes('s0-prometheus'))!;
  expect(seen.headers['x-remote-user']).toBe('alice');
  expect(seen.headers['x-remote-group']).toBe('sre, system:authenticated');
  expect(seen.headers['x-remote-extra-scopes']).toBe('metrics');
});

test('a rotated client certificate is used without a restart', async () => {
  const certFile = path.join(workDir, 'rotating.crt');
  const keyFile = path.join(workDir, 'rotating.key');
  const write = (cn: string): void => {
    const issued = frontProxyCA.issue({ commonName: cn, usages: ['clientAuth'] });
    writeFileSync(certFile, issued.cert);
    writeFileSync(keyFile, issued.key);
  };
  write('costscale-before');
  const log = capturedLog();
  const rotating = createForwarder(
    forwardSettingsSchema.parse([
      {
        name: 'keda',
        url: keda.url,
        kedaScaledObjects: true,
        tls: { caFile: kedaCAFile, certFile, keyFile },
      },
    ]),
    { tlsReloadIntervalMs: 50, logger: log.logger },
  );
  try {
    // Each new identity is a discovery fetch: one request to KEDA over the current agent.
    let n = 0;
    const lastClient = async (): Promise<string | undefined> => {
      await rotating.resourceNames({ name: `user-${++n}`, groups: [], extra: {} });
      return keda.requests.at(-1)?.clientCN;
    };
    expect(await lastClient()).toBe('costscale-before');
    const reloaded = 'upstream client certificate reloaded';
    const before = log.count(reloaded);
    write('costscale-after');
    await log.logged(reloaded, before);
    expect(await lastClient()).toBe('costscale-after');
  } finally {
    rotating.close();
  }
});

test("a rotated CA bundle for the upstream's serving certificate is trusted without a restart", async () => {
  // KEDA's metrics server moved to a certificate from a new CA; costscale's caFile still holds the old.
  const newCA = createCA('keda-ca-rotated');
  const moved = await startKedaMetricsStandin({
    ...localServerCertificate(newCA),
    clientCA: frontProxyCA.cert,
  });
  const caFile = path.join(workDir, 'rotating-ca.crt');
  writeFileSync(caFile, readFileSync(kedaCAFile, 'utf8'));
  const client = frontProxyCA.issue({ commonName: 'costscale-forwarder', usages: ['clientAuth'] });
  const certFile = path.join(workDir, 'ca-test-client.crt');
  const keyFile = path.join(workDir, 'ca-test-client.key');
  writeFileSync(certFile, client.cert);
  writeFileSync(keyFile, client.key);
  const log = capturedLog();
  const rotating = createForwarder(
    forwardSettingsSchema.parse([
      { name: 'keda', url: moved.url, kedaScaledObjects: true, tls: { caFile, certFile, keyFile } },
    ]),
    { tlsReloadIntervalMs: 50, logger: log.logger },
  );
  try {
    let n = 0;
    const listed = async (): Promise<readonly string[]> =>
      (await rotating.resourceNames({ name: `user-${++n}`, groups: [], extra: {} }))[0]!;
    expect(await listed()).toEqual([]); // the handshake fails: not verified
    expect(moved.requests).toHaveLength(0);
    // A bundle with no complete certificate, as while the file is being written, is skipped.
    const refused = 'could not reload the CA bundle; keeping the current one';
    const reloaded = 'upstream CA bundle reloaded';
    const before = { refused: log.count(refused), reloaded: log.count(reloaded) };
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIC');
    await log.logged(refused, before.refused);
    expect(log.count(reloaded)).toBe(before.reloaded);
    writeFileSync(caFile, `${readFileSync(kedaCAFile, 'utf8')}${newCA.cert}`);
    await log.logged(reloaded, before.reloaded);
    expect(await listed()).toContain('s0-prometheus');
  } finally {
    rotating.close();
    await moved.close();
  }
});

test('KEDA down: forwarded requests are 503, discovery keeps its last list; metrics count both', async () => {
  // The HPA's list is cached from the discovery test above.
  await keda.close();
  clock += DISCOVERY_TTL_MS;
  await asAggregator(GV); // starts the refresh, which fails
  await waitFor('the failed refresh', async () =>
    /costscale_forward_discovery_total\{upstream="keda",outcome="failure"\} 1/.test(await registry.metrics()),
  );
  const res = await asAggregator(KEDA_PATH);
  expect(res.status).toBe(503);
  expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', code: 503, reason: 'ServiceUnavailable' });
  expect(JSON.parse(res.body).message).toMatch(/^upstream External Metrics provider keda: /);
  const list = JSON.parse((await asAggregator(GV)).body);
  expect(list.resources.map((r: { name: string }) => r.name)).toContain('s1-cron');
  const metrics = await registry.metrics();
  expect(metrics).toMatch(/costscale_forward_requests_total\{upstream="keda",code="error"\} 1/);
  expect(metrics).toMatch(/costscale_forward_requests_total\{upstream="keda",code="500"\} 1/);
  expect(metrics).toMatch(/costscale_forward_requests_total\{upstream="keda",code="404"\} 1/);
  expect(metrics).toMatch(/costscale_forward_discovery_total\{upstream="keda",outcome="failure"\} 1/);
});
