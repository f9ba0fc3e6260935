import { initialHpaState, reconcileHpa } from './controller';
import {
  DEFAULT_CONTROLLER_CONFIG,
  type Behavior,
  type ControllerConfig,
  type HpaCondition,
  type HpaSpec,
  type HpaState,
  type MetricReading,
  type MetricSpec,
  type PodSnapshot,
  type TimestampedRecommendation,
} from './types';
import { minReplicasProblem } from './validation';

// Reconcile cases from kubernetes/kubernetes pkg/controller/podautoscaler/horizontal_test.go (inputs
// and expected outputs only). That harness creates one Running, Ready pod per CPU request (1 CPU when
// none are listed) started at the zero time, reports `reportedLevels` as the pods' CPU usage and as
// the External metric's items, and seeds the recommendation history with the current replicas unless
// the case sets `recommendations` (usually to an empty list).

const NOW = 1_700_000_000_000;
const config: ControllerConfig = {
  ...DEFAULT_CONTROLLER_CONFIG,
  cpuInitializationPeriodSeconds: 120,
  initialReadinessDelaySeconds: 10,
};

interface UpstreamCase {
  min: number;
  max: number;
  specReplicas: number;
  statusReplicas?: number;
  cpuTarget?: number;
  metrics?: MetricSpec[];
  levels: number[];
  cpuRequests?: number[];
  readiness?: boolean[];
  recommendations?: TimestampedRecommendation[];
  behavior?: Behavior;
  readings?: MetricReading[];
}

function external(target: { valueMilli?: number; averageValueMilli?: number }): MetricSpec {
  return { type: 'External', name: 'qps', matchLabels: {}, target };
}

function reconcile(c: UpstreamCase) {
  const metrics: MetricSpec[] = [
    ...(c.cpuTarget !== undefined
      ? [{ type: 'Resource', name: 'cpu', target: { averageUtilization: c.cpuTarget } } as const]
      : []),
    ...(c.metrics ?? []),
  ];
  const spec: HpaSpec = {
    namespace: 'test-namespace',
    scaleTargetRef: { kind: 'ReplicationController', name: 'test-rc' },
    minReplicas: c.min,
    maxReplicas: c.max,
    metrics,
    behavior: c.behavior,
  };
  const statusReplicas = c.statusReplicas ?? c.specReplicas;
  const requests = c.cpuRequests ?? Array.from({ length: statusReplicas }, () => 1000);
  const pods: PodSnapshot[] = requests.map((request, i) => ({
    phase: 'Running',
    readyCondition: { status: c.readiness?.[i] ?? true, lastTransitionMs: 0 },
    startTimeMs: 0,
    cpuRequestMilli: request,
    cpuUsage:
      c.levels[i] === undefined ? undefined : { milli: c.levels[i]!, timestampMs: NOW, windowMs: 60_000 },
  }));
  const readings =
    c.readings ??
    metrics.map((m): MetricReading =>
      m.type === 'External' ? { status: 'ok', valuesMilli: c.levels } : { status: 'ok' },
    );
  const state: HpaState = { ...initialHpaState(), recommendations: c.recommendations ?? null };
  return reconcileHpa(
    spec,
    state,
    { specReplicas: c.specReplicas, statusReplicas, pods, metrics: readings },
    NOW,
    config,
  );
}

const brief = (conditions: readonly HpaCondition[]) => conditions.map((c) => [c.type, c.status, c.reason]);
const OK = [
  ['AbleToScale', true, 'SucceededRescale'],
  ['ScalingActive', true, 'ValidMetricFound'],
  ['ScalingLimited', false, 'DesiredWithinRange'],
];
const withAbleToScale = (reason: string) => [['AbleToScale', true, reason], OK[1], OK[2]];
const withLimited = (status: boolean, reason: string) => [OK[0], OK[1], ['ScalingLimited', status, reason]];

