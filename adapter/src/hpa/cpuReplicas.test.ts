import { cpuUtilizationReplicas, type CpuTiming } from './cpuReplicas';
import type { PodSnapshot } from './types';

// Cases from kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator_test.go (inputs and
// expected outputs only). That harness gives every pod two containers with the listed request and
// usage each, starts pods at the zero time with a zero-time Ready transition, and stamps samples with
// the zero time; it uses a 2 min CPU initialisation period and a 10 s initial readiness delay.

const ZERO = 0;
const NOW = 1_700_000_000_000;
const timing: CpuTiming = { nowMs: NOW, cpuInitializationPeriodMs: 120_000, initialReadinessDelayMs: 10_000 };
const tolerance = { scaleDown: 0.1, scaleUp: 0.1 };
const HOT = NOW; // started just now: inside the initialisation period
const COOL = NOW - 180_000;

interface PodCase {
  request: number;
  level?: number;
  ready?: boolean;
  phase?: PodSnapshot['phase'];
  deleting?: boolean;
  start?: number;
}

const CONTAINERS = 2;
function pods(cases: PodCase[]): PodSnapshot[] {
  return cases.map((c) => ({
    phase: c.phase ?? 'Running',
    deleting: c.deleting,
    readyCondition: { status: c.ready ?? true, lastTransitionMs: ZERO },
    startTimeMs: c.start ?? ZERO,
    cpuRequestMilli: c.request * CONTAINERS,
    cpuUsage:
      c.level === undefined
        ? undefined
        : { milli: c.level * CONTAINERS, timestampMs: ZERO, windowMs: 60_000 },
  }));
}
const run = (current: number, target: number, cases: PodCase[]) =>
  cpuUtilizationReplicas(current, target, pods(cases), timing, tolerance);

