import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type Config } from '../../adapter/src/config/schema';
import { createWorkloadsApi } from '../../adapter/src/k8s/workloads';
import { createLogger } from '../../adapter/src/log';
import { collectWorkload, recommendationPrices } from '../../adapter/src/recommend-runtime/collect';
import { RecommendationJob } from '../../adapter/src/recommend-runtime/job';
import { createRecommender } from '../../adapter/src/recommend-runtime/offThread';
import { recommendWorkload } from '../../adapter/src/recommend/recommend';
import { loadKubeConnection } from '../../adapter/src/k8s/connection';
import { PrometheusClient, type Backends } from '../../adapter/src/sources';
import { migrate } from '../../adapter/src/store/migrate';
import { openPostgres } from '../../adapter/src/store/db';
import { listRecommendations } from '../../adapter/src/store/recommendations';
import { costscale, REPO } from '../support/cli';
import { TestDatabases } from '../support/databases';
import { startWorkloadsStandin, type WorkloadsStandin } from '../support/k8s-workloads-standin';
import { startPrometheus, toOpenMetrics, type PrometheusHandle } from '../support/prometheus';

// Recommendations from a real Prometheus holding two days of what a cluster exports: requests
// (the policy's demand), cAdvisor CPU and memory per pod and container, kube-state-metrics requests,
// limits, replicas and the HPA — plus a sibling Deployment `web-worker` whose pods a loose name
// match would mistake for `web`'s. Two `web` pods share a daily wave of 20–180 requests/s and use
// 0.02 + 0.002 core per request/s each, against a request of 1 core and 2 GiB.

const STEP = 60;
const DAY = 86_400;
const END = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600;
const START = END - 2 * DAY;
const MIB = 1024 * 1024;
const PODS = ['web-6d4cf56db6-abcde', 'web-6d4cf56db6-fghij'];
const DECOY = 'web-worker-5f9b8c7d6-zzzzz';
const rate = (t: number) => 100 + 80 * Math.sin((2 * Math.PI * t) / DAY);
const QUERY = 'sum(rate(http_requests_total{service="web"}[5m]))';

function history(): string {
  const times = Array.from({ length: (END - START) / STEP + 1 }, (_, i) => START + i * STEP);
  let requests = 0;
  let cpu = 0;
  let decoyCpu = 0;
  const counters = times.map((t) => {
    requests += rate(t) * STEP;
    cpu += (0.02 + 0.002 * (rate(t) / PODS.length)) * STEP;
    decoyCpu += 3 * STEP;
    return { t, requests, cpu, decoyCpu };
  });
  const gauge = (name: string, labels: Record<string, string>, value: number) => ({
    name,
    labels,
    samples: times.map((t): [number, number] => [t, value]),
  });
  const ns = { namespace: 'shop' };
  const hpa = { ...ns, horizontalpodautoscaler: 'web' };
  return toOpenMetrics([
    {
      name: 'http_requests_total',
      labels: { service: 'web' },
      samples: counters.map((c) => [c.t, c.requests]),
    },
    ...PODS.flatMap((pod) => [
      {
        name: 'container_cpu_usage_seconds_total',
        labels: { ...ns, pod, container: 'app' },
        samples: counters.map((c): [number, number] => [c.t, c.cpu]),
      },
      gauge('container_memory_working_set_bytes', { ...ns, pod, container: 'app' }, 300 * MIB),
      gauge(
        'kube_pod_container_resource_requests',
        { ...ns, pod, container: 'app', resource: 'cpu', unit: 'core' },
        1,
      ),
      gauge(
        'kube_pod_container_resource_requests',
        { ...ns, pod, container: 'app', resource: 'memory', unit: 'byte' },
        2048 * MIB,
      ),
      gauge(
        'kube_pod_container_resource_limits',
        { ...ns, pod, container: 'app', resource: 'cpu', unit: 'core' },
        2,
      ),
    ]),
    {
      name: 'container_cpu_usage_seconds_total',
      labels: { ...ns, pod: DECOY, container: 'worker' },
      samples: counters.map((c): [number, number] => [c.t, c.decoyCpu]),
    },
    gauge(
      'kube_pod_container_resource_requests',
      { ...ns, pod: DECOY, container: 'worker', resource: 'cpu', unit: 'core' },
      4,
    ),
    gauge('kube_deployment_status_replicas', { ...ns, deployment: 'web' }, 2),
    gauge(
      'kube_horizontalpodautoscaler_info',
      { ...hpa, scaletargetref_kind: 'Deployment', scaletargetref_name: 'web' },
      1,
    ),
    gauge('kube_horizontalpodautoscaler_spec_min_replicas', hpa, 2),
    gauge('kube_horizontalpodautoscaler_spec_max_replicas', hpa, 10),
    gauge(
      'kube_horizontalpodautoscaler_spec_target_metric',
      { ...hpa, metric_name: 'costscale_replicas', metric_target_type: 'average' },
      1,
    ),
  ]);
}

