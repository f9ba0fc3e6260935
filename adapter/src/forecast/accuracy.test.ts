import { seasonalScale, summarizeAccuracy } from './accuracy';

describe('seasonalScale', () => {
  it('is the mean absolute seasonal difference, skipping gaps', () => {
    expect(seasonalScale([1, 2, 4, 8], 1)).toBeCloseTo((1 + 2 + 4) / 3, 12);
    expect(seasonalScale([1, 5, 2, 7, NaN, 9], 2)).toBeCloseTo((1 + 2 + 2) / 3, 12);
  });
});

describe('summarizeAccuracy', () => {
  it('computes MASE, sMAPE, coverage, bias and the error relative to seasonal naive', () => {
    const summary = summarizeAccuracy(
      {
        actual: [100, 200, 300, 400],
        forecast: [110, 190, 300, 360],
        seasonalNaive: [90, 220, 330, 420],
        covered: (i) => [true, true, true, false][i]!,
      },
      20,
    );
    expect(summary.count).toBe(4);
    expect(summary.mase).toBeCloseTo((10 + 10 + 0 + 40) / 4 / 20, 12);
    expect(summary.smape).toBeCloseTo((200 * (10 / 210 + 10 / 390 + 0 + 40 / 760)) / 4, 9);
    expect(summary.coverage).toBeCloseTo(3 / 4, 12);
    expect(summary.bias).toBeCloseTo((10 - 10 + 0 - 40) / 1000, 12);
    expect(summary.relativeMae).toBeCloseTo(60 / (10 + 20 + 30 + 20), 12);
  });

  it('skips outcomes without an actual or a forecast', () => {
    const summary = summarizeAccuracy(
      { actual: [NaN, 10], forecast: [5, 12], seasonalNaive: [5, 9], covered: (i) => i === 1 },
      1,
    );
    expect(summary.count).toBe(1);
    expect(summary.mase).toBe(2);
    expect(summary.coverage).toBe(1);
  });

  it('returns NaN measures without outcomes', () => {
    const summary = summarizeAccuracy(
      { actual: [], forecast: [], seasonalNaive: [], covered: () => false },
      1,
    );
    expect(summary.count).toBe(0);
    expect(summary.mase).toBeNaN();
  });
});
