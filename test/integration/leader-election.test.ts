import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Service } from '../../adapter/src/main';
import { openPostgres } from '../../adapter/src/store/db';
import { TestDatabases } from '../support/databases';
import { startHaReplica } from '../support/ha-replica';
import { leaseStandIn, serveWithKubeconfig, type LeaseStandIn } from '../support/lease-standin';
import { freePort, waitFor } from '../support/ports';
import { startPrometheus, type PrometheusHandle } from '../support/prometheus';

// Two adapter replicas against one real PostgreSQL and a Kubernetes API stand-in serving
// coordination.k8s.io/v1 Leases (the only fake: no API server runs here): one leads and computes, the
// other serves its snapshot; when the leader stops, the follower takes over.

const dbs = new TestDatabases();
let prom: PrometheusHandle;
let standIn: LeaseStandIn;
let services: Service[] = [];
let databaseUrl: string;
let dir: string;

async function replica(name: string): Promise<Service> {
  return startHaReplica({
    dir,
    name,
    prometheusUrl: prom.url,
    databaseUrl,
    metricsPort: await freePort(),
    logLevel: 'warn',
  });
}

beforeAll(async () => {
  prom = await startPrometheus();
  databaseUrl = await dbs.freshUrl();
  dir = await mkdtemp(join(tmpdir(), 'costscale-lease-'));
  standIn = leaseStandIn();
  await serveWithKubeconfig(standIn, join(dir, 'kubeconfig'));
});

afterAll(async () => {
  for (const s of services) await s.stop('test end');
  standIn?.server.close();
  await prom?.destroy();
  await dbs.shutdown();
});

test('one replica leads and decides; the other serves its snapshot; the follower takes over when the leader stops', async () => {
  services = [await replica('replica-a'), await replica('replica-b')];
  const [a, b] = services as [Service, Service];
  await waitFor('a leader', async () => a.isLeader() !== b.isLeader(), 15000);
  const leader = a.isLeader() ? a : b;
  const follower = leader === a ? b : a;
  expect(standIn.lease()?.spec.holderIdentity).toBe(leader === a ? 'replica-a' : 'replica-b');

  // The follower serves the leader's own snapshot: both hold the same tick with the same values. Compared
  // at one tick, not read one after the other: the leader may tick between the two reads, and on a loaded
  // machine did (its forecast demand moved 42.73 → 43.25 between them).
  type Entry = NonNullable<ReturnType<Service['holder']['current']>>['policies'][number];
  let same: [Entry, Entry] | undefined;
  await waitFor(
    'follower serves the leader snapshot',
    async () => {
      const f = follower.holder.current()?.policies.find((p) => p.name === 'web');
      const l = leader.holder.current()?.policies.find((p) => p.name === 'web');
      if (f?.values?.costscale_replicas !== 5 || l === undefined || f.valuesAt !== l.valuesAt) return false;
      same = [f, l];
      return true;
    },
    15000,
  );
  const [f, l] = same!;
  // The leader's values read from its decision's columns, as it serves them (JSON).
  expect(f.values).toEqual(JSON.parse(JSON.stringify(l.values))); // 42 / 10 → 5 replicas, computed by the leader only

  // Only the leader writes decisions: one per tick, not one per replica per tick.
  const db = openPostgres(databaseUrl, 1);
  try {
    const before = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM decisions'))[0]!.n;
    const ticks0 = leader.engine.ticks;
    await waitFor('4 leader ticks', async () => leader.engine.ticks >= ticks0 + 4);
    await new Promise((r) => setTimeout(r, 300));
    const added = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM decisions'))[0]!.n - before;
    expect(added).toBeGreaterThanOrEqual(3);
    expect(added).toBeLessThanOrEqual(leader.engine.ticks - ticks0 + 1);

    // The leader stops and releases the lease; the follower takes over and decides itself.
    const transitions = Number(standIn.lease()?.spec.leaseTransitions ?? 0);
    await leader.stop('test: leader stops');
    services = [follower];
    await waitFor('take-over', async () => follower.isLeader(), 10000);
    expect(Number(standIn.lease()?.spec.leaseTransitions)).toBe(transitions + 1);
    const takeoverAt = Date.now();
    await waitFor(
      'the new leader decides',
      async () => (follower.holder.current()?.policies[0]?.valuesAt ?? 0) >= takeoverAt,
      10000,
    );
  } finally {
    await db.close();
  }
});
