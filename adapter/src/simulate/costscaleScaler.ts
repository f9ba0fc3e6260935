import type { Policy } from '../config/schema';
import { decide, reactiveDistribution, type DemandDistribution, type ReactiveDistribution } from '../domain';
import type { DemandHistory, MetricScaler } from './types';

// costscale as the simulated adapter: at every engine tick decide() turns the demand observed so far
// into `costscale_replicas`, which the simulated HPA reads as an AverageValue target of 1.

export interface CostscaleScalerParams {
  readonly policy: Pick<
    Policy,
    'name' | 'mode' | 'sloMissCostPerHour' | 'replicas' | 'schedules' | 'holidays' | 'demand' | 'overrides'
  >;
  readonly capacityPerReplica: number;
  readonly costPerReplicaHour: number;
  /** H = readiness delay + HPA sync period + tick interval (ARCHITECTURE.md §3). */
  readonly horizonMs: number;
  /** Engine tick, equal to the simulation step. */
  readonly stepMs: number;
  /** How much past demand the reactive distribution learns from (default 1 day). */
  readonly historyWindowMs?: number;
  /** How often the distribution is rebuilt (default 5 minutes); in between it is re-anchored at D(t). */
  readonly refreshEveryMs?: number;
}

export const DEFAULT_HISTORY_WINDOW_MS = 86_400_000;
export const DEFAULT_REFRESH_EVERY_MS = 300_000;

/**
 * The reactive distribution built at demand `anchor`, moved to demand `current`: quantiles scale with
 * D(t) for growth ratios and shift with it for growth differences, as the distribution itself does when
 * built at `current`. A difference quantile clipped at zero when built stays conservative when moved.
 */
export function reanchored(
  distribution: ReactiveDistribution,
  anchor: number,
  current: number,
): DemandDistribution {
  switch (distribution.method) {
    case 'ratio':
      return { quantile: (tau) => (anchor > 0 ? (current * distribution.quantile(tau)) / anchor : current) };
    case 'difference':
      return { quantile: (tau) => Math.max(0, current + distribution.quantile(tau) - anchor) };
    case 'current':
      return { quantile: () => current };
  }
}

export function costscaleScaler(params: CostscaleScalerParams): MetricScaler {
  const { policy, stepMs } = params;
  const horizonSteps = Math.max(1, Math.round(params.horizonMs / stepMs));
  const windowSteps = Math.max(
    horizonSteps + 1,
    Math.round((params.historyWindowMs ?? DEFAULT_HISTORY_WINDOW_MS) / stepMs),
  );
  const refreshEvery = params.refreshEveryMs ?? DEFAULT_REFRESH_EVERY_MS;
  const schedules = policy.schedules;
  const overrides = policy.overrides.map((o) => ({
    replicas: o.replicas,
    expiresAt: Date.parse(o.expiresAt),
    reason: o.reason,
  }));
  let built: { distribution: ReactiveDistribution; anchor: number; atMs: number } | undefined;
  // Without schedules or overrides the decision does not depend on the time: a tick that sees the same
  // demand and distribution as the previous one gets the same answer (held traces repeat demand).
  const timeless = schedules.length === 0 && overrides.length === 0;
  let last: { demand: number; built: typeof built; replicas: number | undefined } | undefined;

  return (tMs: number, history: DemandHistory, currentReplicas: number): number | undefined => {
    const n = history.demand.length;
    if (n === 0) return undefined;
    const current = history.demand[n - 1] as number;
    if (built === undefined || tMs - built.atMs >= refreshEvery) {
      const window = history.demand.subarray(Math.max(0, n - windowSteps), n);
      built = {
        distribution: reactiveDistribution(window, horizonSteps, current),
        anchor: current,
        atMs: tMs,
      };
    }
    if (timeless && last !== undefined && last.demand === current && last.built === built)
      return last.replicas;
    const result = decide({
      policy: policy.name,
      at: tMs,
      mode: policy.mode,
      demand: current,
      demandUnit: policy.demand.unit,
      distribution: reanchored(built.distribution, built.anchor, current),
      capacityPerReplica: params.capacityPerReplica,
      costPerReplicaHour: params.costPerReplicaHour,
      sloMissCostPerHour: policy.sloMissCostPerHour,
      currentReplicas,
      minReplicas: policy.replicas.min,
      maxReplicas: policy.replicas.max,
      schedules,
      holidays: policy.holidays,
      overrides,
    });
    const replicas = result.ok ? result.decision.replicas : undefined;
    last = { demand: current, built, replicas };
    return replicas;
  };
}
