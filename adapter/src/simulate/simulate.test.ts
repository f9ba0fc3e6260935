import { demandCounter } from './pipeline';
import { shortfallOver, simulate } from './simulate';
import type { DemandTrace } from './trace';
import type { MetricScaler, Scenario, WorkloadModel } from './types';

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;
const HOUR = 3_600_000;

/** Piecewise-constant demand sampled every minute: [durationMs, demand] segments back to back. */
function piecewise(segments: [number, number][]): DemandTrace {
  const times: number[] = [];
  const values: number[] = [];
  let t = T0;
  for (const [duration, d] of segments) {
    for (let s = 0; s < duration; s += MIN) {
      times.push(t + s);
      values.push(d);
    }
    t += duration;
  }
  return { timesMs: Float64Array.from(times), demand: Float64Array.from(values) };
}

/**
 * Step traces are sampled every minute; holding each sample makes the steps instantaneous. metrics-server
 * scrapes at each sync here, so the CPU HPA sees the last step's utilisation at once.
 */
const HOLD = { interpolation: 'hold', cpuPipeline: { cpuResolutionMs: 15_000, cpuAgeMs: 0 } } as const;

const workload = (overrides: Partial<WorkloadModel> = {}): WorkloadModel => ({
  capacityPerReplica: 10,
  readinessDelayMs: 30_000,
  minReplicas: 1,
  maxReplicas: 100,
  costPerReplicaHour: 0.5,
  ...overrides,
});

/** An adapter that serves exactly the replicas the mean demand of the last step needs (held samples). */
const oracle = (kappa: number, trace: DemandTrace): MetricScaler => {
  const counter = demandCounter(trace, 'hold');
  return (t) => Math.ceil((counter(t) - counter(t - 15_000)) / 15 / kappa);
};
const external = (name: string, scaler: MetricScaler): Scenario => ({
  name,
  kind: 'hpa-external',
  metricName: 'costscale_replicas',
  averageValue: 1,
  scaler,
});

describe('simulate: fixed replicas', () => {
  it('a step above capacity misses exactly while demand exceeds it', () => {
    const trace = piecewise([
      [HOUR, 10],
      [HOUR, 30],
    ]);
    const r = simulate(trace, workload(), { name: 'fixed', kind: 'fixed', replicas: 2 }, HOLD);
    expect(r.hours).toBe(2);
    expect(r.replicaHours).toBeCloseTo(4, 9);
    expect(r.cost).toBeCloseTo(2, 9);
    expect(r.sloMissMinutes).toBeCloseTo(60, 9);
    expect(r.unmetDemand).toBeCloseTo(10 * 3600, 6);
    expect(r.totalDemand).toBeCloseTo(10 * 3600 + 30 * 3600, 6);
    expect(r.scaleUps + r.scaleDowns).toBe(0);
    expect(r.timeline.timesMs.length).toBe(2 * 240);
  });

  it('a daily sine: SLO-miss minutes and unmet demand match the closed form', () => {
    const day = 86_400_000;
    const step = 5_000;
    const count = day / step + 1;
    const A = 100;
    const B = 60;
    const times = new Float64Array(count);
    const demand = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      times[i] = T0 + i * step;
      demand[i] = A + B * Math.sin((2 * Math.PI * i * step) / day);
    }
    const replicas = 14; // capacity 140
    const r = simulate({ timesMs: times, demand }, workload(), { name: 'fixed', kind: 'fixed', replicas });
    const c = (replicas * 10 - A) / B;
    const theta = Math.asin(c);
    const expectedMissMinutes = 1440 * (0.5 - theta / Math.PI);
    const expectedUnmet =
      (day / 1000 / (2 * Math.PI)) * (2 * B * Math.cos(theta) - (replicas * 10 - A) * (Math.PI - 2 * theta));
    // The closing sample adds one 5 s interval beyond the day.
    expect(r.hours).toBeCloseTo(24 + 5 / 3600, 9);
    expect(Math.abs(r.sloMissMinutes - expectedMissMinutes)).toBeLessThan(0.01);
    expect(Math.abs(r.unmetDemand - expectedUnmet) / expectedUnmet).toBeLessThan(1e-5);
  });

  it('a linear ramp: the miss starts where the ramp crosses capacity', () => {
    // 0 → 100 over an hour, then 100 held for the same hour; 5 replicas serve 50.
    const trace: DemandTrace = { timesMs: Float64Array.of(T0, T0 + HOUR), demand: Float64Array.of(0, 100) };
    const r = simulate(trace, workload(), { name: 'fixed', kind: 'fixed', replicas: 5 });
    expect(r.sloMissMinutes).toBeCloseTo(90, 9);
    expect(r.unmetDemand).toBeCloseTo(0.5 * 50 * 1800 + 50 * 3600, 6);
    expect(r.totalDemand).toBeCloseTo(50 * 3600 + 100 * 3600, 6);
    expect(r.timeline.demand[0]).toBeCloseTo((100 * 7.5) / 3600, 9);
    const held = simulate(trace, workload(), { name: 'fixed', kind: 'fixed', replicas: 5 }, HOLD);
    expect(held.sloMissMinutes).toBeCloseTo(60, 9);
  });
});

