import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../adapter/src/log';
import { explainedDecision, heldExplanation } from '../../adapter/src/domain/explainDecision';
import { startService, type Service } from '../../adapter/src/main';
import { openPostgres } from '../../adapter/src/store/db';
import { TestDatabases } from '../support/databases';
import { fakeDateOnly } from '../support/fakeDate';
import { freePort, waitFor } from '../support/ports';
import { startPrometheus, toOpenMetrics, type PrometheusHandle } from '../support/prometheus';

// The engine against a real Prometheus (history backfilled with promtool, live scrapes of a small
// exporter) and a real PostgreSQL: expected decisions, explicit query errors, Prometheus and
// PostgreSQL outages.

const demand: Record<string, number> = { web: 100, api: 30 };
let exporter: Server;
let prom: PrometheusHandle;
let service: Service;
const dbs = new TestDatabases();
let databaseUrl: string;

function exposition(): string {
  return [
    '# TYPE demo_demand gauge',
    ...Object.entries(demand).map(([s, v]) => `demo_demand{job="demo",instance="x",service="${s}"} ${v}`),
    // kube-state-metrics: two pods of Deployment shop/web (1 core + 2 GiB each), and a sibling's pod.
    '# TYPE kube_pod_container_resource_requests gauge',
    ...['web-5d8f7c9b6d-abcde', 'web-5d8f7c9b6d-fghij', 'web-worker-5d8f7c9b6d-zzzzz'].flatMap((pod) => [
      `kube_pod_container_resource_requests{namespace="shop",pod="${pod}",container="app",resource="cpu",unit="core"} ${pod.includes('worker') ? 8 : 1}`,
      `kube_pod_container_resource_requests{namespace="shop",pod="${pod}",container="app",resource="memory",unit="byte"} ${2 * 1024 ** 3}`,
    ]),
    '',
  ].join('\n');
}

beforeAll(async () => {
  fakeDateOnly();
  const exporterPort = await freePort();
  exporter = createServer((_req, res) => res.end(exposition())).listen(exporterPort, '127.0.0.1');
  const now = Math.floor(Date.now() / 1000);
  const samples = (v: number): Array<[number, number]> =>
    Array.from({ length: 120 }, (_, i) => [now - 3600 + i * 30, v]);
  prom = await startPrometheus({
    targets: [`127.0.0.1:${exporterPort}`],
    honorLabels: true,
    backfill: toOpenMetrics([
      { name: 'demo_demand', labels: { job: 'demo', instance: 'x', service: 'web' }, samples: samples(100) },
      { name: 'demo_demand', labels: { job: 'demo', instance: 'x', service: 'api' }, samples: samples(30) },
    ]),
  });
  databaseUrl = await dbs.freshUrl();
  const dir = await mkdtemp(join(tmpdir(), 'costscale-engine-'));
  const file = join(dir, 'config.yaml');
  const policy = (name: string, query: string) => `  - name: ${name}
    namespace: shop
    target: { name: ${name} }
    demand: { query: '${query}' }
    capacityPerReplica: 25
    replicas: { min: 1, max: 20 }
    readinessDelaySeconds: 1
    resources: { cpuCores: 1, memoryGiB: 2 }
    sloMissCostPerHour: 1
`;
  await writeFile(
    file,
    `prometheus:
  default: { url: '${prom.url}', timeoutSeconds: 1, retries: 0, cacheSeconds: 0 }
policies:
${policy('web', 'max(demo_demand{service="web"})')}${policy('web-ksm', 'max(demo_demand{service="web"})').replace('target: { name: web-ksm }', 'target: { name: web }').replace('    resources: { cpuCores: 1, memoryGiB: 2 }\n', '')}${policy('api', 'max(demo_demand{service="api"})')}${policy('typo', 'max(demo_demnd{service="web"})')}${policy('syntax', 'max(demo_demand{service="web"}')}
server: { host: 127.0.0.1, port: 0, metricsPort: ${await freePort()}, auth: { mode: local } }
database: { url: '${databaseUrl}', spoolFile: '${join(dir, 'spool.jsonl')}' }
engine: { intervalSeconds: 1, stalenessSeconds: 4, hpaSyncSeconds: 1 }
log: { level: warn }
`,
  );
  service = await startService(file, createLogger('warn'));
  await waitFor(
    'first decisions',
    async () => (service.holder.current()?.policies.filter((p) => p.values).length ?? 0) >= 2,
  );
});

