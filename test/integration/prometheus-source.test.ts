import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { prometheusBackendSchema } from '../../adapter/src/config/schema';
import {
  policySamples,
  executeInstantPlan,
  fetchNodePrices,
  fetchReplicaRequests,
  planQueries,
  PrometheusClient,
  type PrometheusObserver,
  type PrometheusQuerier,
} from '../../adapter/src/sources';
import { startPrometheus, toOpenMetrics, type PrometheusHandle } from '../support/prometheus';

// A real Prometheus with an hour of backfilled history: request counters per pod, OpenCost node
// prices and kube-state-metrics requests. Instant queries are evaluated at the last backfilled
// sample so results do not depend on the wall clock.

const STEP = 15;
const END = Math.floor(Date.now() / 1000 / 60) * 60 - 600;
const START = END - 3600;
const T = END * 1000;

/** Per-second rates of the backfilled request counters, by service and pod. */
const RATES: Record<string, Record<string, number>> = {
  web: { 'web-1': 10, 'web-2': 20 },
  api: { 'api-1': 5 },
  'a.b|c': { 'ab-1': 7 },
};

function history(): string {
  const times = Array.from({ length: 3600 / STEP + 1 }, (_, i) => START + i * STEP);
  const series: Parameters<typeof toOpenMetrics>[0] = [];
  for (const [service, pods] of Object.entries(RATES)) {
    for (const [pod, rate] of Object.entries(pods)) {
      series.push({
        name: 'http_requests_total',
        labels: { namespace: 'shop', service, pod },
        samples: times.map((t) => [t, (t - START) * rate]),
      });
    }
  }
  const constant = (name: string, labels: Record<string, string>, value: number) => {
    series.push({ name, labels, samples: times.map((t) => [t, value]) });
  };
  constant('node_cpu_hourly_cost', { node: 'n1', instance: 'oc:9003' }, 0.031);
  constant('node_ram_hourly_cost', { node: 'n1', instance: 'oc:9003' }, 0.0042);
  constant('kubecost_node_is_spot', { node: 'n1', instance: 'oc:9003' }, 0);
  constant('node_cpu_hourly_cost', { node: 'n2', instance: 'oc:9003' }, 0.0066);
  constant('node_ram_hourly_cost', { node: 'n2', instance: 'oc:9003' }, 0.0009);
  constant('kubecost_node_is_spot', { node: 'n2', instance: 'oc:9003' }, 1);
  const request = (pod: string, container: string, resource: string, value: number) =>
    constant('kube_pod_container_resource_requests', { namespace: 'shop', pod, container, resource }, value);
  request('web-6f7d9c8b5d-abcde', 'app', 'cpu', 0.5);
  request('web-6f7d9c8b5d-abcde', 'sidecar', 'cpu', 0.1);
  request('web-6f7d9c8b5d-abcde', 'app', 'memory', 1024 ** 3);
  request('web-6f7d9c8b5d-fghij', 'app', 'cpu', 0.5);
  request('web-6f7d9c8b5d-fghij', 'sidecar', 'cpu', 0.3);
  request('web-6f7d9c8b5d-fghij', 'app', 'memory', 3 * 1024 ** 3);
  request('web-api-5c9b7d6f4-zzzzz', 'app', 'cpu', 8);
  return toOpenMetrics(series);
}

let prom: PrometheusHandle;
beforeAll(async () => {
  prom = await startPrometheus({ backfill: history() });
});
afterAll(async () => {
  await prom?.destroy();
});

const clients: PrometheusClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

function countingObserver() {
  const requests: string[] = [];
  const states: string[] = [];
  const observer: PrometheusObserver = {
    request: (e) => requests.push(e.outcome),
    query: () => {},
    circuitStateChanged: (_b, s) => states.push(s),
  };
  return { observer, requests, states };
}

function client(
  url: string,
  backend: Record<string, unknown> = {},
  extra: Partial<ConstructorParameters<typeof PrometheusClient>[0]> = {},
): PrometheusClient {
  const c = new PrometheusClient({
    name: 'test',
    backend: prometheusBackendSchema.parse({ url, cacheSeconds: 0, ...backend }),
    backoff: { baseMs: 10, capMs: 50 },
    ...extra,
  });
  clients.push(c);
  return c;
}