describe('simulate: an HPA on an External replica-count metric', () => {
  it('after a step up, ready capacity catches up one sync plus one readiness delay later', () => {
    const trace = piecewise([
      [HOUR, 10],
      [HOUR, 30],
    ]);
    const r = simulate(trace, workload(), external('oracle', oracle(10, trace)), HOLD);
    // At 1 h the step starts; the sync at 1 h 15 s sees it; the new pods are ready 30 s after that.
    expect(r.sloMissMinutes).toBeCloseTo(0.75, 9);
    expect(r.unmetDemand).toBeCloseTo(20 * 45, 6);
    const at = (ms: number) => Math.round(ms / 15_000);
    expect(r.timeline.desiredReplicas[at(HOUR)]).toBe(1);
    expect(r.timeline.desiredReplicas[at(HOUR + 15_000)]).toBe(3);
    expect(r.timeline.readyReplicas[at(HOUR + 30_000)]).toBe(1);
    expect(r.timeline.readyReplicas[at(HOUR + 45_000)]).toBe(3);
    expect(r.scaleUps).toBe(1);
    expect(r.scaleDowns).toBe(0);
  });

  it('the miss grows with the readiness delay', () => {
    const trace = piecewise([
      [HOUR, 10],
      [HOUR, 30],
    ]);
    const slow = simulate(
      trace,
      workload({ readinessDelayMs: 120_000 }),
      external('oracle', oracle(10, trace)),
      HOLD,
    );
    expect(slow.sloMissMinutes).toBeCloseTo(2.25, 9);
    const instant = simulate(
      trace,
      workload({ readinessDelayMs: 0 }),
      external('oracle', oracle(10, trace)),
      HOLD,
    );
    expect(instant.sloMissMinutes).toBeCloseTo(0.25, 9);
  });

  it('after a step down, the HPA keeps the replicas for its 5-minute stabilisation window', () => {
    const trace = piecewise([
      [HOUR, 30],
      [HOUR, 10],
    ]);
    const r = simulate(trace, workload(), external('oracle', oracle(10, trace)), HOLD);
    expect(r.sloMissMinutes).toBe(0);
    // 3 replicas for the first hour, then until 15 s (seeing the drop) + 300 s (window) after it; 1 after.
    const expected = 3 * 1 + (3 * (15 + 300)) / 3600 + (1 * (3600 - 315)) / 3600;
    expect(r.replicaHours).toBeCloseTo(expected, 9);
    expect(r.scaleDowns).toBe(1);
  });

  it('the HPA ignores a served count within 10 % of the existing pods', () => {
    const trace = piecewise([[HOUR, 100]]);
    const r = simulate(
      trace,
      workload({ maxReplicas: 20 }),
      external('eleven', () => 11),
      { initialReplicas: 10 },
    );
    expect(r.timeline.desiredReplicas.every((x) => x === 10)).toBe(true);
  });

  it('an adapter error makes the HPA hold', () => {
    const trace = piecewise([[2 * HOUR, 100]]);
    const r = simulate(
      trace,
      workload(),
      external('broken', () => undefined),
      { initialReplicas: 4 },
    );
    expect(r.timeline.desiredReplicas.every((x) => x === 4)).toBe(true);
    expect(r.sloMissMinutes).toBeCloseTo(120, 9);
  });

  it('respects the replica bounds', () => {
    const trace = piecewise([
      [HOUR, 10],
      [HOUR, 300],
    ]);
    const r = simulate(trace, workload({ maxReplicas: 8 }), external('oracle', oracle(10, trace)), HOLD);
    expect(r.peakReplicas).toBe(8);
  });
});

