import { externalAverageValueReplicas, externalValueReplicas, readyPodCount } from './externalReplicas';
import type { PodSnapshot } from './types';

// Cases from kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator_test.go (inputs and
// expected outputs only); tolerance 0.1 as `defaultTestingTolerance`.

const tolerance = { scaleDown: 0.1, scaleUp: 0.1 };
const pod = (ready: boolean, phase: PodSnapshot['phase'] = 'Running'): PodSnapshot => ({
  phase,
  readyCondition: { status: ready, lastTransitionMs: 0 },
});
const readyPods = (n: number): PodSnapshot[] => Array.from({ length: n }, () => pod(true));

describe('External Value target (GetExternalMetricReplicas, §4.3)', () => {
  it('TestReplicaCalcScaleUpCMExternalIgnoresUnreadyPods: counts only ready pods (3 → 2)', () => {
    const pods = [pod(false), pod(true), pod(false)];
    expect(externalValueReplicas(3, 4400, [8600], pods, tolerance)).toEqual({
      ok: true,
      replicas: 2,
      currentMilli: 8600,
    });
  });

  it('TestReplicaCalcScaleDownCMExternal: 5 → 3', () => {
    expect(externalValueReplicas(5, 14334, [8600], readyPods(5), tolerance)).toMatchObject({ replicas: 3 });
  });

  it('TestReplicaCalcToleranceCMExternal: ratio 0.968 stays at 3', () => {
    expect(externalValueReplicas(3, 8888, [8600], readyPods(3), tolerance)).toMatchObject({ replicas: 3 });
  });

  it('sums every item the selector returned', () => {
    expect(externalValueReplicas(2, 1000, [1500, 1500, 1000], readyPods(2), tolerance)).toEqual({
      ok: true,
      replicas: 8,
      currentMilli: 4000,
    });
  });

  it('from zero replicas uses the ratio alone, without tolerance (TestScaleUpFromZeroIgnoresToleranceCMObject)', () => {
    expect(externalValueReplicas(0, 1000, [1000], [], tolerance)).toMatchObject({ replicas: 1 });
    expect(externalValueReplicas(0, 15000, [20000], [], tolerance)).toMatchObject({ replicas: 2 });
    expect(externalValueReplicas(0, 1000, [0], [], tolerance)).toMatchObject({ replicas: 0 });
  });

  it('fails when the scale selector matches no pods (§5.7)', () => {
    expect(externalValueReplicas(3, 1000, [9000], [], tolerance)).toEqual({
      ok: false,
      error: 'unable to calculate ready pods: no pods returned by selector while calculating replica count',
    });
  });

  it('proposes zero when pods exist but none is ready', () => {
    expect(
      externalValueReplicas(3, 1000, [9000], [pod(false), pod(true, 'Pending')], tolerance),
    ).toMatchObject({
      replicas: 0,
    });
  });

  it('tolerance bounds are inclusive', () => {
    expect(externalValueReplicas(10, 1000, [1100], readyPods(10), tolerance)).toMatchObject({ replicas: 10 });
    expect(externalValueReplicas(10, 1000, [900], readyPods(10), tolerance)).toMatchObject({ replicas: 10 });
    expect(externalValueReplicas(10, 1000, [1101], readyPods(10), tolerance)).toMatchObject({ replicas: 12 });
    expect(externalValueReplicas(10, 1000, [899], readyPods(10), tolerance)).toMatchObject({ replicas: 9 });
  });

  it('per-direction tolerances: target 100Mi, down 5 %, up 1 % scales below 95Mi or above 101Mi (§4.5)', () => {
    const mi = 1024 * 1024 * 1000;
    const asymmetric = { scaleDown: 0.05, scaleUp: 0.01 };
    const at = (usageMi: number) =>
      externalValueReplicas(100, 100 * mi, [usageMi * mi], readyPods(100), asymmetric);
    expect(at(95)).toMatchObject({ replicas: 100 });
    expect(at(101)).toMatchObject({ replicas: 100 });
    expect(at(94.9)).toMatchObject({ replicas: 95 });
    expect(at(101.5)).toMatchObject({ replicas: 102 });
  });
});

describe('External AverageValue target (GetExternalPerPodMetricReplicas, §4.4)', () => {
  it('TestReplicaCalcScaleUpPerPodCMExternal: 3 → 4, current average 2867', () => {
    expect(externalAverageValueReplicas(3, 2150, [8600], tolerance)).toEqual({
      ok: true,
      replicas: 4,
      currentMilli: 2867,
    });
  });

  it('TestReplicaCalcScaleDownPerPodCMExternal: 5 → 3, current average 1720', () => {
    expect(externalAverageValueReplicas(5, 2867, [8600], tolerance)).toEqual({
      ok: true,
      replicas: 3,
      currentMilli: 1720,
    });
  });

  it('TestReplicaCalcTolerancePerPodCMExternal: stays at 3', () => {
    expect(externalAverageValueReplicas(3, 2900, [8600], tolerance)).toEqual({
      ok: true,
      replicas: 3,
      currentMilli: 2867,
    });
  });

  it('a replica-count metric with target 1 is ignored within 10 % of the existing pods', () => {
    expect(externalAverageValueReplicas(10, 1000, [11000], tolerance)).toMatchObject({ replicas: 10 });
    expect(externalAverageValueReplicas(10, 1000, [12000], tolerance)).toMatchObject({ replicas: 12 });
    expect(externalAverageValueReplicas(10, 1000, [9000], tolerance)).toMatchObject({ replicas: 10 });
    expect(externalAverageValueReplicas(10, 1000, [8000], tolerance)).toMatchObject({ replicas: 8 });
  });

  it('from zero pods the ratio is infinite and the proposal is usage / target', () => {
    expect(externalAverageValueReplicas(0, 1000, [3000], tolerance)).toMatchObject({ replicas: 3 });
  });
});

describe('readyPodCount', () => {
  it('counts Running pods whose Ready condition is True', () => {
    const pods: PodSnapshot[] = [
      pod(true),
      pod(false),
      pod(true, 'Pending'),
      { phase: 'Running' },
      pod(true),
    ];
    expect(readyPodCount(pods)).toBe(2);
  });
});