describe('CPU utilisation target (GetResourceReplicas)', () => {
  it('TestReplicaCalcScaleUp: 3 → 5 at 50 %', () => {
    const r = run(3, 30, [
      { request: 1000, level: 300 },
      { request: 1000, level: 500 },
      { request: 1000, level: 700 },
    ]);
    expect(r).toEqual({ ok: true, replicas: 5, utilization: 50, averageMilli: CONTAINERS * 500 });
  });

  it('TestReplicaCalcScaleUpUnreadyLessScale: an unready pod dampens the scale-up to 4', () => {
    const r = run(3, 30, [
      { request: 1000, level: 300, ready: false },
      { request: 1000, level: 500 },
      { request: 1000, level: 700 },
    ]);
    expect(r).toEqual({ ok: true, replicas: 4, utilization: 60, averageMilli: CONTAINERS * 600 });
  });

  it('TestReplicaCalcScaleUpHotCpuLessScale: a warming-up pod dampens the scale-up to 4', () => {
    const r = run(3, 30, [
      { request: 1000, level: 300, start: HOT },
      { request: 1000, level: 500, start: COOL },
      { request: 1000, level: 700, start: COOL },
    ]);
    expect(r).toMatchObject({ replicas: 4, utilization: 60 });
  });

  it('TestReplicaCalcScaleUpUnreadyNoScale: counting unready pods as idle would reverse direction, so 3 stays', () => {
    const r = run(3, 30, [
      { request: 1000, level: 400 },
      { request: 1000, level: 500, ready: false },
      { request: 1000, level: 700, ready: false },
    ]);
    expect(r).toMatchObject({ replicas: 3, utilization: 40 });
  });

  it('TestReplicaCalcScaleHotCpuNoScale', () => {
    const r = run(3, 30, [
      { request: 1000, level: 400, start: COOL },
      { request: 1000, level: 500, ready: false, start: HOT },
      { request: 1000, level: 700, ready: false, start: HOT },
    ]);
    expect(r).toMatchObject({ replicas: 3, utilization: 40 });
  });

  it('TestReplicaCalcScaleUpIgnoresFailedPods and …IgnoresDeletionPods: 2 → 4', () => {
    const failed = run(2, 30, [
      { request: 1000, level: 500 },
      { request: 1000, level: 700 },
      { request: 1000, ready: false, phase: 'Failed' },
      { request: 1000, ready: false, phase: 'Failed' },
    ]);
    const deleting = run(2, 30, [
      { request: 1000, level: 500 },
      { request: 1000, level: 700 },
      { request: 1000, ready: false, deleting: true },
      { request: 1000, ready: false, deleting: true },
    ]);
    expect(failed).toMatchObject({ replicas: 4, utilization: 60 });
    expect(deleting).toMatchObject({ replicas: 4, utilization: 60 });
  });

  it('TestReplicaCalcScaleDown: 5 → 3 at 28 %', () => {
    const r = run(
      5,
      50,
      [100, 300, 500, 250, 250].map((level) => ({ request: 1000, level })),
    );
    expect(r).toEqual({ ok: true, replicas: 3, utilization: 28, averageMilli: CONTAINERS * 280 });
  });

  it('TestReplicaCalcScaleDownIncludeUnreadyPods: unready pods are left out on the way down (5 → 2)', () => {
    const r = run(5, 50, [
      { request: 1000, level: 100 },
      { request: 1000, level: 300 },
      { request: 1000, level: 500 },
      { request: 1000, level: 250, ready: false },
      { request: 1000, level: 250, ready: false },
    ]);
    expect(r).toMatchObject({ replicas: 2, utilization: 30 });
  });

  it('TestReplicaCalcScaleDownExcludeUnscheduledPods: pending pods do not count (5 → 1)', () => {
    const r = run(5, 50, [
      { request: 1000, level: 100 },
      ...Array.from({ length: 4 }, () => ({ request: 1000, ready: false, phase: 'Pending' as const })),
    ]);
    expect(r).toMatchObject({ replicas: 1, utilization: 10 });
  });

  it('TestReplicaCalcScaleDownIgnoreHotCpuPods: 5 → 2', () => {
    const r = run(5, 50, [
      { request: 1000, level: 100, start: COOL },
      { request: 1000, level: 300, start: COOL },
      { request: 1000, level: 500, start: COOL },
      { request: 1000, level: 250, start: HOT },
      { request: 1000, level: 250, start: HOT },
    ]);
    expect(r).toMatchObject({ replicas: 2, utilization: 30 });
  });

  it('TestReplicaCalcTolerance: 102 % of target stays', () => {
    const r = run(3, 100, [
      { request: 900, level: 1010 },
      { request: 1000, level: 1030 },
      { request: 1100, level: 1020 },
    ]);
    expect(r).toMatchObject({ replicas: 3, utilization: 102 });
  });

  it('TestReplicaCalcMissingMetrics: missing samples count as fully used on the way down (4 → 3)', () => {
    const r = run(4, 100, [
      { request: 1000, level: 400 },
      { request: 1000, level: 95 },
      { request: 1000 },
      { request: 1000 },
    ]);
    expect(r).toMatchObject({ replicas: 3, utilization: 24 });
  });

  it('TestReplicaCalcMissingMetricsNoChangeEq / Gt / Lt: 2 stays', () => {
    expect(run(2, 100, [{ request: 1000, level: 1000 }, { request: 1000 }])).toMatchObject({
      replicas: 2,
      utilization: 100,
    });
    expect(run(2, 100, [{ request: 1000, level: 1900 }, { request: 1000 }])).toMatchObject({
      replicas: 2,
      utilization: 190,
    });
    expect(run(2, 100, [{ request: 1000, level: 600 }, { request: 1000 }])).toMatchObject({
      replicas: 2,
      utilization: 60,
    });
  });

  it('TestReplicaCalcMissingMetricsUnreadyChange and …HotCpuNoChange: 3 stays', () => {
    expect(
      run(3, 50, [
        { request: 1000, level: 100, ready: false },
        { request: 1000, level: 450 },
        { request: 1000 },
      ]),
    ).toMatchObject({ replicas: 3, utilization: 45 });
    expect(
      run(3, 50, [
        { request: 1000, level: 100, start: HOT },
        { request: 1000, level: 450, start: COOL },
        { request: 1000, start: COOL },
      ]),
    ).toMatchObject({ replicas: 3, utilization: 45 });
  });

  it('TestReplicaCalcMissingMetricsUnreadyScaleUp and …HotCpuScaleUp: 3 → 4', () => {
    expect(
      run(3, 50, [
        { request: 1000, level: 100, ready: false },
        { request: 1000, level: 2000 },
        { request: 1000 },
      ]),
    ).toMatchObject({ replicas: 4, utilization: 200 });
    expect(
      run(3, 50, [
        { request: 1000, level: 100, ready: false, start: HOT },
        { request: 1000, level: 2000, start: COOL },
        { request: 1000, start: COOL },
      ]),
    ).toMatchObject({ replicas: 4, utilization: 200 });
  });

  it('TestReplicaCalcMissingMetricsUnreadyScaleDown: 4 → 3', () => {
    const r = run(4, 50, [
      { request: 1000, level: 100, ready: false },
      { request: 1000, level: 100 },
      { request: 1000, level: 100 },
      { request: 1000 },
    ]);
    expect(r).toMatchObject({ replicas: 3, utilization: 10 });
  });

  it('TestReplicaCalcDuringRollingUpdateWithMaxSurge: a surge pod must not push a scale-down up (2 stays)', () => {
    const r = run(2, 50, [{ request: 1000, level: 100 }, { request: 1000, level: 100 }, { request: 1000 }]);
    expect(r).toMatchObject({ replicas: 2, utilization: 10 });
  });

  it('TestReplicaCalcComputedToleranceAlgImplementation: scales just outside the tolerance, not just inside', () => {
    const requests = [400, 200, 310, 290, 302, 298, 301, 299, 300, 300];
    const cases = requests.map((r) => ({ request: r, level: 150 }));
    // requested/used = 2; target 1/(2·0.9) + 0.01 → 56 %, 1/(2·0.9) + 0.004 → 55 %.
    expect(run(10, 56, cases)).toMatchObject({ replicas: 9, utilization: 50 });
    expect(run(10, 55, cases)).toMatchObject({ replicas: 10, utilization: 50 });
  });

  it('TestReplicaCalcEmptyMetrics and TestReplicaCalcEmptyCPURequest fail', () => {
    expect(run(4, 100, [{ request: 1000 }, { request: 1000 }, { request: 1000 }])).toEqual({
      ok: false,
      error: 'unable to get metrics for resource cpu: no metrics returned from resource metrics API',
    });
    const noRequest: PodSnapshot[] = [
      { ...pods([{ request: 0, level: 200 }])[0]!, cpuRequestMilli: undefined },
    ];
    expect(cpuUtilizationReplicas(1, 100, noRequest, timing, tolerance)).toEqual({
      ok: false,
      error: 'missing request for cpu',
    });
  });

  it('fails when every sample belongs to an unready pod', () => {
    expect(run(2, 50, [{ request: 1000, level: 100, ready: false }])).toEqual({
      ok: false,
      error: 'did not receive metrics for any ready pods',
    });
  });

  it('treats a pod that became ready after its initialisation period as ready', () => {
    const warm: PodSnapshot = {
      phase: 'Running',
      readyCondition: { status: false, lastTransitionMs: COOL + 60_000 },
      startTimeMs: COOL,
      cpuRequestMilli: 1000,
      cpuUsage: { milli: 900, timestampMs: NOW, windowMs: 60_000 },
    };
    // Unready but was ready once after the readiness delay: its sample counts.
    expect(cpuUtilizationReplicas(1, 30, [warm], timing, tolerance)).toMatchObject({
      replicas: 3,
      utilization: 90,
    });
  });
});