afterAll(async () => {
  await service?.stop('test end');
  exporter?.close();
  await prom?.destroy();
  await dbs.shutdown();
  jest.useRealTimers();
});

interface MetricResponse {
  kind: string;
  items: Array<{ metricName: string; value: string; metricLabels: Record<string, string> }>;
}

/** GET over real HTTPS, trusting the service's generated serving CA. */
function externalMetric(name: string): Promise<{ status: number; body: MetricResponse }> {
  const path = `/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/costscale_replicas?labelSelector=policy%3D${name}`;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
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
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const policy = (name: string) => service.holder.current()!.policies.find((p) => p.name === name)!;

test('known demand gives the expected replicas, load and cost', () => {
  const web = policy('web');
  // 100 / 25 is 4 exactly; the young growth histogram's prior holds a sliver more at τ* = 0.96: ⌈4.00…⌉.
  expect(web.values?.costscale_replicas).toBe(5);
  expect(web.values?.costscale_load).toBeGreaterThan(4);
  expect(web.values?.costscale_load).toBeLessThan(4.04);
  expect(policy('api').values?.costscale_replicas).toBe(2); // ceil(30 / 25)
  // 1 core × 0.031611 + 2 GiB × 0.004237 per replica-hour (OpenCost default prices), 5 replicas.
  expect(web.values?.costscale_cost_per_hour).toBeCloseTo(5 * (0.031611 + 2 * 0.004237), 9);
  expect(explainedDecision(web.decision!).explanation.inputs.map((i) => i.name)).toEqual(
    expect.arrayContaining(['demand', 'capacityPerReplica']),
  );
});

test("without configured resources, requests come from kube-state-metrics (the workload's own pods)", async () => {
  // The request series come from live scrapes only: wait for the first ones.
  await waitFor('requests scraped', async () => policy('web-ksm').error === undefined);
  const ksm = policy('web-ksm');
  expect(ksm.error).toBeUndefined();
  expect(ksm.values?.costscale_cost_per_hour).toBeCloseTo(policy('web').values!.costscale_cost_per_hour, 9);
  expect(
    heldExplanation(ksm.explanation!).inputs.find((i) => i.name === 'costPerReplicaHour')?.source,
  ).toMatch(/kube-state-metrics/);
});

test('a metric-name typo and a syntax error are explicit errors in the explanation and the metrics', async () => {
  expect(policy('typo').values).toBeUndefined();
  expect(policy('typo').error).toMatch(/no series/);
  expect(policy('syntax').error).toMatch(/parse error|unclosed|expected/i);
  const metrics = await service.metricsText();
  expect(metrics).toMatch(/costscale_policy_inputs_ok\{namespace="shop",policy="typo"\} 0/);
  expect(metrics).toMatch(/costscale_policy_inputs_ok\{namespace="shop",policy="web"\} 1/);
  expect(metrics).toMatch(/costscale_prometheus_empty_results_total\{[^}]*backend="default"[^}]*\} [1-9]/);
});

test('one PromQL request per query template per tick, not per policy', async () => {
  const count = async () => {
    const text = await service.metricsText();
    return text
      .split('\n')
      .filter(
        (l) =>
          l.startsWith('costscale_prometheus_request_duration_seconds_count') &&
          l.includes('endpoint="query"'),
      )
      .reduce((s, l) => s + Number(l.split(' ').pop()), 0);
  };
  const ticks0 = service.engine.ticks;
  const before = await count();
  await waitFor('3 more ticks', async () => service.engine.ticks >= ticks0 + 3);
  const ticks = service.engine.ticks - ticks0;
  const perTick = ((await count()) - before) / ticks;
  // demand (web+api merged, typo, syntax rejected locally or sent once) + current replicas (all merged)
  expect(perTick).toBeLessThanOrEqual(4);
});