describe('simulate: scale to zero (minReplicas 0)', () => {
  const idleBusyIdle = () =>
    piecewise([
      [HOUR, 0],
      [HOUR, 30],
      [HOUR, 0],
    ]);
  const at = (ms: number) => Math.round(ms / 15_000);

  it('an HPA on an External metric idles at 0 replicas and scales up from 0 when demand comes', () => {
    const trace = idleBusyIdle();
    const r = simulate(trace, workload({ minReplicas: 0 }), external('oracle', oracle(10, trace)), {
      ...HOLD,
      initialReplicas: 0,
    });
    expect(r.timeline.desiredReplicas[at(HOUR / 2)]).toBe(0);
    expect(r.timeline.desiredReplicas[at(HOUR + 15_000)]).toBe(3);
    expect(r.timeline.readyReplicas[at(HOUR + HOUR / 2)]).toBe(3);
    // Back to 0 after the 5 min downscale stabilisation window.
    expect(r.timeline.desiredReplicas[at(2 * HOUR + 10 * MIN)]).toBe(0);
    expect(r.replicaHours).toBeCloseTo(3, 0);
  });

  it('a CPU HPA cannot have minReplicas 0 (the API server rejects it): it keeps 1 replica through idle hours', () => {
    const trace = idleBusyIdle();
    const r = simulate(
      trace,
      workload({ minReplicas: 0 }),
      { name: 'hpa-cpu', kind: 'hpa-cpu', targetUtilization: 0.5 },
      { ...HOLD, initialReplicas: 1 },
    );
    expect(Math.min(...r.timeline.desiredReplicas)).toBe(1);
  });
});

