import { mkdtemp } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Service } from '../../adapter/src/main';
import { startHaReplica } from '../support/ha-replica';
import { leaseStandIn, serveWithKubeconfig, type LeaseStandIn } from '../support/lease-standin';
import { freePort, waitFor } from '../support/ports';
import { startPostgres, type PostgresHandle } from '../support/postgres';
import { startPrometheus, type PrometheusHandle } from '../support/prometheus';

// Issue 16, defects 1 and 2: adapter replicas over one real PostgreSQL, which is then stopped. A
// follower with the replication token keeps answering HPA reads with fresh values fetched from the
// leader over HTTPS, long past the staleness bound. The baseline, in the same run, is a follower
// without the token (PostgreSQL only, as before this change): it answers 503 and turns unready.

const STALENESS_SECONDS = 3;
const TOKEN = 'replication-token-for-tests-0123456789abcdef';

let prom: PrometheusHandle;
let pg: PostgresHandle;
let standIn: LeaseStandIn;
let dir: string;
const services: Array<{ service: Service; metricsPort: number }> = [];

async function replica(name: string, withToken = true): Promise<{ service: Service; metricsPort: number }> {
  const metricsPort = await freePort();
  const service = await startHaReplica({
    dir,
    name,
    prometheusUrl: prom.url,
    databaseUrl: pg.url,
    metricsPort,
    stalenessSeconds: STALENESS_SECONDS,
    replicationToken: withToken ? TOKEN : undefined,
    logLevel: 'error',
  });
  services.push({ service, metricsPort });
  return { service, metricsPort };
}

function externalMetric(service: Service): Promise<{ status: number; body: string }> {
  const path =
    '/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/costscale_replicas?labelSelector=policy%3Dweb';
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: service.apiPort,
        path,
        ca: service.apiServer.servingCA,
        servername: 'localhost',
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const readyz = async (port: number): Promise<number> =>
  (await fetch(`http://127.0.0.1:${port}/readyz`)).status;

beforeAll(async () => {
  [prom, pg] = await Promise.all([startPrometheus(), startPostgres()]);
  dir = await mkdtemp(join(tmpdir(), 'costscale-ha-'));
  standIn = leaseStandIn();
  await serveWithKubeconfig(standIn, join(dir, 'kubeconfig'));
});

afterAll(async () => {
  for (const { service } of services) await service.stop('test end');
  standIn?.server.close();
  await prom?.destroy();
  await pg?.destroy();
});

test('with PostgreSQL stopped, a follower with the token keeps answering 200 with fresh values; one without answers 503', async () => {
  const leader = await replica('replica-a');
  await waitFor('replica-a leads', async () => leader.service.isLeader(), 15000);
  const follower = await replica('replica-b');
  const baseline = await replica('replica-c', false);
  expect(follower.service.isLeader() || baseline.service.isLeader()).toBe(false);
  expect(standIn.lease()?.spec.holderIdentity).toBe('replica-a');
  expect(standIn.lease()?.metadata.annotations?.['costscale.io/snapshot-address']).toBe(
    `https://127.0.0.1:${leader.service.apiPort}`,
  );
  for (const r of [follower, baseline])
    await waitFor('the followers are ready', async () => (await readyz(r.metricsPort)) === 200, 15000);

  await pg.stop();
  const stoppedAt = Date.now();
  // Twice the staleness bound: a follower reading only PostgreSQL now serves Status errors.
  await new Promise((r) => setTimeout(r, 2 * STALENESS_SECONDS * 1000 + 1000));
  expect(leader.service.isLeader()).toBe(true);

  const answer = await externalMetric(follower.service);
  expect(answer.status).toBe(200);
  const items = (JSON.parse(answer.body) as { items: Array<{ value: string; timestamp: string }> }).items;
  expect(items.map((i) => i.value)).toEqual(['5']); // 42 / 10 → 5 replicas, computed by the leader
  expect(Date.parse(items[0]!.timestamp)).toBeGreaterThan(stoppedAt);
  expect(follower.service.holder.current()!.policies[0]!.valuesAt).toBeGreaterThan(stoppedAt);
  expect(await readyz(follower.metricsPort)).toBe(200);

  expect((await externalMetric(baseline.service)).status).toBe(503);
  expect(await readyz(baseline.metricsPort)).toBe(500); // a failing check, as a Go apiserver's /readyz
}, 90000);
