import { chooseReplicas, exceedanceFromQuantiles } from './missObjective';

describe('chooseReplicas', () => {
  const choice = {
    lowest: 10,
    highest: 20,
    current: undefined,
    tolerance: undefined,
    replicaCost: 1,
    missCost: 100,
  };

  it('takes the count with the least c·n + v·P(miss), not the τ*-quantile', () => {
    // Need is 10 replicas, or 20 with probability 0.05: covering the burst costs 10 more replicas for 5
    // SLO-miss cost an hour, so 10 is cheaper (15 against 20), where the newsvendor's Q(0.99) is 20.
    const exceeds = (k: number): number => (k < 10 ? 1 : k < 20 ? 0.05 : 0);
    expect(chooseReplicas({ ...choice, exceeds })).toBe(10);
    // At v = 300 the burst is worth covering: 10 + 15 against 20.
    expect(chooseReplicas({ ...choice, missCost: 300, exceeds })).toBe(20);
  });

  it('holds the current count below demand when scaling up costs more than the misses it saves', () => {
    // 2 replicas now, demand needs 12: a miss for sure at 2 (cost 2 + 5) against 12 replicas (12).
    const exceeds = (k: number): number => (k < 12 ? 1 : 0);
    expect(chooseReplicas({ ...choice, lowest: 2, highest: 12, current: 2, missCost: 5, exceeds })).toBe(2);
    expect(chooseReplicas({ ...choice, lowest: 2, highest: 12, current: 2, missCost: 50, exceeds })).toBe(12);
  });

  it('weighs only the counts the HPA can reach from the current one', () => {
    // From 11 at tolerance 0.1, 12 is never reached: 13 (the nearest above the band) or staying at 11.
    const exceeds = (k: number): number => (k < 12 ? 0.5 : 0);
    const band = { ...choice, lowest: 11, highest: 12, current: 11, tolerance: 0.1, exceeds };
    expect(chooseReplicas(band)).toBe(13);
    // At v = 3 staying (11 + 1.5) costs less than 13.
    expect(chooseReplicas({ ...band, missCost: 3 })).toBe(11);
    // Without the band 12 is the cheapest (12 against 11 + 1.5).
    expect(chooseReplicas({ ...band, missCost: 3, tolerance: 0 })).toBe(12);
  });

  it('stays at a current count above the highest when the band leaves only that', () => {
    // From 20, counts 19 and 18 are inside the band (tolerance 0.1): staying costs less than a miss.
    const exceeds = (k: number): number => (k < 18 ? 1 : 0);
    expect(chooseReplicas({ ...choice, lowest: 18, highest: 19, current: 20, tolerance: 0.1, exceeds })).toBe(
      20,
    );
  });

  it("charges a count above the current one its new replicas' start, and not a count at or below it", () => {
    // Need is 10 replicas, or 20 with probability 0.12: covering the spike costs 20 against 10 + 12.
    const exceeds = (k: number): number => (k < 10 ? 1 : k < 20 ? 0.12 : 0);
    const spike = { ...choice, current: 10, exceeds };
    expect(chooseReplicas(spike)).toBe(20);
    // Starting the 10 replicas it needs adds 0.5 an hour each: 25 against 22, so it holds at 10.
    expect(chooseReplicas({ ...spike, startupFee: 0.5 })).toBe(10);
    // From 20 their start is paid: keeping them costs 20 against 22 below.
    expect(chooseReplicas({ ...spike, current: 20, startupFee: 0.5 })).toBe(20);
    // Without a current count nothing is started from anywhere: no fee.
    expect(chooseReplicas({ ...spike, current: undefined, startupFee: 0.5 })).toBe(20);
  });

  it('prices the counts above the current one by the demand once ready, where given', () => {
    // 2 replicas, demand needs 12 now and 5 once a replica started now is ready: 5 replicas cost 5 an
    // hour against 2 + 5 missing; priced by the peak over the horizon, 5 miss as surely as 2.
    const exceeds = (k: number): number => (k < 12 ? 1 : 0);
    const exceedsOnceReady = (k: number): number => (k < 5 ? 1 : 0);
    const fall = { ...choice, lowest: 2, highest: 12, current: 2, missCost: 5, exceeds };
    expect(chooseReplicas(fall)).toBe(2);
    expect(chooseReplicas({ ...fall, exceedsOnceReady })).toBe(5);
    // From 6, a count at or below it serves now: 5 is priced by the peak over the horizon (5 + 20), so 7.
    expect(chooseReplicas({ ...fall, lowest: 4, current: 6, missCost: 20, exceedsOnceReady })).toBe(7);
  });

  it('weighs only the ends and the current count of a range wider than MAX_COUNTS_WEIGHED', () => {
    let calls = 0;
    const exceeds = (k: number): number => {
      calls++;
      return k < 50_000 ? 1 : 0;
    };
    const wide = { ...choice, lowest: 1, highest: 100_000, current: 7, missCost: 1e9, exceeds };
    expect(chooseReplicas(wide)).toBe(100_000);
    expect(calls).toBe(3);
    expect(chooseReplicas({ ...wide, missCost: 1 })).toBe(1);
  });
});

describe('exceedanceFromQuantiles', () => {
  // Peak uniform on [100, 200].
  const exceeds = exceedanceFromQuantiles((tau) => 100 + 100 * tau, 100);

  it('reads P(peak > x) off the quantile function', () => {
    expect(exceeds(150)).toBeCloseTo(0.5, 2);
    expect(exceeds(190)).toBeCloseTo(0.1, 2);
    expect(exceeds(199.9)).toBeCloseTo(0.001, 3);
  });

  it('is certain below demand and the loosest level, and 0 above the strictest', () => {
    expect(exceeds(99)).toBe(1);
    expect(exceedanceFromQuantiles((tau) => 100 + 100 * tau, 120)(110)).toBe(1);
    expect(exceeds(200)).toBe(0);
  });

  it('reads the quantile function at its 41 levels once, in order, and holds no typed array', () => {
    const read: number[] = [];
    exceedanceFromQuantiles((tau) => {
      read.push(tau);
      return 100 + 100 * tau;
    }, 100);
    expect(read).toHaveLength(41);
    expect(read[0]).toBeCloseTo(0.01, 12);
    expect(read.every((tau, i) => i === 0 || tau > read[i - 1]!)).toBe(true);
    // A Float64Array of the 41 quantiles was 328 bytes malloc'd outside V8's heap a decision: 1,000 held
    // functions held 328,000 bytes of typed arrays' contents.
    const before = process.memoryUsage().arrayBuffers;
    const held = Array.from({ length: 1000 }, (_, i) => exceedanceFromQuantiles((tau) => i + tau, 0));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(100_000);
    expect(held[999]!(999.5)).toBeCloseTo(0.5, 2);
  });
});