const dbs = new TestDatabases();
let prom: PrometheusHandle;
let dir: string;
let standin: WorkloadsStandin;
let backends: Backends;
let config: Config;
const rawConfig = () => ({
  prometheus: { default: { url: prom.url, cacheSeconds: 0 } },
  policies: [
    {
      name: 'web',
      namespace: 'shop',
      target: { name: 'web' },
      demand: { query: QUERY },
      capacityPerReplica: 50,
      replicas: { min: 2, max: 10 },
    },
  ],
  recommendations: { historyDays: 2 },
});

beforeAll(async () => {
  prom = await startPrometheus({ backfill: history() });
  dir = await mkdtemp(join(tmpdir(), 'costscale-recommend-'));
  standin = await startWorkloadsStandin();
  config = configSchema.parse(rawConfig());
  backends = new Map([
    ['default', new PrometheusClient({ name: 'default', backend: config.prometheus.default! })],
  ]);
});
afterAll(async () => {
  for (const c of backends?.values() ?? []) (c as PrometheusClient).close();
  await standin?.close();
  await prom?.destroy();
  await rm(dir, { recursive: true, force: true });
  await dbs.shutdown();
});

test('collects demand, per-pod usage, requests and the HPA of the workload, and the PDB from the Kubernetes API', async () => {
  const { prices } = await recommendationPrices(config, backends, END * 1000);
  const { input, warnings } = await collectWorkload(
    config.policies[0]!,
    { config, backends, now: END * 1000 },
    prices,
  );
  expect(warnings).toEqual([]);
  expect(input.scaling).toEqual({ kind: 'hpa-external', hpa: 'web', minReplicas: 2, maxReplicas: 10 });
  expect(input.podDisruptionBudget).toBeNull();
  expect(input.history.containers.map((c) => c.name)).toEqual(['app']);
  const [app] = input.history.containers;
  expect(app!.requests).toEqual({ cpuCores: 1, memoryBytes: 2048 * MIB });
  expect(app!.limits).toEqual({ cpuCores: 2, memoryBytes: null });
  expect(app!.cpuCores).toHaveLength(2);
  expect(app!.memoryBytes).toHaveLength(2);
  // A step at the top of the wave: 180/s over two pods, 0.02 + 0.002 × 90 = 0.2 core each.
  // The second day's 06:00 UTC, the wave's top; at START + DAY itself when END is 06:00 (END is not collected).
  const peak = input.history.timesMs.findIndex(
    (t) => t / 1000 >= START + DAY && (t / 1000) % DAY === DAY / 4,
  );
  expect(input.history.demand[peak]).toBeCloseTo(180, 0);
  expect(app!.cpuCores[0]![peak]).toBeCloseTo(0.2, 2);
  expect(app!.memoryBytes[1]![peak]).toBe(300 * MIB);
  expect(input.history.replicas[peak]).toBe(2);

  standin.put({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { template: { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { containers: [] } } },
  });
  standin.put({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'other', namespace: 'shop' },
    spec: { selector: { matchLabels: { app: 'api' } }, minAvailable: 1 },
  });
  const kube = createWorkloadsApi(loadKubeConnection(standin.writeKubeconfig(dir))!);
  const without = await collectWorkload(
    config.policies[0]!,
    { config, backends, kube, now: END * 1000 },
    prices,
  );
  expect(without.input.podDisruptionBudget).toBe(false);
  standin.put({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] },
      maxUnavailable: 1,
    },
  });
  const covered = await collectWorkload(
    config.policies[0]!,
    { config, backends, kube, now: END * 1000 },
    prices,
  );
  expect(covered.input.podDisruptionBudget).toBe(true);
});

