import type { Policy } from '../config/schema';
import { fillGaps } from '../forecast';
import {
  costscaleScenario,
  DEFAULT_PIPELINE,
  earlierDemandAt,
  observeForCostscale,
  rateWindowOf,
  simulate,
  summarize,
  type CostscaleObservation,
  type DemandTrace,
  type Scenario,
  type SimulationOptions,
  type WorkloadModel,
} from '../simulate';
import type { Scaling, SimulationFigures, SlaCheck, WorkloadHistory } from './types';

// Every recommendation is checked by replaying the workload's own demand history twice through the
// simulator — as it is scaled now, and with the change — and comparing SLO-miss minutes. Savings come
// from the same pair of runs, so price and replica effects of a change are counted together.

/** What one simulated run varies from the workload as it is. */
export interface Variation {
  /** HPA bounds (the workload's, or the policy's without an HPA). */
  readonly minReplicas?: number;
  readonly maxReplicas?: number;
  /** CPU HPA target utilisation (fraction). */
  readonly cpuTarget?: number;
  /** The policy costscale decides with (schedules, bounds, price). */
  readonly policy?: Policy;
  readonly costPerReplicaHour?: number;
  /** Demand a ready replica really serves, when a change lowers it (costscale still plans with κ). */
  readonly servedPerReplica?: number;
  /** A different demand trace (modelled interruptions). */
  readonly trace?: DemandTrace;
  /** Run at a fixed replica count instead of the autoscaler. */
  readonly fixedReplicas?: number;
}

export interface SimulationContext {
  readonly trace: DemandTrace;
  readonly scaling: Scaling;
  readonly policy: Policy;
  readonly capacityPerReplica: number;
  readonly costPerReplicaHour: number;
  readonly options: SimulationOptions;
  /** The workload as it is, simulated once and shared by every check. */
  readonly baseline: SimulationFigures;
  readonly hours: number;
  readonly scenarioName: string;
  run(variation: Variation): SimulationFigures;
}

/** The demand history as a trace: gaps filled, leading and trailing unknown steps dropped. */
export function demandTrace(history: Pick<WorkloadHistory, 'timesMs' | 'demand'>): DemandTrace | undefined {
  const { demand, timesMs } = history;
  let first = 0;
  while (first < demand.length && !Number.isFinite(demand[first] as number)) first++;
  let last = demand.length - 1;
  while (last > first && !Number.isFinite(demand[last] as number)) last--;
  if (last - first < 1) return undefined;
  const values = fillGaps(demand.subarray(first, last + 1));
  for (let i = 0; i < values.length; i++) if ((values[i] as number) < 0) values[i] = 0;
  return { timesMs: timesMs.slice(first, last + 1), demand: values };
}

function boundsOf(scaling: Scaling, policy: Policy): { min: number; max: number } {
  return scaling.kind === 'none'
    ? { min: policy.replicas.min, max: policy.replicas.max }
    : { min: scaling.minReplicas, max: scaling.maxReplicas };
}

