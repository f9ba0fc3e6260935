// Delegated authentication and authorization of the External Metrics API server
// (/work/shared/specs/external-metrics-api.md §2) over real TLS: certificates from a test PKI, and a
// Kubernetes API stand-in answering TokenReview, SubjectAccessReview and the
// extension-apiserver-authentication ConfigMap.

import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import pino from 'pino';
import { SnapshotHolder } from '../../adapter/src/snapshot/snapshot';
import type { KubernetesAuthApi } from '../../adapter/src/server/auth';
import { loadKubeConnection } from '../../adapter/src/k8s/connection';
import { createKubernetesAuthApi } from '../../adapter/src/server/auth';
import type { ApiServer } from '../../adapter/src/server/external-metrics';
import { createApiServer } from '../../adapter/src/server/external-metrics';
import type { CertificateAuthority, Issued } from '../support/certs';
import { createCA, localServerCertificate } from '../support/certs';
import type { HttpsResponse } from '../support/https-client';
import { httpsRequest } from '../support/https-client';
import type { KubernetesStandin } from '../support/k8s-standin';
import { startKubernetesStandin } from '../support/k8s-standin';
import { waitFor } from '../support/ports';

const GV = '/apis/external.metrics.k8s.io/v1beta1';
const VALUE_PATH = `${GV}/namespaces/shop/costscale_replicas?labelSelector=policy%3Dorders`;
const HPA_USER = 'system:serviceaccount:kube-system:horizontal-pod-autoscaler';
// Certificates are issued relative to the real time, so the server's clock starts there.
const NOW = Math.floor(Date.now() / 1000) * 1000;
const DAY_MS = 24 * 3600 * 1000;

let clock = NOW;
let workDir: string;
let standin: KubernetesStandin;
let frontProxyCA: CertificateAuthority;
let clientCA: CertificateAuthority;
let rogueCA: CertificateAuthority;
let proxyClient: Issued;
let api: ApiServer;
let base: string;

const holder = new SnapshotHolder({
  generatedAt: NOW,
  tick: 1,
  policies: [
    {
      name: 'orders',
      namespace: 'shop',
      labels: { policy: 'orders' },
      allowedNamespaces: [],
      values: {
        costscale_replicas: 4,
        costscale_load: 3.5,
        costscale_cost_per_hour: 0.2,
        costscale_budget_pressure: 0,
        costscale_forecast_demand: 100,
      },
      valuesAt: NOW + 3600_000, // fresh for every clock value the tests use
    },
  ],
});

function authenticationConfigMap(allowedNames: string[]): Record<string, string> {
  return {
    'client-ca-file': clientCA.cert,
    'requestheader-client-ca-file': frontProxyCA.cert,
    'requestheader-allowed-names': JSON.stringify(allowedNames),
    'requestheader-username-headers': '["X-Remote-User"]',
    'requestheader-uid-headers': 'null',
    'requestheader-group-headers': '["X-Remote-Group"]',
    'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
  };
}

/** Allows the HPA and jane to read external metrics, alice everything, the aggregator discovery paths. */
function rbac(spec: Record<string, unknown>): { allowed: boolean; reason?: string } {
  const user = spec.user as string;
  const resource = spec.resourceAttributes as { group?: string; verb?: string } | undefined;
  if (user === 'alice') return { allowed: true };
  if ((user === HPA_USER || user === 'jane') && resource?.group === 'external.metrics.k8s.io') {
    return { allowed: resource.verb === 'get' || resource.verb === 'list' };
  }
  if (user === 'system:aggregator' && spec.nonResourceAttributes !== undefined) return { allowed: true };
  return { allowed: false, reason: 'no RBAC policy matched' };
}

function request(
  pathAndQuery: string,
  options: {
    cert?: Issued;
    headers?: Record<string, string | string[]>;
    target?: ApiServerAt;
    method?: string;
  } = {},
): Promise<HttpsResponse> {
  const target = options.target ?? { server: api, url: base };
  return httpsRequest(target.url, pathAndQuery, {
    ca: target.server.servingCA as string,
    cert: options.cert?.cert,
    key: options.cert?.key,
    headers: options.headers,
    method: options.method,
  });
}

