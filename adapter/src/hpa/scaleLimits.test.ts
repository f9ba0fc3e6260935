import { resolveBehavior } from './behavior';
import {
  legacyScaleUpLimit,
  limitWithBehavior,
  limitWithoutBehavior,
  scaleDownLimit,
  scaleUpLimit,
} from './scaleLimits';
import type { ScaleEvent, ScalingPolicy, ScalingRules } from './types';

// Cases from kubernetes/kubernetes horizontal_test.go TestConvertDesiredReplicasWithRules,
// TestScalingWithRules, TestCalculateScaleUpLimitWithScalingRules and
// TestCalculateScaleDownLimitWithBehaviors (inputs and expected outputs only).

const NOW = 1_700_000_000_000;

/** The upstream helper `generateScalingRules(pods, podsPeriod, percent, percentPeriod, window)`. */
function rules(
  pods: number,
  podsPeriod: number,
  percent: number,
  percentPeriod: number,
  window: number,
): ScalingRules {
  const policies: ScalingPolicy[] = [];
  if (pods !== 0) policies.push({ type: 'Pods', value: pods, periodSeconds: podsPeriod });
  if (percent !== 0) policies.push({ type: 'Percent', value: percent, periodSeconds: percentPeriod });
  return { stabilizationWindowSeconds: window, selectPolicy: 'Max', policies };
}

/** The upstream helper `generateEventsUniformDistribution`: events centred in equal slices of the period. */
function events(changes: number[], periodSeconds: number): ScaleEvent[] {
  const segment = periodSeconds / changes.length;
  return changes.map((change, i) => ({
    replicaChange: change,
    timestampMs: NOW - Math.trunc(periodSeconds - segment * (i + 1) + segment / 2) * 1000,
    outdated: false,
  }));
}

describe('limitWithoutBehavior (convertDesiredReplicasWithRules)', () => {
  it.each([
    [5, 7, 3, 8, 7, 'DesiredWithinRange'],
    [3, 1, 2, 8, 2, 'TooFewReplicas'],
    [1, 0, 0, 10, 0, 'DesiredWithinRange'],
    [20, 1000, 1, 10, 10, 'TooManyReplicas'],
    // Upstream's test raises the scale-up factor to 8 (24 here); the controller's factor is 2.
    [3, 1000, 1, 2000, 6, 'ScaleUpLimit'],
  ])('current %i, desired %i, min %i, max %i → %i (%s)', (current, desired, min, max, expected, reason) => {
    expect(limitWithoutBehavior(current, desired, min, max)).toMatchObject({ replicas: expected, reason });
  });

  it('the scale-up limit is max(2 × current, 4)', () => {
    expect([0, 1, 2, 3, 10].map(legacyScaleUpLimit)).toEqual([4, 4, 4, 6, 20]);
  });
});

