import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import type * as Client from '../../adapter/src/server/rest/client-types';
import { createCostscaleClient } from '../support/rest-client';
import * as S from '../../adapter/src/server/rest/schemas';
import { costscale } from '../support/cli';
import { DATABASE_KINDS, TestDatabases } from '../support/databases';
import { startPrometheus, toOpenMetrics, type PrometheusHandle } from '../support/prometheus';
import { BASE_CONFIG, startRestHarness, type RestHarness } from '../support/rest';

// POST /api/v1/policies/{ns}/{name}/simulate against a real Prometheus holding two days of request
// history (a daily wave of 20–180 requests/s), checked against `costscale simulate --json` on the
// same history written to a trace file. The API's clock stands at the last backfilled sample.

const STEP = 60;
const DAY = 86_400;
const END = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600;
const START = END - 2 * DAY;
const T = END * 1000;
/** The counter of a request rate of 100 + 80 · sin(2πt / day): its integral from START. */
const counter = (t: number) =>
  100 * (t - START) -
  ((80 * DAY) / (2 * Math.PI)) * (Math.cos((2 * Math.PI * t) / DAY) - Math.cos((2 * Math.PI * START) / DAY));

const QUERY = 'sum(rate(http_requests_total{service="web"}[5m]))';
const CONFIG = {
  ...BASE_CONFIG,
  policies: [
    { ...BASE_CONFIG.policies[0], demand: { query: QUERY } },
    {
      name: 'empty',
      namespace: 'shop',
      target: { name: 'empty' },
      demand: { query: 'sum(rate(nothing_total[5m]))' },
      capacityPerReplica: 10,
      replicas: { min: 1, max: 3 },
      resources: { cpuCores: 1 },
    },
  ],
};

