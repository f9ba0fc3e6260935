import { seededRandom as random } from '../../../test/support/syntheticSeries';
import { summarizeAccuracy } from './accuracy';
import { Float32Window } from './float32Window';
import { ScoredOutcomes } from './scoredOutcomes';

describe('ScoredOutcomes', () => {
  it('summarises as the five float32 series it replaces did, through the ring wrapping many times', () => {
    const limit = 50;
    const scored = new ScoredOutcomes(limit);
    const five = new Float32Window(limit, [], 5);
    const next = random(7);
    for (let i = 0; i < 1_000; i++) {
      const actual = 100 * next();
      const point = actual + 20 * (next() - 0.5);
      // Bounds on either side of the actual, some of them within float32 rounding of it.
      const lower = next() < 0.2 ? actual * (1 + 1e-9) : point - 10 * next();
      const upper = next() < 0.2 ? actual * (1 - 1e-9) : point + 10 * next();
      const naive = i % 13 === 0 ? Number.NaN : actual + 30 * (next() - 0.5);
      scored.push(actual, point, naive, lower, upper);
      five.push(actual, point, naive, lower, upper);
      const [lo, up] = [five.view(3), five.view(4)];
      const expected = summarizeAccuracy(
        {
          actual: five.view(0),
          forecast: five.view(1),
          seasonalNaive: five.view(2),
          covered: (k) => five.view(0)[k]! >= lo[k]! && five.view(0)[k]! <= up[k]!,
        },
        3,
      );
      expect(scored.summary(3)).toEqual(expected);
    }
    expect(scored).toHaveLength(limit);
  });

  it('compares the actual with its bounds as float32, as the bounds were held', () => {
    const scored = new ScoredOutcomes(4);
    // Above the upper bound as doubles, on it as float32.
    scored.push(1 + 1e-12, 1, 1, 0, 1);
    scored.push(5, 5, 5, 6, 7);
    expect(scored.covered(0)).toBe(true);
    expect(scored.covered(1)).toBe(false);
    expect(scored.summary(1).coverage).toBe(0.5);
  });

  it('keeps the newest outcomes and drops their bits with them', () => {
    const scored = new ScoredOutcomes(10);
    for (let i = 0; i < 25; i++) scored.push(i, i, i, i % 3 === 0 ? 0 : 100, 1_000);
    // Kept: 15 to 24; inside when i % 3 === 0 (lower 0), else the lower bound 100 is above the actual.
    expect(Array.from({ length: 10 }, (_, k) => scored.covered(k))).toEqual(
      Array.from({ length: 10 }, (_, k) => (15 + k) % 3 === 0),
    );
    expect(scored.summary(1).count).toBe(10);
  });

  it('holds three float32 series and a bit per outcome', () => {
    const scored = new ScoredOutcomes(288);
    for (let i = 0; i < 1_000; i++) scored.push(i, i, i, i, i);
    const window = (scored as unknown as { values: Float32Window }).values;
    expect(window.view(0).buffer.byteLength).toBeLessThanOrEqual(3 * 4 * (288 + 16));
    // The bits in ten small integers of 30 bits, not a typed array and its buffer.
    expect((scored as unknown as { inside: number[] }).inside).toHaveLength(10);
    expect((scored as unknown as { inside: number[] }).inside.every((w) => w >= 0 && w < 2 ** 30)).toBe(true);
  });
});
