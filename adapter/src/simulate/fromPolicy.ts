import type { Policy, PriceBook } from '../config/schema';
import { blendedCostPerReplicaHour, priceSetFromBook } from '../domain';
import { costscaleScaler, type CostscaleObservation, type EngineSettings } from './costscaleScaler';
import { DEFAULT_CONTROLLER_CONFIG, type Behavior } from '../hpa';
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
  /**
   * Tolerance of the HPA reading `costscale_replicas`, both directions (`behavior.scale{Up,Down}.tolerance`,
   * Kubernetes ≥ 1.35). `undefined` simulates an HPA without `behavior` and the cluster default 0.1, which
   * ignores served counts within 10 % of the running pods.
   */
  readonly hpaTolerance?: number;
  /**
   * `behavior.scaleDown.stabilizationWindowSeconds` of that HPA; `undefined` for the window
   * deploy/examples/hpa.yaml sets ({@link COSTSCALE_HPA_SCALE_DOWN_WINDOW_SECONDS}).
   */
  readonly hpaScaleDownWindowSeconds?: number;
  readonly engine?: EngineSettings;
}

/**
 * The scale-down window of the HPA that reads costscale, as deploy/examples/hpa.yaml sets it: the
 * decision already keeps every replica a re-scale could not bring back within its horizon, weighing that
 * miss risk against the replica's cost, so the controller's default 300 s would hold the highest count
 * of the last 5 minutes on top of it.
 */
export const COSTSCALE_HPA_SCALE_DOWN_WINDOW_SECONDS = 0;

/** An HPA's behavior that sets only its tolerance; undefined for the cluster default (no behavior). */
function toleranceBehavior(tolerance: number | undefined): Behavior | undefined {
  return tolerance === undefined ? undefined : { scaleUp: { tolerance }, scaleDown: { tolerance } };
}

/**
 * An HPA's behavior with its tolerance and scale-down window where set; undefined when neither is (no
 * behavior: the cluster defaults).
 */
export function hpaBehavior(
  tolerance: number | undefined,
  scaleDownWindowSeconds: number | undefined,
): Behavior | undefined {
  if (scaleDownWindowSeconds === undefined) return toleranceBehavior(tolerance);
  return {
    ...(tolerance !== undefined && { scaleUp: { tolerance } }),
    scaleDown: {
      stabilizationWindowSeconds: scaleDownWindowSeconds,
      ...(tolerance !== undefined && { tolerance }),
    },
  };
}

/**
 * costscale deciding for `policy` on what it observed of the trace, read by an HPA with
 * `target: {type: AverageValue, averageValue: "1"}`. `workload.capacityPerReplica` is the κ it decides
 * with; simulate() may be given a workload whose replicas really serve more or less.
 */
export function costscaleScenario(
  policy: Policy,
  workload: WorkloadModel,
  observation: CostscaleObservation,
  options: CostscaleScenarioOptions = {},
): Scenario {
  if (workload.costPerReplicaHour === null) {
    throw new RangeError(
      `policy ${policy.name}: the replica cost is unknown (set resources) and decide() weighs it`,
    );
  }
  return {
    name: options.name ?? `costscale:${policy.name}`,
    kind: 'hpa-external',
    metricName: 'costscale_replicas',
    averageValue: 1,
    behavior: hpaBehavior(
      options.hpaTolerance,
      options.hpaScaleDownWindowSeconds ?? COSTSCALE_HPA_SCALE_DOWN_WINDOW_SECONDS,
    ),
    scaler: costscaleScaler({
      // The decision knows the tolerance of the HPA it is simulated behind.
      policy: { ...policy, hpaTolerance: options.hpaTolerance ?? DEFAULT_CONTROLLER_CONFIG.tolerance },
      capacityPerReplica: workload.capacityPerReplica,
      costPerReplicaHour: workload.costPerReplicaHour,
      observation,
      ...(options.engine && { engine: options.engine }),
    }),
  };
}
