import type { Policy, PriceBook } from '../config/schema';
import { blendedCostPerReplicaHour, priceSetFromBook } from '../domain';
import { costscaleScaler } from './costscaleScaler';
import { DEFAULT_SYNC_PERIOD_MS } from './simulate';
import type { Scenario, WorkloadModel } from './types';

// Simulation inputs from a configured policy: the workload it scales and costscale driving it.

/** The replica price from the policy's resource requests and the price book; null without resources. */
export function policyCostPerReplicaHour(policy: Policy, book: PriceBook): number | null {
  if (policy.resources === undefined) return null;
  return blendedCostPerReplicaHour(policy.resources, priceSetFromBook(book), policy.spotShare);
}

/** The workload a policy describes; `capacityPerReplica` must be configured (learned capacity needs history). */
export function workloadFromPolicy(policy: Policy, costPerReplicaHour: number | null): WorkloadModel {
  if (policy.capacityPerReplica === undefined) {
    throw new RangeError(`policy ${policy.name}: capacityPerReplica is required to simulate`);
  }
  return {
    capacityPerReplica: policy.capacityPerReplica,
    readinessDelayMs: policy.readinessDelaySeconds * 1000,
    minReplicas: policy.replicas.min,
    maxReplicas: policy.replicas.max,
    costPerReplicaHour,
  };
}

export interface CostscaleScenarioOptions {
  readonly name?: string;
  readonly syncPeriodMs?: number;
  /**
   * Tolerance of the HPA reading `costscale_replicas`, both directions (`behavior.scale{Up,Down}.tolerance`,
   * Kubernetes ≥ 1.35). `undefined` simulates an HPA without `behavior` and the cluster default 0.1, which
   * ignores served counts within 10 % of the running pods.
   */
  readonly hpaTolerance?: number;
}

/** costscale deciding for `policy`, read by an HPA with `target: {type: AverageValue, averageValue: "1"}`. */
export function costscaleScenario(
  policy: Policy,
  workload: WorkloadModel,
  options: CostscaleScenarioOptions = {},
): Scenario {
  if (workload.costPerReplicaHour === null) {
    throw new RangeError(
      `policy ${policy.name}: the replica cost is unknown (set resources) and decide() weighs it`,
    );
  }
  const stepMs = options.syncPeriodMs ?? DEFAULT_SYNC_PERIOD_MS;
  const tolerance = options.hpaTolerance;
  return {
    name: options.name ?? `costscale:${policy.name}`,
    kind: 'hpa-external',
    metricName: 'costscale_replicas',
    averageValue: 1,
    behavior: tolerance === undefined ? undefined : { scaleUp: { tolerance }, scaleDown: { tolerance } },
    scaler: costscaleScaler({
      policy,
      capacityPerReplica: workload.capacityPerReplica,
      costPerReplicaHour: workload.costPerReplicaHour,
      // H = readiness delay + HPA sync + engine tick (ARCHITECTURE.md §3); the tick is the sync here.
      horizonMs: workload.readinessDelayMs + 2 * stepMs,
      stepMs,
    }),
  };
}
