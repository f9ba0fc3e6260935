import { nabScore, nabWindows, probationaryLength, scaledSigmoid } from './nabScore';

const zeros = (n: number): Float64Array => new Float64Array(n);

describe('NAB scoring rules', () => {
  it('weighs positions with the scaled sigmoid', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 4);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 4);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 4);
    expect(scaledSigmoid(3)).toBe(-1);
  });

  it('centres windows of 10 % of the file over the anomalies and merges overlaps', () => {
    expect(nabWindows(1000, [500])).toEqual([[450, 550]]);
    expect(nabWindows(1000, [300, 700])).toEqual([
      [275, 325],
      [675, 725],
    ]);
    expect(nabWindows(1000, [500, 520])).toEqual([[475, 545]]);
    expect(probationaryLength(1000)).toBe(150);
    expect(probationaryLength(100_000)).toBe(750);
  });

  it('scores the null detector 0 and a detection at the window start 100', () => {
    expect(nabScore([{ scores: zeros(1000), anomalies: [500] }]).score).toBe(0);
    const early = zeros(1000);
    early[450] = 1;
    expect(nabScore([{ scores: early, anomalies: [500] }]).score).toBeCloseTo(100, 6);
  });

  it('counts only the first detection in a window and costs false positives outside', () => {
    const atLabel = zeros(1000);
    atLabel[500] = 1;
    atLabel[520] = 1;
    const one = nabScore([{ scores: atLabel, anomalies: [500] }]);
    // Half-way into the window: σ(−0.5)/σ(−1) of a point, out of two (null −1 to perfect +1).
    const tp = scaledSigmoid(-51 / 101) / scaledSigmoid(-1);
    expect(one.score).toBeCloseTo((100 * (tp + 1)) / 2, 6);
    const withFalse = zeros(1000);
    withFalse.set(atLabel);
    withFalse[300] = 1; // before any window: the full A_FP
    expect(nabScore([{ scores: withFalse, anomalies: [500] }]).raw).toBeCloseTo(tp - 0.11, 6);
    const inProbation = zeros(1000);
    inProbation.set(atLabel);
    inProbation[100] = 1;
    expect(nabScore([{ scores: inProbation, anomalies: [500] }]).raw).toBeCloseTo(tp, 6);
  });

  it('picks the one threshold that is best over the whole corpus', () => {
    const a = zeros(1000);
    a[480] = 0.9;
    a[300] = 0.6;
    const b = zeros(1000);
    b[490] = 0.7;
    const result = nabScore([
      { scores: a, anomalies: [500] },
      { scores: b, anomalies: [500] },
    ]);
    // 0.7 catches both windows; lowering it to 0.6 would add a false positive.
    expect(result.threshold).toBe(0.7);
    expect(result.windows).toBe(2);
  });
});
