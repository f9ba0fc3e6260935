import { countFinite, fillGaps } from './series';

describe('fillGaps', () => {
  it('interpolates a gap linearly between its neighbours when no season is given', () => {
    expect(Array.from(fillGaps([1, NaN, NaN, 4]))).toEqual([1, 2, 3, 4]);
  });

  it('holds the ends flat', () => {
    expect(Array.from(fillGaps([NaN, 2, 3, NaN]))).toEqual([2, 2, 3, 3]);
  });

  it('repeats the season before a gap, moved towards the level after it', () => {
    // Pattern 0,10,0,10 with period 2, shifted up by 100 after the gap.
    const values = [0, 10, 0, 10, NaN, NaN, 100, 110];
    const filled = fillGaps(values, 2);
    // After the gap the level is 100 above the same phase before it; the fill moves there linearly.
    expect(filled[4]).toBeCloseTo(0 + 0 + (1 / 3) * 100, 9);
    expect(filled[5]).toBeCloseTo(10 + 0 + (2 / 3) * 100, 9);
    expect(Array.from(filled.subarray(6))).toEqual([100, 110]);
  });

  it('keeps the seasonal shape across a gap longer than a season', () => {
    const pattern = [1, 5, 9, 5];
    const values = Array.from({ length: 20 }, (_, t) => pattern[t % 4]!);
    const gappy = values.map((v, t) => (t >= 9 && t < 15 ? NaN : v));
    expect(Array.from(fillGaps(gappy, 4))).toEqual(values);
  });

  it('treats infinities as gaps and keeps a series with no known value at zero', () => {
    expect(Array.from(fillGaps([1, Infinity, 3]))).toEqual([1, 2, 3]);
    expect(Array.from(fillGaps([NaN, NaN]))).toEqual([0, 0]);
  });
});

describe('countFinite', () => {
  it('counts the known points', () => {
    expect(countFinite([1, NaN, Infinity, 0, -2])).toBe(3);
  });
});