interface ApiServerAt {
  readonly server: ApiServer;
  readonly url: string;
}

function statusBody(message: string, reason: string, code: number, details?: object): string {
  return `${JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code })}\n`;
}

const UNAUTHORIZED = statusBody('Unauthorized', 'Unauthorized', 401);

function standinApi(): KubernetesAuthApi {
  const connection = loadKubeConnection(standin.writeKubeconfig(workDir));
  if (connection === undefined) throw new Error('no connection from the stand-in kubeconfig');
  return createKubernetesAuthApi(connection);
}

async function startServer(
  auth: Parameters<typeof createApiServer>[0]['auth'],
): Promise<[ApiServer, string]> {
  const server = await createApiServer({
    snapshot: holder,
    tls: { serviceName: 'costscale', serviceNamespace: 'costscale' },
    auth,
    now: () => clock,
  });
  const address = await server.listen(0, '127.0.0.1');
  return [server, `https://127.0.0.1:${address.port}`];
}

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'costscale-auth-'));
  frontProxyCA = createCA('front-proxy-ca');
  clientCA = createCA('client-ca');
  rogueCA = createCA('rogue-ca');
  proxyClient = frontProxyCA.issue({ commonName: 'front-proxy-client', usages: ['clientAuth'] });
  standin = await startKubernetesStandin();
  standin.authenticationConfigMap = authenticationConfigMap(['front-proxy-client']);
  standin.authorize = rbac;
  const kubeApi = standinApi();
  [api, base] = await startServer({ mode: 'delegated', kubeApi, trustRefreshIntervalMs: 100 });
});

afterAll(async () => {
  await api?.close();
  await standin?.close();
  rmSync(workDir, { recursive: true, force: true });
});

beforeEach(() => {
  clock += 60_000; // past every cache entry of the previous test
  standin.authorize = rbac;
  standin.tokenReviews.length = 0;
  standin.accessReviews.length = 0;
});