describe('reconcile: External metrics', () => {
  it('TestScaleUpCMExternal: Value 6.666, 8.6 → 4', () => {
    const r = reconcile({
      min: 2,
      max: 6,
      specReplicas: 3,
      metrics: [external({ valueMilli: 6666 })],
      levels: [8600],
    });
    expect(r.desiredReplicas).toBe(4);
    expect(brief(r.conditions)).toEqual(OK);
    expect(r.events).toContainEqual({
      type: 'Normal',
      reason: 'SuccessfulRescale',
      message:
        'New size: 4; reason: external metric qps(&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}) above target',
    });
  });

  it('TestScaleUpPerPodCMExternal: AverageValue 2.222 → 4', () => {
    const r = reconcile({
      min: 2,
      max: 6,
      specReplicas: 3,
      metrics: [external({ averageValueMilli: 2222 })],
      levels: [8600],
    });
    expect(r.desiredReplicas).toBe(4);
  });

  it('TestScaleDownCMExternal and TestScaleDownPerPodCMExternal: 5 → 3', () => {
    const base = { min: 2, max: 6, specReplicas: 5, levels: [8600], recommendations: [] };
    expect(reconcile({ ...base, metrics: [external({ valueMilli: 14400 })] }).desiredReplicas).toBe(3);
    expect(reconcile({ ...base, metrics: [external({ averageValueMilli: 3000 })] }).desiredReplicas).toBe(3);
  });

  it('TestScaleDownToZeroCMExternal: min 0 and usage 0 → 0', () => {
    const r = reconcile({
      min: 0,
      max: 6,
      specReplicas: 5,
      metrics: [external({ valueMilli: 14400 })],
      levels: [0],
      recommendations: [],
    });
    expect(r.desiredReplicas).toBe(0);
  });

  it('TestToleranceCMExternal and TestTolerancePerPodCMExternal: 4 stays', () => {
    for (const target of [{ valueMilli: 8666 }, { averageValueMilli: 2200 }]) {
      const r = reconcile({ min: 2, max: 6, specReplicas: 4, metrics: [external(target)], levels: [8600] });
      expect(r.desiredReplicas).toBe(4);
      expect(r.rescaled).toBe(false);
      expect(brief(r.conditions)).toEqual(withAbleToScale('ReadyForNewScale'));
    }
  });

  it('AverageValue wins over Value when both are set (§4.4)', () => {
    const r = reconcile({
      min: 1,
      max: 20,
      specReplicas: 3,
      metrics: [external({ valueMilli: 1000, averageValueMilli: 8600 })],
      recommendations: [],
      levels: [8600],
    });
    expect(r.desiredReplicas).toBe(1);
  });

  it('a target with neither value fails the metric', () => {
    const r = reconcile({ min: 1, max: 20, specReplicas: 3, metrics: [external({})], levels: [8600] });
    expect(r.rescaled).toBe(false);
    expect(r.conditions[1]).toEqual({
      type: 'ScalingActive',
      status: false,
      reason: 'FailedGetExternalMetric',
      message:
        'the HPA was unable to compute the replica count: invalid external metric source: neither a value target nor an average value target was set',
    });
  });
});