const dbs = new TestDatabases();
let prom: PrometheusHandle;
let dir: string;
beforeAll(async () => {
  const times = Array.from({ length: (END - START) / STEP + 1 }, (_, i) => START + i * STEP);
  prom = await startPrometheus({
    backfill: toOpenMetrics([
      {
        name: 'http_requests_total',
        labels: { service: 'web', pod: 'web-1' },
        samples: times.map((t) => [t, counter(t)]),
      },
    ]),
  });
  dir = await mkdtemp(join(tmpdir(), 'costscale-simulate-'));
});
afterAll(async () => {
  await prom?.destroy();
  await rm(dir, { recursive: true, force: true });
  await dbs.shutdown();
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesMatchSchemas: [
  Same<Client.Recommendation, z.output<typeof S.recommendationResource>>,
  Same<Client.List<Client.Recommendation>, z.output<typeof S.recommendationList>>,
  Same<Client.ObjectChange, z.output<typeof S.objectChangeSchema>>,
  Same<Client.SlaCheck, z.output<typeof S.slaCheckSchema>>,
  Same<Client.ConfigChange, z.output<typeof S.configChangeResource>>,
  Same<Client.SimulationRequest, z.input<typeof S.simulationRequest>>,
  Same<Client.SimulationReport, z.output<typeof S.simulationReport>>,
] = [true, true, true, true, true, true, true];

describe.each(DATABASE_KINDS)('simulation over Prometheus history on %s PostgreSQL', (kind) => {
  let h: RestHarness;
  beforeAll(async () => {
    h = await startRestHarness(await dbs.fresh(kind), { config: CONFIG, prometheusUrl: prom.url });
    h.now = () => T;
  });
  afterAll(() => h.close());

  /** `costscale simulate --json` over the policy's demand from `start` to `end` (ms) at 5 minutes. */
  async function simulateOnCli(start: number, end: number) {
    const range = await h.backends.get('default')!.range(QUERY, { start, end, stepMs: 300_000 });
    const series = range.data.resultType === 'matrix' ? range.data.series[0] : undefined;
    const csv = Array.from(series!.timestamps, (t, i) => `${t / 1000},${series!.values[i]}`).join('\n');
    await writeFile(join(dir, 'trace.csv'), `timestamp,demand\n${csv}\n`);
    await writeFile(
      join(dir, 'policy.json'),
      JSON.stringify({ ...CONFIG.policies[0], demand: { query: QUERY } }),
    );
    const cli = await costscale([
      'simulate',
      '--trace',
      join(dir, 'trace.csv'),
      '--policy',
      join(dir, 'policy.json'),
      '--baseline',
      'hpa-cpu:0.7',
      '--baseline',
      'fixed:6',
      '--json',
    ]);
    expect(cli.stderr).toBe('');
    return S.simulationReport.parse(JSON.parse(cli.stdout));
  }

  test('replays a day of the policy’s demand through the baselines and costscale, as costscale simulate does', async () => {
    // The first day of the history: nothing before it, as before a trace file's first row.
    h.now = () => T - DAY * 1000;
    const body = { window: '1d', step: '5m', baselines: ['hpa-cpu:0.7', 'fixed:6'] };
    const r = await h.call('POST', '/api/v1/policies/shop/web/simulate', { as: 'viewer', body });
    h.now = () => T;
    expect(r.status).toBe(200);
    const report = S.simulationReport.parse(r.json);
    // rate()[5m] has no value at the history's first sample: 288 samples from the second.
    expect(report.trace).toMatchObject({
      file: null,
      samples: 288,
      backend: 'default',
      query: QUERY,
      stepSeconds: 300,
    });
    expect(report.trace.start).toBe(new Date(T - 2 * DAY * 1000 + 300_000).toISOString());
    expect(report.scenarios.map((s) => s.name)).toEqual(['hpa-cpu:0.7', 'fixed:6', 'costscale:web']);
    const perReplica = 1 * 0.031611 + 2 * 0.004237;
    expect(report.costPerReplicaHour).toBeCloseTo(perReplica, 12);
    expect(report).toMatchObject({
      policy: 'web',
      currency: 'USD',
      capacityPerReplica: 50,
      readinessDelaySeconds: 30,
      hpaTolerance: null,
      pipeline: { scrapeIntervalSeconds: 30, rateWindowSeconds: 300, tickAgeSeconds: 7.5 },
    });
    const [, fixed, cs] = report.scenarios;
    // 288 five-minute samples, the last held for one interval: 24 h.
    expect(fixed!.hours).toBeCloseTo(24, 9);
    expect(fixed!.replicaHours).toBeCloseTo(6 * fixed!.hours, 9);
    expect(fixed!.cost).toBeCloseTo(6 * fixed!.hours * perReplica, 9);
    // Peak 180/s needs 4 replicas of κ 50: fixed:6 never misses; costscale follows the wave for less.
    expect(fixed!.sloMissMinutes).toBe(0);
    expect(cs!.cost!).toBeLessThan(fixed!.cost!);
    expect(cs!.peakReplicas).toBeGreaterThanOrEqual(4);

    // The same history through the command line gives the same report.
    const fromCli = await simulateOnCli(T - 2 * DAY * 1000, T - DAY * 1000);
    expect(fromCli.scenarios).toEqual(report.scenarios);
    expect({ ...fromCli, trace: undefined }).toEqual({ ...report, trace: undefined });
  });

  test('with a day of history before the window, costscale’s growth histogram is warm-started from it, as the engine’s is', async () => {
    const body = { window: '1d', step: '5m', baselines: ['hpa-cpu:0.7', 'fixed:6'] };
    const r = await h.call('POST', '/api/v1/policies/shop/web/simulate', { body });
    expect(r.status).toBe(200);
    const report = S.simulationReport.parse(r.json);
    const bare = await simulateOnCli(T - DAY * 1000, T);
    // The baselines replay the window alike; costscale decides differently, having seen the day before.
    expect(report.scenarios.slice(0, 2)).toEqual(bare.scenarios.slice(0, 2));
    expect(report.scenarios[2]).not.toEqual(bare.scenarios[2]);
  });

  test('parameters change the what-if run; the baselines stay as they are', async () => {
    const base = S.simulationReport.parse(
      (
        await h.call('POST', '/api/v1/policies/shop/web/simulate', {
          body: { window: '12h', baselines: ['fixed:3'] },
        })
      ).json,
    );
    const r = await h.call('POST', '/api/v1/policies/shop/web/simulate', {
      body: { window: '12h', baselines: ['fixed:3'], parameters: { minReplicas: 5 } },
    });
    expect(r.status).toBe(200);
    const changed = S.simulationReport.parse(r.json);
    expect(changed.trace.stepSeconds).toBe(60);
    expect(changed.scenarios[0]).toEqual(base.scenarios[0]);
    expect(changed.scenarios[1]!.meanReplicas).toBeGreaterThanOrEqual(5);
    expect(changed.scenarios[1]!.cost!).toBeGreaterThan(base.scenarios[1]!.cost!);
  });

  test('each side’s scale-down window is its own: by default 0 s for costscale’s HPA, 300 s for the CPU HPA', async () => {
    const simulateWith = async (windows: Record<string, number | null>) => {
      const r = await h.call('POST', '/api/v1/policies/shop/web/simulate', {
        body: { window: '1d', step: '5m', baselines: ['hpa-cpu:0.7'], ...windows },
      });
      expect(r.status).toBe(200);
      return S.simulationReport.parse(r.json);
    };
    const defaults = await simulateWith({});
    expect(defaults).toMatchObject({ hpaScaleDownWindowSeconds: null, costscaleScaleDownWindowSeconds: 0 });
    const swapped = await simulateWith({
      hpaScaleDownWindowSeconds: 0,
      costscaleScaleDownWindowSeconds: 300,
    });
    expect(swapped).toMatchObject({ hpaScaleDownWindowSeconds: 0, costscaleScaleDownWindowSeconds: 300 });
    // The wave falls every afternoon: a window holds replicas longer, and takes none away sooner.
    expect(swapped.scenarios[0]!.replicaHours).toBeLessThan(defaults.scenarios[0]!.replicaHours);
    expect(swapped.scenarios[1]!.replicaHours).toBeGreaterThan(defaults.scenarios[1]!.replicaHours);
    const bad = await h.call('POST', '/api/v1/policies/shop/web/simulate', {
      body: { window: '1d', costscaleScaleDownWindowSeconds: -1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('costscaleScaleDownWindowSeconds');
  });

  test('answers problems for unknown policies, bad requests and an empty history', async () => {
    expect((await h.call('POST', '/api/v1/policies/shop/nope/simulate', { body: {} })).status).toBe(404);
    const tooLong = await h.call('POST', '/api/v1/policies/shop/web/simulate', { body: { window: '30d' } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.errors).toEqual([
      { location: 'body', path: '/window', message: 'must be between 1h and 14d' },
    ]);
    const badBaseline = await h.call('POST', '/api/v1/policies/shop/web/simulate', {
      body: { baselines: ['hpa-cpu:2'] },
    });
    expect(badBaseline.status).toBe(400);
    expect(badBaseline.json.errors[0].path).toBe('/baselines/0');
    const badBounds = await h.call('POST', '/api/v1/policies/shop/web/simulate', {
      body: { parameters: { minReplicas: 20 } },
    });
    expect(badBounds.status).toBe(400);
    expect(badBounds.json.errors[0].path).toBe('/parameters/replicas/max');
    const empty = await h.call('POST', '/api/v1/policies/shop/empty/simulate', { body: { window: '1h' } });
    expect(empty.status).toBe(409);
    expect(empty.json.detail).toMatch(/returned 0 series over the window/);
  });

  test('the typed client simulates and lists recommendations', async () => {
    expect(typesMatchSchemas.every(Boolean)).toBe(true);
    const api = createCostscaleClient({
      baseUrl: h.url,
      fetch: (url, init) => fetch(url, init),
      token: h.tokens.viewer,
    });
    const report = await api.simulatePolicy('shop', 'web', { window: '6h', baselines: ['fixed:4'] });
    expect(report.scenarios.map((s) => s.name)).toEqual(['fixed:4', 'costscale:web']);
    expect(await api.listRecommendations({ status: 'open' })).toEqual({ items: [], nextCursor: null });
  });
});