test('the compiled worker thread recommends exactly what the recommenders do in this thread', async () => {
  const { prices } = await recommendationPrices(config, backends, END * 1000);
  const { input } = await collectWorkload(config.policies[0]!, { config, backends, now: END * 1000 }, prices);
  const recommender = createRecommender(join(REPO, 'adapter', 'dist', 'recommend', 'recommendWorker.js'));
  try {
    const offThread = await recommender.recommend(input);
    expect(offThread).toEqual(recommendWorkload(input));
    expect(offThread.offered.map((r) => r.kind)).toContain('rightsizing');
  } finally {
    await recommender.close();
  }
});

test('costscale recommend prints the right-sizing and saves it; a second run refreshes it', async () => {
  const file = join(dir, 'costscale.yaml');
  await writeFile(file, JSON.stringify(rawConfig()));
  const at = new Date(END * 1000).toISOString();
  const json = await costscale(['recommend', '--config', file, '--at', at, '--json']);
  expect(json.stderr).toBe('');
  expect(json.code).toBe(0);
  const out = JSON.parse(json.stdout);
  const web = out.policies.find((p: { policy: string }) => p.policy === 'web');
  const rightsizing = web.offered.find((r: { kind: string }) => r.kind === 'rightsizing');
  // 0.12 core at κ = 50/s per pod, plus the margin; memory from 300 MiB peaks.
  const [change] = rightsizing.changes;
  expect(change.containers).toHaveLength(1);
  expect(Number(change.containers[0].cpu.replace('m', ''))).toBeGreaterThan(120);
  expect(Number(change.containers[0].cpu.replace('m', ''))).toBeLessThan(200);
  expect(Number(change.containers[0].memory.replace('Mi', ''))).toBeLessThan(400);
  expect(rightsizing.monthlySavings).toBeGreaterThan(0);
  expect(rightsizing.slaCheck.passed).toBe(true);
  expect(web.notes.spot).toMatch(/^unknown whether a PodDisruptionBudget/);

  const table = await costscale(['recommend', '--config', file, '--at', at]);
  expect(table.stdout.split('\n')[0]).toMatch(
    /^KIND\s+POLICY\s+TARGET\s+SAVINGS\/MONTH\s+SLA CHECK\s+SUMMARY$/,
  );
  expect(table.stdout).toMatch(/rightsizing\s+shop\/web\s+Deployment\/web\s+\d+\.\d\d USD\s+pass /);

  const url = await dbs.freshUrl();
  const first = await costscale(['recommend', '--config', file, '--at', at, '--save'], { DATABASE_URL: url });
  expect(first.code).toBe(0);
  expect(first.stderr).toMatch(/saved: [1-9]\d* new, 0 refreshed/);
  const second = await costscale(['recommend', '--config', file, '--at', at, '--save'], {
    DATABASE_URL: url,
  });
  expect(second.stderr).toMatch(/saved: 0 new, [1-9]\d* refreshed, 0 expired/);
  const db = openPostgres(url, 1);
  try {
    const open = await listRecommendations(db, { status: 'open', limit: 100 });
    expect(open.map((r) => r.kind)).toContain('rightsizing');
    expect(new Set(open.map((r) => r.identity)).size).toBe(open.length);
  } finally {
    await db.close();
  }
  const unknown = await costscale(['recommend', '--config', file, '--policy', 'shop/nope']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(/no policy shop\/nope/);
});

test('the service job regenerates into the database and expires what no longer holds', async () => {
  const db = await dbs.fresh('embedded');
  await migrate(db);
  const logger = createLogger('silent');
  let now = END * 1000;
  const job = new RecommendationJob({
    db,
    config: async () => config,
    backends: () => backends,
    logger,
    isLeader: () => true,
    clock: () => now,
  });
  const first = await job.runOnce();
  expect(first).toMatchObject({ policies: 1, failed: 0, refreshed: 0, expired: 0 });
  expect(first.inserted).toBeGreaterThan(0);
  // Two days later only minutes of history are left in the window: nothing holds any more.
  now += 2 * DAY * 1000;
  expect(await job.runOnce()).toMatchObject({ policies: 1, failed: 0, inserted: 0, expired: first.inserted });
  expect(await listRecommendations(db, { status: 'open', limit: 10 })).toEqual([]);
  // When the inputs cannot be read at all, open recommendations stay until their expiry (a day).
  now = END * 1000;
  expect((await job.runOnce()).inserted).toBe(first.inserted);
  now += 3 * DAY * 1000;
  expect(await job.runOnce()).toMatchObject({ failed: 1, expired: 0, staleExpired: first.inserted });
  expect(await listRecommendations(db, { status: 'open', limit: 10 })).toEqual([]);
});