const backends = (c: PrometheusQuerier) => new Map([['default', c]]);

describe('Prometheus source against a real Prometheus', () => {
  test('instant and range queries', async () => {
    const c = client(prom.url);
    const instant = await c.instant('sum(rate(http_requests_total{service="web"}[2m]))', { time: T });
    expect(instant.data.resultType).toBe('vector');
    if (instant.data.resultType !== 'vector') return;
    expect(instant.data.samples).toHaveLength(1);
    expect(instant.data.samples[0]!.value).toBeCloseTo(30, 6);
    expect(instant.data.samples[0]!.timestamp).toBe(T);

    const range = await c.range('sum by (service) (rate(http_requests_total[2m]))', {
      start: T - 30 * 60_000,
      end: T,
      stepMs: 60_000,
    });
    if (range.data.resultType !== 'matrix') throw new Error(range.data.resultType);
    const byService = new Map(range.data.series.map((s) => [s.labels.service, s]));
    expect([...byService.keys()].sort()).toEqual(['a.b|c', 'api', 'web']);
    const web = byService.get('web')!;
    expect(web.timestamps).toHaveLength(31);
    expect(web.timestamps[30]).toBe(T);
    expect(Array.from(web.values).every((v) => Math.abs(v - 30) < 1e-6)).toBe(true);
  });

  test('policies sharing a template run as ONE request and get their own values back', async () => {
    const counting = countingObserver();
    const c = client(prom.url, {}, { observer: counting.observer });
    const queries = ['web', 'api', 'a.b|c', 'cart'].map((service) => ({
      backend: 'default',
      query: `sum(rate(http_requests_total{namespace="shop",service=${JSON.stringify(service)}}[2m]))`,
    }));
    const plan = planQueries(queries);
    expect(plan.queries).toHaveLength(1);
    const outcomes = await executeInstantPlan(plan, backends(c), { time: T });
    const values = policySamples(plan, outcomes);
    expect(counting.requests).toEqual(['success']);
    expect(values.slice(0, 3).map((v) => (v.ok ? v.value : v.error))).toEqual([
      expect.closeTo(30, 6),
      expect.closeTo(5, 6),
      expect.closeTo(7, 6),
    ]);
    expect(values[3]).toEqual({
      ok: false,
      error: `Prometheus backend "default": query returned no series (query: ${queries[3]!.query})`,
    });
  });

  test('a query typo is an explicit error naming the backend and the query; others still answer', async () => {
    const c = client(prom.url);
    const typo = 'sum(rate(http_requests_total{service="web"}[2m])';
    const plan = planQueries([
      { backend: 'default', query: typo },
      { backend: 'default', query: 'sum(rate(http_requests_total{service="api"}[2m]))' },
      { backend: 'default', query: 'sum(rate(http_requests_total{service="web"}[2m])) / 0' },
      { backend: 'default', query: '0 * sum(rate(http_requests_total{service="web"}[2m])) / 0' },
      { backend: 'elsewhere', query: 'sum(up{job="x"})' },
    ]);
    const values = policySamples(plan, await executeInstantPlan(plan, backends(c), { time: T }));
    expect(values[0]).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^Prometheus backend "test": bad_data: .*parse error.* \(query: sum\(rate\(http_requests_total\{service="web"\}\[2m\]\)\)$/,
      ),
    });
    expect(values[1]).toMatchObject({ ok: true, value: expect.closeTo(5, 6) });
    expect(values[2]).toEqual({ ok: false, error: expect.stringContaining('query returned +Inf') });
    expect(values[3]).toEqual({ ok: false, error: expect.stringContaining('query returned NaN') });
    expect(values[4]).toEqual({
      ok: false,
      error: expect.stringContaining(
        'Prometheus backend "elsewhere": no such backend is configured (have: default)',
      ),
    });
  });

  test('OpenCost node prices and kube-state-metrics requests', async () => {
    const c = client(prom.url);
    const prices = await fetchNodePrices(c, { time: T });
    expect(prices).toEqual({
      ok: true,
      value: [
        { node: 'n1', cpuCoreHour: 0.031, ramGiBHour: 0.0042, spot: false },
        { node: 'n2', cpuCoreHour: 0.0066, ramGiBHour: 0.0009, spot: true },
      ],
      warnings: [],
    });
    const all = await fetchReplicaRequests(c, [{ namespace: 'shop', kind: 'Deployment', name: 'web' }], {
      time: T,
    });
    if (!all.ok) throw new Error(all.error);
    const requests = all.value.get('shop/Deployment/web')!;
    if (!requests.ok) throw new Error(requests.error);
    expect(requests.value.pods).toBe(2);
    expect(requests.value.cpuCores).toBeCloseTo(0.7, 9);
    expect(requests.value.memoryGiB).toBeCloseTo(2, 9);
    expect(requests.value.gpus).toBe(0);
  });
});