describe('§2.2 front-proxy (request header) authentication', () => {
  test('the HPA through the aggregator: verified proxy certificate, then X-Remote-* headers', async () => {
    const res = await request(VALUE_PATH, {
      cert: proxyClient,
      headers: {
        'X-Remote-User': HPA_USER,
        'X-Remote-Group': ['system:serviceaccounts', 'system:serviceaccounts:kube-system'],
        'X-Remote-Extra-Authentication.kubernetes.io%2fcredential-Id': 'JTI=1234',
        Accept: 'application/vnd.kubernetes.protobuf, */*',
      },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).items[0].value).toBe('4');
    // §2.3: the review a Go apiserver sends for this request.
    expect(standin.accessReviews.map((r) => r.spec)).toEqual([
      {
        resourceAttributes: {
          namespace: 'shop',
          verb: 'list',
          group: 'external.metrics.k8s.io',
          version: 'v1beta1',
          resource: 'costscale_replicas',
          labelSelector: { requirements: [{ key: 'policy', operator: 'In', values: ['orders'] }] },
        },
        user: HPA_USER,
        groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
        extra: { 'authentication.kubernetes.io/credential-id': ['JTI=1234'] },
      },
    ]);
  });

  test('X-Remote-User without a client certificate is not trusted: the request is anonymous', async () => {
    const res = await request(VALUE_PATH, {
      headers: { 'X-Remote-User': HPA_USER, 'X-Remote-Group': 'system:masters' },
    });
    expect(res.status).toBe(403);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toBe(
      statusBody(
        'costscale_replicas.external.metrics.k8s.io is forbidden: User "system:anonymous" cannot list resource "costscale_replicas" in API group "external.metrics.k8s.io" in the namespace "shop": no RBAC policy matched',
        'Forbidden',
        403,
        { group: 'external.metrics.k8s.io', kind: 'costscale_replicas' },
      ),
    );
    expect(standin.accessReviews[0]?.spec).toMatchObject({
      user: 'system:anonymous',
      groups: ['system:unauthenticated'],
    });
  });

  test('X-Remote-User with a proxy certificate from another CA is 401', async () => {
    const forged = rogueCA.issue({ commonName: 'front-proxy-client', usages: ['clientAuth'] });
    const res = await request(VALUE_PATH, { cert: forged, headers: { 'X-Remote-User': HPA_USER } });
    expect(res.status).toBe(401);
    expect(res.body).toBe(UNAUTHORIZED);
    expect(standin.accessReviews).toHaveLength(0);
  });

  test('a proxy certificate whose CN is not an allowed name is 401', async () => {
    const other = frontProxyCA.issue({ commonName: 'someone-else', usages: ['clientAuth'] });
    const res = await request(VALUE_PATH, { cert: other, headers: { 'X-Remote-User': HPA_USER } });
    expect(res.status).toBe(401);
  });

  test('with an empty allowed-names list any certificate of the CA passes (ConfigMap reloaded live)', async () => {
    const other = frontProxyCA.issue({ commonName: 'someone-else', usages: ['clientAuth'] });
    standin.authenticationConfigMap = authenticationConfigMap([]);
    try {
      await waitFor('allowed names to reload', async () => {
        const res = await request(VALUE_PATH, { cert: other, headers: { 'X-Remote-User': HPA_USER } });
        return res.status === 200;
      });
    } finally {
      standin.authenticationConfigMap = authenticationConfigMap(['front-proxy-client']);
    }
    await waitFor('allowed names to be restored', async () => {
      const res = await request(VALUE_PATH, { cert: other, headers: { 'X-Remote-User': HPA_USER } });
      return res.status === 401;
    });
  });

  test('a proxy certificate without the clientAuth usage is 401', async () => {
    const serverOnly = frontProxyCA.issue({ commonName: 'front-proxy-client', usages: ['serverAuth'] });
    expect(
      (await request(VALUE_PATH, { cert: serverOnly, headers: { 'X-Remote-User': HPA_USER } })).status,
    ).toBe(401);
  });

  test('an expired proxy certificate is 401', async () => {
    const expired = frontProxyCA.issue({
      commonName: 'front-proxy-client',
      usages: ['clientAuth'],
      notBefore: new Date(NOW - 10 * DAY_MS),
      notAfter: new Date(NOW - DAY_MS),
    });
    expect(
      (await request(VALUE_PATH, { cert: expired, headers: { 'X-Remote-User': HPA_USER } })).status,
    ).toBe(401);
  });

  test('a proxy certificate issued through a presented intermediate is accepted', async () => {
    const intermediate = frontProxyCA.intermediate('front-proxy-intermediate');
    const leaf = intermediate.issue({ commonName: 'front-proxy-client', usages: ['clientAuth'] });
    const chain = { cert: leaf.cert + intermediate.cert, key: leaf.key };
    expect((await request(VALUE_PATH, { cert: chain, headers: { 'X-Remote-User': HPA_USER } })).status).toBe(
      200,
    );
    expect((await request(VALUE_PATH, { cert: leaf, headers: { 'X-Remote-User': HPA_USER } })).status).toBe(
      401,
    );
  });

  test('a verified proxy certificate without X-Remote-User authenticates nobody', async () => {
    expect((await request(VALUE_PATH, { cert: proxyClient })).status).toBe(401);
  });

  test('§2.4 the availability probe as system:masters needs no review', async () => {
    const res = await request(GV, {
      cert: proxyClient,
      headers: { 'X-Remote-User': 'system:kube-aggregator', 'X-Remote-Group': 'system:masters' },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).kind).toBe('APIResourceList');
    expect(standin.accessReviews).toHaveLength(0);
  });

  test('§1.6 the OpenAPI downloader (system:aggregator, no groups) is authorized by review and gets 404', async () => {
    const res = await request('/openapi/v2', {
      cert: proxyClient,
      headers: { 'X-Remote-User': 'system:aggregator' },
    });
    expect(res.status).toBe(404);
    expect(standin.accessReviews.map((r) => r.spec)).toEqual([
      {
        nonResourceAttributes: { path: '/openapi/v2', verb: 'get' },
        user: 'system:aggregator',
        groups: ['system:authenticated'],
      },
    ]);
  });
});

