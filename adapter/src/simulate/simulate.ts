import {
  DEFAULT_CONTROLLER_CONFIG,
  initialHpaState,
  reconcileHpa,
  type HpaSpec,
  type HpaState,
  type MetricReading,
  type PodSnapshot,
} from '../hpa';
import { nextReadyAt, promoteReady, scaleTo, warmReplicaSet, type ReplicaSet } from './replicaSet';
import type { DemandTrace } from './trace';
import type { DemandHistory, Scenario, SimulationOptions, SimulationResult, WorkloadModel } from './types';

// Replays a demand trace through a scenario: at every HPA sync the scenario sets the replica count from
// what was observed up to then; between syncs demand, ready pods and cost are integrated exactly (demand
// linear or held between samples; pods become ready one readiness delay after they start).

export const DEFAULT_SYNC_PERIOD_MS = 15_000;
/** Initial pods started this long before the trace: warm, past the HPA's CPU initialisation period. */
const WARM_START_MS = 3_600_000;
/** CPU request of a simulated pod; utilisation ratios do not depend on it. */
const CPU_REQUEST_MILLI = 1000;

interface SyncView {
  readonly tMs: number;
  readonly history: DemandHistory;
  /** Mean demand of the last completed step. */
  readonly observedDemand: number;
  readonly pods: ReplicaSet;
}

/** Sets the replica count at a sync; returns the count the target should have. */
type Controller = (view: SyncView) => number;

function mutablePod(): {
  phase: 'Running';
  readyCondition: { status: boolean; lastTransitionMs: number };
  startTimeMs: number;
  cpuRequestMilli: number;
  cpuUsage: { milli: number; timestampMs: number; windowMs: number };
} {
  return {
    phase: 'Running',
    readyCondition: { status: false, lastTransitionMs: 0 },
    startTimeMs: 0,
    cpuRequestMilli: CPU_REQUEST_MILLI,
    cpuUsage: { milli: 0, timestampMs: 0, windowMs: 0 },
  };
}

function hpaController(
  scenario: Extract<Scenario, { kind: 'hpa-cpu' | 'hpa-external' }>,
  workload: WorkloadModel,
  stepMs: number,
  cpuCap: number,
  onRescale: (up: boolean) => void,
): Controller {
  const spec: HpaSpec = {
    namespace: 'simulation',
    scaleTargetRef: { kind: 'Deployment', name: scenario.name },
    minReplicas: workload.minReplicas,
    maxReplicas: workload.maxReplicas,
    metrics:
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
          ],
    behavior: scenario.behavior,
  };
  let state: HpaState = initialHpaState();
  // Pod snapshots are reused between syncs: the HPA model only reads them during the call.
  const pool: ReturnType<typeof mutablePod>[] = [];
  const pods: PodSnapshot[] = [];

  const cpuPods = (view: SyncView): PodSnapshot[] => {
    const set = view.pods;
    const perPod = set.ready > 0 ? view.observedDemand / (set.ready * workload.capacityPerReplica) : 0;
    const usage = Math.round(Math.min(cpuCap, perPod) * CPU_REQUEST_MILLI);
    pods.length = 0;
    set.startedAt.forEach((start, i) => {
      const pod = (pool[i] ??= mutablePod());
      const ready = i < set.ready;
      pod.startTimeMs = start;
      pod.readyCondition.status = ready;
      pod.readyCondition.lastTransitionMs = ready ? start + set.readinessDelayMs : start;
      pod.cpuUsage.milli = ready ? usage : 0;
      pod.cpuUsage.timestampMs = view.tMs;
      pod.cpuUsage.windowMs = stepMs;
      pods.push(pod);
    });
    return pods;
  };

  return (view) => {
    const current = view.pods.startedAt.length;
    let reading: MetricReading = { status: 'ok' };
    if (scenario.kind === 'hpa-external') {
      const value = scenario.scaler(view.tMs, view.history, current);
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
  const controller: Controller =
    scenario.kind === 'fixed'
      ? () => scenario.replicas
      : hpaController(scenario, workload, stepMs, options.cpuUtilizationCap ?? 1, onRescale);
  const pods = warmReplicaSet(initial, t0, workload.readinessDelayMs, WARM_START_MS);

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
    promoteReady(pods, t);
    if (k > 0) {
      const replicas = controller({
        tMs: t,
        history: { timesMs: timesMs.subarray(0, k), demand: demand.subarray(0, k) },
        observedDemand: demand[k - 1] as number,
        pods,
      });
      scaleTo(pods, replicas, t);
      promoteReady(pods, t);
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
      const next = Math.min(end, j + 1 < n ? (sampleTimes[j + 1] as number) : Infinity, nextReadyAt(pods));
      const dt = next - tau;
      const from = demandAt(j, tau);
      const to = demandAt(j, next);
      const shortfall = shortfallOver(from, to, pods.ready * kappa, dt);
      podMs += existing * dt;
      stepDemand += ((from + to) / 2) * dt;
      missMs += shortfall.durationMs;
      unmet += shortfall.volumeMs / 1000;
      tau = next;
      promoteReady(pods, tau);
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
