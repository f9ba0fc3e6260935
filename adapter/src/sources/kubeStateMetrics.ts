import type { Policy } from '../config/schema';
import { quoteString } from './promql';

// PromQL over kube-state-metrics, asked beside each policy's own queries (by the engine, the dry run
// and the recommenders), in the form the query planner merges into one request for all policies.

/** Replicas the policy's workload has now. */
export function currentReplicasQuery(policy: Policy): string {
  const kind = policy.target.kind === 'StatefulSet' ? 'statefulset' : 'deployment';
  return `max(kube_${kind}_status_replicas{namespace=${quoteString(policy.namespace)},${kind}=${quoteString(policy.target.name)}})`;
}
