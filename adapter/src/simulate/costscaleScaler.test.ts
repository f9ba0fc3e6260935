import { policySchema } from '../config/schema';
import {
  costscaleScaler,
  observationOf,
  observeForCostscale,
  type CostscaleObservation,
  type CostscaleScalerParams,
} from './costscaleScaler';
import { forecastShare } from './forecastTrack';
import { DEFAULT_PIPELINE, type MetricPipeline } from './pipeline';
import { simulate } from './simulate';
import type { DemandTrace } from './trace';

const policy = policySchema.parse({
  name: 'web',
  namespace: 'shop',
  target: { name: 'web' },
  demand: { query: 'sum(rate(http_requests_total[1m]))' },
  capacityPerReplica: 10,
  replicas: { min: 1, max: 50 },
  sloMissCostPerHour: 4,
  readinessDelaySeconds: 30,
  forecast: { enabled: false },
});
const STEP = 15_000;
const NO_LAG: MetricPipeline = { ...DEFAULT_PIPELINE, tickAgeMs: 0 };

/** An observation of demand values read at ticks t0 + k·15 s, forecasting off. */
function observed(values: number[], t0 = 0, pipeline = NO_LAG): CostscaleObservation {
  return observationOf({
    t0,
    stepMs: STEP,
    values: Float64Array.from(values),
    pipeline,
    interpolation: 'linear',
  });
}

const params = (observation: CostscaleObservation, over: Partial<CostscaleScalerParams> = {}) => ({
  policy,
  capacityPerReplica: 10,
  costPerReplicaHour: 0.1,
  observation,
  ...over,
});

