import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { burstySeasonal } from '../../../test/support/burstySeries';
import { FakePrometheus } from '../../../test/support/fakePrometheus';
import { createDetector, EPISODE_START, newWatch, watchSample, type AnomalyEpisode } from '../anomaly';
import {
  feedSeries,
  fitForecastState,
  forecastFromState,
  onlineSeries,
  ScratchArrays,
  serializeForecastState,
} from '../forecast';
import { configSchema } from '../config/schema';
import type { AnomalyEventRecord } from '../store/anomalyEvents';
import {
  alignToSteps,
  compactModel,
  Forecasting,
  keepHistoryDays,
  watchClosedBuckets,
  withDemandAnomaly,
} from './forecasting';

/** V8's full collection, without starting node with --expose-gc. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

describe('forecast gate while demand is anomalous', () => {
  const trusted = {
    mode: 'forecast' as const,
    reason: 'MASE 0.7 vs seasonal naive',
    distribution: { quantile: () => 1, mean: 1 } as never,
    model: 'ets',
  };

  it('only adds the anomaly state when there is no episode', () => {
    expect(withDemandAnomaly(trusted, undefined)).toBe(trusted);
    const watch = { ...newWatch(createDetector()), score: 0.12, episodes: 2 };
    expect(withDemandAnomaly(trusted, watch)).toEqual({
      ...trusted,
      anomaly: { score: 0.12, active: false, episodes: 2 },
    });
  });

  it('turns a trusted forecast reactive and says why', () => {
    const since = Date.UTC(2026, 0, 2, 3, 4);
    const episode = { active: true, since, peak: 0.61, low: 0, high: 1, quiet: 0 };
    const watch = { ...newWatch(createDetector()), episode, score: 0.4, episodes: 1 };
    const view = withDemandAnomaly(trusted, watch);
    expect(view.mode).toBe('reactive');
    expect(view.distribution).toBeUndefined();
    expect(view.model).toBe('ets');
    expect(view.reason).toBe('demand is anomalous since 2026-01-02 03:04 UTC (peak anomaly score 0.61)');
    expect(view.anomaly).toEqual({ score: 0.4, active: true, since, peak: 0.61, episodes: 1 });
    const reactive = withDemandAnomaly({ mode: 'reactive', reason: 'coverage 0.5' }, watch);
    expect(reactive.reason).toMatch(/\(peak anomaly score 0\.61\); coverage 0\.5$/);
  });
});

describe('demand anomaly episodes from closed forecast buckets', () => {
  it('reports an episode when it starts and when demand is back', () => {
    const step = 300_000;
    const level = (t: number): number => 100 + ((t * 7) % 5);
    const series = onlineSeries(step, 0, []);
    const watch = newWatch(createDetector({ stepMs: step }));
    const episodes: Array<[AnomalyEpisode, number | null]> = [];
    const tick = (t: number, value: number) => {
      const open = series.bucketStart;
      feedSeries(series, value, t * step, 0.1);
      watchClosedBuckets(watch, series, open, (e, endedAt) => episodes.push([e, endedAt]));
    };
    for (let t = 0; t < 400; t++) tick(t, level(t));
    expect(episodes).toEqual([]);
    for (let t = 400; t < 406; t++) tick(t, level(t) + 100);
    for (let t = 406; t < 420; t++) tick(t, level(t));
    // The bucket of tick t closes at tick t + 1.
    expect(
      episodes.map(([e, endedAt]) => [e.since / step, endedAt === null ? null : endedAt / step]),
    ).toEqual([
      [400, null],
      [400, 408],
    ]);
    expect(episodes[1]![0].peak).toBeGreaterThanOrEqual(0.35);
  });
});

describe('a burst of demand beyond its record, on a bursty series', () => {
  it('is an episode of demand: recorded, the forecast not trusted while it lasts, and the explanation says so', async () => {
    // detector.test.ts's bursty series (bursts of +60 to +100 for ten days, then one of +150, which the
    // detector's record of scores reads down to 0.22), the warm start's history ending with the big burst.
    const step = 300_000;
    const T0 = Date.UTC(2026, 0, 5);
    const { values, big } = burstySeasonal();
    const now = T0 + (big + 1) * step;
    const prometheus = new FakePrometheus().answerOthers([
      { value: 0, at: (t) => (t >= T0 && t <= T0 + big * step ? values[(t - T0) / step] : undefined) },
    ]);
    const [policy] = configSchema.parse({
      prometheus: { default: { url: 'http://127.0.0.1:9' } },
      policies: [
        {
          name: 'web',
          namespace: 'shop',
          target: { name: 'web' },
          demand: { query: 'sum(demand)' },
          capacityPerReplica: 20,
          replicas: { min: 1, max: 10 },
          forecast: { historyDays: 12 },
        },
      ],
    }).policies;
    const events: AnomalyEventRecord[] = [];
    const forecasting = new Forecasting(
      { onAnomaly: (e) => events.push(e) },
      { maxFitsPerTick: 0, maxWarmStartsPerTick: 1, coverageMargin: 0.1 },
    );
    const views = await forecasting.tick(
      [policy!],
      new Map([['shop/web', values[big]]]),
      () => 900,
      new Map([['default', prometheus]]),
      now,
    );
    // The reference: the history as the series holds it, replayed into a watch.
    const reference = newWatch(createDetector({ stepMs: step }));
    onlineSeries(step, now, values.slice(0, big + 1))
      .values.view()
      .forEach((x, i) => watchSample(reference, T0 + i * step, x));
    const peak = reference.episode.peak;
    expect(peak).toBeGreaterThan(EPISODE_START);
    expect(events).toEqual([
      {
        namespace: 'shop',
        policy: 'web',
        signal: 'demand',
        startedAt: T0 + big * step,
        endedAt: null,
        peakScore: peak,
        expectedLow: reference.episode.low,
        expectedHigh: reference.episode.high,
      },
    ]);
    const view = views.get('shop/web')!;
    expect(view.mode).toBe('reactive');
    expect(view.reason).toMatch(
      new RegExp(
        `^demand is anomalous since 2026-01-16 \\d\\d:\\d\\d UTC \\(peak anomaly score ${peak.toFixed(2)}\\)`,
      ),
    );
    expect(view.anomaly).toEqual({ score: peak, active: true, since: T0 + big * step, peak, episodes: 3 });
    // No model was fitted this tick (maxFitsPerTick 0); the gate overrules a trusted forecast the same way.
    const trusted = { mode: 'forecast' as const, reason: 'MASE 0.7', distribution: {} as never };
    expect(withDemandAnomaly(trusted, reference)).toMatchObject({ mode: 'reactive', anomaly: view.anomaly });
  });
});

describe('forecast history held per policy', () => {
  it('keeps the last historyDays of closed buckets, as the warm start loads', () => {
    const step = 300_000;
    const day = 288;
    const series = onlineSeries(
      step,
      20 * day * step,
      Array.from({ length: 20 * day }, (_, i) => i),
    );
    keepHistoryDays(series, 14);
    expect(series.values).toHaveLength(14 * day);
    expect(series.values.at(0)).toBe(6 * day);
    expect(series.values.at(-1)).toBe(20 * day - 1);
    keepHistoryDays(series, 30);
    expect(series.values).toHaveLength(14 * day);
  });
});

describe("a warm start's history aligned to the forecast steps", () => {
  const stepMs = 300_000;
  const start = 1_700_000_100_000;
  const samples = (at: number[], values: number[]) =>
    [Float64Array.from(at), Float64Array.from(values)] as const;

  it('places samples on the grid, missing steps NaN, from the first known step', () => {
    const [at, values] = samples([start + 2 * stepMs + 20, start + 4 * stepMs], [5, 7]);
    expect(Array.from(alignToSteps(at, values, start, stepMs, 6))).toEqual([5, NaN, 7, NaN]);
    expect(alignToSteps(new Float64Array(0), new Float64Array(0), start, stepMs, 6).length).toBe(0);
  });

  it('is written into the array the scratch hands out, the same for each policy (no array of its own)', () => {
    const scratch = new ScratchArrays();
    const [at, values] = samples([start, start + stepMs], [1, 2]);
    const first = alignToSteps(at, values, start, stepMs, 3, scratch.take);
    scratch.reset();
    const [later, more] = samples([start + stepMs], [9]);
    const second = alignToSteps(later, more, start, stepMs, 3, scratch.take);
    expect(second.buffer).toBe(first.buffer);
    // Nothing of the first policy's values is left in the second's.
    expect(Array.from(second)).toEqual([9, NaN]);
  });
});

describe('fitted models held per policy', () => {
  const values = Float64Array.from(
    { length: 4 * 288 },
    (_, i) => 100 + 30 * Math.sin((2 * Math.PI * i) / 288) + (i % 7),
  );
  const state = fitForecastState(values, { horizon: 12, stepSeconds: 300, nowMs: 0 });

  it('are compacted into a copy that forecasts and is stored the same, to the bit', () => {
    const compact = compactModel(state);
    expect(compact).not.toBe(state);
    expect(compact.calibration).toHaveProperty('scores');
    expect(serializeForecastState(compact)).toBe(serializeForecastState(state));
    const [a, b] = [forecastFromState(compact, values), forecastFromState(state, values)];
    expect(b.point).toEqual(a.point);
    for (const tau of [0.05, 0.5, 0.95]) {
      expect(b.quantile(tau)).toEqual(a.quantile(tau));
      expect(b.peakBand(tau, 6)).toEqual(a.peakBand(tau, 6));
    }
  });

  it('hold the parts that models have in common once', () => {
    const [a, b] = [compactModel(state), compactModel(structuredClone(state))];
    expect(b).not.toBe(a);
    expect(b.periods).toBe(a.periods);
    expect(b.transform).toBe(a.transform);
    const decompositions = (s: typeof state) =>
      s.members.flatMap((m) => (m.kind === 'decomposition' ? [m.decomposition] : []));
    expect(decompositions(b).length).toBeGreaterThan(0);
    decompositions(b).forEach((d, i) => expect(d).toBe(decompositions(a)[i]));
  });

  it('hold their members and backtest as one shared template and an array of their own numbers', () => {
    const other = { ...state, backtest: { ...state.backtest, ensembleError: 0.125 } };
    const [a, b] = [compactModel(state), compactModel(other)];
    const held = (m: typeof state) => m as unknown as { template: object; numbers: number[] };
    expect(held(a).numbers.length).toBeGreaterThan(state.members.length);
    expect(held(b).template).toBe(held(a).template);
    expect(held(b).numbers).not.toEqual(held(a).numbers);
    expect(b.members).toEqual(other.members);
    expect(b.backtest).toEqual(other.backtest);
    // Read back as new objects each time (nothing but the template and the numbers held).
    expect(b.members).not.toBe(b.members);
  });

  it('are kept as they are when the copy would not be exact', () => {
    const odd = { ...state, fittedAtMs: Number.NaN };
    expect(compactModel(odd)).toBe(odd);
  });
});

describe('forecasting many policies', () => {
  const step = 300_000;
  const start = Date.UTC(2026, 0, 5, 0, 0, 0);
  const demandAt = (t: number): number => 100 + 40 * Math.sin((2 * Math.PI * t) / 86_400_000);
  // Every demand query answered with the same daily cycle over any range.
  const prometheus = new FakePrometheus().answerOthers([{ value: 0, at: demandAt }]);
  const backends = new Map([['default', prometheus]]);
  const policies = configSchema.parse({
    prometheus: { default: { url: 'http://127.0.0.1:9' } },
    policies: Array.from({ length: 40 }, (_, i) => ({
      name: `p${i}`,
      namespace: 'shop',
      target: { name: `p${i}` },
      demand: { query: `sum(demand_${i})` },
      capacityPerReplica: 20,
      replicas: { min: 1, max: 10 },
      forecast: { historyDays: 3, refitHours: 6 },
    })),
  }).policies;
  const history = Float64Array.from({ length: 3 * 288 }, (_, i) => demandAt(start - (3 * 288 - i) * step));

  /** Ticks every 15 s from `start` for `ticks` ticks; per tick, the policies that got a new forecast. */
  async function run(forecasting: Forecasting, ticks: number): Promise<string[][]> {
    const perTick: string[][] = [];
    for (let k = 0; k < ticks; k++) {
      const now = start + k * 15_000;
      const demand = new Map(policies.map((p) => [`shop/${p.name}`, demandAt(now)]));
      const made: string[] = [];
      madeBy = made;
      await forecasting.tick(policies, demand, () => 900, backends, now);
      perTick.push(made);
    }
    return perTick;
  }
  let madeBy: string[] = [];

  it('spreads the forecasts remade after a bucket closes over the first half of the next bucket', async () => {
    const model = fitForecastState(history, { horizon: 12, stepSeconds: 300, nowMs: start });
    const forecasting = new Forecasting(
      {
        loadModels: async () => new Map(policies.map((p) => [`shop/${p.name}`, model])),
        onForecast: (f) => madeBy.push(f.policy),
      },
      { maxFitsPerTick: 0, maxWarmStartsPerTick: 100, coverageMargin: 0.1 },
    );
    // Tick 0 warm-starts and forecasts every policy; the bucket closes at tick 20, then again at 40.
    const perTick = await run(forecasting, 41);
    expect(perTick[0]).toHaveLength(40);
    const afterClose = perTick.slice(20, 40);
    expect(afterClose.flat().sort()).toEqual(policies.map((p) => p.name).sort());
    // Eleven ticks in the first half of the bucket (its start included): four each, not forty at once.
    expect(Math.max(...afterClose.map((made) => made.length))).toBeLessThanOrEqual(5);
    expect(afterClose.slice(11).flat()).toEqual([]);
    expect(perTick.slice(1, 20).flat()).toEqual([]);
  });

  it('holds the loaded models compacted while they wait for their warm start, not the loaded objects', async () => {
    const model = fitForecastState(history, { horizon: 12, stepSeconds: 300, nowMs: start });
    const loaded: WeakRef<object>[] = [];
    const forecasting = new Forecasting(
      {
        loadModels: async () =>
          new Map(
            policies.map((p) => {
              const own = { ...model };
              loaded.push(new WeakRef(own));
              return [`shop/${p.name}`, own];
            }),
          ),
        onForecast: (f) => madeBy.push(f.policy),
      },
      { maxFitsPerTick: 0, maxWarmStartsPerTick: 1, coverageMargin: 0.1 },
    );
    const perTick = await run(forecasting, 2);
    // A WeakRef keeps its target until the current job ends: collect in a later one.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(loaded.filter((ref) => ref.deref() !== undefined)).toEqual([]);
    // Each warm start forecasts from its stored model as before: one a tick here.
    expect(perTick).toEqual([['p0'], ['p1']]);
  });

  it('refits the oldest models first, within the per-tick budget, and says how old the model is', async () => {
    const model = fitForecastState(history, { horizon: 12, stepSeconds: 300, nowMs: 0 });
    const models = new Map(
      policies.map((p, i) => [`shop/${p.name}`, { ...model, fittedAtMs: start - 7 * 3600_000 - i * 1000 }]),
    );
    const saved: string[] = [];
    const forecasting = new Forecasting(
      { loadModels: async () => models, saveModel: (_ns, policy) => saved.push(policy) },
      { maxFitsPerTick: 2, maxWarmStartsPerTick: 100, coverageMargin: 0.1 },
    );
    await run(forecasting, 3);
    // p39's model is the oldest: refitted first, two per tick.
    expect([saved.slice(0, 2), saved.slice(2, 4), saved.slice(4)].map((tick) => tick.sort())).toEqual([
      ['p38', 'p39'],
      ['p36', 'p37'],
      ['p34', 'p35'],
    ]);
    const views = await forecasting.tick(policies, new Map(), () => 900, backends, start + 3 * 15_000);
    expect(views.get('shop/p0')!.reason).toMatch(/; model fitted 7\.0 h ago$/);
    expect(views.get('shop/p39')!.reason).toMatch(/; model fitted 0\.0 h ago$/);
  });

  it('holds demand detectors packed, scoring and reporting episodes as a detector held as objects does', async () => {
    const events: string[] = [];
    const forecasting = new Forecasting(
      { onAnomaly: (e) => events.push(`${e.policy} ${e.startedAt} ${e.endedAt} ${e.peakScore}`) },
      { maxFitsPerTick: 0, maxWarmStartsPerTick: 100, coverageMargin: 0.1 },
    );
    const p0 = policies[0]!;
    // The reference: the warm start's history, as the series holds it, replayed into a detector held as
    // objects, then the same ticks.
    const series = onlineSeries(step, start, history);
    const reference = newWatch(createDetector({ stepMs: step }));
    series.values.view().forEach((v, i) => watchSample(reference, start - (history.length - i) * step, v));
    const expected: string[] = [];
    // Demand doubles for an hour: an episode starts and ends.
    const demand = (k: number) => demandAt(start + k * 15_000) * (k >= 400 && k < 640 ? 2 : 1);
    let view;
    for (let k = 0; k < 1_000; k++) {
      const now = start + k * 15_000;
      const open = series.bucketStart;
      feedSeries(series, demand(k), now, 0.1);
      watchClosedBuckets(reference, series, open, (e, endedAt) =>
        expected.push(`p0 ${e.since} ${endedAt} ${e.peak}`),
      );
      view = (await forecasting.tick([p0], new Map([['shop/p0', demand(k)]]), () => 900, backends, now)).get(
        'shop/p0',
      );
    }
    expect(expected).toHaveLength(2);
    expect(events).toEqual(expected);
    expect(view!.anomaly).toEqual(withDemandAnomaly({ mode: 'reactive', reason: '' }, reference).anomaly);
    const held = (forecasting as unknown as { entries: Map<string, { watch: { detector: unknown } }> })
      .entries;
    // Held packed, in the scorer's slab (packedDetector.ts, `WatchScorer`).
    expect(typeof held.get('shop/p0')!.watch.detector).toBe('number');
  });

  it('drops the history of a policy the configuration no longer has, and loads it again when it returns', async () => {
    const forecasting = new Forecasting(
      {},
      { maxFitsPerTick: 0, maxWarmStartsPerTick: 100, coverageMargin: 0.1 },
    );
    const [a, b] = [policies[0]!, policies[1]!];
    const tick = (list: typeof policies, k: number) =>
      forecasting.tick(list, new Map(), () => 900, backends, start + k * 15_000);
    const both = [a, b];
    const asked = prometheus.queries('range').length;
    const ranges = () => prometheus.queries('range').length - asked;
    await tick(both, 0);
    await tick(both, 1);
    expect(ranges()).toBe(2);
    expect((await tick([a], 2)).has('shop/p1')).toBe(false);
    await tick([a, b], 3);
    expect(ranges()).toBe(3);
  });
});