test('Prometheus down: last good values, then errors after the staleness bound, then recovery within a tick', async () => {
  await prom.stop();
  await waitFor('inputs failing', async () => policy('web').error !== undefined, 10000);
  const during = policy('web');
  expect(during.values?.costscale_replicas).toBe(5);
  const lastGood = during.valuesAt!;
  // Within the staleness bound (4 s here) HPAs still get the last good value …
  jest.setSystemTime(lastGood + 3500);
  const served = await externalMetric('web');
  expect(served.status).toBe(200);
  expect(served.body.items[0]?.value).toBe('5');
  // … past it, a Status error with 503, so the HPA holds its replicas (ARCHITECTURE.md §6).
  jest.setSystemTime(lastGood + 4500);
  const stale = await externalMetric('web');
  expect(stale.status).toBe(503);
  expect(stale.body.kind).toBe('Status');
  expect(policy('web').valuesAt).toBe(lastGood); // not refreshed while down
  await waitFor('circuit open', async () =>
    /costscale_prometheus_circuit_open\{backend="default"\} 1/.test(await service.metricsText()),
  );
  await prom.start();
  const restartedAt = Date.now();
  // Back means answering the demand query again: a restarted Prometheus has the series once it has
  // scraped the exporter, which under load can take longer than a tick.
  await waitFor('Prometheus has scraped the exporter again', async () => {
    const res = await fetch(
      `${prom.url}/api/v1/query?query=${encodeURIComponent('demo_demand{service="web"}')}`,
    );
    const body = (await res.json()) as { data?: { result?: unknown[] } };
    return (body.data?.result?.length ?? 0) > 0;
  });
  // Issue 16, defect 10: the first tick that starts after Prometheus is back decides from it; the open
  // circuit is probed at tick start instead of refusing the tick for the rest of its cool-down.
  const ticksAtRestart = service.engine.ticks;
  await waitFor(
    'the first whole tick after the restart',
    async () => service.engine.ticks >= ticksAtRestart + 2,
  );
  for (const name of ['web', 'web-ksm', 'api']) {
    expect({ name, error: policy(name).error }).toEqual({ name, error: undefined });
    expect(policy(name).valuesAt).toBeGreaterThan(restartedAt);
  }
  expect(policy('web').values?.costscale_replicas).toBe(5);
  const recovered = await externalMetric('web');
  expect(recovered.status).toBe(200);
  expect(recovered.body.items).toEqual([
    expect.objectContaining({
      metricName: 'costscale_replicas',
      value: '5',
      metricLabels: expect.objectContaining({ policy: 'web' }),
    }),
  ]);
});

test('PostgreSQL down: deciding goes on, and no decision is lost once it returns', async () => {
  const server = dbs.postgres!;
  const countRows = async () => {
    const db = openPostgres(databaseUrl, 1);
    try {
      return (
        await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM decisions WHERE policy = 'web'`)
      )[0]!.n;
    } finally {
      await db.close();
    }
  };
  await server.stop();
  const ticksDown = service.engine.ticks;
  await waitFor('ticks while the database is down', async () => service.engine.ticks >= ticksDown + 3);
  expect(policy('web').values?.costscale_replicas).toBe(5);
  await server.start();
  const ticksBack = service.engine.ticks;
  await waitFor(
    'spool flushed',
    async () => service.engine.ticks >= ticksBack + 2 && (await countRows()) >= service.engine.ticks - 1,
  );
  const rows = await countRows();
  // One row per tick for `web`, every tick since the start (the tick in progress may not be flushed yet).
  expect(rows).toBeGreaterThanOrEqual(service.engine.ticks - 1);
  expect(rows).toBeLessThanOrEqual(service.engine.ticks);
  const metrics = await service.metricsText();
  expect(metrics).toMatch(/costscale_decisions_dropped_total 0/);
});