describe('costscaleScaler', () => {
  it('serves nothing while the query has no value', () => {
    const scaler = costscaleScaler(params(observed([Number.NaN, Number.NaN])));
    expect(scaler(STEP, 1)).toBeUndefined();
  });

  it('with flat demand serves ceil(D / κ)', () => {
    const scaler = costscaleScaler(params(observed(new Array<number>(200).fill(95))));
    expect(scaler(199 * STEP, 3)).toBe(10);
  });

  it('remembers growth from more than an hour ago, which the last hour of ticks alone would not', () => {
    // One burst to 3× at tick 100 of a flat 95, then 400 flat ticks (100 min) more: the hour of recent
    // ticks is flat, but the decayed histogram still holds the burst's horizons near this level.
    const values = new Array<number>(900).fill(95);
    for (let k = 100; k < 110; k++) values[k] = 285;
    const strict = { ...policy, sloMissCostPerHour: 100_000 };
    const scaler = costscaleScaler(params(observed(values), { policy: strict }));
    const served = values.map((_, k) => scaler(k * STEP, 10));
    expect(served[899]).toBeGreaterThan(10);
    const lenient = costscaleScaler(
      params(observed(values), { policy: { ...policy, sloMissCostPerHour: 0.01 } }),
    );
    expect(values.map((_, k) => lenient(k * STEP, 10))[899]).toBe(10);
  });

  it('warm-starts the growth histogram from what the query returned before the trace, as the engine does', () => {
    // The history before the trace holds a burst to 3× of a flat 95; the trace itself is flat.
    const earlier = new Float64Array(2000).fill(95);
    earlier.fill(285, 500, 510);
    const strict = { ...policy, sloMissCostPerHour: 100_000 };
    const trace = new Array<number>(10).fill(95);
    const bare = costscaleScaler(params(observed(trace), { policy: strict }));
    const warm = costscaleScaler(
      params(observationOf({ ...observed(trace).demand }, earlier), { policy: strict }),
    );
    // Bare, only the young-history prior's headroom: about ⌈95 · e^0.15 / 10⌉.
    expect(bare(5 * STEP, 10)).toBeLessThan(15);
    // Warm, the burst's horizons near this level: about ⌈285 / 10⌉.
    expect(warm(5 * STEP, 10)).toBeGreaterThanOrEqual(25);
  });

  it('keeps serving the last good value until it is stale, then nothing', () => {
    const values = [...new Array<number>(100).fill(95), ...new Array<number>(20).fill(Number.NaN)];
    const scaler = costscaleScaler(params(observed(values)));
    const served = values.map((_, k) => scaler(k * STEP, 10));
    expect(served[99]).toBe(10);
    // 120 s of staleness: eight more ticks of the last good value, then an error the HPA holds on.
    expect(served.slice(100, 108)).toEqual(new Array<number>(8).fill(10));
    expect(served[109]).toBeUndefined();
  });

  it('follows schedules, which make the same demand give different answers at different times', () => {
    const monday9 = Date.UTC(2024, 0, 1) + 9 * 3_600_000;
    const t0 = monday9 - 100 * STEP;
    const scaled = costscaleScaler(
      params(observed(new Array<number>(200).fill(95), t0), {
        policy: {
          ...policy,
          schedules: [
            {
              name: 'office',
              timeZone: 'UTC',
              days: ['mon', 'tue', 'wed', 'thu', 'fri'],
              from: '09:00',
              to: '17:00',
              minReplicas: 20,
            },
          ],
        },
      }),
    );
    expect(scaled(monday9 - STEP, 10)).toBe(10);
    expect(scaled(monday9, 10)).toBe(20);
  });

  it('provisions for the growth seen, more so when misses cost more', () => {
    // Demand that often jumps by half within the horizon (30 s + 15 s + 15 s = 4 ticks), read as a gauge.
    const values = Array.from({ length: 400 }, (_, i) => (Math.floor(i / 4) % 2 === 0 ? 100 : 150));
    values[399] = 100;
    const gauge = observed(values, 0, { ...NO_LAG, rateWindowMs: 0 });
    const cheap = costscaleScaler(params(gauge, { policy: { ...policy, sloMissCostPerHour: 0.01 } }));
    const dear = costscaleScaler(params(gauge, { policy: { ...policy, sloMissCostPerHour: 100 } }));
    expect(cheap(399 * STEP, 10)).toBe(10);
    // The jump to 150 needs 15; the growth histogram spreads each bin's horizons over the bin (about
    // 3 % wide at this growth), so its top quantile lies up to a bin above: 15.4 replicas.
    expect(dear(399 * STEP, 10)).toBe(16);
  });

  it("extrapolates D(t) over half the pipeline's rate() window, as the engine does; a gauge stands", () => {
    const ramp = Float64Array.from({ length: 300 }, (_, i) => 100 + i);
    const at = (pipeline: MetricPipeline) =>
      observationOf({ t0: 0, stepMs: STEP, values: ramp, pipeline, interpolation: 'linear' });
    // rate()[2m] trails by 60 s = 4 ticks: 399 measured, 395 four ticks earlier ⇒ 403.
    expect(at(NO_LAG).corrected(299)).toEqual({ demand: 403, measured: 399, earlier: 395, lagSeconds: 60 });
    expect(at({ ...NO_LAG, rateWindowMs: 0 }).corrected(299).demand).toBe(399);
    // Flat at 200, then a rise the rate() has only begun to show: 280 measured, 200 four ticks earlier.
    const rise = Float64Array.from({ length: 300 }, (_, i) => (i < 296 ? 200 : 200 + 20 * (i - 295)));
    const served = (pipeline: MetricPipeline) =>
      costscaleScaler(
        params(observationOf({ t0: 0, stepMs: STEP, values: rise, pipeline, interpolation: 'linear' }), {
          costPerReplicaHour: 1e6,
        }),
      )(299 * STEP, 60);
    // At a prohibitive replica cost, from above, the fewest replicas weighed are chosen, ⌈D(t)/κ⌉:
    // 360 → 36 replicas against 280 → 28.
    expect(served(NO_LAG)).toBe(36);
    expect(served({ ...NO_LAG, rateWindowMs: 0 })).toBe(28);
  });

  it('reads the tick that ran tickAgeMs before the HPA sync', () => {
    const values = Array.from({ length: 200 }, (_, k) => (k < 150 ? 95 : 195));
    const observation = observed(values);
    const lagged = observationOf({ ...observation.demand, pipeline: { ...NO_LAG, tickAgeMs: 7_500 } });
    // A jump of the query by 100 within a quarter of its window reads as demand 4 × 100 above the level
    // (demandLag.ts, the accelerating read): 52 replicas to cover it, room for them under the maximum and
    // a miss priced above their cost (at v = 4 the 42 more cost more than the certain miss they avoid).
    const roomy = { ...policy, sloMissCostPerHour: 100, replicas: { min: 1, max: 100 } };
    const scaler = costscaleScaler(params(lagged, { policy: roomy }));
    // The decision time moves back; the value is still the one read at that tick.
    expect(scaler(150 * STEP, 10)).toBeGreaterThanOrEqual(20);
  });

  describe('on a daily sine sampled every minute', () => {
    const step = 60_000;
    const count = (2 * 86_400_000) / step;
    const timesMs = Float64Array.from({ length: count }, (_, i) => i * step);
    const demand = Float64Array.from(
      { length: count },
      (_, i) => 200 + 150 * Math.sin((2 * Math.PI * i * step) / 86_400_000),
    );
    const trace: DemandTrace = { timesMs, demand };
    const workload = {
      capacityPerReplica: 10,
      readinessDelayMs: 30_000,
      minReplicas: 1,
      maxReplicas: 50,
      costPerReplicaHour: 0.1,
    };
    const observation = observeForCostscale(trace, STEP, 'linear', DEFAULT_PIPELINE);
    const run = (tolerance?: number, seen = observation, decidedFor = tolerance ?? 0.1) =>
      simulate(trace, workload, {
        name: 'costscale',
        kind: 'hpa-external',
        metricName: 'costscale_replicas',
        averageValue: 1,
        scaler: costscaleScaler(params(seen, { policy: { ...policy, hpaTolerance: decidedFor } })),
        behavior: tolerance === undefined ? undefined : { scaleUp: { tolerance }, scaleDown: { tolerance } },
      });

    it('is cheaper than fixed peak capacity; a slower metric pipeline costs it misses or replicas', () => {
      const costscale = run(0);
      const peak = simulate(trace, workload, { name: 'fixed', kind: 'fixed', replicas: 35 });
      expect(peak.sloMissMinutes).toBe(0);
      expect(costscale.replicaHours).toBeLessThan(0.65 * peak.replicaHours);
      // Never below the fluid lower bound ∫ D/κ dt.
      expect(costscale.replicaHours).toBeGreaterThan(costscale.totalDemand / 10 / 3600);
      expect(costscale.sloMissMinutes).toBeLessThan(0.02 * 2 * 24 * 60);
      const fast = { ...DEFAULT_PIPELINE, scrapeIntervalMs: 5_000, rateWindowMs: 20_000, tickAgeMs: 0 };
      const fresher = run(0, observeForCostscale(trace, STEP, 'linear', fast));
      // No more misses for fewer replicas: the lag the slower pipeline hides is paid for one way or the other.
      expect(fresher.sloMissMinutes).toBeLessThanOrEqual(costscale.sloMissMinutes);
      expect(fresher.replicaHours).toBeLessThan(costscale.replicaHours);
    });

    it('behind an HPA with the default 10 % tolerance, decisions that ignore the band miss on the rising flank, and band-aware ones do not', () => {
      const unaware = run(undefined, observation, 0);
      const aware = run();
      // The HPA ignores every increase of up to 10 %: a served count one above the current one is never reached.
      expect(unaware.sloMissMinutes).toBeGreaterThan(100);
      expect(aware.sloMissMinutes).toBeLessThan(unaware.sloMissMinutes / 3);
      expect(aware.replicaHours).toBeLessThan(1.1 * unaware.replicaHours);
    });
  });
});