describe('reconcile: failing metrics (§5)', () => {
  it('TestConditionFailedGetMetrics (external): no scaling, ScalingActive=False FailedGetExternalMetric', () => {
    const r = reconcile({
      min: 1,
      max: 100,
      specReplicas: 3,
      metrics: [external({ valueMilli: 300 })],
      levels: [100, 200, 300],
      cpuRequests: [100, 100, 100],
      readings: [{ status: 'error', message: 'something went wrong' }],
    });
    expect(r.desiredReplicas).toBe(3);
    expect(r.rescaled).toBe(false);
    expect(brief(r.conditions)).toEqual([
      ['AbleToScale', true, 'SucceededGetScale'],
      ['ScalingActive', false, 'FailedGetExternalMetric'],
    ]);
    const selector =
      '&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}';
    const cause = `unable to get external metric test-namespace/qps/${selector}: unable to fetch metrics from external metrics API: something went wrong`;
    expect(r.conditions[1]!.message).toBe(`the HPA was unable to compute the replica count: ${cause}`);
    expect(r.events).toEqual([
      { type: 'Warning', reason: 'FailedGetExternalMetric', message: cause },
      {
        type: 'Warning',
        reason: 'FailedComputeMetricsReplicas',
        message: `failed to compute desired number of replicas based on listed metrics for ReplicationController/test-namespace/test-rc: invalid metrics (1 invalid out of 1), first error is: failed to get qps external metric value: failed to get external metric qps: ${cause}`,
      },
    ]);
  });

  it('TestConditionFailedGetMetrics (resource): FailedGetResourceMetric', () => {
    const r = reconcile({
      min: 1,
      max: 100,
      specReplicas: 3,
      cpuTarget: 10,
      levels: [100, 200, 300],
      cpuRequests: [100, 100, 100],
      readings: [{ status: 'error', message: 'something went wrong' }],
    });
    expect(r.rescaled).toBe(false);
    expect(brief(r.conditions)).toEqual([
      ['AbleToScale', true, 'SucceededGetScale'],
      ['ScalingActive', false, 'FailedGetResourceMetric'],
    ]);
  });

  it('an empty item list is a failure, not zero (§5.2)', () => {
    const r = reconcile({
      min: 1,
      max: 10,
      specReplicas: 5,
      metrics: [external({ valueMilli: 1000 })],
      levels: [],
      readings: [{ status: 'ok', valuesMilli: [] }],
      recommendations: [],
    });
    expect(r.desiredReplicas).toBe(5);
    expect(r.conditions[1]!.message).toMatch(/no metrics returned from external metrics API$/);
  });

  it('TestScaleUpOneMetricEmpty: a valid scale-up proceeds despite a failed metric (3 → 4)', () => {
    const r = reconcile({
      min: 2,
      max: 6,
      specReplicas: 3,
      cpuTarget: 30,
      metrics: [external({ valueMilli: 100 })],
      levels: [300, 400, 500],
      readings: [{ status: 'ok' }, { status: 'error', message: 'something went wrong' }],
    });
    expect(r.desiredReplicas).toBe(4);
    expect(r.conditions[1]).toMatchObject({
      type: 'ScalingActive',
      status: true,
      reason: 'ValidMetricFound',
    });
  });

  it('TestNoScaleDownOneMetricEmpty: a failed metric blocks a scale-down (5 stays)', () => {
    const r = reconcile({
      min: 2,
      max: 6,
      specReplicas: 5,
      cpuTarget: 50,
      metrics: [external({ valueMilli: 1000 })],
      levels: [100, 300, 500, 250, 250],
      readings: [{ status: 'ok' }, { status: 'error', message: 'something went wrong' }],
      recommendations: [],
    });
    expect(r.desiredReplicas).toBe(5);
    expect(brief(r.conditions)).toEqual([
      ['AbleToScale', true, 'SucceededGetScale'],
      ['ScalingActive', false, 'FailedGetExternalMetric'],
    ]);
  });

  it('a failed metric keeps status.desiredReplicas from the previous reconcile', () => {
    const spec: HpaSpec = {
      namespace: 'ns',
      scaleTargetRef: { kind: 'Deployment', name: 'web' },
      maxReplicas: 10,
      metrics: [external({ averageValueMilli: 1000 })],
    };
    const first = reconcileHpa(
      spec,
      initialHpaState(),
      { specReplicas: 2, statusReplicas: 2, pods: [], metrics: [{ status: 'ok', valuesMilli: [4000] }] },
      NOW,
    );
    expect(first.state.desiredReplicas).toBe(4);
    const second = reconcileHpa(
      spec,
      first.state,
      { specReplicas: 4, statusReplicas: 4, pods: [], metrics: [{ status: 'error', message: 'timeout' }] },
      NOW + 15_000,
    );
    expect(second.state.desiredReplicas).toBe(4);
    expect(second.desiredReplicas).toBe(4);
  });

  it('TestConditionFailedGetScale: AbleToScale=False, nothing else', () => {
    const spec: HpaSpec = {
      namespace: 'ns',
      scaleTargetRef: { kind: 'Deployment', name: 'web' },
      maxReplicas: 100,
      metrics: [external({ valueMilli: 1000 })],
    };
    const r = reconcileHpa(
      spec,
      initialHpaState(),
      { specReplicas: 3, statusReplicas: 3, pods: [], metrics: [], getScaleError: 'something went wrong' },
      NOW,
    );
    expect(brief(r.conditions)).toEqual([['AbleToScale', false, 'FailedGetScale']]);
    expect(r.rescaled).toBe(false);
  });

  it('TestConditionInvalidSelectorMissing: ScalingActive=False InvalidSelector', () => {
    const spec: HpaSpec = {
      namespace: 'ns',
      scaleTargetRef: { kind: 'Deployment', name: 'web' },
      maxReplicas: 100,
      metrics: [external({ valueMilli: 1000 })],
    };
    const r = reconcileHpa(
      spec,
      initialHpaState(),
      {
        specReplicas: 3,
        statusReplicas: 3,
        pods: [],
        metrics: [{ status: 'ok', valuesMilli: [9000] }],
        selectorProblem: { reason: 'InvalidSelector', message: 'selector is required' },
      },
      NOW,
    );
    expect(r.desiredReplicas).toBe(3);
    expect(brief(r.conditions)).toEqual([
      ['AbleToScale', true, 'SucceededGetScale'],
      ['ScalingActive', false, 'InvalidSelector'],
    ]);
  });
});

