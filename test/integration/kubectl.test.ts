// kubectl (client-go) as a real client of the External Metrics API server: bearer token through the
// TokenReview stand-in, the server's generated CA, and `kubectl get --raw` as in the issue.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SnapshotHolder } from '../../adapter/src/snapshot/snapshot';
import { loadKubeConnection } from '../../adapter/src/k8s/connection';
import { createKubernetesAuthApi } from '../../adapter/src/server/auth';
import type { ApiServer } from '../../adapter/src/server/external-metrics';
import { createApiServer } from '../../adapter/src/server/external-metrics';
import type { KubernetesStandin } from '../support/k8s-standin';
import { startKubernetesStandin } from '../support/k8s-standin';
import { run } from '../support/processes';

const NOW = Math.floor(Date.now() / 1000) * 1000;
const TOKEN = 'kubectl-token';

let workDir: string;
let standin: KubernetesStandin;
let api: ApiServer;
let server: string;
let caFile: string;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'costscale-kubectl-'));
  standin = await startKubernetesStandin();
  standin.tokens.set(TOKEN, { username: 'alice', groups: ['sre'] });
  standin.authorize = (spec) => ({ allowed: spec.user === 'alice', reason: 'only alice' });
  standin.authenticationConfigMap = {};
  const connection = loadKubeConnection(standin.writeKubeconfig(workDir));
  if (connection === undefined) throw new Error('no stand-in connection');
  api = await createApiServer({
    snapshot: new SnapshotHolder({
      generatedAt: NOW,
      tick: 1,
      policies: [
        {
          name: 'checkout',
          namespace: 'shop',
          labels: { policy: 'checkout', tier: 'web' },
          allowedNamespaces: [],
          values: {
            costscale_replicas: 6,
            costscale_load: 5.25,
            costscale_cost_per_hour: 0.75,
            costscale_budget_pressure: 0.1,
            costscale_forecast_demand: 420,
          },
          valuesAt: NOW,
        },
      ],
    }),
    tls: { serviceName: 'costscale', serviceNamespace: 'costscale' },
    auth: { mode: 'delegated', kubeApi: createKubernetesAuthApi(connection) },
  });
  const address = await api.listen(0, '127.0.0.1');
  server = `https://127.0.0.1:${address.port}`;
  caFile = path.join(workDir, 'serving-ca.crt');
  writeFileSync(caFile, api.servingCA as string);
});

afterAll(async () => {
  await api?.close();
  await standin?.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** kubectl with an isolated HOME, kubeconfig and discovery cache. */
function kubectl(args: string[], token = TOKEN): Promise<string> {
  return run(
    'kubectl',
    [
      '--server',
      server,
      '--certificate-authority',
      caFile,
      '--token',
      token,
      '--cache-dir',
      path.join(workDir, 'cache'),
      ...args,
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: workDir,
        KUBECONFIG: path.join(workDir, 'no-such-kubeconfig'),
      },
    },
  );
}

test('kubectl get --raw returns the value list the HPA would read', async () => {
  const out = await kubectl([
    'get',
    '--raw',
    '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/costscale_replicas?labelSelector=policy%3Dcheckout',
  ]);
  const list = JSON.parse(out);
  expect(list).toEqual({
    kind: 'ExternalMetricValueList',
    apiVersion: 'external.metrics.k8s.io/v1beta1',
    metadata: {},
    items: [
      {
        metricName: 'costscale_replicas',
        metricLabels: { policy: 'checkout', tier: 'web' },
        timestamp: new Date(NOW).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        value: '6',
      },
    ],
  });
  expect(standin.tokenReviews).toContain(TOKEN);
});

test('kubectl get --raw returns the APIResourceList', async () => {
  const list = JSON.parse(await kubectl(['get', '--raw', '/apis/external.metrics.k8s.io/v1beta1']));
  expect(list.kind).toBe('APIResourceList');
  expect(list.groupVersion).toBe('external.metrics.k8s.io/v1beta1');
  expect(list.resources.map((r: { name: string }) => r.name)).toContain('costscale_load');
});

test('client-go turns our Status bodies into its error messages (§1.9)', async () => {
  await expect(
    kubectl(['get', '--raw', '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_depth']),
  ).rejects.toThrow(
    /Error from server \(NotFound\): the server could not find the metric queue_depth for queue_depth\.external\.metrics\.k8s\.io/,
  );
  await expect(
    kubectl([
      'get',
      '--raw',
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/costscale_load?labelSelector=env%3D%28prod%29',
    ]),
  ).rejects.toThrow(
    /Error from server \(BadRequest\): unable to parse requirement: found '\(', expected: identifier/,
  );
  await expect(
    kubectl(['get', '--raw', '/apis/external.metrics.k8s.io/v1beta1'], 'bad-token'),
  ).rejects.toThrow(/Unauthorized/);
});