describe('forecast track', () => {
  it('fits every refit period once two days of buckets exist, and forecasts from then on', () => {
    const step = 300_000;
    const count = (3 * 86_400_000) / step;
    const trace: DemandTrace = {
      timesMs: Float64Array.from({ length: count }, (_, i) => i * step),
      demand: Float64Array.from(
        { length: count },
        (_, i) => 200 + 150 * Math.sin((2 * Math.PI * i * step) / 86_400_000),
      ),
    };
    const observation = observeForCostscale(trace, STEP, 'linear', DEFAULT_PIPELINE);
    const settings = { stepSeconds: 300, refitHours: 6, coverageMargin: 0.1, fitHorizon: 12 };
    const track = observation.forecast(settings);
    expect(observation.forecast(settings)).toBe(track);
    // The trace lasts 3 days and 5 minutes: fits once two days of buckets exist, then every 6 h.
    expect(track.fits).toBe(5);
    // The backtest beats seasonal naive, so the forecast decides until the online gate judges it.
    expect(forecastShare(track)).toBeGreaterThan(0);
    const firstForecast = track.views.findIndex((v) => v.mode === 'forecast');
    const firstTick = track.viewAt.findIndex((i) => i === firstForecast);
    // Two days of 5-minute buckets, the first of which began before the trace.
    expect(firstTick * STEP).toBeGreaterThanOrEqual(2 * 86_400_000 - 300_000);
  });
});