export function simulationContext(params: {
  readonly trace: DemandTrace;
  /** The demand query's samples before the history window, which costscale's growth histogram starts from. */
  readonly earlier?: WorkloadHistory['earlierDemand'];
  readonly scaling: Scaling;
  readonly policy: Policy;
  readonly capacityPerReplica: number;
  readonly costPerReplicaHour: number;
  readonly syncPeriodMs: number;
}): SimulationContext {
  const { trace, scaling, policy, capacityPerReplica, costPerReplicaHour } = params;
  // The same metric pipelines and decision path as `costscale simulate`; the history is what the demand
  // query returned, and costscale sees it again through Prometheus.
  const pipeline = {
    ...DEFAULT_PIPELINE,
    // A query without rate() or increase() reads a gauge.
    rateWindowMs: rateWindowOf(policy.demand.query) ?? 0,
  };
  const options: SimulationOptions = {
    syncPeriodMs: params.syncPeriodMs,
    interpolation: 'linear',
    cpuPipeline: pipeline,
  };
  // What costscale observed of each trace (with its forecast track) is shared by every variation; each
  // starts after the same earlier history.
  const observations = new Map<DemandTrace, CostscaleObservation>();
  const observed = (t: DemandTrace): CostscaleObservation => {
    let o = observations.get(t);
    if (o === undefined) {
      const before =
        params.earlier && earlierDemandAt(params.earlier, t.timesMs[0] as number, params.syncPeriodMs);
      o = observeForCostscale(t, params.syncPeriodMs, 'linear', pipeline, before);
      observations.set(t, o);
    }
    return o;
  };
  const bounds = boundsOf(scaling, policy);
  const scenarioName =
    scaling.kind === 'hpa-cpu' ? `hpa-cpu:${scaling.targetUtilization}` : `costscale:${policy.name}`;

  const run = (v: Variation): SimulationFigures => {
    const cost = v.costPerReplicaHour ?? costPerReplicaHour;
    const believed: WorkloadModel = {
      capacityPerReplica,
      readinessDelayMs: policy.readinessDelaySeconds * 1000,
      minReplicas: Math.min(v.minReplicas ?? bounds.min, v.maxReplicas ?? bounds.max),
      maxReplicas: Math.max(1, v.maxReplicas ?? bounds.max),
      costPerReplicaHour: cost,
    };
    const actual: WorkloadModel = {
      ...believed,
      capacityPerReplica: v.servedPerReplica ?? capacityPerReplica,
      ...(v.fixedReplicas !== undefined && { minReplicas: 0 }),
    };
    let scenario: Scenario;
    if (v.fixedReplicas !== undefined) {
      scenario = { name: `fixed:${v.fixedReplicas}`, kind: 'fixed', replicas: v.fixedReplicas };
    } else if (scaling.kind === 'hpa-cpu') {
      scenario = {
        name: scenarioName,
        kind: 'hpa-cpu',
        targetUtilization: v.cpuTarget ?? scaling.targetUtilization,
      };
    } else {
      // costscale plans with κ; the pods serve what they really can.
      scenario = costscaleScenario(v.policy ?? policy, believed, observed(v.trace ?? trace));
    }
    const s = summarize(simulate(v.trace ?? trace, actual, scenario, options));
    return {
      sloMissMinutes: s.sloMissMinutes,
      unmetDemand: s.unmetDemand,
      replicaHours: s.replicaHours,
      meanReplicas: s.meanReplicas,
      peakReplicas: s.peakReplicas,
      cost: s.cost ?? 0,
    };
  };
  const baseline = run({});
  const first = trace.timesMs[0] as number;
  const n = trace.timesMs.length;
  const end = 2 * (trace.timesMs[n - 1] as number) - (trace.timesMs[n - 2] as number);
  return {
    trace,
    scaling,
    policy,
    capacityPerReplica,
    costPerReplicaHour,
    options,
    baseline,
    hours: (end - first) / 3_600_000,
    scenarioName,
    run,
  };
}

/** The SLA verdict on a change: SLO-miss minutes may rise by at most the tolerance over the window. */
export function slaCheck(
  context: SimulationContext,
  after: SimulationFigures,
  toleranceMinutesPerDay: number,
  scenario = context.scenarioName,
): SlaCheck {
  const before = context.baseline;
  const toleranceMinutes = (toleranceMinutesPerDay * context.hours) / 24;
  const increase = after.sloMissMinutes - before.sloMissMinutes;
  const passed = increase <= toleranceMinutes + 1e-9;
  const fmt = (x: number) => x.toFixed(1);
  return {
    passed,
    scenario,
    hours: context.hours,
    toleranceMinutes,
    before,
    after,
    sloMissIncreaseMinutes: increase,
    detail: passed
      ? `SLO-miss minutes ${fmt(before.sloMissMinutes)} → ${fmt(after.sloMissMinutes)} over ${fmt(context.hours)} h (tolerance +${fmt(toleranceMinutes)})`
      : `rejected: SLO-miss minutes would rise from ${fmt(before.sloMissMinutes)} to ${fmt(after.sloMissMinutes)} over ${fmt(context.hours)} h, more than the tolerance of +${fmt(toleranceMinutes)}`,
  };
}
