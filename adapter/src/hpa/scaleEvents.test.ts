import { longestPolicyPeriodSeconds, resolveBehavior } from './behavior';
import { recordScaleEvent, replicasChangedInPeriod } from './scaleEvents';
import type { ScaleEvent, ScalingPolicy } from './types';

// Cases from kubernetes/kubernetes horizontal_test.go TestStoreScaleEvents (inputs and expected
// outputs only): 5 replicas are added, with the previous events given in seconds ago.

const NOW = 1_700_000_000_000;
const ev = (change: number, secondsAgo: number, outdated = false): ScaleEvent => ({
  replicaChange: change,
  timestampMs: NOW - secondsAgo * 1000,
  outdated,
});
const policies = (pods: [number, number] | null, percent: [number, number] | null): ScalingPolicy[] => [
  ...(pods ? [{ type: 'Pods' as const, value: pods[0], periodSeconds: pods[1] }] : []),
  ...(percent ? [{ type: 'Percent' as const, value: percent[0], periodSeconds: percent[1] }] : []),
];

describe('scale events', () => {
  const cases: [string, ScaleEvent[], ScalingPolicy[], [number, boolean][], number][] = [
    ['empty entries with two-policy-behavior', [], policies([10, 60], [100, 60]), [[5, false]], 0],
    [
      'one outdated entry to be replaced with behavior',
      [ev(7, 61)],
      policies([10, 60], [100, 60]),
      [[5, false]],
      0,
    ],
    [
      'one actual entry to be not touched with behavior',
      [ev(7, 58)],
      policies([10, 60], [100, 60]),
      [
        [7, false],
        [5, false],
      ],
      7,
    ],
    [
      'two entries, one of them to be replaced',
      [ev(7, 61), ev(6, 59)],
      policies([10, 60], null),
      [
        [5, false],
        [6, false],
      ],
      6,
    ],
    [
      'replace one entry, use policies with different periods',
      [ev(8, 29), ev(6, 59), ev(7, 61), ev(9, 61)],
      policies([10, 60], [100, 30]),
      [
        [8, false],
        [6, false],
        [7, true],
        [5, false],
      ],
      14,
    ],
    [
      'two entries, both actual',
      [ev(7, 58), ev(6, 59)],
      policies([10, 120], [100, 30]),
      [
        [7, false],
        [6, false],
        [5, false],
      ],
      13,
    ],
  ];
  it.each(cases)('%s', (_name, previous, scalePolicies, expected, changeIn60s) => {
    expect(replicasChangedInPeriod(previous, 60, NOW)).toBe(changeIn60s);
    const rules = resolveBehavior({ scaleUp: { policies: scalePolicies } }, 300).scaleUp;
    const next = recordScaleEvent(previous, 5, longestPolicyPeriodSeconds(rules), NOW);
    expect(next.map((e) => [e.replicaChange, e.outdated])).toEqual(expected);
    expect(previous.every((e) => e.outdated === false)).toBe(true);
  });

  it('counts only events strictly newer than the period start', () => {
    expect(replicasChangedInPeriod([ev(3, 60), ev(4, 59.999)], 60, NOW)).toBe(4);
  });
});
