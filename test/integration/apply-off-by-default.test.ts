import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../adapter/src/log';
import { startService, type Service } from '../../adapter/src/main';
import type { Recommendation } from '../../adapter/src/recommend/types';
import { createApiKey } from '../../adapter/src/store/apiKeys';
import { saveRegeneration } from '../../adapter/src/store/recommendations';
import { httpsRequest } from '../support/https-client';
import { startWorkloadsStandin, type WorkloadsStandin } from '../support/k8s-workloads-standin';
import { freePort } from '../support/ports';

// Issue 16, defect 9, through the service as main.ts wires it: with a Kubernetes API at hand but
// recommendations.apply left at its default, an operator key cannot patch a workload (409, and the
// API server sees no PATCH); with `apply: true` the same request patches it.

const IDLE: Recommendation = {
  kind: 'idle',
  namespace: 'shop',
  policy: 'web',
  target: { kind: 'Deployment', name: 'web' },
  summary: 'idle for web',
  monthlySavings: 12.5,
  currency: 'USD',
  evidence: {},
  slaCheck: {
    passed: true,
    scenario: 'costscale:web',
    hours: 168,
    toleranceMinutes: 7,
    before: {
      sloMissMinutes: 0,
      unmetDemand: 0,
      replicaHours: 96,
      meanReplicas: 4,
      peakReplicas: 4,
      cost: 3,
    },
    after: { sloMissMinutes: 0, unmetDemand: 0, replicaHours: 0, meanReplicas: 0, peakReplicas: 0, cost: 0 },
    sloMissIncreaseMinutes: 0,
    detail: 'SLO-miss minutes 0.0 → 0.0',
  },
  changes: [{ type: 'workload-replicas', workload: { kind: 'Deployment', name: 'web' }, replicas: 0 }],
};

let standin: WorkloadsStandin;
let dir: string;

beforeAll(async () => {
  standin = await startWorkloadsStandin();
  dir = await mkdtemp(join(tmpdir(), 'costscale-apply-'));
});
afterAll(async () => {
  await standin?.close();
  await rm(dir, { recursive: true, force: true });
});

async function applyWith(apply: boolean | undefined): Promise<{ status: number; patches: number }> {
  standin.put({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [] } } },
  });
  const file = join(dir, `config-${String(apply)}.yaml`);
  await writeFile(
    file,
    `prometheus:
  default: { url: 'http://127.0.0.1:9' }
policies:
  - name: web
    namespace: shop
    target: { name: web }
    demand: { query: 'sum(vector(1))' }
    capacityPerReplica: 10
    replicas: { min: 1, max: 20 }
server: { host: 127.0.0.1, port: 0, metricsPort: ${await freePort()}, auth: { mode: local, kubeconfig: '${standin.writeKubeconfig(dir)}' } }
database: { inMemory: true, spoolFile: '${join(dir, `${String(apply)}.spool`)}' }
engine: { leaderElection: { mode: 'off' } }
recommendations: { enabled: false${apply === undefined ? '' : `, apply: ${apply}`} }
log: { level: error }
`,
  );
  const service: Service = await startService(file, createLogger('error'));
  try {
    const { token } = await createApiKey(service.db, { name: 'ops', role: 'operator' }, Date.now());
    await service.db.transaction((tx) =>
      saveRegeneration(tx, [{ namespace: 'shop', policy: 'web', offered: [IDLE] }], Date.now(), 86_400_000),
    );
    const id = (await service.db.query<{ id: number }>('SELECT id FROM recommendations'))[0]!.id;
    const before = standin.requests.filter((r) => r.method === 'PATCH').length;
    const r = await httpsRequest(
      `https://127.0.0.1:${service.apiPort}`,
      `/api/v1/recommendations/${id}/apply`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        ca: service.apiServer.servingCA!,
        servername: 'localhost',
      },
    );
    return {
      status: r.status,
      patches: standin.requests.filter((q) => q.method === 'PATCH').length - before,
    };
  } finally {
    await service.stop('test end');
  }
}

test('by default an operator key cannot patch workloads, even with a Kubernetes API at hand', async () => {
  expect(await applyWith(undefined)).toEqual({ status: 409, patches: 0 });
  expect((standin.get('Deployment', 'shop', 'web')!.spec as { replicas: number }).replicas).toBe(4);
});

test('with recommendations.apply the same request patches the workload', async () => {
  expect(await applyWith(true)).toEqual({ status: 200, patches: 1 });
  expect((standin.get('Deployment', 'shop', 'web')!.spec as { replicas: number }).replicas).toBe(0);
});
