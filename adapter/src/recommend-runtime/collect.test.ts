import { policySchema } from '../config/schema';
import { cpuUsageQuery, labelSelectorMatches, resourceQuery } from './collect';

describe('PodDisruptionBudget selectors', () => {
  const pod = { app: 'web', tier: 'front' };

  it('matches labels and expressions as metav1.LabelSelector does', () => {
    expect(labelSelectorMatches({ matchLabels: { app: 'web' } }, pod)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { app: 'api' } }, pod)).toBe(false);
    expect(
      labelSelectorMatches(
        { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }] },
        pod,
      ),
    ).toBe(true);
    expect(
      labelSelectorMatches(
        { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] },
        pod,
      ),
    ).toBe(false);
    expect(
      labelSelectorMatches({ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, pod),
    ).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'canary', operator: 'Exists' }] }, pod)).toBe(
      false,
    );
  });

  it('selects every pod with an empty selector and none without one', () => {
    expect(labelSelectorMatches({}, pod)).toBe(true);
    expect(labelSelectorMatches(undefined, pod)).toBe(false);
  });
});

describe('queries', () => {
  const policy = policySchema.parse({
    name: 'web',
    namespace: 'shop',
    target: { name: 'web.v2' },
    demand: { query: 'x' },
    capacityPerReplica: 1,
    replicas: { min: 1, max: 2 },
  });

  it('select the workload’s own pods by the names its controller gives them', () => {
    expect(cpuUsageQuery(policy, 300)).toBe(
      'sum by (pod, container) (rate(container_cpu_usage_seconds_total{namespace="shop", pod=~"web\\\\.v2-[a-z0-9]{1,10}-[a-z0-9]{5}", container!="", container!="POD"}[300s]))',
    );
    const sts = policySchema.parse({ ...policy, target: { kind: 'StatefulSet', name: 'db' } });
    expect(resourceQuery(sts, 'limits')).toBe(
      'max by (container, resource) (kube_pod_container_resource_limits{namespace="shop", pod=~"db-[0-9]+", resource=~"cpu|memory"})',
    );
  });
});