describe('reconcile: CPU utilisation and bounds', () => {
  it('TestScaleUp: 3 → 5', () => {
    const r = reconcile({ min: 2, max: 6, specReplicas: 3, cpuTarget: 30, levels: [300, 500, 700] });
    expect(r.desiredReplicas).toBe(5);
    expect(brief(r.conditions)).toEqual(OK);
    expect(r.conditions[1]!.message).toBe(
      'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
    );
  });

  it('TestScaleUpUnreadyLessScale: 3 → 4', () => {
    const r = reconcile({
      min: 2,
      max: 6,
      specReplicas: 3,
      cpuTarget: 30,
      levels: [300, 500, 700],
      readiness: [false, true, true],
    });
    expect(r.desiredReplicas).toBe(4);
  });

  it('TestScaleUpUnreadyNoScale: 3 stays, ReadyForNewScale', () => {
    const r = reconcile({
      min: 2,
      max: 6,
      specReplicas: 3,
      cpuTarget: 30,
      levels: [400, 500, 700],
      readiness: [true, false, false],
    });
    expect(r.desiredReplicas).toBe(3);
    expect(brief(r.conditions)).toEqual(withAbleToScale('ReadyForNewScale'));
  });

  it('TestScaleDown: 5 → 3 with an empty recommendation history', () => {
    const r = reconcile({
      min: 2,
      max: 6,
      specReplicas: 5,
      cpuTarget: 50,
      levels: [100, 300, 500, 250, 250],
      recommendations: [],
    });
    expect(r.desiredReplicas).toBe(3);
    expect(r.events.at(-1)).toEqual({
      type: 'Normal',
      reason: 'SuccessfulRescale',
      message: 'New size: 3; reason: All metrics below target',
    });
  });

  it('TestScaleDownStabilizeInitialSize: the first reconcile seeds the history, so 5 stays', () => {
    const r = reconcile({
      min: 2,
      max: 6,
      specReplicas: 5,
      cpuTarget: 50,
      levels: [100, 300, 500, 250, 250],
    });
    expect(r.desiredReplicas).toBe(5);
    expect(brief(r.conditions)).toEqual(withAbleToScale('ScaleDownStabilized'));
    expect(r.state.recommendations).toEqual([
      { replicas: 5, timestampMs: NOW },
      { replicas: 3, timestampMs: NOW },
    ]);
  });

  it('TestStabilizeDownscale: a recommendation 1 min old holds 4', () => {
    const r = reconcile({
      min: 1,
      max: 5,
      specReplicas: 4,
      cpuTarget: 100,
      levels: [50, 50, 50],
      cpuRequests: [100, 100, 100],
      recommendations: [
        { replicas: 10, timestampMs: NOW - 600_000 },
        { replicas: 4, timestampMs: NOW - 60_000 },
      ],
    });
    expect(r.desiredReplicas).toBe(4);
    expect(brief(r.conditions)).toEqual(withAbleToScale('ScaleDownStabilized'));
  });

  it('TestScaleDownWithScalingRules: behavior on scale-up only still scales down 5 → 3', () => {
    const r = reconcile({
      min: 2,
      max: 6,
      specReplicas: 5,
      cpuTarget: 50,
      levels: [100, 300, 500, 250, 250],
      recommendations: [],
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 30,
          selectPolicy: 'Max',
          policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
        },
      },
    });
    expect(r.desiredReplicas).toBe(3);
    expect(r.state.scaleDownEvents).toEqual([{ replicaChange: 2, timestampMs: NOW, outdated: false }]);
  });

  it('TestTolerance: 3 stays', () => {
    const r = reconcile({
      min: 1,
      max: 5,
      specReplicas: 3,
      cpuTarget: 100,
      levels: [1010, 1030, 1020],
      cpuRequests: [900, 1000, 1100],
    });
    expect(r.desiredReplicas).toBe(3);
    expect(brief(r.conditions)).toEqual(withAbleToScale('ReadyForNewScale'));
  });

  it('TestMinReplicas and TestMinReplicasDesiredZero: clamped to 2, TooFewReplicas', () => {
    for (const levels of [
      [10, 95, 10],
      [0, 0, 0],
    ]) {
      const r = reconcile({
        min: 2,
        max: 5,
        specReplicas: 3,
        cpuTarget: 90,
        levels,
        cpuRequests: [900, 1000, 1100],
        recommendations: [],
      });
      expect(r.desiredReplicas).toBe(2);
      expect(brief(r.conditions)).toEqual(withLimited(true, 'TooFewReplicas'));
    }
  });

  it('TestZeroMinReplicasDesiredZero: 3 → 0', () => {
    const r = reconcile({
      min: 0,
      max: 5,
      specReplicas: 3,
      cpuTarget: 90,
      levels: [0, 0, 0],
      cpuRequests: [900, 1000, 1100],
      recommendations: [],
    });
    expect(r.desiredReplicas).toBe(0);
    expect(brief(r.conditions)).toEqual(OK);
  });

  it('TestMaxReplicas: 3 → 5, TooManyReplicas', () => {
    const r = reconcile({
      min: 2,
      max: 5,
      specReplicas: 3,
      cpuTarget: 90,
      levels: [8000, 9500, 1000],
      cpuRequests: [900, 1000, 1100],
    });
    expect(r.desiredReplicas).toBe(5);
    expect(brief(r.conditions)).toEqual(withLimited(true, 'TooManyReplicas'));
  });

  it('without behavior one reconcile at most doubles (ScaleUpLimit, §4.6)', () => {
    const r = reconcile({
      min: 1,
      max: 100,
      specReplicas: 3,
      cpuTarget: 10,
      levels: [100, 200, 300],
      cpuRequests: [100, 100, 100],
    });
    expect(r.desiredReplicas).toBe(6);
    expect(brief(r.conditions)).toEqual(withLimited(true, 'ScaleUpLimit'));
  });

  it('TestUpscaleCap: Percent 700 per 60 s caps 3 → 24 (ScaleUpLimit)', () => {
    const behavior: Behavior = {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 700, periodSeconds: 60 }],
      },
    };
    const r = reconcile({
      min: 1,
      max: 100,
      specReplicas: 3,
      cpuTarget: 10,
      levels: [100, 200, 300],
      cpuRequests: [100, 100, 100],
      behavior,
    });
    expect(r.desiredReplicas).toBe(24);
    expect(brief(r.conditions)).toEqual(withLimited(true, 'ScaleUpLimit'));
    const capped = reconcile({
      min: 1,
      max: 20,
      specReplicas: 3,
      cpuTarget: 10,
      levels: [100, 200, 300],
      cpuRequests: [100, 100, 100],
      behavior,
    });
    expect(capped.desiredReplicas).toBe(20);
    expect(brief(capped.conditions)).toEqual(withLimited(true, 'TooManyReplicas'));
  });

  it('TestMoreReplicasThanSpecNoScale: a surge pod does not change a target at its utilisation (4 stays)', () => {
    const r = reconcile({
      min: 1,
      max: 8,
      specReplicas: 4,
      statusReplicas: 5,
      cpuTarget: 50,
      levels: [500, 500, 500, 500, 500],
    });
    expect(r.desiredReplicas).toBe(4);
    expect(brief(r.conditions)).toEqual(withAbleToScale('ReadyForNewScale'));
  });

  it('TestMissingMetrics: 4 → 3', () => {
    const r = reconcile({
      min: 2,
      max: 6,
      specReplicas: 4,
      cpuTarget: 100,
      levels: [400, 95],
      recommendations: [],
    });
    expect(r.desiredReplicas).toBe(3);
  });

  it('TestEmptyMetrics and TestEmptyCPURequest: FailedGetResourceMetric, no scaling', () => {
    const empty = reconcile({ min: 2, max: 6, specReplicas: 4, cpuTarget: 100, levels: [] });
    expect(brief(empty.conditions)).toEqual([
      ['AbleToScale', true, 'SucceededGetScale'],
      ['ScalingActive', false, 'FailedGetResourceMetric'],
    ]);
    const noRequest = reconcile({
      min: 1,
      max: 5,
      specReplicas: 1,
      cpuTarget: 100,
      levels: [200],
      cpuRequests: [],
    });
    expect(noRequest.rescaled).toBe(false);
    expect(noRequest.conditions[1]).toMatchObject({ status: false, reason: 'FailedGetResourceMetric' });
  });

  it('TestEventCreated: 1 → 2 with a SuccessfulRescale event', () => {
    const r = reconcile({
      min: 1,
      max: 5,
      specReplicas: 1,
      cpuTarget: 50,
      levels: [200],
      cpuRequests: [200],
    });
    expect(r.desiredReplicas).toBe(2);
    expect(r.events).toEqual([
      {
        type: 'Normal',
        reason: 'SuccessfulRescale',
        message: 'New size: 2; reason: cpu resource utilization (percentage of request) above target',
      },
    ]);
  });

  it('TestEventNotCreated: no event when nothing changes', () => {
    const r = reconcile({
      min: 1,
      max: 5,
      specReplicas: 2,
      cpuTarget: 50,
      levels: [200, 200],
      cpuRequests: [400, 400],
    });
    expect(r.desiredReplicas).toBe(2);
    expect(r.events).toEqual([]);
  });

  it('TestZeroReplicas: a target at zero with min > 0 is left alone (ScalingDisabled)', () => {
    const r = reconcile({ min: 3, max: 5, specReplicas: 0, cpuTarget: 90, levels: [], cpuRequests: [] });
    expect(r.desiredReplicas).toBe(0);
    expect(brief(r.conditions)).toEqual([
      ['AbleToScale', true, 'SucceededGetScale'],
      ['ScalingActive', false, 'ScalingDisabled'],
    ]);
  });

  it('TestTooFewReplicas / TestScaleUpRCImmediately: below min goes to min without reading metrics', () => {
    const r = reconcile({ min: 3, max: 5, specReplicas: 2, cpuTarget: 90, levels: [], cpuRequests: [] });
    expect(r.desiredReplicas).toBe(3);
    expect(brief(r.conditions)).toEqual([['AbleToScale', true, 'SucceededRescale']]);
    expect(r.events).toEqual([
      {
        type: 'Normal',
        reason: 'SuccessfulRescale',
        message: 'New size: 3; reason: Current number of replicas below Spec.MinReplicas',
      },
    ]);
  });

  it('TestTooManyReplicas / TestScaleDownRCImmediately: above max goes to max', () => {
    const r = reconcile({ min: 3, max: 5, specReplicas: 10, cpuTarget: 90, levels: [], cpuRequests: [] });
    expect(r.desiredReplicas).toBe(5);
    expect(brief(r.conditions)).toEqual([['AbleToScale', true, 'SucceededRescale']]);
  });

  it('records scale events only for HPAs with behavior (TestStoreScaleEvents "empty entries with default behavior")', () => {
    const r = reconcile({ min: 2, max: 6, specReplicas: 3, cpuTarget: 30, levels: [300, 500, 700] });
    expect(r.state.scaleUpEvents).toEqual([]);
    expect(r.state.lastScaleTimeMs).toBe(NOW);
  });
});

