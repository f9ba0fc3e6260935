import { configSchema } from '../../adapter/src/config/schema';
import { createEvaluator } from '../../adapter/src/engine/evaluate';
import { Forecasting } from '../../adapter/src/engine/forecasting';
import { heldExplanation } from '../../adapter/src/domain/explainDecision';
import type { AnomalyEventRecord } from '../../adapter/src/store/anomalyEvents';
import type { ForecastState } from '../../adapter/src/forecast';
import { PrometheusClient } from '../../adapter/src/sources';
import { startPrometheus, toOpenMetrics, type PrometheusHandle } from '../support/prometheus';

// Forecasting in the engine against a real Prometheus: warm start from four days of daily-seasonal
// history at a coarser step, a fit within the per-tick budget, the forecast deciding (with the reason in
// the explanation), and a restart that restores the fitted model instead of refitting.

const DAY = 86400;
let prom: PrometheusHandle;
const now = Math.floor(Date.now() / 1000);
// Daily cycle between 40 and 160 req/s with deterministic noise.
const demandAt = (t: number): number =>
  100 + 60 * Math.sin((2 * Math.PI * t) / DAY) + 8 * Math.sin(t * 12.9898);

/** Two quiet days around 50 req/s, then ten times that for the last 20 minutes: a demand anomaly. */
const PROMO_SPIKE = now - 20 * 60;
function promoSamples(): Array<[number, number]> {
  const samples: Array<[number, number]> = [];
  for (let t = now - 2 * DAY; t <= now; t += 60)
    samples.push([t, t >= PROMO_SPIKE ? 500 : Number((50 + 3 * Math.sin(t * 12.9898)).toFixed(3))]);
  return samples;
}

beforeAll(async () => {
  const samples: Array<[number, number]> = [];
  for (let t = now - 4 * DAY; t <= now; t += 60) samples.push([t, Number(demandAt(t).toFixed(3))]);
  prom = await startPrometheus({
    backfill: toOpenMetrics([
      { name: 'shop_demand', labels: { service: 'web' }, samples },
      { name: 'shop_demand', labels: { service: 'promo' }, samples: promoSamples() },
    ]),
  });
});
afterAll(() => prom?.destroy());

const config = () =>
  configSchema.parse({
    prometheus: { default: { url: prom.url, cacheSeconds: 0 } },
    policies: [
      {
        name: 'web',
        namespace: 'shop',
        target: { name: 'web' },
        demand: { query: 'max(shop_demand{service="web"})' },
        capacityPerReplica: 10,
        replicas: { min: 1, max: 50 },
        resources: { cpuCores: 1, memoryGiB: 1 },
        forecast: { stepSeconds: 300, historyDays: 4, refitHours: 6 },
      },
    ],
    engine: { forecast: { maxFitsPerTick: 1 } },
  });