describe('limitWithBehavior (convertDesiredReplicasWithBehaviorRate)', () => {
  interface Case {
    name: string;
    up?: ScalingRules;
    down?: ScalingRules;
    upEvents?: ScaleEvent[];
    downEvents?: ScaleEvent[];
    min: number;
    max: number;
    current: number;
    desired: number;
    expected: number;
    reason: string;
  }
  const e = events;
  const cases: Case[] = [
    {
      name: 'prenormalized desired replicas within range',
      current: 5,
      desired: 7,
      min: 3,
      max: 8,
      expected: 7,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'prenormalized desired replicas < minReplicas',
      current: 3,
      desired: 1,
      min: 2,
      max: 8,
      expected: 2,
      reason: 'TooFewReplicas',
    },
    {
      name: 'within range when minReplicas is 0',
      current: 1,
      desired: 0,
      min: 0,
      max: 10,
      expected: 0,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'maxReplicas is the limit because maxReplicas < scaleUpLimit',
      current: 20,
      desired: 1000,
      min: 1,
      max: 10,
      expected: 10,
      reason: 'TooManyReplicas',
    },
    {
      name: 'desired replica count is more than the maximum replica count',
      current: 100,
      desired: 1000,
      min: 100,
      max: 150,
      expected: 150,
      reason: 'TooManyReplicas',
    },
    {
      name: 'scaleUpLimit < maxReplicas with user policies',
      up: rules(0, 0, 1, 60, 0),
      current: 3,
      desired: 1000,
      min: 1,
      max: 2000,
      expected: 4,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleDownLimit > minReplicas with user defined policies',
      down: rules(20, 60, 0, 0, 0),
      current: 1000,
      desired: 3,
      min: 3,
      max: 2000,
      expected: 980,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleUp with default behavior',
      current: 10,
      desired: 50,
      min: 1,
      max: 1000,
      expected: 20,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with pods policy larger than percent policy',
      up: rules(100, 60, 100, 60, 0),
      current: 10,
      desired: 500,
      min: 1,
      max: 1000,
      expected: 110,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with percent policy larger than pods policy',
      up: rules(2, 60, 100, 60, 0),
      current: 10,
      desired: 500,
      min: 1,
      max: 1000,
      expected: 20,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with spec MaxReplicas limitation with large pod policy',
      up: rules(100, 60, 0, 0, 0),
      current: 10,
      desired: 50,
      min: 1,
      max: 1000,
      expected: 50,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'scaleUp with spec MaxReplicas limitation with large percent policy',
      up: rules(10000, 60, 0, 0, 0),
      current: 10,
      desired: 50,
      min: 1,
      max: 1000,
      expected: 50,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'scaleUp with pod policy limitation',
      up: rules(30, 60, 0, 0, 0),
      current: 10,
      desired: 50,
      min: 1,
      max: 1000,
      expected: 40,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with percent policy limitation',
      up: rules(0, 0, 200, 60, 0),
      current: 10,
      desired: 50,
      min: 1,
      max: 1000,
      expected: 30,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleDown with percent policy larger than pod policy',
      down: rules(20, 60, 1, 60, 300),
      current: 100,
      desired: 2,
      min: 1,
      max: 1000,
      expected: 80,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with pod policy larger than percent policy',
      down: rules(2, 60, 1, 60, 300),
      current: 100,
      desired: 2,
      min: 1,
      max: 1000,
      expected: 98,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with spec MinReplicas limitation with large pod policy',
      down: rules(100, 60, 0, 0, 300),
      current: 10,
      desired: 0,
      min: 1,
      max: 1000,
      expected: 1,
      reason: 'TooFewReplicas',
    },
    {
      name: 'scaleDown with spec MinReplicas limitation with large percent policy',
      down: rules(0, 0, 100, 60, 300),
      current: 10,
      desired: 2,
      min: 5,
      max: 1000,
      expected: 5,
      reason: 'TooFewReplicas',
    },
    {
      name: 'scaleDown with pod policy limitation',
      down: rules(5, 60, 0, 0, 300),
      current: 10,
      desired: 2,
      min: 1,
      max: 1000,
      expected: 5,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with percent policy limitation',
      down: rules(0, 0, 50, 60, 300),
      current: 10,
      desired: 5,
      min: 1,
      max: 1000,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'scaleUp with spec MaxReplicas limitation with large pod policy and events',
      upEvents: e([1, 5, 9], 120),
      up: rules(300, 60, 0, 0, 0),
      current: 100,
      desired: 500,
      min: 1,
      max: 200,
      expected: 200,
      reason: 'TooManyReplicas',
    },
    {
      name: 'scaleUp with spec MaxReplicas limitation with large percent policy and events',
      upEvents: e([1, 5, 9], 120),
      up: rules(0, 0, 10000, 60, 0),
      current: 100,
      desired: 500,
      min: 1,
      max: 200,
      expected: 200,
      reason: 'TooManyReplicas',
    },
    {
      name: 'scaleUp with currentReplicas limitation with a lot of recent scale up events',
      upEvents: e([1, 5, 9], 120),
      up: rules(5, 120, 0, 0, 0),
      current: 100,
      desired: 500,
      min: 1,
      max: 1000,
      expected: 100,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with pod policy and previous scale up events',
      upEvents: e([1, 5, 9], 120),
      up: rules(150, 120, 0, 0, 0),
      current: 100,
      desired: 500,
      min: 1,
      max: 1000,
      expected: 235,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with percent policy and previous scale up events',
      upEvents: e([1, 5, 9], 120),
      up: rules(0, 0, 200, 120, 0),
      current: 100,
      desired: 500,
      min: 1,
      max: 1000,
      expected: 255,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleUp with percent policy and previous scale up and down events',
      upEvents: e([4], 120),
      downEvents: e([2], 120),
      up: rules(0, 0, 300, 300, 0),
      current: 6,
      desired: 24,
      min: 1,
      max: 1000,
      expected: 16,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'scaleDown with default policy and previous events',
      downEvents: e([1, 5, 9], 120),
      current: 10,
      desired: 5,
      min: 1,
      max: 1000,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events',
      downEvents: e([1, 5, 9], 120),
      down: rules(115, 120, 0, 0, 300),
      current: 100,
      desired: 0,
      min: 1,
      max: 1000,
      expected: 1,
      reason: 'TooFewReplicas',
    },
    {
      name: 'scaleDown with spec MinReplicas limitation with large pod policy and previous events',
      downEvents: e([1, 5, 9], 120),
      down: rules(130, 120, 0, 0, 300),
      current: 100,
      desired: 0,
      min: 5,
      max: 1000,
      expected: 5,
      reason: 'TooFewReplicas',
    },
    {
      name: 'scaleDown with spec MinReplicas limitation with large percent policy and previous events',
      downEvents: e([1, 5, 9], 120),
      down: rules(0, 0, 100, 120, 300),
      current: 100,
      desired: 2,
      min: 5,
      max: 1000,
      expected: 5,
      reason: 'TooFewReplicas',
    },
    {
      name: 'scaleDown with pod policy limitation and previous events',
      downEvents: e([1, 5, 9], 120),
      down: rules(5, 120, 0, 0, 300),
      current: 100,
      desired: 2,
      min: 1,
      max: 1000,
      expected: 100,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with percent policy limitation and previous events',
      downEvents: e([2, 4, 6], 120),
      down: rules(0, 0, 50, 120, 300),
      current: 100,
      desired: 0,
      min: 1,
      max: 1000,
      expected: 56,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with percent policy and previous scale up and down events',
      upEvents: e([2], 120),
      downEvents: e([4], 120),
      down: rules(0, 0, 50, 180, 0),
      current: 10,
      desired: 1,
      min: 1,
      max: 1000,
      expected: 6,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with previous events preventing further scale down',
      downEvents: e([10, 10, 10], 120),
      down: rules(0, 0, 10, 120, 300),
      current: 100,
      desired: 0,
      min: 1,
      max: 1000,
      expected: 100,
      reason: 'ScaleDownLimit',
    },
    {
      name: 'scaleDown with previous events still allowing more scale down',
      downEvents: e([10, 10, 10], 120),
      down: rules(0, 0, 1000, 120, 300),
      current: 10,
      desired: 5,
      min: 1,
      max: 1000,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
    {
      name: "check 'outdated' flag for events for one behavior for up",
      upEvents: e([8, 12, 9, 11], 120),
      up: rules(1000, 60, 0, 0, 0),
      current: 100,
      desired: 200,
      min: 1,
      max: 1000,
      expected: 200,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'events not outdated for two different policies for up',
      upEvents: e([8, 12, 9, 11], 120),
      up: rules(1000, 120, 100, 60, 0),
      current: 100,
      desired: 200,
      min: 1,
      max: 1000,
      expected: 200,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'events outdated for two different policies for up',
      upEvents: e([8, 12, 9, 11], 120),
      up: rules(1000, 30, 100, 60, 0),
      current: 100,
      desired: 200,
      min: 1,
      max: 1000,
      expected: 200,
      reason: 'DesiredWithinRange',
    },
    {
      name: "check 'outdated' flag for events for one behavior for down",
      downEvents: e([8, 12, 9, 11], 120),
      down: rules(1000, 60, 0, 0, 300),
      current: 100,
      desired: 5,
      min: 1,
      max: 1000,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'events not outdated for two different policies for down',
      downEvents: e([8, 12, 9, 11], 120),
      down: rules(1000, 120, 100, 60, 300),
      current: 100,
      desired: 5,
      min: 1,
      max: 1000,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
    {
      name: 'events outdated for two different policies for down',
      downEvents: e([8, 12, 9, 11], 120),
      down: rules(1000, 30, 100, 60, 300),
      current: 100,
      desired: 5,
      min: 1,
      max: 1000,
      expected: 5,
      reason: 'DesiredWithinRange',
    },
  ];
  it.each(cases)('$name', (c) => {
    const behavior = resolveBehavior({ scaleUp: c.up, scaleDown: c.down }, 300);
    const history = { scaleUpEvents: c.upEvents ?? [], scaleDownEvents: c.downEvents ?? [] };
    expect(limitWithBehavior(c.current, c.desired, c.min, c.max, behavior, history, NOW)).toMatchObject({
      replicas: c.expected,
      reason: c.reason,
    });
  });
});

describe('scaleUpLimit / scaleDownLimit with selectPolicy', () => {
  const policies: ScalingPolicy[] = [
    { type: 'Pods', value: 2, periodSeconds: 60 },
    { type: 'Percent', value: 50, periodSeconds: 60 },
  ];
  const none = { scaleUpEvents: [], scaleDownEvents: [] };
  const resolved = (selectPolicy: 'Max' | 'Min' | 'Disabled') =>
    resolveBehavior({ scaleUp: { selectPolicy, policies }, scaleDown: { selectPolicy, policies } }, 300);

  it('TestCalculateScaleUpLimitWithScalingRules: Min picks the smaller increase (1 → 2)', () => {
    expect(scaleUpLimit(1, resolved('Min').scaleUp, none, NOW)).toBe(2);
    expect(scaleUpLimit(1, resolved('Max').scaleUp, none, NOW)).toBe(3);
  });

  it('TestCalculateScaleDownLimitWithBehaviors: Min picks the smaller decrease (5 → 3)', () => {
    expect(scaleDownLimit(5, resolved('Min').scaleDown, none, NOW)).toBe(3);
    expect(scaleDownLimit(5, resolved('Max').scaleDown, none, NOW)).toBe(2);
  });

  it('Disabled holds the current count in that direction', () => {
    const behavior = resolved('Disabled');
    expect(limitWithBehavior(5, 9, 1, 10, behavior, none, NOW)).toMatchObject({
      replicas: 5,
      reason: 'ScaleUpLimit',
    });
    expect(limitWithBehavior(5, 1, 1, 10, behavior, none, NOW)).toMatchObject({
      replicas: 5,
      reason: 'ScaleDownLimit',
    });
  });
});