/** A proxy in front of Prometheus that records request headers and can delay or fail requests. */
async function recordingProxy(target: string, tls?: https.ServerOptions) {
  const seen: IncomingHttpHeaders[] = [];
  const behaviour = { delayMs: 0, failFirst: 0, retryAfter: undefined as string | undefined };
  const handler: http.RequestListener = (req, res) => {
    seen.push(req.headers);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (behaviour.failFirst > 0) {
        behaviour.failFirst -= 1;
        res.writeHead(503, behaviour.retryAfter === undefined ? {} : { 'retry-after': behaviour.retryAfter });
        res.end('overloaded');
        return;
      }
      setTimeout(() => {
        const upstream = http.request(
          `${target}${req.url}`,
          { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? '' } },
          (up) => {
            res.writeHead(up.statusCode ?? 502, {
              'content-type': up.headers['content-type'] ?? 'text/plain',
            });
            up.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        upstream.end(Buffer.concat(chunks));
      }, behaviour.delayMs);
    });
  };
  const server = tls === undefined ? http.createServer(handler) : https.createServer(tls, handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    seen,
    behaviour,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('Prometheus client over the network', () => {
  test('sends the tenant, custom headers and bearer or basic credentials', async () => {
    const proxy = await recordingProxy(prom.url);
    try {
      await client(proxy.url, {
        tenant: 'team-a',
        headers: { 'X-Custom': 'yes' },
        auth: { bearerToken: 'tok3n' },
      }).instant('up', { time: T });
      await client(proxy.url, { auth: { basic: { username: 'alice', password: 's3cret' } } }).instant('up', {
        time: T,
      });
      expect(proxy.seen[0]).toMatchObject({
        'x-scope-orgid': 'team-a',
        'x-custom': 'yes',
        authorization: 'Bearer tok3n',
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(proxy.seen[1]).toMatchObject({
        authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}`,
      });
      expect(proxy.seen[1]!['x-scope-orgid']).toBeUndefined();
    } finally {
      await proxy.close();
    }
  });

  test('retries 503 answers (honouring Retry-After) and times out slow answers', async () => {
    const proxy = await recordingProxy(prom.url);
    try {
      const counting = countingObserver();
      proxy.behaviour.failFirst = 2;
      proxy.behaviour.retryAfter = '0';
      const res = await client(proxy.url, { retries: 2 }, { observer: counting.observer }).instant('up', {
        time: T,
      });
      expect(res.data.resultType).toBe('vector');
      expect(counting.requests).toEqual(['http', 'http', 'success']);

      proxy.behaviour.failFirst = 0;
      proxy.behaviour.delayMs = 1500;
      const slow = countingObserver();
      const started = Date.now();
      await expect(
        client(proxy.url, { retries: 1, timeoutSeconds: 0.3 }, { observer: slow.observer }).instant('up', {
          time: T,
        }),
      ).rejects.toMatchObject({ kind: 'timeout', backend: 'test', query: 'up' });
      expect(slow.requests).toEqual(['timeout', 'timeout']);
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await proxy.close();
    }
  });

  test('the circuit opens while Prometheus is down and closes once it is back', async () => {
    const counting = countingObserver();
    const c = client(
      prom.url,
      { retries: 0 },
      { observer: counting.observer, circuitBreaker: { failureThreshold: 2, coolDownMs: 300 } },
    );
    await c.instant('up', { time: T });
    await prom.stop();
    try {
      await expect(c.instant('up', { time: T })).rejects.toMatchObject({ kind: 'network' });
      await expect(c.instant('up', { time: T + 1 })).rejects.toMatchObject({ kind: 'network' });
      expect(c.circuitState).toBe('open');
      await expect(c.instant('up', { time: T + 2 })).rejects.toMatchObject({ kind: 'circuit-open' });
      expect(counting.requests).toEqual(['success', 'network', 'network']);
    } finally {
      await prom.start();
    }
    await new Promise((r) => setTimeout(r, 300));
    await expect(c.instant('up', { time: T + 3 })).resolves.toBeDefined();
    expect(c.circuitState).toBe('closed');
    expect(counting.states).toEqual(['open', 'half-open', 'closed']);
  });

  test('TLS: CA, mTLS client certificate, server name override and insecureSkipVerify', async () => {
    const pki = makePki();
    const dir = await mkdtemp(join(tmpdir(), 'costscale-tls-'));
    const files = {
      caFile: join(dir, 'ca.pem'),
      certFile: join(dir, 'client.pem'),
      keyFile: join(dir, 'client-key.pem'),
    };
    await writeFile(files.caFile, pki.ca);
    await writeFile(files.certFile, pki.clientCert);
    await writeFile(files.keyFile, pki.clientKey);
    const proxy = await recordingProxy(prom.url, {
      cert: pki.serverCert,
      key: pki.serverKey,
      ca: pki.ca,
      requestCert: true,
      rejectUnauthorized: true,
    });
    try {
      const ask = (tls: Record<string, unknown>) =>
        client(proxy.url, { retries: 0, tls }).instant('up', { time: T });
      await expect(ask({ ...files, serverName: 'prometheus.test' })).resolves.toBeDefined();
      await expect(ask({ ...files, serverName: 'other.test' })).rejects.toMatchObject({ kind: 'network' });
      await expect(ask({ ...files })).rejects.toThrow(/IP: 127\.0\.0\.1 is not in the cert's list/);
      await expect(ask({ caFile: files.caFile, serverName: 'prometheus.test' })).rejects.toMatchObject({
        kind: 'network',
      });
      await expect(ask({ certFile: files.certFile, keyFile: files.keyFile })).rejects.toThrow(
        /self.signed|issuer/,
      );
      await expect(
        ask({ certFile: files.certFile, keyFile: files.keyFile, insecureSkipVerify: true }),
      ).resolves.toBeDefined();
    } finally {
      await proxy.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** A throwaway CA with a server certificate for prometheus.test and a client certificate. */
function makePki() {
  const pki = forge.pki;
  const keyPair = () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const key = pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
    return { pem, key, publicKey: pki.setRsaPublicKey(key.n, key.e) };
  };
  let serial = 1;
  const issue = (
    cn: string,
    subjectKey: forge.pki.PublicKey,
    signer: forge.pki.rsa.PrivateKey,
    issuer: forge.pki.CertificateField[] | undefined,
    extensions: object[],
  ) => {
    const cert = pki.createCertificate();
    cert.publicKey = subjectKey;
    cert.serialNumber = String(serial++).padStart(2, '0');
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
    const subject = [{ name: 'commonName', value: cn }];
    cert.setSubject(subject);
    cert.setIssuer(issuer ?? subject);
    cert.setExtensions(extensions);
    cert.sign(signer, forge.md.sha256.create());
    return cert;
  };
  const ca = keyPair();
  const caCert = issue('costscale test CA', ca.publicKey, ca.key, undefined, [
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true },
  ]);
  const server = keyPair();
  const serverCert = issue('prometheus.test', server.publicKey, ca.key, caCert.subject.attributes, [
    { name: 'basicConstraints', cA: false },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'prometheus.test' }] },
  ]);
  const clientPair = keyPair();
  const clientCert = issue('costscale', clientPair.publicKey, ca.key, caCert.subject.attributes, [
    { name: 'basicConstraints', cA: false },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  return {
    ca: pki.certificateToPem(caCert),
    serverCert: pki.certificateToPem(serverCert),
    serverKey: server.pem,
    clientCert: pki.certificateToPem(clientCert),
    clientKey: clientPair.pem,
  };
}