test('warm start, fit, forecast-driven decision, and model restored after a restart', async () => {
  const backends = new Map([
    ['default', new PrometheusClient({ name: 'default', backend: config().prometheus.default! })],
  ]);
  const saved = new Map<string, ForecastState>();
  const forecasting = new Forecasting(
    { saveModel: (ns, p, state) => saved.set(`${ns}/${p}`, state) },
    config().engine.forecast,
  );
  const evaluate = createEvaluator({ backends: () => backends, forecasting });
  // Evaluation time: the last backfilled minute, so demand has a value.
  const at = (now - 30) * 1000;
  const out = await evaluate(config(), at, undefined);
  const web = out.policies[0]!;
  expect(web.error).toBeUndefined();
  expect(web.forecast?.model).toBeDefined();
  expect(saved.has('shop/web')).toBe(true);
  expect(web.forecast?.mode).toBe('forecast');
  const source = heldExplanation(web.explanation!).inputs.find((i) => i.name === 'demandQuantile')?.source;
  expect(source).toMatch(/floored from τ = 0.5 up at the median peak of the forecast \(/);
  // The forecast's target for the next five minutes is close to the true curve (noise ±8).
  const next = demandAt(now + 150);
  expect(web.decision!.demandQuantile!).toBeGreaterThan(next - 25);
  expect(web.decision!.demandQuantile!).toBeLessThan(next + 60);

  // A restart with the stored model and no fitting budget forecasts at once.
  const restarted = new Forecasting(
    { loadModels: async () => saved },
    { ...config().engine.forecast, maxFitsPerTick: 0 },
  );
  const again = await createEvaluator({ backends: () => backends, forecasting: restarted })(
    config(),
    at,
    undefined,
  );
  expect(again.policies[0]!.forecast?.mode).toBe('forecast');
  expect(again.policies[0]!.forecast?.fittedAt).toBe(saved.get('shop/web')!.fittedAtMs);
});

test('without enough history the reactive distribution decides and the explanation says why', async () => {
  const backends = new Map([
    ['default', new PrometheusClient({ name: 'default', backend: config().prometheus.default! })],
  ]);
  const short = config();
  short.policies[0]!.forecast.historyDays = 1;
  const evaluate = createEvaluator({
    backends: () => backends,
    forecasting: new Forecasting({}, short.engine.forecast),
  });
  const out = await evaluate(short, (now - 30) * 1000, undefined);
  const web = out.policies[0]!;
  expect(web.forecast?.mode).toBe('reactive');
  expect(web.forecast?.reason).toMatch(/2 days of history/);
  expect(heldExplanation(web.explanation!).inputs.find((i) => i.name === 'demandQuantile')?.source).toMatch(
    /^reactive .*forecast not used/,
  );
});

test('demand anomalous at warm start: recorded, the forecast set aside, and the explanation says why', async () => {
  const promo = configSchema.parse({
    prometheus: { default: { url: prom.url, cacheSeconds: 0 } },
    policies: [
      {
        name: 'promo',
        namespace: 'shop',
        target: { name: 'promo' },
        demand: { query: 'max(shop_demand{service="promo"})' },
        capacityPerReplica: 10,
        replicas: { min: 1, max: 100 },
        resources: { cpuCores: 1, memoryGiB: 1 },
        forecast: { stepSeconds: 60, historyDays: 2, refitHours: 6 },
      },
    ],
  });
  const backends = new Map([
    ['default', new PrometheusClient({ name: 'default', backend: promo.prometheus.default! })],
  ]);
  const events: AnomalyEventRecord[] = [];
  const forecasting = new Forecasting({ onAnomaly: (e) => events.push(e) }, promo.engine.forecast);
  const out = await createEvaluator({ backends: () => backends, forecasting })(
    promo,
    (now - 30) * 1000,
    undefined,
  );
  expect(events).toHaveLength(1);
  const [event] = events;
  expect(event).toMatchObject({ namespace: 'shop', policy: 'promo', signal: 'demand', endedAt: null });
  // The episode starts with the spike, and the band expected before it is the quiet level.
  expect(Math.abs(event!.startedAt - PROMO_SPIKE * 1000)).toBeLessThanOrEqual(60_000);
  expect(event!.expectedLow).toBeLessThan(50);
  expect(event!.expectedHigh).toBeGreaterThan(50);
  expect(event!.expectedHigh).toBeLessThan(100);

  const p = out.policies[0]!;
  expect(p.forecast).toMatchObject({ mode: 'reactive', anomaly: { active: true, since: event!.startedAt } });
  expect(p.forecast?.reason).toMatch(/^demand is anomalous since/);
  expect(heldExplanation(p.explanation!).inputs.find((i) => i.name === 'anomaly')?.value).toBe(
    `demand since ${new Date(event!.startedAt).toISOString()}`,
  );
  expect(heldExplanation(p.explanation!).warnings.join('\n')).toMatch(
    /the forecast is not trusted, the reactive distribution decides/,
  );
});
