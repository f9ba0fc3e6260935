import { policySchema } from '../config/schema';
import { reactiveDistribution } from '../domain';
import { costscaleScaler, reanchored } from './costscaleScaler';
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
});

describe('reanchored', () => {
  const history = Float64Array.from({ length: 400 }, (_, i) => 100 + 40 * Math.sin(i / 20) + (i % 7));

  it('equals the reactive distribution built at the new demand (ratio method)', () => {
    const built = reactiveDistribution(history, 4, 120);
    expect(built.method).toBe('ratio');
    const fresh = reactiveDistribution(history, 4, 90);
    const moved = reanchored(built, 120, 90);
    for (const tau of [0.1, 0.5, 0.9, 0.99]) expect(moved.quantile(tau)).toBeCloseTo(fresh.quantile(tau), 9);
  });

  it('equals the reactive distribution built at the new demand (difference method)', () => {
    const built = reactiveDistribution(history, 4, 0);
    expect(built.method).toBe('difference');
    const fresh = reactiveDistribution(history, 4, 0.5);
    expect(fresh.method).toBe('difference');
    const moved = reanchored(built, 0, 0.5);
    for (const tau of [0.5, 0.9, 0.99]) expect(moved.quantile(tau)).toBeCloseTo(fresh.quantile(tau), 9);
  });
});

describe('costscaleScaler', () => {
  const base = { policy, capacityPerReplica: 10, costPerReplicaHour: 0.1, horizonMs: 60_000, stepMs: 15_000 };

  it('serves nothing before any demand is observed', () => {
    const scaler = costscaleScaler(base);
    expect(scaler(0, { timesMs: new Float64Array(0), demand: new Float64Array(0) }, 1)).toBeUndefined();
  });

  it('with flat history serves ceil(D / κ)', () => {
    const scaler = costscaleScaler(base);
    const demand = new Float64Array(200).fill(95);
    const timesMs = Float64Array.from(demand, (_, i) => i * 15_000);
    expect(scaler(200 * 15_000, { timesMs, demand }, 3)).toBe(10);
  });

  it('follows schedules, which make the same demand give different answers at different times', () => {
    const scheduled = costscaleScaler({
      ...base,
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
    });
    const demand = new Float64Array(200).fill(95);
    const timesMs = Float64Array.from(demand, (_, i) => i * 15_000);
    const monday = Date.UTC(2024, 0, 1);
    // 15 s apart, within one distribution refresh: only the clock differs.
    expect(scheduled(monday + 9 * 3_600_000 - 15_000, { timesMs, demand }, 10)).toBe(10);
    expect(scheduled(monday + 9 * 3_600_000, { timesMs, demand }, 10)).toBe(20);
  });

  it('provisions for growth seen in the history, more so when misses cost more', () => {
    // Demand that often jumps by half within the horizon.
    const demand = Float64Array.from({ length: 2000 }, (_, i) => (Math.floor(i / 4) % 2 === 0 ? 100 : 150));
    demand[1999] = 100;
    const timesMs = Float64Array.from(demand, (_, i) => i * 15_000);
    const cheapMiss = costscaleScaler({ ...base, policy: { ...policy, sloMissCostPerHour: 0.01 } });
    const dearMiss = costscaleScaler({ ...base, policy: { ...policy, sloMissCostPerHour: 100 } });
    expect(cheapMiss(2000 * 15_000, { timesMs, demand }, 10)).toBe(10);
    expect(dearMiss(2000 * 15_000, { timesMs, demand }, 10)).toBe(15);
  });

  describe('on a daily sine', () => {
    const step = 60_000;
    const count = (3 * 86_400_000) / step;
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
    const run = (tolerance?: number) =>
      simulate(trace, workload, {
        name: 'costscale',
        kind: 'hpa-external',
        metricName: 'costscale_replicas',
        averageValue: 1,
        scaler: costscaleScaler(base),
        behavior: tolerance === undefined ? undefined : { scaleUp: { tolerance }, scaleDown: { tolerance } },
      });

    it('is cheaper than fixed peak capacity and misses only at the start', () => {
      const costscale = run(0);
      const peak = simulate(trace, workload, { name: 'fixed', kind: 'fixed', replicas: 35 });
      expect(peak.sloMissMinutes).toBe(0);
      expect(costscale.replicaHours).toBeLessThan(0.65 * peak.replicaHours);
      // Never below the fluid lower bound ∫ D/κ dt.
      expect(costscale.replicaHours).toBeGreaterThan(costscale.totalDemand / 10 / 3600);
      expect(costscale.sloMissMinutes).toBeLessThan(2);
    });

    it('behind an HPA with the default 10 % tolerance, increases of up to 10 % are ignored on the rising flank', () => {
      expect(run().sloMissMinutes).toBeGreaterThan(100);
    });
  });
});
