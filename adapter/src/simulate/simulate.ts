import {
  DEFAULT_CONTROLLER_CONFIG,
  initialHpaState,
  minReplicasProblem,
  reconcileHpa,
  type HpaSpec,
  type HpaState,
  type MetricReading,
  type PodSnapshot,
} from '../hpa';
import { nextReadyAt, promoteReady, scaleTo, warmReplicaSet, type ReplicaSet } from './replicaSet';
import type { DemandTrace } from './trace';
import { DEFAULT_PIPELINE } from './pipeline';
import type { Scenario, SimulationOptions, SimulationResult, WorkloadModel } from './types';

// Replays a demand trace through a scenario: at every HPA sync the scenario sets the replica count from
// what its metric pipeline delivered up to then; between syncs demand, ready pods, cost and each ready
// pod's CPU are integrated exactly (demand linear or held between samples; pods become ready one
// readiness delay after they start; ready pods share the demand equally).

export const DEFAULT_SYNC_PERIOD_MS = 15_000;
/** Initial pods started this long before the trace: warm, past the HPA's CPU initialisation period. */
const WARM_START_MS = 3_600_000;
/** CPU request of a simulated pod; utilisation ratios do not depend on it. */
const CPU_REQUEST_MILLI = 1000;

interface SyncView {
  readonly tMs: number;
  readonly pods: ReplicaSet;
}

/**
 * metrics-server's view of the pods' CPU: the cumulative CPU-seconds (as a fraction of the request) a
 * ready pod has used since the trace start, read at its two latest scrapes; a pod that became ready
 * after the older scrape used only what it used since. Ready pods share the load, so one running total
 * `used` serves every pod; `usedAtReady[i]` is its value when pod i became ready.
 */
interface CpuMeter {
  used: number;
  prevAt: number;
  prevUsed: number;
  lastAt: number;
  lastUsed: number;
  nextScrape: number;
  readonly usedAtReady: number[];
}

/** Sets the replica count at a sync; returns the count the target should have. */
type Controller = (view: SyncView) => number;

function mutablePod(): {
  phase: 'Running';
  readyCondition: { status: boolean; lastTransitionMs: number };
  startTimeMs: number;
  cpuRequestMilli: number;
  cpuUsage: { milli: number; timestampMs: number; windowMs: number } | undefined;
} {
  return {
    phase: 'Running',
    readyCondition: { status: false, lastTransitionMs: 0 },
    startTimeMs: 0,
    cpuRequestMilli: CPU_REQUEST_MILLI,
    cpuUsage: undefined,
  };
}

function hpaController(
  scenario: Extract<Scenario, { kind: 'hpa-cpu' | 'hpa-external' }>,
  workload: WorkloadModel,
  meter: CpuMeter,
  onRescale: (up: boolean) => void,
): Controller {
  const metrics: HpaSpec['metrics'] =
    scenario.kind === 'hpa-cpu'
      ? [
          {
            type: 'Resource',
            name: 'cpu',
            target: { averageUtilization: Math.round(scenario.targetUtilization * 100) },
          },
        ]
      : [
          {
            type: 'External',
            name: scenario.metricName,
            target: { averageValueMilli: Math.round(scenario.averageValue * 1000) },
          },
        ];
  const spec: HpaSpec = {
    namespace: 'simulation',
    scaleTargetRef: { kind: 'Deployment', name: scenario.name },
    // The API server accepts minReplicas 0 only with an External metric: a CPU HPA for a workload
    // that may idle at 0 is created with minReplicas 1.
    minReplicas:
      minReplicasProblem({ minReplicas: workload.minReplicas, metrics }) === undefined
        ? workload.minReplicas
        : 1,
    maxReplicas: workload.maxReplicas,
    metrics,
    behavior: scenario.behavior,
  };
  let state: HpaState = initialHpaState();
  // Pod snapshots are reused between syncs: the HPA model only reads them during the call.
  const pool: ReturnType<typeof mutablePod>[] = [];
  const samples: Array<{ milli: number; timestampMs: number; windowMs: number }> = [];
  const pods: PodSnapshot[] = [];

  const cpuPods = (view: SyncView): PodSnapshot[] => {
    const set = view.pods;
    const windowMs = meter.lastAt - meter.prevAt;
    pods.length = 0;
    set.startedAt.forEach((start, i) => {
      const pod = (pool[i] ??= mutablePod());
      const ready = i < set.ready;
      const readyAt = start + set.readinessDelayMs;
      pod.startTimeMs = start;
      pod.readyCondition.status = ready;
      pod.readyCondition.lastTransitionMs = ready ? readyAt : start;
      // metrics-server rates a container between two scrapes, so one started after the older has none.
      if (start > meter.prevAt) pod.cpuUsage = undefined;
      else {
        const sample = (samples[i] ??= { milli: 0, timestampMs: 0, windowMs: 0 });
        const readyUsed =
          i < meter.usedAtReady.length && readyAt > meter.prevAt ? meter.usedAtReady[i] : undefined;
        const used = readyAt > meter.lastAt ? 0 : meter.lastUsed - (readyUsed ?? meter.prevUsed);
        sample.milli = Math.round((Math.max(0, used) / (windowMs / 1000)) * CPU_REQUEST_MILLI);
        sample.timestampMs = meter.lastAt;
        sample.windowMs = windowMs;
        pod.cpuUsage = sample;
      }
      pods.push(pod);
    });
    return pods;
  };

  return (view) => {
    const current = view.pods.startedAt.length;
    let reading: MetricReading = { status: 'ok' };
    if (scenario.kind === 'hpa-external') {
      const value = scenario.scaler(view.tMs, current);
      reading =
        value === undefined || !Number.isFinite(value)
          ? { status: 'error', message: 'the adapter served no value' }
          : { status: 'ok', valuesMilli: [Math.round(value * 1000)] };
    }
    const result = reconcileHpa(
      spec,
      state,
      {
        specReplicas: current,
        statusReplicas: current,
        pods: scenario.kind === 'hpa-cpu' ? cpuPods(view) : [],
        metrics: [reading],
      },
      view.tMs,
      DEFAULT_CONTROLLER_CONFIG,
    );
    state = result.state;
    if (result.rescaled) onRescale(result.desiredReplicas > current);
    return result.desiredReplicas;
  };
}

