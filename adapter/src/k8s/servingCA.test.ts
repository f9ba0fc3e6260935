import { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateCA, generateServingCertificate } from '../server/tls';
import { loadKubeConnection, type KubeConnection } from './connection';
import { caBundlePublisher, servingCAStore, sharedServingCA } from './servingCA';

// Against a stand-in that follows the Kubernetes API paths and semantics used here: core/v1 Secrets
// (GET 404, POST 201 or 409 AlreadyExists) and apiregistration.k8s.io/v1 APIServices (GET, merge PATCH
// where null deletes a field).

const SECRETS = '/api/v1/namespaces/costscale/secrets';
const API_SERVICE = '/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.external.metrics.k8s.io';

interface Stored {
  secrets: Map<string, { data: Record<string, string> }>;
  apiService: { spec: Record<string, unknown> };
  calls: string[];
  failPatches: number;
}

let server: Server;
let connection: KubeConnection;
const newCA = (commonName: string) => generateCA(commonName, new Date());
const state: Stored = { secrets: new Map(), apiService: { spec: {} }, calls: [], failPatches: 0 };

const status = (code: number, reason: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  reason,
  code,
});

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const send = (code: number, obj: unknown) => {
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      const url = req.url ?? '';
      state.calls.push(`${req.method} ${url}`);
      if (url.startsWith(`${SECRETS}/`) && req.method === 'GET') {
        const found = state.secrets.get(decodeURIComponent(url.slice(SECRETS.length + 1)));
        return found ? send(200, found) : send(404, status(404, 'NotFound'));
      }
      if (url === SECRETS && req.method === 'POST') {
        const secret = JSON.parse(body) as { metadata: { name: string }; data: Record<string, string> };
        if (state.secrets.has(secret.metadata.name)) return send(409, status(409, 'AlreadyExists'));
        state.secrets.set(secret.metadata.name, secret);
        return send(201, secret);
      }
      if (url === API_SERVICE && req.method === 'GET') return send(200, state.apiService);
      if (url === API_SERVICE && req.method === 'PATCH') {
        if (req.headers['content-type'] !== 'application/merge-patch+json')
          return send(415, status(415, 'UnsupportedMediaType'));
        if (state.failPatches > 0) {
          state.failPatches--;
          return send(403, status(403, 'Forbidden'));
        }
        const patch = JSON.parse(body) as { spec: Record<string, unknown> };
        for (const [k, v] of Object.entries(patch.spec)) {
          if (v === null) delete state.apiService.spec[k];
          else state.apiService.spec[k] = v;
        }
        return send(200, state.apiService);
      }
      send(404, status(404, 'NotFound'));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const dir = mkdtempSync(path.join(tmpdir(), 'costscale-ca-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{ name: t, cluster: { server: 'http://127.0.0.1:${(server.address() as AddressInfo).port}', insecure-skip-tls-verify: true } }]
users: [{ name: t, user: { token: t } }]
contexts: [{ name: t, context: { cluster: t, user: t } }]
current-context: t
`,
  );
  connection = loadKubeConnection(kubeconfig)!;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

// RSA key generation takes a few hundred milliseconds per key on a loaded machine.
jest.setTimeout(30_000);

const target = {
  namespace: 'costscale',
  secretName: 'costscale-serving-ca',
  apiService: 'v1beta1.external.metrics.k8s.io',
};

test('replicas starting together end up with one CA, kept in the Secret', async () => {
  const generate = () => generateCA('costscale-ca', new Date());
  const [a, b] = await Promise.all([
    servingCAStore(connection, target).loadOrCreate(generate),
    servingCAStore(connection, target).loadOrCreate(generate),
  ]);
  expect(a).toEqual(b);
  const stored = state.secrets.get('costscale-serving-ca')!.data;
  expect(Buffer.from(stored['ca.crt']!, 'base64').toString()).toBe(a.cert);
  // A later replica reads it and creates nothing.
  const posts = state.calls.filter((c) => c.startsWith('POST')).length;
  expect(await servingCAStore(connection, target).loadOrCreate(generate)).toEqual(a);
  expect(state.calls.filter((c) => c.startsWith('POST')).length).toBe(posts);

  // Each replica's serving certificate verifies against that CA.
  const serving = await generateServingCertificate('costscale', 'costscale', new Date(), a);
  const caCert = new X509Certificate(a.cert);
  expect(new X509Certificate(serving.cert).verify(caCert.publicKey)).toBe(true);
  expect(new X509Certificate(serving.cert).checkHost('costscale.costscale.svc')).toBe(
    'costscale.costscale.svc',
  );
  expect(serving.caCert).toBe(a.cert);
});

test('the APIService gets the CA as caBundle and loses insecureSkipTLSVerify; an unchanged one is not written', async () => {
  state.apiService = { spec: { group: 'external.metrics.k8s.io', insecureSkipTLSVerify: true } };
  const ca = await generateCA('costscale-ca', new Date());
  const store = servingCAStore(connection, target);
  expect(await store.publish(ca.cert)).toBe(true);
  expect(state.apiService.spec).toEqual({
    group: 'external.metrics.k8s.io',
    caBundle: Buffer.from(ca.cert).toString('base64'),
  });
  const patches = state.calls.filter((c) => c.startsWith('PATCH')).length;
  expect(await store.publish(ca.cert)).toBe(false);
  expect(state.calls.filter((c) => c.startsWith('PATCH')).length).toBe(patches);
});

test('a refused patch is retried until it succeeds', async () => {
  state.apiService = { spec: {} };
  state.failPatches = 2;
  const ca = await generateCA('costscale-ca', new Date());
  const logged: string[] = [];
  let third: () => void = () => undefined;
  const thirdLine = new Promise<void>((resolve) => (third = resolve));
  const log = (_o: object, m: string) => {
    if (logged.push(m) === 3) third();
  };
  const publisher = caBundlePublisher(
    servingCAStore(connection, target),
    ca.cert,
    { info: log, warn: log },
    20,
  );
  await publisher.start();
  // The success is logged after the patch lands, so wait for the third log line, not for the patch
  // (jest's timeout bounds the wait).
  await thirdLine;
  publisher.stop();
  expect(state.apiService.spec.caBundle).toBe(Buffer.from(ca.cert).toString('base64'));
  expect(logged).toEqual([
    'setting the APIService caBundle failed',
    'setting the APIService caBundle failed',
    'APIService caBundle holds the serving CA',
  ]);
});

test('sharedServingCA: only without certificate files, and only with a Kubernetes API', async () => {
  const tls = { serviceName: 'costscale', serviceNamespace: 'costscale', publishCA: target };
  expect(await sharedServingCA({ ...tls, certFile: '/tls/tls.crt' }, connection, newCA)).toBeUndefined();
  expect(
    await sharedServingCA({ serviceName: 'costscale', serviceNamespace: 'costscale' }, connection, newCA),
  ).toBeUndefined();
  await expect(sharedServingCA(tls, undefined, newCA)).rejects.toThrow(
    /server\.tls\.publishCA needs the Kubernetes API/,
  );
  const shared = await sharedServingCA(tls, connection, newCA);
  expect(Buffer.from(state.secrets.get('costscale-serving-ca')!.data['ca.crt']!, 'base64').toString()).toBe(
    shared!.issuer.cert,
  );
});