describe('reconcile: a sequence (the state carries the controller memory)', () => {
  const spec: HpaSpec = {
    namespace: 'ns',
    scaleTargetRef: { kind: 'Deployment', name: 'web' },
    minReplicas: 1,
    maxReplicas: 50,
    metrics: [external({ averageValueMilli: 1000 })],
  };
  const at = (state: HpaState, replicas: number, value: number, t: number) =>
    reconcileHpa(
      spec,
      state,
      {
        specReplicas: replicas,
        statusReplicas: replicas,
        pods: [],
        metrics: [{ status: 'ok', valuesMilli: [value * 1000] }],
      },
      t,
    );

  it('scales down only once the 5-minute window has no higher recommendation', () => {
    let state = initialHpaState();
    let replicas = 10;
    const trail: number[] = [];
    for (let i = 0; i <= 24; i++) {
      const r = at(state, replicas, 4, NOW + i * 15_000);
      state = r.state;
      replicas = r.desiredReplicas;
      trail.push(replicas);
    }
    // Seeded with 10 at t=0; that sample leaves the window after 300 s (the 21st reconcile at 300 s still sees it).
    expect(trail.slice(0, 21)).toEqual(Array(21).fill(10));
    expect(trail[21]).toBe(4);
  });

  it('scale-up is immediate but at most doubles per reconcile', () => {
    let state = initialHpaState();
    let replicas = 2;
    const trail: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = at(state, replicas, 40, NOW + i * 15_000);
      state = r.state;
      replicas = r.desiredReplicas;
      trail.push(replicas);
    }
    expect(trail).toEqual([4, 8, 16, 32, 40]);
  });
});

