import { isReachable } from './toleranceBand';

describe('isReachable', () => {
  it('leaves out the counts inside the band at the default tolerance', () => {
    // 11 → 12 is a ratio of 1.09, inside 0.1: the HPA holds; 13 (1.18) is the nearest it reaches.
    expect(isReachable(12, 11, 0.1)).toBe(false);
    expect(isReachable(13, 11, 0.1)).toBe(true);
    expect(isReachable(10, 11, 0.1)).toBe(false);
    expect(isReachable(9, 11, 0.1)).toBe(true);
    // 10 → 11 is exactly 1.1, which the HPA still treats as inside its tolerance.
    expect(isReachable(11, 10, 0.1)).toBe(false);
    expect(isReachable(12, 10, 0.1)).toBe(true);
  });

  it('always reaches the current count', () => {
    expect(isReachable(11, 11, 0.1)).toBe(true);
    expect(isReachable(1, 1, 0.5)).toBe(true);
  });
});