describe('§2.2 client-CA certificates', () => {
  test('user = CN, groups = O, extra credential-id = SHA-256 of the certificate', async () => {
    const jane = clientCA.issue({
      commonName: 'jane',
      organizations: ['devs', 'ops'],
      usages: ['clientAuth'],
    });
    const res = await request(VALUE_PATH, { cert: jane });
    expect(res.status).toBe(200);
    const digest = new X509Certificate(jane.cert).fingerprint256.replace(/:/g, '').toLowerCase();
    expect(standin.accessReviews[0]?.spec).toMatchObject({
      user: 'jane',
      groups: ['devs', 'ops', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/credential-id': [`X509SHA256=${digest}`] },
    });
  });

  test('a client certificate from an unknown CA is 401 and X-Remote headers do not help', async () => {
    const mallory = rogueCA.issue({ commonName: 'jane', usages: ['clientAuth'] });
    expect((await request(VALUE_PATH, { cert: mallory, headers: { 'X-Remote-User': 'jane' } })).status).toBe(
      401,
    );
  });

  test('a denied user gets the Forbidden Status with the reviewer reason', async () => {
    const bob = clientCA.issue({ commonName: 'bob', usages: ['clientAuth'] });
    const res = await request(VALUE_PATH, { cert: bob });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).message).toBe(
      'costscale_replicas.external.metrics.k8s.io is forbidden: User "bob" cannot list resource "costscale_replicas" in API group "external.metrics.k8s.io" in the namespace "shop": no RBAC policy matched',
    );
  });
});

describe('§2.2 bearer tokens through TokenReview (10 s cache)', () => {
  beforeAll(() => {
    standin.tokens.set('alice-token', { username: 'alice', uid: 'u-1', groups: ['team-a'] });
  });

  test('an accepted token is reviewed once and cached for 10 s', async () => {
    const headers = { Authorization: 'Bearer alice-token' };
    expect((await request(VALUE_PATH, { headers })).status).toBe(200);
    expect((await request(VALUE_PATH, { headers })).status).toBe(200);
    expect(standin.tokenReviews).toEqual(['alice-token']);
    expect(standin.accessReviews[0]?.spec).toMatchObject({
      user: 'alice',
      uid: 'u-1',
      groups: ['team-a', 'system:authenticated'],
    });
    clock += 9_999;
    expect((await request(VALUE_PATH, { headers })).status).toBe(200);
    expect(standin.tokenReviews).toHaveLength(1);
    clock += 1;
    expect((await request(VALUE_PATH, { headers })).status).toBe(200);
    expect(standin.tokenReviews).toHaveLength(2);
  });

  test('a rejected token is 401, and the rejection is cached for 10 s too', async () => {
    const headers = { Authorization: 'Bearer wrong-token' };
    const res = await request(VALUE_PATH, { headers });
    expect(res.status).toBe(401);
    expect(res.body).toBe(UNAUTHORIZED);
    expect((await request(VALUE_PATH, { headers })).status).toBe(401);
    expect(standin.tokenReviews).toEqual(['wrong-token']);
    standin.tokens.set('wrong-token', { username: 'alice' });
    try {
      expect((await request(VALUE_PATH, { headers })).status).toBe(401);
      clock += 10_000;
      expect((await request(VALUE_PATH, { headers })).status).toBe(200);
    } finally {
      standin.tokens.delete('wrong-token');
    }
  });

  test('on one kept-alive connection a review is reused until it expires, and only for the same token', async () => {
    standin.tokens.set('bob-token', { username: 'bob' });
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    const send = async (token: string): Promise<number> => {
      const res = await httpsRequest(base, VALUE_PATH, {
        ca: api.servingCA as string,
        headers: { Authorization: `Bearer ${token}` },
        agent,
      });
      return res.status;
    };
    agent.on('free', (socket) => sockets.add(socket));
    try {
      expect(await send('alice-token')).toBe(200);
      expect(await send('alice-token')).toBe(200);
      expect(standin.tokenReviews).toEqual(['alice-token']);
      // Another token on the same connection gets its own review and its own answer.
      expect(await send('bob-token')).toBe(403);
      expect(await send('alice-token')).toBe(200);
      expect(standin.tokenReviews).toEqual(['alice-token', 'bob-token']);
      clock += 10_000;
      expect(await send('alice-token')).toBe(200);
      expect(standin.tokenReviews).toEqual(['alice-token', 'bob-token', 'alice-token']);
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
      standin.tokens.delete('bob-token');
    }
  });

  test('the scheme is case-insensitive and other schemes are ignored', async () => {
    expect((await request(VALUE_PATH, { headers: { Authorization: 'bearer alice-token' } })).status).toBe(
      200,
    );
    const basic = await request(VALUE_PATH, { headers: { Authorization: 'Basic YWxpY2U6eA==' } });
    expect(basic.status).toBe(403);
    expect(standin.accessReviews.at(-1)?.spec).toMatchObject({ user: 'system:anonymous' });
  });
});

