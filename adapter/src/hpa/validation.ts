import type { HpaSpec } from './types';

// The API server's check of minReplicas (kubernetes pkg/apis/autoscaling/validation/validation.go,
// validateMetrics): 0 is accepted only with HPAScaleToZero (beta and on by default from Kubernetes
// 1.37) and at least one External (or Object) metric, since a CPU ratio over zero pods is undefined.

/** Why the API server would reject the spec's minReplicas, or undefined when it accepts it. */
export function minReplicasProblem(spec: Pick<HpaSpec, 'minReplicas' | 'metrics'>): string | undefined {
  const min = spec.minReplicas ?? 1;
  if (min < 0) return 'spec.minReplicas: must be greater than or equal to 0';
  if (min === 0 && !spec.metrics.some((m) => m.type === 'External')) {
    return 'spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas';
  }
  return undefined;
}
