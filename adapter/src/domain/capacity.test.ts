import { learnCapacity } from './capacity';

// Per-replica demand 1…100 with the SLO held, plus breached samples at 150 per replica.
function history(breachedSamples: number) {
  const n = 100 + breachedSamples;
  const demand = new Float64Array(n);
  const replicas = new Float64Array(n).fill(4);
  const latency = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const perReplica = i < 100 ? i + 1 : 150;
    demand[i] = perReplica * 4;
    latency[i] = perReplica <= 100 ? 0.1 : 0.5;
  }
  return { demand, replicas, latency: { values: latency, target: 0.25 } };
}

describe('learnCapacity', () => {
  it('takes a high percentile of demand per replica where the SLO held', () => {
    const estimate = learnCapacity(history(20), { percentile: 0.9, minSamples: 50 });
    if (!estimate.ok) throw new Error(estimate.reason);
    // Type-7 p90 of 1…100 is 1 + 0.9 · 99.
    expect(estimate.capacityPerReplica).toBeCloseTo(1 + 0.9 * 99, 9);
    expect(estimate.samples).toBe(100);
    expect(estimate.breached).toBe(20);
  });

  it('leaves out samples with an unknown SLO, no demand or no replicas', () => {
    const h = history(0);
    h.latency.values[99] = Number.NaN;
    h.demand[0] = 0;
    h.replicas[1] = 0;
    const estimate = learnCapacity(h, { percentile: 1, minSamples: 10 });
    if (!estimate.ok) throw new Error(estimate.reason);
    expect(estimate.samples).toBe(97);
    expect(estimate.capacityPerReplica).toBe(99);
  });

  it('needs both SLO series to hold when both are given', () => {
    const h = history(0);
    const errors = new Float64Array(100).fill(0.001);
    for (let i = 50; i < 100; i++) errors[i] = 0.2;
    const estimate = learnCapacity(
      { ...h, errorRatio: { values: errors, target: 0.01 } },
      { percentile: 1, minSamples: 10 },
    );
    if (!estimate.ok) throw new Error(estimate.reason);
    expect(estimate.capacityPerReplica).toBe(50);
    expect(estimate.breached).toBe(50);
  });

  it('refuses with too few samples or no SLO series', () => {
    const short = learnCapacity(history(0), { minSamples: 101 });
    expect(short).toEqual({ ok: false, samples: 100, reason: expect.stringMatching(/only 100 samples/) });
    const { demand, replicas } = history(0);
    expect(learnCapacity({ demand, replicas })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no latency/),
    });
  });
});