describe('§2.3 delegated authorization (10 s allow and deny caches)', () => {
  const hpaHeaders = { 'X-Remote-User': HPA_USER, 'X-Remote-Group': 'system:serviceaccounts' };

  test('a denial is cached for 10 s, then the reviewer is asked again', async () => {
    standin.authorize = () => ({ allowed: false, reason: 'not yet' });
    expect((await request(VALUE_PATH, { cert: proxyClient, headers: hpaHeaders })).status).toBe(403);
    standin.authorize = rbac;
    clock += 9_999;
    expect((await request(VALUE_PATH, { cert: proxyClient, headers: hpaHeaders })).status).toBe(403);
    expect(standin.accessReviews).toHaveLength(1);
    clock += 1;
    expect((await request(VALUE_PATH, { cert: proxyClient, headers: hpaHeaders })).status).toBe(200);
    expect(standin.accessReviews).toHaveLength(2);
  });

  test('an allowance is cached for 10 s', async () => {
    expect((await request(VALUE_PATH, { cert: proxyClient, headers: hpaHeaders })).status).toBe(200);
    standin.authorize = () => ({ allowed: false, reason: 'revoked' });
    clock += 9_999;
    expect((await request(VALUE_PATH, { cert: proxyClient, headers: hpaHeaders })).status).toBe(200);
    clock += 1;
    const res = await request(VALUE_PATH, { cert: proxyClient, headers: hpaHeaders });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).message).toMatch(/: revoked$/);
  });

  test('selectors that map to the same requirements share one cached review', async () => {
    await request(VALUE_PATH, { cert: proxyClient, headers: hpaHeaders });
    await request(`${GV}/namespaces/shop/costscale_replicas?labelSelector=policy+in+%28orders%29`, {
      cert: proxyClient,
      headers: hpaHeaders,
    });
    await request(`${GV}/namespaces/shop/costscale_replicas?labelSelector=policy%3Dorders%2Cx%3E1`, {
      cert: proxyClient,
      headers: hpaHeaders,
    });
    // `policy=orders` and `policy in (orders)` map to the same requirement; `x>1` is dropped from reviews.
    expect(standin.accessReviews).toHaveLength(1);
  });

  test('health paths are always allowed; other non-resource paths are reviewed', async () => {
    for (const p of ['/healthz', '/livez', '/readyz']) expect((await request(p)).status).toBe(200);
    expect(standin.accessReviews).toHaveLength(0);
    const apis = await request('/apis');
    expect(apis.status).toBe(403);
    expect(apis.body).toBe(
      statusBody(
        'forbidden: User "system:anonymous" cannot get path "/apis": no RBAC policy matched',
        'Forbidden',
        403,
        {},
      ),
    );
  });

  test('a failing reviewer is an internal error and is not cached', async () => {
    standin.authorize = () => {
      throw new Error('etcd is sad');
    };
    const res = await request(VALUE_PATH, { cert: proxyClient, headers: hpaHeaders });
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body)).toMatchObject({ reason: 'InternalError', code: 500 });
    expect(JSON.parse(res.body).message).toMatch(
      /^Internal error occurred: create SubjectAccessReview: HTTP 500: etcd is sad/,
    );
    standin.authorize = rbac;
    expect((await request(VALUE_PATH, { cert: proxyClient, headers: hpaHeaders })).status).toBe(200);
  });
});

