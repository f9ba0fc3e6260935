import { stabilizeWithBehavior, stabilizeWithoutBehavior } from './stabilization';
import type { TimestampedRecommendation } from './types';

// Cases from kubernetes/kubernetes horizontal_test.go TestNormalizeDesiredReplicas and
// TestNormalizeDesiredReplicasWithBehavior (inputs and expected outputs only).

const NOW = 1_700_000_000_000;
const MIN = 60_000;
const rec = (replicas: number, agoMs: number): TimestampedRecommendation => ({
  replicas,
  timestampMs: NOW - agoMs,
});
const values = (recs: readonly TimestampedRecommendation[]) => recs.map((r) => r.replicas);

describe('stabilizeWithoutBehavior (5-minute window)', () => {
  const cases: [string, TimestampedRecommendation[], number, number, number][] = [
    ['empty log', [], 5, 5, 1],
    ['stabilize', [rec(4, 2 * MIN), rec(5, MIN)], 3, 5, 3],
    ['no stabilize', [rec(1, 2 * MIN), rec(2, MIN)], 3, 3, 3],
    ['no stabilize - old recommendations', [rec(10, 10 * MIN), rec(9, 9 * MIN)], 3, 3, 2],
    [
      'stabilize - old recommendations',
      [rec(10, 10 * MIN), rec(4, MIN), rec(5, 2 * MIN), rec(9, 9 * MIN)],
      3,
      5,
      4,
    ],
  ];
  it.each(cases)('%s', (_name, recs, desired, expected, logLength) => {
    const r = stabilizeWithoutBehavior(recs, desired, 300, NOW);
    expect(r.replicas).toBe(expected);
    expect(r.recommendations).toHaveLength(logLength);
    expect(r.recommendations).toContainEqual({ replicas: desired, timestampMs: NOW });
  });

  it('replaces the last sample older than the window', () => {
    const r = stabilizeWithoutBehavior([rec(10, 10 * MIN), rec(4, MIN), rec(9, 9 * MIN)], 3, 300, NOW);
    expect(values(r.recommendations)).toEqual([10, 4, 3]);
  });

  it('a sample exactly one window old still counts', () => {
    expect(stabilizeWithoutBehavior([rec(7, 5 * MIN)], 3, 300, NOW).replicas).toBe(7);
    expect(stabilizeWithoutBehavior([rec(7, 5 * MIN + 1)], 3, 300, NOW).replicas).toBe(3);
  });

  it('does not modify its input', () => {
    const recs = [rec(4, MIN)];
    stabilizeWithoutBehavior(recs, 3, 300, NOW);
    expect(recs).toEqual([rec(4, MIN)]);
  });
});

describe('stabilizeWithBehavior', () => {
  interface Case {
    name: string;
    recs: TimestampedRecommendation[];
    current: number;
    desired: number;
    expected: number;
    stored?: number[];
    up?: number;
    down?: number;
  }
  const cases: Case[] = [
    {
      name: 'empty recommendations for scaling down',
      recs: [],
      current: 100,
      desired: 5,
      expected: 5,
      stored: [5],
    },
    {
      name: 'simple scale down stabilization',
      recs: [rec(4, 2 * MIN), rec(5, MIN)],
      current: 100,
      desired: 3,
      expected: 5,
      stored: [4, 5, 3],
      down: 180,
    },
    {
      name: 'simple scale up stabilization',
      recs: [rec(4, 2 * MIN), rec(5, MIN)],
      current: 1,
      desired: 7,
      expected: 4,
      stored: [4, 5, 7],
      up: 300,
    },
    {
      name: 'no scale down stabilization',
      recs: [rec(1, 2 * MIN), rec(2, MIN)],
      current: 100,
      desired: 3,
      expected: 3,
      stored: [1, 2, 3],
      up: 300,
    },
    {
      name: 'no scale up stabilization',
      recs: [rec(4, 2 * MIN), rec(5, MIN)],
      current: 1,
      desired: 3,
      expected: 3,
      stored: [4, 5, 3],
      down: 300,
    },
    {
      name: 'no scale down stabilization, reuse recommendation element',
      recs: [rec(10, 10 * MIN), rec(9, 9 * MIN)],
      current: 100,
      desired: 3,
      expected: 3,
      stored: [10, 3],
    },
    {
      name: 'no scale up stabilization, reuse recommendation element',
      recs: [rec(10, 10 * MIN), rec(9, 9 * MIN)],
      current: 1,
      desired: 100,
      expected: 100,
      stored: [10, 100],
    },
    {
      name: 'scale down stabilization, reuse one of obsolete recommendation element',
      recs: [rec(10, 10 * MIN), rec(4, MIN), rec(5, 2 * MIN), rec(9, 9 * MIN)],
      current: 100,
      desired: 3,
      expected: 5,
      stored: [10, 4, 5, 3],
      down: 180,
    },
    {
      name: 'scale up stabilization, reuse one of obsolete recommendation element',
      recs: [rec(10, 100 * MIN), rec(6, MIN), rec(5, 2 * MIN), rec(9, 3 * MIN)],
      current: 1,
      desired: 100,
      expected: 5,
      stored: [100, 6, 5, 9],
      up: 300,
    },
    {
      name: 'scale up and down stabilization, do not scale up when prenormalized rec goes down',
      recs: [rec(2, 100 * MIN), rec(3, 3 * MIN)],
      current: 2,
      desired: 1,
      expected: 2,
      up: 300,
      down: 300,
    },
    {
      name: 'scale up and down stabilization, do not scale down when prenormalized rec goes up',
      recs: [rec(2, 100 * MIN), rec(1, 3 * MIN)],
      current: 2,
      desired: 3,
      expected: 2,
      up: 300,
      down: 300,
    },
  ];
  it.each(cases)('$name', (c) => {
    const r = stabilizeWithBehavior(c.recs, c.desired, c.current, c.up ?? 0, c.down ?? 0, NOW);
    expect(r.replicas).toBe(c.expected);
    if (c.stored !== undefined) expect(values(r.recommendations)).toEqual(c.stored);
  });

  it('names the direction the stabilisation held back', () => {
    expect(stabilizeWithBehavior([rec(4, MIN)], 7, 1, 300, 0, NOW).reason).toBe('ScaleUpStabilized');
    expect(stabilizeWithBehavior([rec(5, MIN)], 3, 100, 0, 300, NOW).reason).toBe('ScaleDownStabilized');
  });
});
