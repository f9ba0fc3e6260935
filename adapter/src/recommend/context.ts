import type { Policy, RecommendationSettings } from '../config/schema';
import { blendedCostPerReplicaHour, type ReplicaResources } from '../domain';
import type { SimulationContext } from './simulation';
import {
  HOURS_PER_MONTH,
  type Evidence,
  type ObjectChange,
  type Recommendation,
  type RecommendationKind,
  type SimulationFigures,
  type SlaCheck,
  type WorkloadInput,
} from './types';

// What every recommender works with, and how its result is judged: a change is offered when it saves
// enough (or cuts SLO misses) and passes its SLA check.

export interface RecommenderContext {
  readonly input: WorkloadInput;
  readonly sim: SimulationContext;
  /** Replica bounds in force: the HPA's, narrowed by the policy's when costscale decides. */
  readonly bounds: { readonly min: number; readonly max: number };
  readonly resources: ReplicaResources;
}

export type RecommenderOutcome =
  | { readonly recommendation: Recommendation; readonly worthwhile: boolean; readonly why: string }
  | { readonly note: string };

/** Kubecost's right-sizing profiles (cost-inputs.md §2). */
const UTILIZATION_PROFILES = { dev: 0.8, prod: 0.65, ha: 0.5 } as const;

export function targetUtilizationOf(settings: RecommendationSettings): number {
  const t = settings.targetUtilization;
  return typeof t === 'number' ? t : UTILIZATION_PROFILES[t];
}

/** The bounds the workload runs within now. */
export function effectiveBounds(input: WorkloadInput): { min: number; max: number } {
  const { scaling, policy } = input;
  if (scaling.kind === 'none') return { min: policy.replicas.min, max: policy.replicas.max };
  if (scaling.kind === 'hpa-cpu') return { min: scaling.minReplicas, max: scaling.maxReplicas };
  return {
    min: Math.max(scaling.minReplicas, policy.replicas.min),
    max: Math.min(scaling.maxReplicas, policy.replicas.max),
  };
}

/** A replica's requests: the containers' current ones, else the policy's; undefined when unknown. */
export function replicaResources(input: WorkloadInput): ReplicaResources | undefined {
  const containers = input.history.containers;
  const gpus = input.policy.resources?.gpus ?? 0;
  if (containers.some((c) => c.requests.cpuCores !== null || c.requests.memoryBytes !== null)) {
    let cpu = 0;
    let memory = 0;
    for (const c of containers) {
      cpu += c.requests.cpuCores ?? 0;
      memory += c.requests.memoryBytes ?? 0;
    }
    return { cpuCores: cpu, memoryGiB: memory / 1024 ** 3, gpus };
  }
  return input.policy.resources;
}

export function replicaCost(input: WorkloadInput, resources: ReplicaResources, spotShare?: number): number {
  return blendedCostPerReplicaHour(resources, input.prices, spotShare ?? input.policy.spotShare);
}

/** The policy with other replica bounds (decide() clamps to them). */
export function withBounds(policy: Policy, min: number, max: number): Policy {
  return { ...policy, replicas: { min, max } };
}

export function monthly(perHour: number): number {
  return HOURS_PER_MONTH * perHour;
}

/** Savings of a simulated run against the workload as it is. */
export function simulatedSavings(sim: SimulationContext, after: SimulationFigures): number {
  return monthly((sim.baseline.cost - after.cost) / sim.hours);
}

/** SLO-miss minutes a change removes, beyond the tolerance (so simulation noise does not count). */
export function cutsSloMisses(check: SlaCheck): boolean {
  return check.before.sloMissMinutes - check.after.sloMissMinutes > Math.max(1, check.toleranceMinutes);
}

export function recommendation(
  ctx: RecommenderContext,
  r: {
    kind: RecommendationKind;
    target: { kind: string; name: string };
    summary: string;
    monthlySavings: number;
    evidence: Evidence;
    slaCheck: SlaCheck;
    changes: ObjectChange[];
  },
): Recommendation {
  return {
    ...r,
    namespace: ctx.input.policy.namespace,
    policy: ctx.input.policy.name,
    currency: ctx.input.currency,
  };
}

/** Offered when it saves at least the configured minimum or cuts SLO misses. */
export function worth(
  ctx: RecommenderContext,
  monthlySavings: number,
  check: SlaCheck,
): { worthwhile: boolean; why: string } {
  const min = ctx.input.settings.minMonthlySavings;
  if (monthlySavings >= min) return { worthwhile: true, why: 'saves money' };
  if (cutsSloMisses(check)) return { worthwhile: true, why: 'cuts SLO misses' };
  return {
    worthwhile: false,
    why: `saves ${monthlySavings.toFixed(2)} ${ctx.input.currency}/month, below the minimum of ${min}, and does not cut SLO misses`,
  };
}

export const round = (x: number, digits = 4): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