describe('reconcile: minReplicas 0 with an External metric (HPAScaleToZero)', () => {
  const replicasMetric = [external({ averageValueMilli: 1000 })];
  const noDownscaleWindow: Behavior = { scaleDown: { stabilizationWindowSeconds: 0 } };

  it('scales an idle workload down to 0 when the metric says 0', () => {
    const r = reconcile({
      min: 0,
      max: 10,
      specReplicas: 2,
      metrics: replicasMetric,
      levels: [0],
      behavior: noDownscaleWindow,
    });
    expect(r.desiredReplicas).toBe(0);
  });

  it('at 0 replicas scaling stays active (not ScalingDisabled) and holds 0 while the metric is 0', () => {
    const r = reconcile({
      min: 0,
      max: 10,
      specReplicas: 0,
      metrics: replicasMetric,
      levels: [0],
      cpuRequests: [],
    });
    expect(r.desiredReplicas).toBe(0);
    expect(r.conditions.find((c) => c.type === 'ScalingActive')).toMatchObject({
      status: true,
      reason: 'ValidMetricFound',
    });
  });

  it('from 0 replicas and 0 pods, a metric above 0 scales up to usage / target', () => {
    const r = reconcile({
      min: 0,
      max: 10,
      specReplicas: 0,
      metrics: replicasMetric,
      levels: [3000],
      cpuRequests: [],
    });
    expect(r.desiredReplicas).toBe(3);
    expect(r.rescaled).toBe(true);
  });

  it('a Value target from 0 replicas uses the ratio alone', () => {
    const r = reconcile({
      min: 0,
      max: 10,
      specReplicas: 0,
      metrics: [external({ valueMilli: 1000 })],
      levels: [2500],
      cpuRequests: [],
    });
    expect(r.desiredReplicas).toBe(3);
  });

  it('the API server accepts minReplicas 0 only with an External metric (the controller itself does not check)', () => {
    expect(minReplicasProblem({ minReplicas: 0, metrics: replicasMetric })).toBeUndefined();
    expect(minReplicasProblem({ minReplicas: 1, metrics: [] })).toBeUndefined();
    expect(
      minReplicasProblem({
        minReplicas: 0,
        metrics: [{ type: 'Resource', name: 'cpu', target: { averageUtilization: 50 } }],
      }),
    ).toBe(
      'spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas',
    );
  });
});