/**
 * Where demand moving linearly from `from` to `to` over `dtMs` exceeds `capacity`: for how long, and
 * by how much in total (demand units × ms).
 */
export function shortfallOver(
  from: number,
  to: number,
  capacity: number,
  dtMs: number,
): { durationMs: number; volumeMs: number } {
  const a = from - capacity;
  const b = to - capacity;
  if (a <= 0 && b <= 0) return { durationMs: 0, volumeMs: 0 };
  if (a >= 0 && b >= 0) return { durationMs: dtMs, volumeMs: ((a + b) / 2) * dtMs };
  // Crosses capacity once: only the part above it counts.
  const above = Math.max(a, b);
  const durationMs = (dtMs * above) / (above - Math.min(a, b));
  return { durationMs, volumeMs: (above / 2) * durationMs };
}

function validate(trace: DemandTrace, workload: WorkloadModel, stepMs: number): void {
  if (trace.timesMs.length < 2 || trace.timesMs.length !== trace.demand.length) {
    throw new RangeError('a trace needs at least two samples, with as many demand values as timestamps');
  }
  if (!(workload.capacityPerReplica > 0)) throw new RangeError('capacityPerReplica must be positive');
  if (!(workload.readinessDelayMs >= 0)) throw new RangeError('readinessDelayMs must be non-negative');
  if (!(workload.minReplicas >= 0 && workload.maxReplicas >= Math.max(1, workload.minReplicas))) {
    throw new RangeError('replica bounds need 0 ≤ min ≤ max and max ≥ 1');
  }
  if (!(stepMs > 0)) throw new RangeError('syncPeriodMs must be positive');
}