describe('configuration', () => {
  test('front-proxy trust from files outside a cluster', async () => {
    const caFile = path.join(workDir, 'front-proxy-ca.crt');
    writeFileSync(caFile, frontProxyCA.cert);
    const [server, url] = await startServer({
      mode: 'delegated',
      requestHeader: { clientCAFile: caFile, allowedNames: ['front-proxy-client'] },
    });
    const target = { server, url };
    try {
      const masters = { 'X-Remote-User': 'admin', 'X-Remote-Group': 'system:masters' };
      expect((await request(VALUE_PATH, { target, cert: proxyClient, headers: masters })).status).toBe(200);
      // Without a Kubernetes API nothing but system:masters and health paths is authorized.
      expect(
        (
          await request(VALUE_PATH, {
            target,
            cert: proxyClient,
            headers: { 'X-Remote-User': HPA_USER },
          })
        ).status,
      ).toBe(403);
      expect((await request('/livez', { target })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  test('a missing extension-apiserver-authentication ConfigMap stops the server from starting', async () => {
    const saved = standin.authenticationConfigMap;
    standin.authenticationConfigMap = undefined;
    try {
      const kubeApi = standinApi();
      await expect(startServer({ mode: 'delegated', kubeApi })).rejects.toThrow(
        'ConfigMap kube-system/extension-apiserver-authentication not found',
      );
    } finally {
      standin.authenticationConfigMap = saved;
    }
  });

  test('local mode serves without authentication and logs a warning', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const server = await createApiServer({
      snapshot: holder,
      tls: { serviceName: 'costscale', serviceNamespace: 'costscale' },
      auth: { mode: 'local' },
      logger,
      now: () => clock,
    });
    const address = await server.listen(0, '127.0.0.1');
    try {
      const res = await httpsRequest(`https://127.0.0.1:${address.port}`, VALUE_PATH, {
        ca: server.servingCA as string,
      });
      expect(res.status).toBe(200);
      expect(standin.accessReviews).toHaveLength(0);
      const warning = lines.map((l) => JSON.parse(l)).find((l) => l.level === 40);
      expect(warning?.msg).toMatch(/"local".*no authentication or authorization/);
    } finally {
      await server.close();
    }
  });

  test('the serving certificate is reloaded when its files change', async () => {
    const servingCA = createCA('serving-ca');
    const first = localServerCertificate(servingCA, 'first');
    const second = localServerCertificate(servingCA, 'second');
    const certFile = path.join(workDir, 'tls.crt');
    const keyFile = path.join(workDir, 'tls.key');
    writeFileSync(certFile, first.cert);
    writeFileSync(keyFile, first.key);
    const server = await createApiServer({
      snapshot: holder,
      tls: {
        certFile,
        keyFile,
        serviceName: 'costscale',
        serviceNamespace: 'costscale',
        reloadIntervalMs: 50,
      },
      auth: { mode: 'local' },
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const servedCommonName = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = tls.connect(
          { host: '127.0.0.1', port, ca: servingCA.cert, servername: 'localhost' },
          () => {
            resolve(String(socket.getPeerCertificate().subject.CN));
            socket.end();
          },
        );
        socket.once('error', reject);
      });
    try {
      expect(server.servingCA).toBeUndefined();
      expect(await servedCommonName()).toBe('first');
      writeFileSync(keyFile, second.key);
      writeFileSync(certFile, second.cert);
      await waitFor('the new certificate', async () => (await servedCommonName()) === 'second', 10_000);
    } finally {
      await server.close();
    }
  });
});
