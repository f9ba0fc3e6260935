import {
  groupedThresholdScore,
  nabScore,
  nabScoreAt,
  nabWindows,
  probationaryLength,
  scaledSigmoid,
  windowsAt,
} from './nabScore';

const zeros = (n: number): Float64Array => new Float64Array(n);
const withDetections = (n: number, at: Record<number, number>): Float64Array => {
  const scores = zeros(n);
  for (const [i, s] of Object.entries(at)) scores[Number(i)] = s;
  return scores;
};
/** 1000 rows (probation 150), one window of 101 rows centred on row 500. */
const WINDOW = [[450, 550]] as const;

describe('NAB scoring rules (numenta/NAB v1.1 sweeper)', () => {
  it('weighs positions with the scaled sigmoid', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 4);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 4);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 4);
    expect(scaledSigmoid(2.999)).toBeGreaterThan(-1);
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

  it('finds labelled windows by the times of their limits', () => {
    expect(windowsAt([0, 10, 20, 30, 40], [[10, 30]])).toEqual([[1, 3]]);
    expect(() => windowsAt([0, 10], [[5, 10]])).toThrow('no row at the window limit');
  });

  it('scores the null detector 0 and a detection at the first row of the window 100', () => {
    expect(nabScore([{ scores: zeros(1000), windows: WINDOW }])).toMatchObject({
      score: 0,
      raw: -1,
      nullRaw: -1,
      perfectRaw: 1,
      threshold: 1.1,
    });
    const early = nabScore([{ scores: withDetections(1000, { 450: 1 }), windows: WINDOW }]);
    expect(early).toMatchObject({ score: 100, raw: 1, detected: 1, falsePositives: 0 });
  });

  it('weighs a later detection by its distance from the window end; only the earliest counts', () => {
    // Row 500: σ(−(550 − 500 + 1)/101)/σ(−1) = σ(−0.50495)/0.98661 = 0.85171/0.98661 = 0.86327.
    const late = nabScore([{ scores: withDetections(1000, { 500: 1, 520: 1 }), windows: WINDOW }]);
    expect(late.raw).toBeCloseTo(0.86327, 4);
    expect(late.score).toBeCloseTo((100 * (0.86327 + 1)) / 2, 2);
    // The last row of the window: σ(−1/101)/σ(−1) = 0.02475/0.98661 = 0.02509.
    expect(nabScore([{ scores: withDetections(1000, { 550: 1 }), windows: WINDOW }]).raw).toBeCloseTo(
      0.02509,
      4,
    );
  });

  it('costs false positives by their distance past the previous window, A_FP before any, nothing in probation', () => {
    // Row 600 is (600 − 550)/(101 − 1) = 0.5 past the window: 0.11·σ(0.5) = −0.11·0.84828 = −0.09331.
    const after = nabScoreAt([{ scores: withDetections(1000, { 450: 1, 600: 1 }), windows: WINDOW }], 1);
    expect(after.raw).toBeCloseTo(1 - 0.09331, 4);
    expect(after.falsePositives).toBe(1);
    // Three window widths past it and beyond: the full −A_FP.
    const far = nabScoreAt([{ scores: withDetections(1000, { 450: 1, 900: 1 }), windows: WINDOW }], 1);
    expect(far.raw).toBeCloseTo(1 - 0.11, 6);
    const before = nabScoreAt([{ scores: withDetections(1000, { 450: 1, 300: 1 }), windows: WINDOW }], 1);
    expect(before.raw).toBeCloseTo(1 - 0.11, 6);
    const inProbation = nabScoreAt(
      [{ scores: withDetections(1000, { 450: 1, 100: 1 }), windows: WINDOW }],
      1,
    );
    expect(inProbation).toMatchObject({ raw: 1, falsePositives: 0 });
  });

  it('picks the one threshold that is best over the whole corpus, the highest among ties', () => {
    const a = withDetections(1000, { 480: 0.9, 300: 0.6 });
    const b = withDetections(1000, { 490: 0.7 });
    const corpus = [
      { scores: a, windows: WINDOW },
      { scores: b, windows: WINDOW },
    ];
    // 0.7 catches both windows; lowering it to 0.6 would add a false positive.
    const best = nabScore(corpus);
    expect(best).toMatchObject({ threshold: 0.7, windows: 2, detected: 2, falsePositives: 0 });
    expect(best.raw).toBeCloseTo(nabScoreAt(corpus, 0.65).raw, 12);
    expect(nabScoreAt(corpus, 0.8)).toMatchObject({ detected: 1, threshold: 0.8 });
    // Both 0.5 and 0.4 detect the same rows: the higher threshold is reported.
    const tie = nabScore([{ scores: withDetections(1000, { 460: 0.5 }), windows: WINDOW }]);
    expect(tie.threshold).toBe(0.5);
  });

  it('drops the probationary rows of a window but still counts it in the perfect score', () => {
    // 100 rows, probation 15, window rows 10–20 (11 wide): the first scorable row, 15, weighs
    // σ(−(20 − 15 + 1)/11)/σ(−1) = σ(−0.54545)/0.98661 = 0.87723/0.98661 = 0.88914.
    const result = nabScore([{ scores: withDetections(100, { 15: 1 }), windows: [[10, 20]] }]);
    expect(result.raw).toBeCloseTo(0.88914, 4);
    expect(result).toMatchObject({ nullRaw: -1, perfectRaw: 1 });
    // A window wholly inside probation is not scorable (the null raw ignores it) but is labelled.
    const hidden = nabScore([{ scores: zeros(100), windows: [[2, 5]] }]);
    expect(hidden).toMatchObject({ perfectRaw: 1, score: 0 });
    expect(hidden.nullRaw).toBeCloseTo(0, 12);
  });

  it('takes the null detector at its best: detecting every row when windows cover the file', () => {
    // 20 rows, probation 3, one window over rows 3–19: a constant score detects it at its first row.
    const result = nabScore([{ scores: zeros(20), windows: [[3, 19]] }]);
    expect(result).toMatchObject({ nullRaw: 1, perfectRaw: 1, score: 0 });
  });

  it('scores groups at one shared threshold against each group at its own', () => {
    // Group A finds its window at 0.9 and has 20 false-positive rows at 0.5 before it; group B finds its
    // window at 0.4 only. Shared: 0.9 (A perfect, B missed: raw 0; at 0.4, A's false positives cost 2.2).
    const spiky = withDetections(1000, { 450: 0.9 });
    for (let i = 200; i < 220; i++) spiky[i] = 0.5;
    const a = [{ scores: spiky, windows: WINDOW }];
    const b = [{ scores: withDetections(1000, { 450: 0.4 }), windows: WINDOW }];
    const result = groupedThresholdScore([a, b]);
    expect(result.shared).toMatchObject({ threshold: 0.9, raw: 0, nullRaw: -2, perfectRaw: 2, score: 50 });
    expect(result.own).toBeCloseTo(100, 10);
    expect(result.groups.map((g) => g.own.threshold)).toEqual([0.9, 0.4]);
    expect(result.groups[1]!.atShared).toMatchObject({ detected: 0, raw: -1 });
  });
});