describe('simulate: an HPA on CPU utilisation', () => {
  const cpu = (target: number): Scenario => ({
    name: `hpa-cpu:${target}`,
    kind: 'hpa-cpu',
    targetUtilization: target,
  });

  it('holds utilisation at its target on steady demand', () => {
    const trace = piecewise([[2 * HOUR, 35]]);
    const r = simulate(trace, workload(), cpu(0.5), HOLD);
    // 35 / (r·10) within 10 % of 50 % ⇒ 7 replicas (50 %).
    expect(r.timeline.desiredReplicas[r.timeline.desiredReplicas.length - 1]).toBe(7);
    expect(r.sloMissMinutes).toBe(0);
  });

  it('after a step up, capacity catches up one sync plus one readiness delay later (utilisation capped at 100 %)', () => {
    const trace = piecewise([
      [HOUR, 10],
      [HOUR, 30],
    ]);
    const r = simulate(trace, workload(), cpu(0.5), { ...HOLD, initialReplicas: 2 });
    expect(r.timeline.desiredReplicas[Math.round(HOUR / 15_000) - 1]).toBe(2);
    // Sees 100 % (capped) at 1 h 15 s ⇒ ratio 2 ⇒ 4 replicas, ready 30 s later: 40 ≥ 30.
    expect(r.timeline.desiredReplicas[Math.round((HOUR + 15_000) / 15_000)]).toBe(4);
    expect(r.sloMissMinutes).toBeCloseTo(0.75, 9);
    // Then 75 % ⇒ 6 replicas (50 %).
    expect(r.timeline.desiredReplicas[r.timeline.desiredReplicas.length - 1]).toBe(6);
  });

  it("through metrics-server's default pipeline the first sync after a step sees only half of it", () => {
    const trace = piecewise([
      [HOUR, 10],
      [HOUR, 30],
    ]);
    const k = Math.round((HOUR + 15_000) / 15_000);
    // The newest sample is 7.5 s old and spans 15 s: half at 50 %, half at the 100 % cap ⇒ 75 % ⇒ 3.
    const r = simulate(trace, workload(), cpu(0.5), { interpolation: 'hold', initialReplicas: 2 });
    expect(r.timeline.desiredReplicas[k]).toBe(3);
    expect(r.timeline.desiredReplicas[k + 1]).toBe(4);
    const exact = simulate(trace, workload(), cpu(0.5), { ...HOLD, initialReplicas: 2 });
    expect(exact.timeline.desiredReplicas[k]).toBe(4);
  });

  it('a higher utilisation cap lets the HPA see more of the overload', () => {
    const trace = piecewise([
      [HOUR, 28],
      [HOUR, 60],
    ]);
    const k = Math.round((HOUR + 15_000) / 15_000);
    // At 70 % target a pod capped at 100 % proposes ×1.43 (4 → 6); at 150 % ×2.14, held to ×2 (4 → 8).
    const capped = simulate(trace, workload(), cpu(0.7), { ...HOLD, initialReplicas: 4 });
    const burst = simulate(trace, workload(), cpu(0.7), {
      ...HOLD,
      initialReplicas: 4,
      cpuUtilizationCap: 2,
    });
    expect(capped.timeline.desiredReplicas[k - 1]).toBe(4);
    expect(capped.timeline.desiredReplicas[k]).toBe(6);
    expect(burst.timeline.desiredReplicas[k]).toBe(8);
  });

  it('new pods are not counted before they are ready', () => {
    const trace = piecewise([
      [HOUR, 10],
      [HOUR, 80],
    ]);
    const r = simulate(trace, workload({ readinessDelayMs: 60_000 }), cpu(0.5), {
      ...HOLD,
      initialReplicas: 2,
    });
    const k = Math.round((HOUR + 15_000) / 15_000);
    // 2 → 4 at the first sync. While the new pods start, the ready ones stay at the cap but the unready
    // ones, counted idle, damp the proposal back to 4. They are ready 60 s after starting; their first
    // sample counts one metric window (15 s) after that, and only then does the HPA double again.
    expect(Array.from(r.timeline.desiredReplicas.subarray(k, k + 5))).toEqual([4, 4, 4, 4, 4]);
    expect(r.timeline.desiredReplicas[k + 5]).toBe(8);
  });
});

describe('shortfallOver', () => {
  it('integrates the part of a linear segment above capacity', () => {
    expect(shortfallOver(10, 20, 30, 1000)).toEqual({ durationMs: 0, volumeMs: 0 });
    expect(shortfallOver(30, 30, 30, 1000)).toEqual({ durationMs: 0, volumeMs: 0 });
    expect(shortfallOver(40, 50, 30, 1000)).toEqual({ durationMs: 1000, volumeMs: 15_000 });
    expect(shortfallOver(20, 40, 30, 1000)).toEqual({ durationMs: 500, volumeMs: 2500 });
    expect(shortfallOver(40, 20, 30, 1000)).toEqual({ durationMs: 500, volumeMs: 2500 });
    expect(shortfallOver(30, 40, 30, 1000)).toEqual({ durationMs: 1000, volumeMs: 5000 });
  });
});
