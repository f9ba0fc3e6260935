import { policySchema, priceBookSchema } from '../config/schema';
import { observeForCostscale } from './costscaleScaler';
import { hpaBehavior, costscaleScenario, policyCostPerReplicaHour, workloadFromPolicy } from './fromPolicy';
import { DEFAULT_PIPELINE } from './pipeline';

const raw = {
  name: 'web',
  namespace: 'shop',
  target: { name: 'web' },
  demand: { query: 'sum(rate(http_requests_total[1m]))' },
  capacityPerReplica: 25,
  replicas: { min: 2, max: 40 },
  readinessDelaySeconds: 45,
  resources: { cpuCores: 2, memoryGiB: 4 },
};

describe('simulation inputs from a policy', () => {
  const book = priceBookSchema.parse({});

  it('prices a replica from its requests and the price book, blending spot', () => {
    const onDemand = 2 * book.cpuCoreHour + 4 * book.ramGiBHour;
    const spot = 2 * book.spotCpuCoreHour + 4 * book.spotRamGiBHour;
    expect(policyCostPerReplicaHour(policySchema.parse(raw), book)).toBeCloseTo(onDemand, 12);
    expect(policyCostPerReplicaHour(policySchema.parse({ ...raw, spotShare: 0.5 }), book)).toBeCloseTo(
      (onDemand + spot) / 2,
      12,
    );
    expect(policyCostPerReplicaHour(policySchema.parse({ ...raw, resources: undefined }), book)).toBeNull();
  });

  it('takes capacity, readiness and bounds from the policy', () => {
    expect(workloadFromPolicy(policySchema.parse(raw), 0.2)).toEqual({
      capacityPerReplica: 25,
      readinessDelayMs: 45_000,
      minReplicas: 2,
      maxReplicas: 40,
      costPerReplicaHour: 0.2,
    });
    const learned = policySchema.parse({ ...raw, capacityPerReplica: undefined, learnCapacity: true });
    expect(() => workloadFromPolicy(learned, 0.2)).toThrow(
      'policy web: capacityPerReplica is required to simulate',
    );
  });

  it('builds the costscale scenario, with the HPA tolerance it is read through', () => {
    const policy = policySchema.parse(raw);
    const workload = workloadFromPolicy(policy, 0.2);
    const trace = { timesMs: Float64Array.of(0, 60_000), demand: Float64Array.of(10, 20) };
    const seen = observeForCostscale(trace, 15_000, 'linear', DEFAULT_PIPELINE);
    expect(costscaleScenario(policy, workload, seen, { hpaTolerance: 0 })).toMatchObject({
      name: 'costscale:web',
      kind: 'hpa-external',
      metricName: 'costscale_replicas',
      averageValue: 1,
      behavior: {
        scaleUp: { tolerance: 0 },
        scaleDown: { stabilizationWindowSeconds: 0, tolerance: 0 },
      },
    });
    // Without options: the cluster's tolerance, and the window of deploy/examples/hpa.yaml.
    expect(costscaleScenario(policy, workload, seen)).toMatchObject({
      behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
    });
    expect(costscaleScenario(policy, workload, seen, { hpaScaleDownWindowSeconds: 300 })).toMatchObject({
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    });
    expect(() => costscaleScenario(policy, { ...workload, costPerReplicaHour: null }, seen)).toThrow(
      /replica cost is unknown/,
    );
  });

  it('sets the scale-down window of an HPA only where asked, beside its tolerance', () => {
    expect(hpaBehavior(undefined, undefined)).toBeUndefined();
    expect(hpaBehavior(0.1, undefined)).toEqual({
      scaleUp: { tolerance: 0.1 },
      scaleDown: { tolerance: 0.1 },
    });
    expect(hpaBehavior(undefined, 0)).toEqual({ scaleDown: { stabilizationWindowSeconds: 0 } });
    expect(hpaBehavior(0.1, 60)).toEqual({
      scaleUp: { tolerance: 0.1 },
      scaleDown: { stabilizationWindowSeconds: 60, tolerance: 0.1 },
    });
  });
});