/** Simulates one scenario over the whole trace. */
export function simulate(
  trace: DemandTrace,
  workload: WorkloadModel,
  scenario: Scenario,
  options: SimulationOptions = {},
): SimulationResult {
  const stepMs = options.syncPeriodMs ?? DEFAULT_SYNC_PERIOD_MS;
  validate(trace, workload, stepMs);
  const { timesMs: sampleTimes, demand: samples } = trace;
  const n = sampleTimes.length;
  const t0 = sampleTimes[0] as number;
  const tEnd = (sampleTimes[n - 1] as number) * 2 - (sampleTimes[n - 2] as number);
  const steps = Math.ceil((tEnd - t0) / stepMs);
  const kappa = workload.capacityPerReplica;

  const timesMs = new Float64Array(steps);
  const demand = new Float64Array(steps);
  const desiredReplicas = new Float64Array(steps);
  const readyReplicas = new Float64Array(steps);
  const capacity = new Float64Array(steps);

  let scaleUps = 0;
  let scaleDowns = 0;
  const onRescale = (up: boolean): void => {
    if (up) scaleUps += 1;
    else scaleDowns += 1;
  };
  const clamp = (r: number) => Math.min(workload.maxReplicas, Math.max(workload.minReplicas, r));
  const initial =
    scenario.kind === 'fixed'
      ? scenario.replicas
      : (options.initialReplicas ?? clamp(Math.ceil((samples[0] as number) / kappa)));
  const cpu = options.cpuPipeline ?? DEFAULT_PIPELINE;
  const cpuCap = options.cpuUtilizationCap ?? 1;
  const metered = scenario.kind === 'hpa-cpu';
  const u0 = Math.min(cpuCap, initial > 0 ? (samples[0] as number) / (initial * kappa) : 0);
  // Before the trace the pods ran at its first demand; the meter's latest scrapes are at or before t0.
  const firstScrape = t0 - cpu.cpuAgeMs;
  const meter: CpuMeter = {
    used: 0,
    prevAt: firstScrape - cpu.cpuResolutionMs,
    prevUsed: ((firstScrape - cpu.cpuResolutionMs - t0) / 1000) * u0,
    lastAt: firstScrape,
    lastUsed: ((firstScrape - t0) / 1000) * u0,
    nextScrape: metered ? firstScrape + cpu.cpuResolutionMs : Infinity,
    usedAtReady: [],
  };
  const controller: Controller =
    scenario.kind === 'fixed' ? () => scenario.replicas : hpaController(scenario, workload, meter, onRescale);
  const pods = warmReplicaSet(initial, t0, workload.readinessDelayMs, WARM_START_MS);
  /** Marks pods ready up to `tMs`, noting the meter's running total for each newly ready one. */
  const promote = (tMs: number): void => {
    promoteReady(pods, tMs);
    const readyUsed = meter.usedAtReady;
    if (readyUsed.length > pods.ready) readyUsed.length = pods.ready;
    while (readyUsed.length < pods.ready) readyUsed.push(meter.used);
  };
  meter.usedAtReady.length = 0;
  for (let i = 0; i < pods.ready; i++) meter.usedAtReady.push(Number.NEGATIVE_INFINITY);

  const linear = (options.interpolation ?? 'linear') === 'linear';
  /** Demand at `tMs` inside the segment starting at sample `i`; the last sample holds. */
  const demandAt = (i: number, tMs: number): number => {
    const d = samples[i] as number;
    if (!linear || i + 1 >= n) return d;
    const t1 = sampleTimes[i] as number;
    return d + (((samples[i + 1] as number) - d) * (tMs - t1)) / ((sampleTimes[i + 1] as number) - t1);
  };

  let podMs = 0;
  let missMs = 0;
  let unmet = 0;
  let total = 0;
  let peak = initial;
  let j = 0;
  for (let k = 0; k < steps; k++) {
    const t = t0 + k * stepMs;
    const end = Math.min(t + stepMs, tEnd);
    promote(t);
    if (k > 0) {
      const replicas = controller({ tMs: t, pods });
      scaleTo(pods, replicas, t);
      promote(t);
    }
    const existing = pods.startedAt.length;
    if (existing > peak) peak = existing;
    timesMs[k] = t;
    desiredReplicas[k] = existing;
    readyReplicas[k] = pods.ready;
    capacity[k] = pods.ready * kappa;

    let stepDemand = 0;
    for (let tau = t; tau < end;) {
      while (j + 1 < n && (sampleTimes[j + 1] as number) <= tau) j++;
      const next = Math.min(
        end,
        j + 1 < n ? (sampleTimes[j + 1] as number) : Infinity,
        nextReadyAt(pods),
        meter.nextScrape,
      );
      const dt = next - tau;
      const from = demandAt(j, tau);
      const to = demandAt(j, next);
      const served = pods.ready * kappa;
      const shortfall = shortfallOver(from, to, served, dt);
      podMs += existing * dt;
      stepDemand += ((from + to) / 2) * dt;
      missMs += shortfall.durationMs;
      unmet += shortfall.volumeMs / 1000;
      if (metered && pods.ready > 0) {
        // A ready pod's CPU is its share of the demand, up to the cap (CPU limit) of its request.
        const over = shortfallOver(from, to, cpuCap * served, dt).volumeMs;
        meter.used += (((from + to) / 2) * dt - over) / served / 1000;
      }
      tau = next;
      if (tau >= meter.nextScrape) {
        meter.prevAt = meter.lastAt;
        meter.prevUsed = meter.lastUsed;
        meter.lastAt = tau;
        meter.lastUsed = meter.used;
        meter.nextScrape += cpu.cpuResolutionMs;
      }
      promote(tau);
    }
    demand[k] = stepDemand / (end - t);
    total += stepDemand / 1000;
  }

  const replicaHours = podMs / 3_600_000;
  return {
    name: scenario.name,
    hours: (tEnd - t0) / 3_600_000,
    replicaHours,
    cost: workload.costPerReplicaHour === null ? null : replicaHours * workload.costPerReplicaHour,
    sloMissMinutes: missMs / 60_000,
    unmetDemand: unmet,
    totalDemand: total,
    scaleUps,
    scaleDowns,
    peakReplicas: peak,
    timeline: { timesMs, demand, desiredReplicas, readyReplicas, capacity },
  };
}
